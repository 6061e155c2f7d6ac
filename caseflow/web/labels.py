"""How the staff pages name states, workflow steps and trail entries, in the manual's
terms (zh-hans first). Presentation only: what is allowed comes from the workflow tables."""

from django.utils.translation import gettext_lazy as _

from caseflow.policies.transitions import S

STATES = {
    S.RECEIVED: _("Received"),
    S.ACCEPTED: _("Accepted"),
    S.REJECTED: _("Not accepted"),
    S.INVESTIGATING: _("Under investigation"),
    S.PROPOSED: _("Handling opinion proposed"),
    S.REVIEWED: _("Reviewed by the department head"),
    S.APPROVED: _("Approved by the quality manager"),
    S.IN_HANDLING: _("Being handled"),
    S.RULING_DRAFTED: _("Ruling drafted"),
    S.RULING_REVIEWED: _("Ruling reviewed"),
    S.RULING_APPROVED: _("Ruling approved"),
    S.RULED: _("Ruling notified"),
    S.ANSWERED: _("Answered"),
    S.WITH_DEPARTMENT_HEAD: _("With the department head"),
    S.WITH_QUALITY_MANAGER: _("With the quality manager"),
    S.PENDING_GM_APPROVAL: _("Awaiting the general manager's approval"),
    S.COMMITTEE: _("With the impartiality committee"),
    S.CLOSED: _("Closed"),
    S.WITHDRAWN: _("Withdrawn"),
    S.MERGED: _("Merged"),
    S.OPEN: _("Open: awaiting cause analysis"),
    S.ANALYSED: _("Causes analysed"),
    S.PLAN_APPROVED: _("Plan signed off"),
    S.IMPLEMENTING: _("Corrective action under way"),
    S.REPORTED: _("Implementation reported"),
    S.VERIFIED: _("Effectiveness verified"),
}

STEPS = {
    "assign": _("Assign a handler"),
    "withdraw": _("Record the withdrawal"),
    "merge": _("Merge into another case"),
    "correct_kind": _("Correct the kind of case"),
    "report_internal_problem": _("Report an internal problem (nonconformity)"),
    "refer_no_eligible": _("Refer to the committee: nobody eligible"),
    "set_target": _("Set an internal target"),
    "committee_vote": _("Cast your vote"),
    "accept": _("Accept"),
    "reject": _("Do not accept"),
    "evaluate": _("Evaluate validity"),
    "evaluate_anonymous": _("Evaluate the anonymous complaint"),
    "record_finding": _("Record a finding"),
    "propose": _("Propose the handling opinion"),
    "review": _("Review"),
    "return_for_rework": _("Return for rework"),
    "approve": _("Approve"),
    "send_final_notice": _("Record the final notice as sent"),
    "close_without_reply": _("Close without reply"),
    "organize": _("Organize the handling"),
    "draft_ruling": _("Draft the ruling"),
    "send_ruling": _("Record the ruling as sent"),
    "request_committee": _("Record the request for the committee"),
    "refer_committee": _("Refer to the impartiality committee"),
    "answer": _("Answer"),
    "record_agreement": _("Record the agreement"),
    "refer_department_head": _("Refer to the department head"),
    "refer_quality_manager": _("Refer to the quality manager"),
    "resolve": _("Decide the outcome"),
    "mark_impartiality_related": _("Mark as impartiality-related"),
    "gm_approve": _("Approve (general manager)"),
    "analyse": _("Analyse causes and plan the correction"),
    "sign_off_plan": _("Sign off the plan"),
    "return_plan": _("Return the plan"),
    "assign_task": _("Assign a task"),
    "submit_report": _("Submit the implementation report"),
    "verify": _("Verify effectiveness"),
    "record_overdue": _("Record the report as overdue"),
    "confirm": _("Confirm and close"),
    "write_serious_review": _("Write the serious-nonconformity review"),
    "check_serious_review": _("Check the serious-nonconformity review"),
    "approve_serious_review": _("Approve the serious-nonconformity review"),
}

# What a deadline is for (`Case.due_step`, the targets of X1).
DUE_STEPS = {
    "acceptance": _("acceptance decision (R8.03)"),
    "implementation_report": _("implementation report (R7.06)"),
    "committee_window": _("appellant's window to ask for the committee"),
    "evaluation": _("evaluation"),
    "investigation": _("investigation"),
    "review": _("review"),
    "approval": _("approval"),
    "notice": _("notice"),
    "organize": _("organizing the handling"),
    "ruling": _("ruling"),
    "answer": _("answer"),
    "agreement": _("agreement"),
    "escalation": _("escalation"),
    "gm_approval": _("general manager's approval"),
    "committee": _("committee decision"),
    "analysis": _("cause analysis"),
    "plan_signoff": _("plan sign-off"),
    "task_assignment": _("task assignment"),
    "verification": _("verification"),
    "confirmation": _("confirmation"),
    "inspection": _("inspection"),
}

