"""Archives and confidentiality of case material (R10.01–R10.05)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from caseflow.actions.case_files import case_file_open
from caseflow.actions.events import event_record
from caseflow.actions.notifications import notification_queue
from caseflow.errors import InvalidInput, Recused, RoleRequired, TransitionNotAllowed
from caseflow.models import (
    ArchiveLoan,
    ArchiveRecord,
    Case,
    DisclosureRequest,
    Role,
    Staff,
)
from caseflow.reminder_schedule import ReminderSchedule
from caseflow.selectors.calendar import calendar_overrides
from caseflow.selectors.visibility import live_loans
from caseflow.workdays import end_of_day

RETENTION_YEARS = 10  # R10.04: at least 10 years


def archive_number(case: Case) -> str:
    """R10.05: the engagement's report number (YYZNNAAA) where the case concerns one,
    followed by the case number since one engagement may have several cases; else the
    case number."""
    if case.engagement_id:
        return f"{case.engagement.report_number}/{case.number}"
    return case.number


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def case_archive(*, case: Case) -> ArchiveRecord:
    """R10.01: a closed case's material is archived and handed to the client &
    information office, kept at least 10 years from closing (R10.04)."""
    existing = ArchiveRecord.objects.filter(case=case).first()
    if existing:
        return existing
    closed = timezone.localdate(case.closed_at or timezone.now())
    record = ArchiveRecord.objects.create(
        case=case, archive_number=archive_number(case), archived_at=timezone.now(),
        custodian_role=Role.CLIENT_OFFICE, retain_until=add_years(closed, RETENTION_YEARS),
    )
    event_record(case, action="archived", actor=None, actor_label="system",
                 from_state=case.state, payload={"archive": record.pk})
    return record


def check_office(acting_user: Staff, rule: str) -> None:
    if not acting_user.has_role(Role.CLIENT_OFFICE):
        raise RoleRequired(_("The client & information office keeps the archives."), rule=rule)


@transaction.atomic
def archive_retention_extend(*, archive: ArchiveRecord, until: dt.date, reason: str,
                             acting_user: Staff) -> ArchiveRecord:
    """R10.04: longer at a client's request; never shorter."""
    check_office(acting_user, "R10.04")
    archive = ArchiveRecord.objects.select_for_update().get(pk=archive.pk)
    if until <= archive.retain_until:
        raise InvalidInput(_("Retention can only be extended."), rule="R10.04", field="until")
    if not reason.strip():
        raise InvalidInput(_("Record the client's request."), field="reason")
    before = archive.retain_until
    archive.retain_until = until
    archive.save(update_fields=["retain_until"])
    event_record(archive.case, action="retention_extended", actor=acting_user,
                 from_state=archive.case.state,
                 payload={"before": before.isoformat(), "until": until.isoformat()},
                 reason=reason)
    return archive


@transaction.atomic
def archive_loan_request(*, archive: ArchiveRecord, borrower: Staff, purpose: str,
                         return_due_on: dt.date) -> ArchiveLoan:
    """R10.02: borrowing needs a purpose and a return date, then the head's approval."""
    if not purpose.strip():
        raise InvalidInput(_("State the purpose of the loan."), rule="R10.02", field="purpose")
    if return_due_on <= timezone.localdate():
        raise InvalidInput(_("The return date lies in the future."), rule="R10.02",
                           field="return_due_on")
    loan = ArchiveLoan.objects.create(archive=archive, borrower=borrower, purpose=purpose,
                                      return_due_on=return_due_on)
    notification_queue(archive.case, "loan_requested", role=Role.DEPARTMENT_HEAD)
    return loan


@transaction.atomic
def archive_loan_decide(*, loan: ArchiveLoan, approve: bool, acting_user: Staff) -> ArchiveLoan:
    """R10.02: only the department head lends an archived dossier."""
    if not acting_user.has_role(Role.DEPARTMENT_HEAD):
        raise RoleRequired(_("The department head approves archive loans."), rule="R10.02")
    loan = ArchiveLoan.objects.select_for_update().get(pk=loan.pk)
    if loan.state != ArchiveLoan.State.REQUESTED:
        raise TransitionNotAllowed(_("This loan was already decided."), rule="R10.02")
    if acting_user.pk == loan.borrower_id:
        raise RoleRequired(_("Nobody approves their own loan."), rule="R10.02")
    loan.state = ArchiveLoan.State.APPROVED if approve else ArchiveLoan.State.REJECTED
    loan.decided_by = acting_user
    if approve:  # the return date is reminded from now on (the deadline sweep)
        loan.next_reminder_at = ReminderSchedule(calendar_overrides()).next_moment(
            end_of_day(loan.return_due_on), timezone.now())
    loan.save(update_fields=["state", "decided_by", "next_reminder_at"])
    event_record(loan.archive.case, action="archive_lent" if approve else "loan_refused",
                 actor=acting_user, from_state=loan.archive.case.state,
                 payload={"loan": loan.pk, "borrower": loan.borrower_id,
                          "return_due_on": loan.return_due_on.isoformat()})
    notification_queue(loan.archive.case, "loan_decided", staff=loan.borrower)
    return loan


@transaction.atomic
def archive_loan_return(*, loan: ArchiveLoan, acting_user: Staff) -> ArchiveLoan:
    check_office(acting_user, "R10.02")
    loan = ArchiveLoan.objects.select_for_update().get(pk=loan.pk)
    if loan.state != ArchiveLoan.State.APPROVED:
        raise TransitionNotAllowed(_("Only a lent dossier can be returned."), rule="R10.02")
    loan.state, loan.returned_at = ArchiveLoan.State.RETURNED, timezone.now()
    loan.next_reminder_at = None
    loan.save(update_fields=["state", "returned_at", "next_reminder_at"])
    event_record(loan.archive.case, action="archive_returned", actor=acting_user,
                 from_state=loan.archive.case.state, payload={"loan": loan.pk})
    return loan


