"""Opening a case's stored files (R8.13): submissions, evidence and notices name the
submitter, so only those the confidentiality policy allows may open them, and each
opening is recorded on the case."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from caseflow.actions.events import event_record
from caseflow.errors import RoleRequired
from caseflow.models import Case, Staff
from caseflow.policies.confidentiality import may_see_identity


@transaction.atomic
def case_file_open(*, case: Case, viewer: Staff, label: str, stored=None):
    """Return the stored file to read, after the policy check; record who opened what.
    Without `stored` it only checks and records (e.g. the whole dossier, built apart)."""
    anonymous_or_none = case.submitter is None or case.submitter.anonymous
    if not anonymous_or_none and not may_see_identity(case, case.submitter, viewer):
        raise RoleRequired(_("This file identifies the submitter; it is not open to you."),
                           rule="R8.13")
    event_record(case, action="file_opened", actor=viewer, from_state=case.state,
                 payload={"file": label})
    return stored
