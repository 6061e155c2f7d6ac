"""The deadline sweep (issue 12): reminders on working mornings, escalation up each
workflow's ladder, acknowledgement of a reminder, and the daily digest.

Every due-dated row keeps, in an indexed `next_reminder_at`, the next working morning
it is reminded (`caseflow.reminder_schedule`): cases, corrective-action tasks, the
implementation report of an analysis cycle, archive loans and the yearly
conflict-of-interest analysis. `reminders_sweep` takes the rows whose moment has come,
claims each in its own transaction (two sweeps at once never take the same row),
queues the reminders as outbox rows with a key that makes a second queueing a no-op,
and sets the row's next moment. `run_due` runs it with the other time-driven steps.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import IntegrityError, models, transaction
from django.db.models import OuterRef, Subquery
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext as _

from caseflow.actions.events import event_record
from caseflow.actions.notifications import notification_queue, notifications_queue_once
from caseflow.deadlines import CaseDeadline, reminded_on_case
from caseflow.errors import Conflict, InvalidInput, RoleRequired
from caseflow.models import (
    OPEN_CASE,
    AnalysisCycle,
    ArchiveLoan,
    CapaTask,
    Case,
    CaseKind,
    ConflictAnalysis,
    ConflictAnalysisDeadline,
    DeadlineKind,
    DeliveryAttempt,
    Nonconformity,
    Notification,
    ReminderAcknowledgement,
    ReminderSnooze,
    Role,
    Staff,
)
from caseflow.policies.transitions import FINAL_STATES, S
from caseflow.reminder_schedule import OVERDUE, ReminderSchedule, Threshold
from caseflow.selectors.calendar import calendar_overrides
from caseflow.selectors.roles import role_recipients
from caseflow.workdays import CHINA, china_date, end_of_day, year_is_known

logger = logging.getLogger(__name__)

REMINDER, ESCALATION, DIGEST = "reminder", "escalation", "digest"
ACKNOWLEDGEABLE = (REMINDER, ESCALATION)
# A row whose processing failed is tried again this much later, not in a tight loop.
RETRY_AFTER = dt.timedelta(hours=1)


@dataclass(frozen=True)
class Rung:
    role: str
    serious_only: bool = False  # only for a serious nonconformity (R7.08)


@dataclass(frozen=True)
class Ladder:
    """Who hears of one deadline. `first` (level 0) is reminded at every threshold: two
    working days ahead, on the due day, and each working morning while it is overdue.
    On the n-th overdue working morning rung n (level n) is told too, and every rung
    reached is told again each working morning until the step is done."""

    first: str
    rungs: tuple[Rung, ...]


DH, QM, GM = Role.DEPARTMENT_HEAD, Role.QUALITY_MANAGER, Role.GENERAL_MANAGER
QA, OFFICE = Role.QUALITY_ASSURANCE, Role.CLIENT_OFFICE

LADDERS: dict[str, Ladder] = {
    # Complaints, appeals, disputes, nonconformities: the step the case waits for (X1).
    "case": Ladder(
        first="the handler; until one is assigned the client & information office and the "
              "department head; a nonconformity without a handler: its responsible post",
        rungs=(Rung(DH), Rung(QM), Rung(GM, serious_only=True))),
    # R7.05: quality assurance assigned the task and coordinates the departments.
    "capa_task": Ladder(first="the task's owner",
                        rungs=(Rung(QA), Rung(QM), Rung(GM, serious_only=True))),
    # R7.06: the implementation report by the date its plan set.
    "capa_report": Ladder(first="the nonconformity's handler, else its responsible post",
                          rungs=(Rung(DH), Rung(QM), Rung(GM, serious_only=True))),
    # R10.02: the office keeps the archive; the head approved the loan.
    "loan": Ladder(first="the borrower", rungs=(Rung(OFFICE), Rung(DH))),
    # R9.03: the department head runs the analysis; the quality manager oversees.
    "conflict_analysis": Ladder(first="the department head", rungs=(Rung(QM),)),
}


@dataclass(frozen=True)
class Recipient:
    staff: Staff | None = None
    role: str = ""
    level: int = 0

    @property
    def key(self) -> str:
        return f"staff={self.staff.pk}" if self.staff is not None else f"role={self.role}"


def to_staff(staff: Staff) -> Recipient:
    return Recipient(staff=staff)


def to_role(role: str) -> Recipient:
    return Recipient(role=role)


@dataclass
class Due:
    """One open deadline as the sweep, the acknowledgement and the digest see it."""

    kind: str
    object_id: int
    label: str
    step: str
    due_at: dt.datetime
    deadline_kind: str
    provisional: bool
    case: Case | None
    about: str
    first: list[Recipient]
    serious: bool = False


def is_serious(case: Case) -> bool:
    return (case.kind == CaseKind.NONCONFORMITY
            and case.nonconformity.severity == Nonconformity.Severity.SERIOUS)


def case_first(case: Case) -> list[Recipient]:
    if case.handler_id and case.handler.is_active:
        return [to_staff(case.handler)]
    if case.kind == CaseKind.NONCONFORMITY:
        return [to_role(case.nonconformity.responsible_role)]
    return [to_role(OFFICE), to_role(DH)]


def case_due(case: Case, schedule: ReminderSchedule) -> Due | None:
    deadline = CaseDeadline(case.due_at, case.due_step, case.deadline_kind)
    if case.state in FINAL_STATES or not reminded_on_case(deadline):
        return None
    return Due("case", case.pk, case.number, case.due_step, case.due_at, case.deadline_kind,
               case.deadline_provisional, case, "", case_first(case), is_serious(case))


def is_current_cycle(cycle: AnalysisCycle) -> bool:
    return not AnalysisCycle.objects.filter(nonconformity_id=cycle.nonconformity_id,
                                            number__gt=cycle.number).exists()


def task_due(task: CapaTask, schedule: ReminderSchedule) -> Due | None:
    """Open while not done, in the cycle being worked on, of an open nonconformity."""
    case = task.cycle.nonconformity.case
    if task.done_at or case.state in FINAL_STATES or not is_current_cycle(task.cycle):
        return None
    return Due("capa_task", task.pk, f"{case.number} #{task.pk}", "capa_task", task.due_at,
               DeadlineKind.TARGET, task.due_provisional, case, f"capa_task:{task.pk}",
               [to_staff(task.owner)], is_serious(case))


def report_due(cycle: AnalysisCycle, schedule: ReminderSchedule) -> Due | None:
    """R7.06: open while its plan is being implemented and no report is in."""
    nonconformity = cycle.nonconformity
    case = nonconformity.case
    if (cycle.reported_at or cycle.report_due_on is None or case.state != S.IMPLEMENTING
            or not is_current_cycle(cycle)):
        return None
    first = ([to_staff(case.handler)] if case.handler_id and case.handler.is_active
             else [to_role(nonconformity.responsible_role)])
    return Due("capa_report", cycle.pk, f"{case.number} #{cycle.number}",
               "implementation_report", end_of_day(cycle.report_due_on), DeadlineKind.RULE,
               not year_is_known(cycle.report_due_on.year, schedule.overrides), case,
               f"capa_report:{cycle.pk}", first, is_serious(case))


def loan_due(loan: ArchiveLoan, schedule: ReminderSchedule) -> Due | None:
    """R10.02: open while the dossier is out."""
    if loan.state != ArchiveLoan.State.APPROVED:
        return None
    return Due("loan", loan.pk, loan.archive.archive_number, "loan_return",
               end_of_day(loan.return_due_on), DeadlineKind.RULE,
               not year_is_known(loan.return_due_on.year, schedule.overrides),
               loan.archive.case, f"loan:{loan.pk}", [to_staff(loan.borrower)])


def conflict_analysis_due(row: ConflictAnalysisDeadline, schedule: ReminderSchedule) -> Due | None:
    """R9.03: open until the year's analysis is recorded."""
    if ConflictAnalysis.objects.filter(year=row.year).exists():
        return None
    return Due("conflict_analysis", row.pk, str(row.year), "conflict_analysis", row.due_at,
               DeadlineKind.TARGET, row.provisional, None, f"conflict_analysis:{row.year}",
               [to_role(DH)])


