"""Who reads the department's figures: the dashboard and the yearly reports."""

from django.utils.translation import gettext as _

from caseflow.errors import RoleRequired
from caseflow.models import Role, Staff

MANAGEMENT = (Role.DEPARTMENT_HEAD, Role.QUALITY_MANAGER, Role.GENERAL_MANAGER,
              Role.QUALITY_ASSURANCE, Role.CLIENT_OFFICE)


def is_management(staff: Staff) -> bool:
    return staff.has_any_role(MANAGEMENT)


def check_management(staff: Staff) -> None:
    if not is_management(staff):
        raise RoleRequired(_("The dashboard and reports are for the department's "
                             "management."), rule="D1")
