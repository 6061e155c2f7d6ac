"""Drafted → reviewed → approved → sent: the chain complaints' final notices (R8.07) and
appeal rulings (R8.09) share. The drafter does not review; the approver is neither (X3).
"""

from __future__ import annotations

from dataclasses import asdict

from django.db import transaction
from django.utils.translation import gettext

from caseflow.actions.case_state import case_begin, case_move
from caseflow.actions.notice_delivery import EmailOutcome, notice_email_queue
from caseflow.actions.notices import SendingProof, notice_issue, notice_recipients, notice_send
from caseflow.actions.notifications import notification_queue, notify_owner
from caseflow.errors import InvalidInput
from caseflow.models import Case, CaseKind, Notice, NoticeSending, Role, Staff
from caseflow.policies.transitions import S

REVIEWED = {CaseKind.COMPLAINT: S.REVIEWED, CaseKind.APPEAL: S.RULING_REVIEWED}
APPROVED = {CaseKind.COMPLAINT: S.APPROVED, CaseKind.APPEAL: S.RULING_APPROVED}
REWORK = {CaseKind.COMPLAINT: S.INVESTIGATING, CaseKind.APPEAL: S.IN_HANDLING}
NOTICE_KIND = {CaseKind.COMPLAINT: Notice.Kind.COMPLAINT_RESULT,
               CaseKind.APPEAL: Notice.Kind.APPEAL_RULING}
SEND_STEP = {CaseKind.COMPLAINT: "send_final_notice", CaseKind.APPEAL: "send_ruling"}


@transaction.atomic
def case_review(*, case: Case, acting_user: Staff, note: str = "") -> Case:
    """The department head reviews the proposal or ruling (R8.07, R8.09)."""
    case, _ = case_begin(case, "review", acting_user)
    case.reviewed_by = acting_user
    case_move(case, to_state=REVIEWED[case.kind], action="reviewed", actor=acting_user,
              reason=note)
    notification_queue(case, "approval_needed", role=Role.QUALITY_MANAGER)
    return case


@transaction.atomic
def case_return_for_rework(*, case: Case, acting_user: Staff, reason: str) -> Case:
    case, _ = case_begin(case, "return_for_rework", acting_user)
    if not reason.strip():
        raise InvalidInput(gettext("Say what needs rework."), field="reason")
    case.reviewed_by = None
    case_move(case, to_state=REWORK[case.kind], action="returned_for_rework",
              actor=acting_user, reason=reason)
    notify_owner(case, "returned_for_rework", fallback_roles=(Role.DEPARTMENT_HEAD,))
    return case


@transaction.atomic
def case_approve(*, case: Case, acting_user: Staff) -> Case:
    """The quality manager approves; the notice generated now is the one that is sent."""
    case, _ = case_begin(case, "approve", acting_user)
    case_move(case, to_state=APPROVED[case.kind], action="approved", actor=acting_user)
    notice_issue(case=case, kind=NOTICE_KIND[case.kind], text=case.outcome,
                 approved_by=acting_user)
    if not case.anonymous:
        notification_queue(case, "notice_to_send", role=Role.CLIENT_OFFICE)
    return case


@transaction.atomic
def case_send_decision(
    *, case: Case, acting_user: Staff, channel: str, email_message_id: str = "",
    registered_mail_number: str = "", received_on=None, client: SendingProof | None = None,
) -> Case:
    """The client & information office sends the approved notice in writing to every
    party concerned and records one sending each with its proof (R8.09): the submitter
    (`channel` and the proof beside it) and, where the case concerns an engagement whose
    client (项目委托方) did not file it, that client (`client`). Email without a
    Message-ID means the system emails the approved PDF itself; its sending is recorded
    when the mail server accepts it. A complaint closes, an appeal ruling becomes binding."""
    case, _ = case_begin(case, SEND_STEP[case.kind], acting_user)
    concerned = {r.key for r in notice_recipients(case)}
    if NoticeSending.Recipient.CLIENT in concerned and client is None:
        raise InvalidInput(gettext("This case concerns a client (项目委托方): record the "
                                   "sending of the notice to the client too."),
                           rule="R8.09", field="client")
    if NoticeSending.Recipient.CLIENT not in concerned and client is not None:
        raise InvalidInput(gettext("This case concerns no client besides the submitter."),
                           rule="R8.09", field="client")
    notice = case.notices.filter(kind=NOTICE_KIND[case.kind]).latest("approved_at", "id")
    to_submitter = SendingProof(channel=channel, email_message_id=email_message_id,
                                registered_mail_number=registered_mail_number,
                                received_on=received_on)
    sendings, emails = [], []
    for recipient, proof in ((NoticeSending.Recipient.SUBMITTER, to_submitter),
                             (NoticeSending.Recipient.CLIENT, client)):
        if proof is None:
            continue
        try:
            if system_emails(proof):
                emails.append(notice_email_to(notice, recipient, acting_user))
            else:
                sendings.append(notice_send(notice=notice, acting_user=acting_user,
                                            recipient=recipient, **asdict(proof)))
        except InvalidInput as error:
            if recipient == NoticeSending.Recipient.CLIENT:  # name the client's field
                error.field = f"client.{error.field}" if error.field else "client"
            raise
    if channel == NoticeSending.Channel.EMAIL and not system_emails(to_submitter):
        notification_queue(case, "decision_notice", party=case.submitter)
    to_state = S.CLOSED if case.kind == CaseKind.COMPLAINT else S.RULED
    # An appeal ruling becomes binding; the X5 window for the committee starts now (from
    # the day an emailed ruling arrives, once it has: notice_email_sent).
    return case_move(case, to_state=to_state, action="decision_sent", actor=acting_user,
                     payload={"notice": notice.pk, "sendings": [s.pk for s in sendings],
                              "emails": emails})


def system_emails(proof: SendingProof) -> bool:
    """Email without a Message-ID as proof: the system sends it itself."""
    return proof.channel == NoticeSending.Channel.EMAIL and not proof.email_message_id


def notice_email_to(notice: Notice, recipient: str, acting_user: Staff) -> int | None:
    """Have the system email `notice` to one party concerned; the id of its outbox row
    (None when one was already pending or sent). Refused when the party has no address
    on file: the office chose email for it, and the step means it was sent (R8.09)."""
    [queued] = notice_email_queue(notice=notice, acting_user=acting_user,
                                  recipients=[recipient])
    if queued.outcome == EmailOutcome.NO_ADDRESS:
        raise InvalidInput(gettext("No email address is on file for this party: send the "
                                   "notice by registered mail or hand it over."),
                           rule="R8.09", field="channel")
    return queued.notification.pk if queued.notification else None