@dataclass(frozen=True)
class Subject:
    """A kind of due-dated row: its model, how it reads as a deadline (None once closed
    or done), and the rows that may still be open."""

    model: type[models.Model]
    due: Callable[[models.Model, ReminderSchedule], Due | None]
    open_rows: Callable[[], models.QuerySet]


SUBJECTS: dict[str, Subject] = {
    "case": Subject(Case, case_due, lambda: Case.objects.exclude(state__in=FINAL_STATES)
                    .filter(due_at__isnull=False)),
    "capa_task": Subject(CapaTask, task_due, lambda: CapaTask.objects.filter(
        done_at__isnull=True).exclude(cycle__nonconformity__case__state__in=FINAL_STATES)),
    "capa_report": Subject(AnalysisCycle, report_due, lambda: AnalysisCycle.objects.filter(
        reported_at__isnull=True, report_due_on__isnull=False,
        nonconformity__case__state=S.IMPLEMENTING)),
    "loan": Subject(ArchiveLoan, loan_due, lambda: ArchiveLoan.objects.filter(
        state=ArchiveLoan.State.APPROVED)),
    "conflict_analysis": Subject(ConflictAnalysisDeadline, conflict_analysis_due,
                                 lambda: ConflictAnalysisDeadline.objects.exclude(
                                     year__in=ConflictAnalysis.objects.values("year"))),
}


