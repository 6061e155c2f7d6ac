"""Domain errors: one hierarchy, each carrying the rule it enforces.

Adapters map them to their medium (HTTP 4xx, a bot reply) without deciding anything.
"""

from __future__ import annotations


class CaseflowError(Exception):
    """A domain refusal. `rule` is the rule ID from rules.md (e.g. "R8.15"), if any."""

    code = "refused"

    def __init__(self, message: str, *, rule: str | None = None, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.rule = rule
        self.field = field

    def __str__(self):
        return f"[{self.rule}] {self.message}" if self.rule else self.message


class InvalidInput(CaseflowError):
    """The request is malformed for the domain (a field is missing or wrong)."""

    code = "invalid"


class OutsideCalendar(InvalidInput):
    """A date the working-day calendar cannot count (W1): before it starts or past its end."""

    code = "outside_calendar"


class TransitionNotAllowed(CaseflowError):
    """The case is not in a state that allows this step."""

    code = "transition_not_allowed"


class RoleRequired(CaseflowError):
    """The actor holds no role (nor deputises for one) that may take this step."""

    code = "role_required"


class Recused(CaseflowError):
    """The impartiality guard refuses the actor for this case (R8.14, R8.15, R9.01, X3)."""

    code = "recused"


class Conflict(CaseflowError):
    """The record changed under the caller (e.g. it is already in the target state)."""

    code = "conflict"
