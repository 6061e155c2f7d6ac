"""R8.13: who may see a submitter's identity and contact. One policy, used everywhere.
X8 with X12: who may open a notice naming a person whose identity was erased."""

from django.utils.translation import gettext as _

from caseflow.errors import RoleRequired
from caseflow.models import Case, Notice, Party, Role, Staff
from caseflow.policies.impartiality import impartiality_refusal
from caseflow.policies.transitions import RECORD

# X12: the office that keeps the archive (R10.01).
ROLES_THAT_KEEP_THE_ARCHIVE = (Role.CLIENT_OFFICE,)

# The office that receives submissions and writes to submitters, and the head who decides.
ROLES_THAT_SEE_SUBMITTERS = (Role.CLIENT_OFFICE, Role.DEPARTMENT_HEAD)


def may_see_identity(case: Case, party: Party, viewer: Staff) -> bool:
    """The handler and the roles above, each only if not recused from the case."""
    if party.pk not in (case.submitter_id, case.respondent_id):
        return False
    if party.kind == Party.Kind.RESPONDENT:
        return True  # who is complained about is what the staff work on
    entitled = (case.handler_id == viewer.pk
                or viewer.has_any_role(ROLES_THAT_SEE_SUBMITTERS))
    return entitled and impartiality_refusal(case, viewer, RECORD) is None


def notice_refusal(notice: Notice, viewer: Staff) -> RoleRequired | None:
    """X8, X12: a notice naming a person whose identity was erased stays as the legal
    record, open only to the roles that keep the archive; otherwise None (the file is
    then open as any file naming the submitter, R8.13)."""
    if notice.identity_erased_at is None or viewer.has_any_role(ROLES_THAT_KEEP_THE_ARCHIVE):
        return None
    return RoleRequired(_("This notice names a person whose identity was erased; it is kept "
                          "as the legal record and opens only to the client & information "
                          "office, which keeps the archive."), rule="X8")