def moment_text(value: dt.datetime) -> str:
    return value.astimezone(CHINA).isoformat()


def ladder_recipients(due: Due, threshold: Threshold) -> list[Recipient]:
    """Level 0 at every threshold; overdue by n working days, rungs 1..n as well. One
    message per person or role, at the highest level that reaches them."""
    found = {r.key: r for r in due.first}
    if threshold.name == OVERDUE:
        for level, rung in enumerate(LADDERS[due.kind].rungs, start=1):
            if level > threshold.overdue_working_days:
                break
            if rung.serious_only and not due.serious:
                continue
            found[f"role={rung.role}"] = Recipient(role=rung.role, level=level)
    return list(found.values())


def acknowledged(recipient: Recipient, acknowledgements: list[ReminderAcknowledgement]) -> bool:
    """The person (or the role's holder) acknowledged this deadline at this rung or a
    higher one: their repeat stops; a higher rung reaching them still goes out."""
    for ack in acknowledgements:
        if ack.level < recipient.level:
            continue
        if recipient.staff is not None and not ack.role and ack.staff_id == recipient.staff.pk:
            return True
        if recipient.role and ack.role == recipient.role:
            return True
    return False


def snoozed(recipient: Recipient, snoozes: list[ReminderSnooze]) -> bool:
    """The person (or the role's holder) put this deadline's reminders off to a later
    morning (the bot's Snooze, caseflow.actions.reminder_snooze) at this rung or a higher
    one: nothing before then; that morning's repeat is the snooze's own."""
    for snooze in snoozes:
        if snooze.level < recipient.level:
            continue
        if (recipient.staff is not None and not snooze.role
                and snooze.staff_id == recipient.staff.pk):
            return True
        if recipient.role and snooze.role == recipient.role:
            return True
    return False


def dedupe_key(due: Due, threshold: Threshold, recipient: Recipient) -> str:
    """One message per (what, deadline, threshold, recipient, day)."""
    stamp = due.due_at.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    return (f"{due.kind}:{due.object_id}:{stamp}:{threshold.name}:{recipient.key}:"
            f"{threshold.day.isoformat()}")


