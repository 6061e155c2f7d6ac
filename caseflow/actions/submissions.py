"""What a submitter does on the public site: file a case, get and recover a tracking
code, add information later. Filing goes through `case_register` like staff intake,
with channel `web` and nobody signed in."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from caseflow.actions.events import event_record
from caseflow.actions.intake import PartyDetails, case_register
from caseflow.actions.notifications import notification_queue, notify_owner
from caseflow.documents import document_checked
from caseflow.errors import InvalidInput, TransitionNotAllowed
from caseflow.models import (
    Case,
    CaseAttachment,
    Channel,
    Engagement,
    Organization,
    Role,
)
from caseflow.models.cases import new_tracking_code, tracking_code_hash
from caseflow.policies.transitions import FINAL_STATES
from caseflow.selectors.public import appealed_record, client_by_credit_code

# A submission carries a few documents, not an archive: more goes through the office.
MAX_ATTACHMENTS = 5


@dataclass(frozen=True)
class Submitted:
    case: Case
    tracking_code: str  # shown once on the receipt page; only its hash is stored


def tracking_code_issue(*, case: Case) -> str:
    """A new tracking code for `case`; the old one stops working. Returns the code, which
    is not stored anywhere (only its hash)."""
    code = new_tracking_code()
    Case.objects.filter(pk=case.pk).update(tracking_code_hash=tracking_code_hash(code))
    case.tracking_code_hash = tracking_code_hash(code)
    tracking_code_issued(case)
    return code


def tracking_code_issued(case: Case) -> None:
    event_record(case, action="tracking_code_issued", actor_label="system",
                 from_state=case.state)


def attachments_check(files: list) -> list[str]:
    """The stored names of `files`, or InvalidInput on the `attachments` field."""
    if len(files) > MAX_ATTACHMENTS:
        raise InvalidInput(gettext("Attach at most %(n)d files.") % {"n": MAX_ATTACHMENTS},
                           field="attachments")
    return [document_checked(f, field="attachments") for f in files]


def attachments_store(case: Case, files: list, names: list[str], note: str = "") -> None:
    now = timezone.now()
    for upload, name in zip(files, names, strict=True):
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
        attachment = CaseAttachment(case=case, name=name, size=upload.size,
                                    sha256=digest.hexdigest(), added_at=now, note=note)
        attachment.file.save(name, upload, save=False)
        attachment.save()


def engagement_named(number: str) -> Engagement:
    """The engagement a submitter names by its report number, or InvalidInput."""
    engagement = Engagement.objects.filter(report_number=number.strip().upper()).first()
    if engagement is None:
        raise InvalidInput(gettext("We have no report with this number: check it on the "
                                   "report, or leave it empty and describe the work "
                                   "concerned."), field="report_number")
    return engagement


def appealed_record_named(number: str) -> tuple[Case | None, Engagement | None]:
    """X11: the decided case or the engagement an appellant names by number, or
    InvalidInput when the records hold neither."""
    found = appealed_record(number)
    if found == (None, None):
        raise InvalidInput(gettext("We have no decision with this number: check the report "
                                   "number or the case number on the notice you received."),
                           field="decision_number")
    return found


def client_named(credit_code: str) -> Organization:
    """R8.12: the client a dispute comes from, by its credit code, or InvalidInput."""
    client = client_by_credit_code(credit_code)
    if client is None:
        raise InvalidInput(gettext(
            "A dispute is raised by a client (项目委托方) of this body: this unified social "
            "credit code is not one of our clients'. Use the complaint form instead."),
            field="credit_code")
    return client


@transaction.atomic
def case_submit(
    *, kind: str, subject: str, description: str, scope: str, submitter: PartyDetails,
    engagement: Engagement | None = None, appealed_case: Case | None = None,
    appealed_decision: str = "", decision_received_on: dt.date | None = None,
    attachments: list | None = None,
) -> Submitted:
    """A complaint, appeal or dispute filed on the public site (channel `web`): registered
    as staff would register it, its attachments kept, a tracking code issued and, where
    an email was given, a receipt queued (the code in it)."""
    files = attachments or []
    names = attachments_check(files)
    # The code's hash is written with the case; the code itself is stored nowhere.
    code = new_tracking_code()
    # The web form is the written submission itself (R8.08).
    case = case_register(
        kind=kind, subject=subject, description=description, scope=scope,
        channel=Channel.WEB, received_at=timezone.now(), submitter=submitter,
        acting_user=None, engagement=engagement, appealed_case=appealed_case,
        appealed_decision=appealed_decision, decision_received_on=decision_received_on,
        tracking_code_hash=tracking_code_hash(code))
    attachments_store(case, files, names)
    tracking_code_issued(case)
    notification_queue(case, "submission_receipt", party=case.submitter, body=code)
    return Submitted(case=case, tracking_code=code)


@transaction.atomic
def tracking_code_resend(*, number: str, email: str) -> bool:
    """A named submitter who lost the code gets a new one by email, to the address on
    file. Says nothing about whether the case exists (the page shows the same answer
    either way); True when a code was sent."""
    # Lock the case row only (the submitter is a nullable join PostgreSQL cannot lock).
    case = (Case.objects.select_for_update(of=("self",)).select_related("submitter")
            .filter(number=number.strip().upper()).first())
    if case is None or case.submitter is None or case.submitter.anonymous:
        return False
    on_file = (case.submitter.email or "").strip().lower()
    if not on_file or on_file != email.strip().lower():
        return False
    code = tracking_code_issue(case=case)
    notification_queue(case, "tracking_code_reissued", party=case.submitter, body=code)
    return True


@transaction.atomic
def case_add_information(*, case: Case, note: str, attachments: list | None = None) -> Case:
    """The submitter adds information or evidence from the status page: kept with the
    case, recorded as an event, and whoever handles the case is told."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.state in FINAL_STATES:
        raise TransitionNotAllowed(gettext("This case is closed: contact the office to add "
                                           "anything."), field="note")
    files = attachments or []
    if not note.strip() and not files:
        raise InvalidInput(gettext("Write something or attach a file."), field="note")
    names = attachments_check(files)
    attachments_store(case, files, names, note=note.strip())
    event_record(case, action="submitter_added_information", actor_label="submitter",
                 from_state=case.state, payload={"files": len(files)})
    notify_owner(case, "submitter_added_information",
                 fallback_roles=(Role.CLIENT_OFFICE,))
    return case
