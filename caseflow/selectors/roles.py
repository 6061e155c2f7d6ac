"""Who holds a role for one case: the people a message to that role reaches (X2, X9)."""

from __future__ import annotations

import datetime as dt

from caseflow.models import Case, RoleAssignment, Staff
from caseflow.policies.impartiality import case_recusal


def role_recipients(role: str, *, case: Case | None, today: dt.date) -> list[Staff]:
    """The active holders of `role` not recused from `case`; where none is left, its
    deputies and designated delegates who are not (X2). A recused person is never told
    about the case (X9)."""
    assignments = (RoleAssignment.objects.filter(role=role, staff__is_active=True)
                   .select_related("staff").order_by("staff__display_name", "pk"))

    def free(staff: Staff) -> bool:
        return case is None or case_recusal(case, staff, today=today) is None

    holders = [a.staff for a in assignments
               if a.capacity == RoleAssignment.Capacity.HOLDER and free(a.staff)]
    return holders or [a.staff for a in assignments
                       if a.capacity != RoleAssignment.Capacity.HOLDER and free(a.staff)]