def due_remind(due: Due, threshold: Threshold) -> list[Notification]:
    """Queue the reminders and escalations of `due` at `threshold` (deduplicated)."""
    acknowledgements = list(ReminderAcknowledgement.objects.filter(
        subject_kind=due.kind, object_id=due.object_id, due_at=due.due_at))
    snoozes = list(ReminderSnooze.objects.filter(
        subject_kind=due.kind, object_id=due.object_id, due_at=due.due_at,
        until__gt=threshold.moment))
    rows = []
    for recipient in ladder_recipients(due, threshold):
        if acknowledged(recipient, acknowledgements) or snoozed(recipient, snoozes):
            continue
        context = {
            "subject_kind": due.kind, "object_id": due.object_id, "label": due.label,
            "step": due.step, "due_at": moment_text(due.due_at),
            "deadline_kind": due.deadline_kind, "provisional": due.provisional,
            "threshold": threshold.name,
            "overdue_working_days": threshold.overdue_working_days, "level": recipient.level,
        }
        rows.append({"case": due.case,
                     "template": REMINDER if recipient.level == 0 else ESCALATION,
                     "staff": recipient.staff, "role": recipient.role, "about": due.about,
                     "context": context,
                     "dedupe_key": dedupe_key(due, threshold, recipient)})
    return notifications_queue_once(rows) if rows else []


@dataclass
class SweepResult:
    swept: int = 0  # due-dated rows claimed and processed
    reminders: int = 0  # queued to whoever's step it is (level 0)
    escalations: int = 0  # queued up the ladder
    failed: list[str] = field(default_factory=list)  # "kind:id" pushed forward


def reminder_row_process(subject: Subject, pk: int, *, now: dt.datetime,
                         schedule: ReminderSchedule) -> list[Notification] | None:
    """Claim one row whose moment has come and remind it; None when another sweep holds
    it or it has moved on. Runs inside the caller's transaction."""
    row = (subject.model.objects.select_for_update(skip_locked=True)
           .filter(pk=pk, next_reminder_at__lte=now).first())
    if row is None:
        return None
    due = subject.due(row, schedule)  # re-read under the lock: still open, still due?
    queued: list[Notification] = []
    next_moment = None
    if due is not None:
        threshold = schedule.latest(due.due_at, now)
        if threshold is not None:
            queued = due_remind(due, threshold)
            if due.kind == "loan" and threshold.name == OVERDUE:
                ArchiveLoan.objects.filter(pk=pk, overdue_reminded_at__isnull=True).update(
                    overdue_reminded_at=now)
        next_moment = schedule.next_moment(due.due_at, now)
    # update(), not save(): the sweep's bookkeeping never rewrites the row's other fields.
    subject.model.objects.filter(pk=pk).update(next_reminder_at=next_moment)
    return queued


def reminders_sweep(*, now: dt.datetime, overrides=None) -> SweepResult:
    """Remind every due-dated row whose `next_reminder_at` has come, each in its own
    transaction. A row whose processing raises is logged and tried again an hour later;
    the others go on."""
    schedule = ReminderSchedule(calendar_overrides() if overrides is None else overrides)
    result = SweepResult()
    for kind, subject in SUBJECTS.items():
        due_ids = list(subject.model.objects.filter(next_reminder_at__lte=now)
                       .order_by("next_reminder_at", "pk").values_list("pk", flat=True))
        for pk in due_ids:
            try:
                with transaction.atomic():
                    queued = reminder_row_process(subject, pk, now=now, schedule=schedule)
            except Exception:
                logger.exception("Reminder sweep: %s %s failed; tried again at %s",
                                 kind, pk, now + RETRY_AFTER)
                with transaction.atomic():
                    subject.model.objects.filter(pk=pk, next_reminder_at__lte=now).update(
                        next_reminder_at=now + RETRY_AFTER)
                result.failed.append(f"{kind}:{pk}")
                continue
            if queued is None:
                continue
            result.swept += 1
            for notification in queued:
                if notification.template == REMINDER:
                    result.reminders += 1
                else:
                    result.escalations += 1
    return result