# Who acted when no staff member did (`CaseEvent.actor_label`).
ACTORS = {
    "submitter": _("submitter"),
    "system": _("the system (a deadline or rule)"),
    "calendar": _("the working-day calendar"),
}

# The trail: what each recorded action says (an unknown one shows its own name).
EVENTS = {
    "received": _("Received"),
    "tracking_code_issued": _("Tracking code issued"),
    "commitment_signed": _("Commitment signed"),
    "assigned": _("Handler assigned"),
    "accepted": _("Accepted"),
    "rejected": _("Not accepted"),
    "withdrawn": _("Withdrawn"),
    "merged": _("Merged into another case"),
    "duplicate_merged_in": _("A duplicate merged in"),
    "kind_corrected": _("Kind of case corrected"),
    "target_set": _("Internal target set"),
    "evaluated_valid": _("Evaluated: the complaint holds"),
    "evaluated_invalid": _("Evaluated: the complaint does not hold"),
    "finding_recorded": _("Finding recorded"),
    "proposed": _("Handling opinion proposed"),
    "reviewed": _("Reviewed"),
    "returned_for_rework": _("Returned for rework"),
    "approved": _("Approved"),
    "decision_sent": _("Decision sent"),
    "closed_without_reply": _("Closed without reply"),
    "organized": _("Handling organized"),
    "ruling_drafted": _("Ruling drafted"),
    "committee_requested": _("Committee review requested"),
    "referred_to_committee": _("Referred to the impartiality committee"),
    "referred_no_eligible": _("Referred to the committee: nobody eligible"),
    "committee_vote_cast": _("A committee member voted"),
    "committee_decided": _("The committee decided"),
    "closed_after_committee_window": _("Closed: the window for the committee ended"),
    "answered": _("Answered"),
    "agreed": _("Agreement recorded"),
    "resolved": _("Outcome decided"),
    "marked_impartiality_related": _("Marked as impartiality-related"),
    "gm_approved": _("Approved by the general manager"),
    "internal_problem_reported": _("Internal problem reported"),
    "nonconformity_opened": _("Nonconformity opened"),
    "analysed": _("Causes analysed"),
    "plan_signed_off": _("Plan signed off"),
    "plan_returned": _("Plan returned"),
    "task_assigned": _("Task assigned"),
    "task_progress": _("Task progress recorded"),
    "report_submitted": _("Implementation report submitted"),
    "report_overdue": _("Implementation report overdue"),
    "verified_effective": _("Verified effective"),
    "verified_not_effective": _("Verified not effective"),
    "effectiveness_confirmed": _("Effectiveness confirmed"),
    "serious_review_written": _("Serious-nonconformity review written"),
    "serious_review_checked": _("Serious-nonconformity review checked"),
    "serious_review_approved": _("Serious-nonconformity review approved"),
    "notice_issued": _("Notice issued"),
    "notice_sent": _("Notice sent"),
    "notice_received": _("Notice receipt recorded"),
    "notice_identity_erased": _("Identity erased from a notice"),
    "identity_revealed": _("Identity revealed"),
    "party_erased": _("Party's identity erased"),
    "file_opened": _("File opened"),
    "submitter_added_information": _("The submitter added information"),
    "archived": _("Archived"),
    "archive_lent": _("Dossier lent"),
    "archive_returned": _("Dossier returned"),
    "retention_extended": _("Retention extended"),
    "disclosure_requested": _("Disclosure requested"),
    "disclosure_client_notified": _("Client notified of a disclosure"),
    "disclosed": _("Disclosed"),
    "recused": _("Recused by the quality manager"),
    "conflict_ruled": _("Declared conflict ruled on"),
    "deadline_recomputed": _("Deadline recomputed"),
    "filing_window_recomputed": _("Filing window recomputed"),
    "filed_late_changed": _("Late filing corrected"),
    "engagement_team_changed": _("Engagement team changed"),
    "task_due_recomputed": _("Task deadline recomputed"),
    "inspection_target_recomputed": _("Inspection target recomputed"),
    "reminder_acknowledged": _("Reminder acknowledged"),
    "reminder_snoozed": _("Reminder snoozed to the next working morning"),
}


def state_label(state: str) -> str:
    return str(STATES.get(state, state))


def step_label(step: str) -> str:
    return str(STEPS.get(step, step))


def event_label(action: str) -> str:
    return str(EVENTS.get(action, action))


def due_step_label(step: str) -> str:
    return str(DUE_STEPS.get(step, step))


def actor_label(label: str) -> str:
    return str(ACTORS.get(label, label))
