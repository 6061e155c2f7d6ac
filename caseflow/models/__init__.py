from caseflow.models.calendar import CalendarOverride, CalendarYear
from caseflow.models.capa import (
    AnalysisCycle,
    CapaTask,
    CapaTaskProgress,
    InternalInspection,
    Nonconformity,
    NonconformitySource,
    PreventiveAction,
    SeriousReview,
    responsible_post,
)
from caseflow.models.cases import (
    COUNTED_VERDICTS,
    FINAL_STATE_NAMES,
    NUMBER_PREFIX,
    OPEN_CASE,
    Case,
    CaseAttachment,
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
from caseflow.models.notices import NOTICE_TITLES, Notice, NoticeSending
from caseflow.models.notifications import (
    AcknowledgementLinkUse,
    DeliveryAttempt,
    Notification,
    ReminderAcknowledgement,
)
from caseflow.models.people import (
    Engagement,
    Messenger,
    Organization,
    Party,
    Role,
    RoleAssignment,
    Staff,
)
from caseflow.models.records import (
    ArchiveLoan,
    ArchiveRecord,
    ChangeRequest,
    ConflictAnalysis,
    ConflictAnalysisDeadline,
    ControlledDocument,
    DisclosureRequest,
    DocumentRevision,
    document_number,
)
from caseflow.models.snoozes import ReminderSnooze
from caseflow.models.summaries import OnTimeMonth, WorkingDaysTally
from caseflow.models.telegram import TelegramLinkToken

__all__ = [
    "COUNTED_VERDICTS",
    "FINAL_STATE_NAMES",
    "OPEN_CASE",
    "OnTimeMonth",
    "WorkingDaysTally",
    "NOTICE_TITLES", "AcknowledgementLinkUse", "AnalysisCycle", "ArchiveLoan",
    "ArchiveRecord", "CapaTask", "CapaTaskProgress",
    "ChangeRequest", "ConflictAnalysis", "ConflictAnalysisDeadline", "ControlledDocument",
    "DisclosureRequest",
    "DocumentRevision", "InternalInspection", "Nonconformity", "NonconformitySource",
    "PreventiveAction", "SeriousReview", "document_number", "responsible_post",
    "NUMBER_PREFIX", "AppendOnly", "CalendarOverride", "CalendarYear", "Case", "CaseCounter",
    "CaseAttachment", "CaseEvent", "CaseKind", "CaseNumberAlias", "Channel", "CommitteeVote",
    "DeadlineKind", "Declaration",
    "DeliveryAttempt", "Engagement", "Finding", "InterestRelationship", "Notice", "NoticeSending",
    "Notification",
    "Messenger", "Organization", "Party", "ReminderAcknowledgement", "ReminderSnooze",
    "Role", "RoleAssignment", "Scope", "Staff", "TelegramLinkToken",
]