def reminder_moments_recompute(*, overrides, now: dt.datetime) -> int:
    """After the calendar changed (W3), the next working morning of every open row by
    the new calendar; rows already due for the sweep are left to it. Returns how many
    moved."""
    schedule = ReminderSchedule(overrides)
    moved = 0
    for subject in SUBJECTS.values():
        rows = subject.open_rows().exclude(next_reminder_at__lte=now).order_by("pk")
        for row in rows:
            due = subject.due(row, schedule)
            moment = schedule.next_moment(due.due_at, now) if due is not None else None
            if moment != row.next_reminder_at:
                subject.model.objects.filter(pk=row.pk).update(next_reminder_at=moment)
                moved += 1
    return moved


def deadline_now(kind: str, object_id: int) -> Due | None:
    subject = SUBJECTS.get(kind)
    row = subject.model.objects.filter(pk=object_id).first() if subject else None
    if row is None:
        return None
    return subject.due(row, ReminderSchedule(calendar_overrides()))


def check_reminder_recipient(notification: Notification, staff: Staff) -> None:
    """Only whom the reminder went to: its addressee, or for a message to a role the
    holder it was delivered to (before delivery, whom the role reaches now, X9)."""
    if notification.recipient_staff_id is not None:
        allowed = notification.recipient_staff_id == staff.pk
    else:
        delivered = set(DeliveryAttempt.objects.filter(
            notification=notification, result=DeliveryAttempt.Result.SENT,
            recipient_staff__isnull=False).values_list("recipient_staff_id", flat=True))
        if delivered:
            allowed = staff.pk in delivered
        else:
            today = timezone.localdate()
            allowed = staff in role_recipients(notification.recipient_role,
                                               case=notification.case, today=today)
    if not allowed:
        raise RoleRequired(_("Only the person this reminder was sent to can acknowledge it."))


@transaction.atomic
def reminder_acknowledge(*, notification: Notification,
                         acting_user: Staff) -> ReminderAcknowledgement:
    """The recipient saw the reminder: its daily repeat to them stops for this deadline;
    the escalation to the next rungs goes on, and only doing the step (the deadline
    moving on) ends it. Acknowledging twice changes nothing; a reminder of a deadline
    that has since moved on (or of a step already done) is refused."""
    notification = (Notification.objects.select_for_update(of=("self",))
                    .select_related("case").get(pk=notification.pk))
    if notification.template not in ACKNOWLEDGEABLE:
        raise InvalidInput(_("Only reminders and escalations are acknowledged."))
    check_reminder_recipient(notification, acting_user)
    context = notification.context
    kind, object_id = context["subject_kind"], int(context["object_id"])
    due_at = dt.datetime.fromisoformat(context["due_at"])
    existing = ReminderAcknowledgement.objects.filter(
        staff=acting_user, subject_kind=kind, object_id=object_id, due_at=due_at).first()
    if existing is not None:
        return existing
    current = deadline_now(kind, object_id)
    if current is None:
        raise Conflict(_("This reminder is out of date: the step it was about is done."))
    if current.due_at != due_at:
        raise Conflict(_("This reminder is out of date: the deadline has moved on to "
                         "%(due)s.") % {"due": current.due_at.astimezone(CHINA).strftime(
                             "%Y-%m-%d %H:%M")})
    try:
        with transaction.atomic():
            acknowledgement = ReminderAcknowledgement.objects.create(
                staff=acting_user, notification=notification, subject_kind=kind,
                object_id=object_id, due_at=due_at, level=int(context.get("level", 0)),
                role=notification.recipient_role, at=timezone.now())
    except IntegrityError:  # a second click at the same moment: the first one counts
        return ReminderAcknowledgement.objects.get(
            staff=acting_user, subject_kind=kind, object_id=object_id, due_at=due_at)
    if notification.case is not None:
        event_record(notification.case, action="reminder_acknowledged", actor=acting_user,
                     from_state=notification.case.state,
                     payload={"notification": notification.pk, "subject_kind": kind,
                              "object_id": object_id, "due_at": moment_text(due_at),
                              "threshold": context.get("threshold"),
                              "level": acknowledgement.level})
    return acknowledgement


