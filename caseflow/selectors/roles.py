"""Who holds a role for one case: the people a message to that role reaches (X2, X9)."""

from __future__ import annotations

import datetime as dt

from caseflow.models import Case, RoleAssignment, Staff
from caseflow.policies.impartiality import case_recusal


def role_recipients(role: str, *, case: Case | None, today: dt.date) -> list[Staff]:
    """X9, X2: the role's active holders; where a holder is recused from the case (or
    nobody holds the role), its deputies and delegates who are not. A recused person is
    never told about the case."""
    assignments = (RoleAssignment.objects.filter(role=role, staff__is_active=True)
                   .select_related("staff").order_by("staff__display_name", "staff_id"))
    holders = [a.staff for a in assignments if a.capacity == RoleAssignment.Capacity.HOLDER]
    stand_ins = [a.staff for a in assignments if a.capacity != RoleAssignment.Capacity.HOLDER]
    if case is None:
        return holders or stand_ins
    eligible = [s for s in holders if case_recusal(case, s, today=today) is None]
    if len(eligible) < len(holders) or not holders:
        eligible += [s for s in stand_ins if case_recusal(case, s, today=today) is None]
    return eligible
