"""R8.13: who may see a submitter's identity and contact. One policy, used everywhere."""

from caseflow.models import Case, Party, Role, Staff
from caseflow.policies.impartiality import impartiality_refusal
from caseflow.policies.transitions import RECORD

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