# A digest is read on a phone each working morning: the most urgent items, the rest
# counted. Someone with thousands overdue still gets a readable message, and the sweep
# reads a bounded number of rows per person, not every item they ever let slip.
DIGEST_ITEMS_SHOWN = 30


@dataclass
class Digest:
    """A person's items for the digest: the most urgent (`items`, soonest first) and how
    many there are in all, overdue and due soon."""
    items: list[dict] = field(default_factory=list)
    soon: int = 0
    overdue: int = 0

    @property
    def total(self) -> int:
        return self.soon + self.overdue


def most_urgent(rows, owner: str, order: list[str], shown: int):
    """The first `shown` of `rows` by `order`, for each value of `owner`."""
    return rows.annotate(urgency=models.Window(
        RowNumber(), partition_by=models.F(owner),
        order_by=[models.F(column).asc() for column in order])).filter(
        urgency__lte=shown).order_by(*order)


def counted_by(rows, owner: str, due: str, late: models.Q) -> dict[int, tuple[int, int]]:
    """(due soon, overdue) of `rows` for each value of `owner`. The rows' `due` column
    is counted (never null in them): an index holding it answers alone."""
    return {pk: (total - overdue, overdue) for pk, total, overdue in (
        rows.order_by().values(owner).annotate(
            total=models.Count(due), overdue=models.Count(due, filter=late))
        .values_list(owner, "total", "overdue"))}


def digest_items(staff_ids: list[int], *, horizon: dt.datetime, now: dt.datetime,
                 overrides, shown: int | None = None) -> dict[int, Digest]:
    """Each person's own open items due by `horizon` or overdue: cases they handle,
    tasks they own, dossiers they borrowed; the `shown` most urgent of them
    (DIGEST_ITEMS_SHOWN) and the count of all. Five queries for everyone and one for each
    person with cases due."""
    shown = DIGEST_ITEMS_SHOWN if shown is None else shown
    found: dict[int, list[dict]] = {pk: [] for pk in staff_ids}
    counts: dict[int, list[int]] = {pk: [0, 0] for pk in staff_ids}

    def item(label, kind, stage, due_at, deadline_kind, provisional, case_id):
        return {"label": label, "kind": kind, "stage": stage, "due_at": moment_text(due_at),
                "deadline_kind": deadline_kind, "provisional": provisional,
                "overdue": due_at < now, "case_id": case_id}

    def count(rows, owner, due, late):
        for pk, (soon, overdue) in counted_by(rows, owner, due, late).items():
            counts[pk][0] += soon
            counts[pk][1] += overdue

    cases = (Case.objects.filter(OPEN_CASE).exclude(deadline_kind=DeadlineKind.WINDOW)
             .filter(handler_id__in=staff_ids, due_at__lte=horizon))
    count(cases, "handler_id", "due_at", models.Q(due_at__lt=now))
    # A person's most urgent cases: the first rows of their part of the open cases' index
    # (a window over everyone's would read every row each person has due).
    for pk in [pk for pk, (soon, overdue) in counts.items() if soon + overdue]:
        mine = cases.filter(handler_id=pk).order_by("due_at", "pk").only(
            "number", "kind", "due_step", "due_at", "deadline_kind", "deadline_provisional",
            "handler_id")
        for case in mine[:shown]:
            found[pk].append(item(case.number, case.kind, case.due_step, case.due_at,
                                  case.deadline_kind, case.deadline_provisional, case.pk))
    current = AnalysisCycle.objects.filter(
        nonconformity=OuterRef("cycle__nonconformity")).order_by("-number").values("pk")[:1]
    tasks = (CapaTask.objects.filter(owner_id__in=staff_ids, done_at__isnull=True,
                                     due_at__lte=horizon, cycle=Subquery(current))
             .exclude(cycle__nonconformity__case__state__in=FINAL_STATES))
    count(tasks, "owner_id", "due_at", models.Q(due_at__lt=now))
    for task in most_urgent(tasks, "owner_id", ["due_at", "pk"], shown).select_related(
            "cycle__nonconformity__case"):
        case = task.cycle.nonconformity.case
        found[task.owner_id].append(item(f"{case.number} #{task.pk}", "capa_task",
                                         "capa_task", task.due_at, DeadlineKind.TARGET,
                                         task.due_provisional, case.pk))
    loans = ArchiveLoan.objects.filter(borrower_id__in=staff_ids,
                                       state=ArchiveLoan.State.APPROVED,
                                       return_due_on__lte=china_date(horizon))
    # A dossier is overdue once its day has ended (as `item` tests its end of day).
    today = china_date(now)
    last_overdue_day = today if end_of_day(today) < now else today - dt.timedelta(days=1)
    count(loans, "borrower_id", "return_due_on", models.Q(return_due_on__lte=last_overdue_day))
    for loan in most_urgent(loans, "borrower_id", ["return_due_on", "pk"],
                            shown).select_related("archive"):
        found[loan.borrower_id].append(item(
            loan.archive.archive_number, "loan", "loan_return", end_of_day(loan.return_due_on),
            DeadlineKind.RULE, not year_is_known(loan.return_due_on.year, overrides),
            loan.archive.case_id))
    digests = {}
    for pk, items in found.items():
        items.sort(key=lambda i: i["due_at"])
        digests[pk] = Digest(items=items[:shown], soon=counts[pk][0], overdue=counts[pk][1])
    return digests