def loan_refusal(archive: ArchiveRecord, viewer: Staff) -> RoleRequired:
    """Why the dossier is closed to `viewer`, naming their own loan's state if they have
    one (X12, R10.02)."""
    loan = ArchiveLoan.objects.filter(archive=archive, borrower=viewer).order_by("-id").first()
    if loan is None:
        message = _("The archived dossier opens only to the client & information office and "
                    "to a borrower during a loan the department head approved.")
    elif loan.state == ArchiveLoan.State.REQUESTED:
        message = _("Your loan awaits the department head's approval.")
    elif loan.state == ArchiveLoan.State.REJECTED:
        message = _("The department head refused your loan.")
    elif loan.state == ArchiveLoan.State.RETURNED:
        message = _("You returned this dossier; borrow it again to open it.")
    else:
        message = _("Your loan ended on %(date)s; borrow the dossier again to open it.") % {
            "date": loan.return_due_on.isoformat()}
    return RoleRequired(message, rule="X12")


@transaction.atomic
def archive_dossier_open(*, archive: ArchiveRecord, viewer: Staff) -> ArchiveRecord:
    """X12: an archived dossier opens to the client & information office, which keeps the
    archive (R10.01), and to a borrower during a loan the department head approved and
    that is neither returned nor past its return date (R10.02); to nobody else, not even
    the case's handler. Every opening is recorded on the case."""
    case = archive.case
    loan = live_loans(borrower=viewer).filter(archive=archive).order_by("-id").first()
    if loan is None:
        if not viewer.has_role(Role.CLIENT_OFFICE):
            raise loan_refusal(archive, viewer)
        # The office keeps the archive; like any file naming the submitter, it opens to
        # an office member who is not recused from the case (R8.13). Recorded there.
        case_file_open(case=case, viewer=viewer, label="dossier")
        return archive
    # A loan does not lift recusal (X9): the dossier stays closed to whom it is about.
    if case.respondent_id and case.respondent.staff_id == viewer.pk:
        raise Recused(_("The case is about %(staff)s.") % {"staff": viewer}, rule="R8.14")
    if case.engagement_id and viewer.pk in case.engagement.performers():
        raise Recused(_("%(staff)s performed the verification this case is about "
                        "(%(report)s).") % {"staff": viewer,
                                            "report": case.engagement.report_number},
                      rule="R8.15")
    event_record(case, action="file_opened", actor=viewer, from_state=case.state,
                 payload={"file": "dossier", "loan": loan.pk})
    return archive


@transaction.atomic
def disclosure_request_create(
    *, case: Case, material: str, recipient: str, basis: str, acting_user: Staff,
    consent_file=None, legal_basis: str = "",
) -> DisclosureRequest:
    """R10.03: proprietary or confidential material goes out only with the provider's
    written consent (a file), or on a legal basis stated here."""
    check_office(acting_user, "R10.03")
    if basis not in DisclosureRequest.Basis.values:
        raise InvalidInput(_("Give the basis: consent or law."), rule="R10.03", field="basis")
    if not material.strip() or not recipient.strip():
        raise InvalidInput(_("Say what is disclosed and to whom."), field="material")
    if basis == DisclosureRequest.Basis.CONSENT and not consent_file:
        raise InvalidInput(_("Attach the provider's written consent."), rule="R10.03",
                           field="consent_file")
    if basis == DisclosureRequest.Basis.LAW and not legal_basis.strip():
        raise InvalidInput(_("Cite the law that requires the disclosure."), rule="R10.03",
                           field="legal_basis")
    request = DisclosureRequest(case=case, material=material, recipient=recipient,
                                basis=basis, legal_basis=legal_basis, requested_by=acting_user)
    if consent_file:
        request.consent_file = consent_file
    request.save()
    event_record(case, action="disclosure_requested", actor=acting_user, from_state=case.state,
                 payload={"disclosure": request.pk, "basis": basis})
    return request


@transaction.atomic
def disclosure_client_notified(*, request: DisclosureRequest, proof: str,
                               acting_user: Staff) -> DisclosureRequest:
    """R10.03: under a legal obligation the client is told before the disclosure."""
    check_office(acting_user, "R10.03")
    if not proof.strip():
        raise InvalidInput(_("Record how the client was told."), rule="R10.03", field="proof")
    request = DisclosureRequest.objects.select_for_update().get(pk=request.pk)
    request.client_notified_at, request.client_notice_proof = timezone.now(), proof
    request.save(update_fields=["client_notified_at", "client_notice_proof"])
    event_record(request.case, action="disclosure_client_notified", actor=acting_user,
                 from_state=request.case.state, payload={"disclosure": request.pk})
    return request


@transaction.atomic
def disclosure_mark_done(*, request: DisclosureRequest, acting_user: Staff) -> DisclosureRequest:
    check_office(acting_user, "R10.03")
    request = DisclosureRequest.objects.select_for_update().get(pk=request.pk)
    if request.disclosed_at:
        raise TransitionNotAllowed(_("Already disclosed."), rule="R10.03")
    if request.basis == DisclosureRequest.Basis.LAW and not request.client_notified_at:
        raise TransitionNotAllowed(_("Tell the client before disclosing under a legal "
                                     "obligation."), rule="R10.03")
    request.disclosed_at, request.disclosed_by = timezone.now(), acting_user
    request.save(update_fields=["disclosed_at", "disclosed_by"])
    event_record(request.case, action="disclosed", actor=acting_user,
                 from_state=request.case.state, payload={"disclosure": request.pk})
    return request
