"""Who may use the API at all. What each caller may see and do is the domain's to say:
`cases_for_staff` (not visible → 404) and the actions' checks (visible, not allowed → 403).
"""

from django.utils.translation import gettext_lazy
from rest_framework.permissions import BasePermission

from caseflow.models import Staff


def staff_of(user) -> Staff | None:
    staff = getattr(user, "staff", None) if user and user.is_authenticated else None
    return staff if staff is not None and staff.is_active else None


class IsStaffMember(BasePermission):
    """A signed-in account with an active staff (or committee) profile."""

    message = gettext_lazy("A staff account is needed.")

    def has_permission(self, request, view):
        staff = staff_of(request.user)
        if staff is None:
            return False
        request.staff = staff
        return True