def digest_horizon(schedule: ReminderSchedule, today: dt.date) -> dt.datetime | None:
    """A digest lists what is due by the end of the second working day after `today`."""
    day = schedule.working_day_after(today, 2)
    return end_of_day(day) if day is not None else None


def digest_today(staff: Staff, *, now: dt.datetime) -> Digest:
    """What `staff`'s digest lists at `now`, on demand (the bot's /digest): their open
    items overdue or due within two working days, as the morning's digest has them."""
    overrides = calendar_overrides()
    horizon = digest_horizon(ReminderSchedule(overrides), china_date(now))
    if horizon is None:
        return Digest()
    return digest_items([staff.pk], horizon=horizon, now=now, overrides=overrides)[staff.pk]


def digest_queue(*, now: dt.datetime, overrides=None) -> list[Notification]:
    """On a working morning (from the reminder hour), one "digest" per active staff
    member with open items due within two working days or overdue; nothing for whoever
    has none. Once per person and day."""
    overrides = calendar_overrides() if overrides is None else overrides
    schedule = ReminderSchedule(overrides)
    today = china_date(now)
    if not schedule.is_working(today) or now < schedule.morning(today):
        return []
    horizon = digest_horizon(schedule, today)
    if horizon is None:
        return []
    staff = {s.pk: s for s in Staff.objects.filter(is_active=True)}
    keys = {pk: f"digest:{pk}:{today.isoformat()}" for pk in staff}
    sent = set(Notification.objects.filter(dedupe_key__in=keys.values())
               .values_list("dedupe_key", flat=True))
    pending = [pk for pk, key in keys.items() if key not in sent]
    digests = digest_items(pending, horizon=horizon, now=now, overrides=overrides)
    queued = []
    for pk in pending:
        digest = digests[pk]
        if not digest.total:
            continue
        notification = notification_queue(
            None, DIGEST, staff=staff[pk], dedupe_key=keys[pk],
            context={"items": digest.items, "soon": digest.soon, "overdue": digest.overdue})
        if notification is not None:
            queued.append(notification)
    return queued
