from caseflow.models.calendar import CalendarOverride, CalendarYear
from caseflow.models.cases import (
    NUMBER_PREFIX,
    Case,
    CaseCounter,
    CaseKind,
    CaseNumberAlias,
    Channel,
    CommitteeVote,
    DeadlineKind,
    Declaration,
    Finding,
    InterestRelationship,
    Scope,
)
from caseflow.models.events import AppendOnly, CaseEvent
from caseflow.models.notices import Notice, NoticeSending
from caseflow.models.notifications import Notification
from caseflow.models.people import (
    Engagement,
    Organization,
    Party,
    Role,
    RoleAssignment,
    Staff,
)

__all__ = [
    "NUMBER_PREFIX", "AppendOnly", "CalendarOverride", "CalendarYear", "Case", "CaseCounter",
    "CaseEvent",
    "CaseKind", "CaseNumberAlias", "Channel", "CommitteeVote", "DeadlineKind", "Declaration",
    "Engagement", "Finding", "InterestRelationship", "Notice", "NoticeSending", "Notification",
    "Organization", "Party", "Role", "RoleAssignment", "Scope", "Staff",
]
