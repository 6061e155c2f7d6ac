"""Document change control (R7.07): request → approval by the document's approver →
applied by quality assurance as a new revision; the superseded one is withdrawn."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from caseflow.actions.notifications import notification_queue
from caseflow.errors import InvalidInput, Recused, RoleRequired, TransitionNotAllowed
from caseflow.models import (
    Case,
    ChangeRequest,
    ControlledDocument,
    DocumentRevision,
    Role,
    Staff,
)


def check_quality_assurance(acting_user: Staff) -> None:
    if not acting_user.has_role(Role.QUALITY_ASSURANCE):
        raise RoleRequired(_("Quality assurance controls the documents."), rule="R7.07")


def next_revision_letter(letter: str) -> str:
    if letter == "Z":
        raise InvalidInput(_("No revision letter after Z."), rule="R7.07")
    return chr(ord(letter) + 1)


@transaction.atomic
def controlled_document_register(*, sequence: int, title: str, kind: str, acting_user: Staff,
                                 file=None) -> ControlledDocument:
    """A document enters control at revision A/0."""
    check_quality_assurance(acting_user)
    if kind not in ControlledDocument.Kind.values or not title.strip():
        raise InvalidInput(_("Give the document's title and kind."), field="kind")
    if not 1 <= sequence <= 9999:
        raise InvalidInput(_("The sequence number has four digits."), rule="R7.07",
                           field="sequence")
    try:
        with transaction.atomic():
            document = ControlledDocument.objects.create(sequence=sequence, title=title,
                                                         kind=kind)
    except IntegrityError as exc:
        raise InvalidInput(_("That sequence number is taken."), rule="R7.07",
                           field="sequence") from exc
    revision = DocumentRevision(document=document, revision="A", changes=0,
                                effective_at=timezone.now())
    if file:
        revision.file = file
    revision.save()
    return document


@transaction.atomic
def change_request_submit(*, document: ControlledDocument, description: str,
                          acting_user: Staff, reissue: bool = False,
                          nonconformity_case: Case | None = None) -> ChangeRequest:
    """Anyone may request a change, often from a corrective action."""
    if not description.strip():
        raise InvalidInput(_("Describe the change."), field="description")
    request = ChangeRequest.objects.create(document=document, description=description,
                                           reissue=reissue, requested_by=acting_user,
                                           nonconformity_case=nonconformity_case)
    notification_queue(nonconformity_case, "approval_needed", role=document.approver_role,
                       about=f"change_request:{request.pk}")
    return request


@transaction.atomic
def change_request_decide(*, request: ChangeRequest, approve: bool, acting_user: Staff,
                          reason: str = "") -> ChangeRequest:
    """R7.07: approved by the role that approves that kind of document: the quality
    manual by the general manager, procedures by the quality manager."""
    request = ChangeRequest.objects.select_for_update().select_related("document").get(
        pk=request.pk)
    role = request.document.approver_role
    if not acting_user.has_role(role):
        raise RoleRequired(_("This document is approved by %(role)s.")
                           % {"role": Role(role).label}, rule="R7.07")
    if acting_user.pk == request.requested_by_id:
        raise Recused(_("Nobody approves their own change request."), rule="X3")
    if request.state != ChangeRequest.State.REQUESTED:
        raise TransitionNotAllowed(_("This request was already decided."), rule="R7.07")
    if not approve and not reason.strip():
        raise InvalidInput(_("Say why the change is refused."), field="reason")
    request.state = ChangeRequest.State.APPROVED if approve else ChangeRequest.State.REJECTED
    request.decided_by, request.decision_reason = acting_user, reason
    request.save()
    if approve:
        notification_queue(request.nonconformity_case, "change_to_apply",
                           role=Role.QUALITY_ASSURANCE, about=f"change_request:{request.pk}")
    return request


@transaction.atomic
def change_request_apply(*, request: ChangeRequest, acting_user: Staff,
                         file=None) -> DocumentRevision:
    """R7.07: quality assurance makes the change: A/0 → A/1; a re-issue starts B/0. The
    superseded revision is withdrawn and marked obsolete."""
    check_quality_assurance(acting_user)
    request = ChangeRequest.objects.select_for_update().get(pk=request.pk)
    if request.state != ChangeRequest.State.APPROVED:
        raise TransitionNotAllowed(_("Only an approved change is applied."), rule="R7.07")
    current = DocumentRevision.objects.select_for_update().filter(
        document=request.document, obsolete=False).first()
    now = timezone.now()
    if request.reissue:
        letter, changes = next_revision_letter(current.revision), 0
    else:
        letter, changes = current.revision, current.changes + 1
    current.obsolete, current.withdrawn_at = True, now
    current.save(update_fields=["obsolete", "withdrawn_at"])
    revision = DocumentRevision(document=request.document, revision=letter, changes=changes,
                                effective_at=now)
    if file:
        revision.file = file
    revision.save()
    request.state, request.applied_by = ChangeRequest.State.APPLIED, acting_user
    request.resulting_revision = revision
    request.save()
    return revision
