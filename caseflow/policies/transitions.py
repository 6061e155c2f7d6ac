"""The allowed moves: one table per workflow (seed section 8).

Read by the actions (`check_transition`) and by whoever lists "what can I do next"
(`available_transitions`). A transition names who may take it (roles; or the case's
handler) and what kind of step it is, which the impartiality guard needs:
organize (assign people: not drafting, X3), draft, review, decide, record.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from caseflow.models import CaseKind, Role


class S:
    """Case states (shared names across workflows)."""

    RECEIVED = "received"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    INVESTIGATING = "investigating"
    PROPOSED = "proposed"
    REVIEWED = "reviewed"
    APPROVED = "approved"
    IN_HANDLING = "in_handling"
    RULING_DRAFTED = "ruling_drafted"
    RULING_REVIEWED = "ruling_reviewed"
    RULING_APPROVED = "ruling_approved"
    RULED = "ruled"
    ANSWERED = "answered"
    WITH_DEPARTMENT_HEAD = "with_department_head"
    WITH_QUALITY_MANAGER = "with_quality_manager"
    PENDING_GM_APPROVAL = "pending_gm_approval"
    COMMITTEE = "committee"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"
    MERGED = "merged"
    # Nonconformity (seed section 7)
    OPEN = "open"  # awaiting cause analysis and plan
    ANALYSED = "analysed"
    PLAN_APPROVED = "plan_approved"
    IMPLEMENTING = "implementing"
    REPORTED = "reported"
    VERIFIED = "verified"


FINAL_STATES = frozenset({S.REJECTED, S.CLOSED, S.WITHDRAWN, S.MERGED})

ORGANIZE, DRAFT, REVIEW, DECIDE, RECORD = "organize", "draft", "review", "decide", "record"
DH, QM, GM = Role.DEPARTMENT_HEAD, Role.QUALITY_MANAGER, Role.GENERAL_MANAGER
CIO, MEMBER = Role.CLIENT_OFFICE, Role.COMMITTEE_MEMBER


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[str]
    roles: frozenset[str]
    step: str
    rule: str
    handler_may: bool = False  # the case's assigned handler may take it too
    responsible_may: bool = False  # a nonconformity's responsible post may take it (R7.01)
    named_only: bool = False  # not for anonymous complaints (no notice goes anywhere, X4)
    anonymous_only: bool = False
    advances: bool = False  # the workflow's next main step from its sources (X2)
    roles_in: dict[str, frozenset[str]] = field(default_factory=dict)  # per-source override

    def roles_for(self, state: str) -> frozenset[str]:
        return self.roles_in.get(state, self.roles)


def t(name, sources, roles, step, rule, **kw) -> tuple[str, Transition]:
    return name, Transition(name, frozenset(sources), frozenset(roles), step, rule, **kw)


_OPEN_COMPLAINT = {S.RECEIVED, S.ACCEPTED, S.INVESTIGATING, S.PROPOSED, S.REVIEWED, S.APPROVED}
_OPEN_APPEAL = {S.RECEIVED, S.ACCEPTED, S.IN_HANDLING, S.RULING_DRAFTED, S.RULING_REVIEWED,
                S.RULING_APPROVED, S.RULED}
_OPEN_DISPUTE = {S.RECEIVED, S.ACCEPTED, S.ANSWERED, S.WITH_DEPARTMENT_HEAD,
                 S.WITH_QUALITY_MANAGER, S.PENDING_GM_APPROVAL}


def _common(open_states: set[str]) -> dict[str, Transition]:
    """Moves every case kind has: intake bookkeeping and the X2 fallback."""
    with_committee = open_states | {S.COMMITTEE}
    return dict([
        t("assign", with_committee, {DH, CIO}, ORGANIZE, "R8.09"),
        t("withdraw", open_states, {DH, CIO}, RECORD, "R8.03"),
        t("merge", open_states, {DH, CIO}, RECORD, "R8.03"),
        t("correct_kind", {S.RECEIVED}, {DH, CIO}, RECORD, "R8.01"),
        t("report_internal_problem", with_committee | {S.CLOSED}, {DH}, RECORD, "R8.16",
          handler_may=True),
        t("refer_no_eligible", open_states, {DH, CIO, QM}, RECORD, "X2"),
        t("set_target", with_committee, {DH}, ORGANIZE, "X1"),
        t("committee_vote", {S.COMMITTEE}, {MEMBER}, DECIDE, "X10"),
    ])


COMPLAINT: dict[str, Transition] = _common(_OPEN_COMPLAINT) | dict([
    t("accept", {S.RECEIVED}, {DH}, DECIDE, "R8.03", named_only=True, advances=True),
    t("reject", {S.RECEIVED}, {DH}, DECIDE, "R8.03", named_only=True),
    # Named: validity after acceptance (R8.04). Anonymous: evaluated first (R8.06, X4).
    t("evaluate", {S.ACCEPTED}, {DH}, DECIDE, "R8.04", handler_may=True, named_only=True,
      advances=True),
    t("evaluate_anonymous", {S.RECEIVED}, {DH}, DECIDE, "R8.06", handler_may=True,
      anonymous_only=True, advances=True),
    t("record_finding", {S.INVESTIGATING}, {DH}, RECORD, "R8.05", handler_may=True),
    t("propose", {S.INVESTIGATING}, set(), DRAFT, "R8.05", handler_may=True, advances=True),
    t("review", {S.PROPOSED}, {DH}, REVIEW, "R8.07", advances=True),
    t("return_for_rework", {S.PROPOSED, S.REVIEWED}, {DH}, REVIEW, "R8.07",
      roles_in={S.REVIEWED: frozenset({QM})}),
    t("approve", {S.REVIEWED}, {QM}, DECIDE, "R8.07", advances=True),
    t("send_final_notice", {S.APPROVED}, {CIO}, RECORD, "R8.07", named_only=True, advances=True),
    t("close_without_reply", {S.APPROVED}, {CIO, DH}, RECORD, "R8.06", anonymous_only=True,
      advances=True),
])

APPEAL: dict[str, Transition] = _common(_OPEN_APPEAL) | dict([
    t("accept", {S.RECEIVED}, {DH}, DECIDE, "R8.03", advances=True),
    t("reject", {S.RECEIVED}, {DH}, DECIDE, "R8.03"),
    t("organize", {S.ACCEPTED}, {DH}, ORGANIZE, "R8.09", advances=True),
    t("draft_ruling", {S.IN_HANDLING}, set(), DRAFT, "R8.09", handler_may=True, advances=True),
    t("review", {S.RULING_DRAFTED}, {DH}, REVIEW, "R8.09", advances=True),
    t("return_for_rework", {S.RULING_DRAFTED, S.RULING_REVIEWED}, {DH}, REVIEW, "R8.09",
      roles_in={S.RULING_REVIEWED: frozenset({QM})}),
    t("approve", {S.RULING_REVIEWED}, {QM}, DECIDE, "R8.09", advances=True),
    t("send_ruling", {S.RULING_APPROVED}, {CIO}, RECORD, "R8.09", advances=True),
    t("request_committee", {S.RULED}, {CIO}, RECORD, "R8.10"),
    # The body decides every appeal first (R8.10): it refers only a ruling it has made.
    t("refer_committee", {S.RULED}, {DH, QM}, ORGANIZE, "R8.10"),
])

DISPUTE: dict[str, Transition] = _common(_OPEN_DISPUTE) | dict([
    t("accept", {S.RECEIVED}, {DH}, DECIDE, "R8.03", advances=True),
    t("reject", {S.RECEIVED}, {DH}, DECIDE, "R8.03"),
    t("answer", {S.ACCEPTED}, {CIO}, DRAFT, "R8.12", advances=True),
    t("record_agreement", {S.ANSWERED}, {CIO}, RECORD, "R8.12"),
    t("refer_department_head", {S.ANSWERED}, {CIO}, RECORD, "R8.12"),
    t("refer_quality_manager", {S.WITH_DEPARTMENT_HEAD}, {DH}, RECORD, "R8.12"),
    t("resolve", {S.WITH_DEPARTMENT_HEAD, S.WITH_QUALITY_MANAGER}, {DH}, DECIDE, "R8.12",
      roles_in={S.WITH_QUALITY_MANAGER: frozenset({QM})}, advances=True),
    t("mark_impartiality_related", _OPEN_DISPUTE, {DH}, RECORD, "X7"),
    t("gm_approve", {S.PENDING_GM_APPROVAL}, {GM}, DECIDE, "R8.12", advances=True),
    t("refer_committee", {S.PENDING_GM_APPROVAL}, {GM}, DECIDE, "R8.12"),
])

QA = Role.QUALITY_ASSURANCE
_OPEN_NONCONFORMITY = {S.OPEN, S.ANALYSED, S.PLAN_APPROVED, S.IMPLEMENTING, S.REPORTED,
                       S.VERIFIED}

NONCONFORMITY: dict[str, Transition] = dict([
    t("assign", _OPEN_NONCONFORMITY, {QA, DH}, ORGANIZE, "R7.05"),
    t("set_target", _OPEN_NONCONFORMITY, {DH}, ORGANIZE, "X1"),
    t("analyse", {S.OPEN}, set(), DRAFT, "R7.02", responsible_may=True, handler_may=True),
    t("sign_off_plan", {S.ANALYSED}, {QM}, DECIDE, "R7.02"),
    t("return_plan", {S.ANALYSED}, {QM}, REVIEW, "R7.02"),
    t("assign_task", {S.PLAN_APPROVED, S.IMPLEMENTING}, {QA}, ORGANIZE, "R7.05"),
    t("submit_report", {S.IMPLEMENTING}, set(), RECORD, "R7.06", responsible_may=True,
      handler_may=True),
    t("verify", {S.REPORTED}, {QA}, REVIEW, "R7.06"),
    t("record_overdue", {S.IMPLEMENTING}, {QA}, RECORD, "R7.06"),
    t("confirm", {S.VERIFIED}, {DH}, DECIDE, "R7.06"),
    t("write_serious_review", _OPEN_NONCONFORMITY, {DH}, DRAFT, "R7.08"),
    t("check_serious_review", _OPEN_NONCONFORMITY, {QM}, REVIEW, "R7.08"),
    t("approve_serious_review", _OPEN_NONCONFORMITY, {GM}, DECIDE, "R7.08"),
])

def next_step(kind: str, state: str, *, anonymous: bool) -> Transition | None:
    """X2: the main step that moves a case of `kind` on from `state`: the step whose role
    must have someone eligible, or the case goes to the committee."""
    for transition in TABLES[kind].values():
        if not transition.advances or state not in transition.sources:
            continue
        if (transition.named_only and anonymous) or (transition.anonymous_only
                                                     and not anonymous):
            continue
        return transition
    return None


TABLES: dict[str, dict[str, Transition]] = {
    CaseKind.COMPLAINT: COMPLAINT,
    CaseKind.APPEAL: APPEAL,
    CaseKind.DISPUTE: DISPUTE,
    CaseKind.NONCONFORMITY: NONCONFORMITY,
}
