"""Pressing a reminder's buttons (issue 14): Acknowledge (the sweep's
`reminder_acknowledge`) and Snooze to the next working morning, and the repeat of a
snoozed reminder on that morning.

A press changes something only when it is the recipient's and the reminder is current:
not acknowledged by them already, the case not closed, the step not done, the deadline
not moved. Otherwise it is refused with the reason, and nothing changes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from caseflow.actions.events import event_record
from caseflow.actions.notifications import notification_queue
from caseflow.actions.reminders import (
    ACKNOWLEDGEABLE,
    Due,
    check_reminder_recipient,
    deadline_now,
    moment_text,
    reminder_acknowledge,
)
from caseflow.errors import Conflict, InvalidInput, RoleRequired
from caseflow.models import Notification, ReminderAcknowledgement, ReminderSnooze, Staff
from caseflow.policies.transitions import FINAL_STATES
from caseflow.reminder_buttons import ACKNOWLEDGE, button_press_read
from caseflow.reminder_schedule import ReminderSchedule
from caseflow.selectors.calendar import calendar_overrides
from caseflow.workdays import CHINA, china_date


def next_working_morning(now: dt.datetime, schedule: ReminderSchedule) -> dt.datetime:
    """The first reminder hour on a working day after `now`."""
    day = china_date(now)
    if schedule.morning(day) <= now:
        day += dt.timedelta(days=1)
    return schedule.morning(schedule.working_day_from(day))


def local(moment: dt.datetime) -> str:
    return moment.astimezone(CHINA).strftime("%Y-%m-%d %H:%M")


def check_reminder_current(notification: Notification, staff: Staff) -> Due:
    """The reminder was sent to `staff` and is still current; the deadline as it stands.
    Raises, saying why, otherwise."""
    if notification.template not in ACKNOWLEDGEABLE:
        raise InvalidInput(_("This button is not one of ours; nothing was changed."))
    try:
        check_reminder_recipient(notification, staff)
    except RoleRequired as refused:
        raise RoleRequired(_("This reminder was sent to someone else; nothing was "
                             "changed.")) from refused
    context = notification.context
    kind, object_id = context["subject_kind"], int(context["object_id"])
    due_at = dt.datetime.fromisoformat(context["due_at"])
    acknowledged = ReminderAcknowledgement.objects.filter(
        staff=staff, subject_kind=kind, object_id=object_id, due_at=due_at).first()
    if acknowledged is not None:
        raise Conflict(_("You acknowledged this reminder already (%(when)s); nothing was "
                         "changed.") % {"when": local(acknowledged.at)})
    case = notification.case
    if case is not None and case.state in FINAL_STATES:
        raise Conflict(_("The case is closed; nothing was changed."))
    current = deadline_now(kind, object_id)
    if current is None:
        raise Conflict(_("This reminder is out of date: the step it was about is done."))
    if current.due_at != due_at:
        raise Conflict(_("This reminder is out of date: the deadline has moved on to "
                         "%(due)s.") % {"due": local(current.due_at)})
    return current


@transaction.atomic
def reminder_snooze(*, notification: Notification, acting_user: Staff,
                    now: dt.datetime) -> ReminderSnooze:
    """Put the reminders of this deadline to `acting_user` off to the next working
    morning, when one reaches them again; recorded on the case's trail."""
    notification = Notification.objects.select_for_update(of=("self",)).select_related("case").get(
        pk=notification.pk)
    check_reminder_current(notification, acting_user)
    context = notification.context
    until = next_working_morning(now, ReminderSchedule(calendar_overrides()))
    snooze, _created = ReminderSnooze.objects.update_or_create(
        staff=acting_user, subject_kind=context["subject_kind"],
        object_id=int(context["object_id"]),
        due_at=dt.datetime.fromisoformat(context["due_at"]),
        defaults={"notification": notification, "level": int(context.get("level", 0)),
                  "role": notification.recipient_role, "at": now, "until": until,
                  "repeated_at": None})
    if notification.case is not None:
        event_record(notification.case, action="reminder_snoozed", actor=acting_user,
                     from_state=notification.case.state,
                     payload={"notification": notification.pk,
                              "subject_kind": snooze.subject_kind,
                              "object_id": snooze.object_id,
                              "due_at": moment_text(snooze.due_at),
                              "until": moment_text(until), "level": snooze.level})
    return snooze


@dataclass(frozen=True)
class PressOutcome:
    acknowledged: bool
    snoozed_until: dt.datetime | None = None


@transaction.atomic
def reminder_button_press(*, data: str, acting_user: Staff, now: dt.datetime) -> PressOutcome:
    """A press of a reminder's Acknowledge or Snooze button, as the button's data came
    back: only data we issued, only by the reminder's recipient, only while current."""
    press = button_press_read(data)
    notification = (Notification.objects.select_for_update(of=("self",)).select_related("case")
                    .filter(pk=press.notification_id).first())
    if notification is None:
        raise InvalidInput(_("This button is not one of ours; nothing was changed."))
    if press.action == ACKNOWLEDGE:
        # Checked here too: acknowledging again is no error for the action, but the
        # person pressing should hear that nothing changed.
        check_reminder_current(notification, acting_user)
        reminder_acknowledge(notification=notification, acting_user=acting_user)
        return PressOutcome(acknowledged=True)
    snooze = reminder_snooze(notification=notification, acting_user=acting_user, now=now)
    return PressOutcome(acknowledged=False, snoozed_until=snooze.until)


def snoozed_reminders_queue(*, now: dt.datetime, overrides=None) -> list[Notification]:
    """On the morning a snooze ends, the reminder again to whoever put it off, unless the
    schedule reminds them that morning anyway (the sweep then has), or the step is done,
    the deadline moved or they acknowledged it meanwhile. Each snooze is taken up once
    (claimed like the sweep's rows); `run_due` calls this after the sweep."""
    schedule = ReminderSchedule(calendar_overrides() if overrides is None else overrides)
    queued = []
    due_ids = list(ReminderSnooze.objects.filter(until__lte=now, repeated_at__isnull=True)
                   .order_by("until", "pk").values_list("pk", flat=True))
    for pk in due_ids:
        with transaction.atomic():
            snooze = (ReminderSnooze.objects.select_for_update(skip_locked=True, of=("self",))
                      .select_related("notification", "notification__case", "staff")
                      .filter(pk=pk, repeated_at__isnull=True).first())
            if snooze is None:  # another run took it
                continue
            ReminderSnooze.objects.filter(pk=pk).update(repeated_at=now)
            repeat = snooze_repeat(snooze, now=now, schedule=schedule)
            if repeat is not None:
                queued.append(repeat)
    return queued


def snooze_repeat(snooze: ReminderSnooze, *, now: dt.datetime,
                  schedule: ReminderSchedule) -> Notification | None:
    due = deadline_now(snooze.subject_kind, snooze.object_id)
    if due is None or due.due_at != snooze.due_at:
        return None  # done, or a new deadline with reminders of its own
    if ReminderAcknowledgement.objects.filter(
            staff=snooze.staff, subject_kind=snooze.subject_kind,
            object_id=snooze.object_id, due_at=snooze.due_at).exists():
        return None
    if schedule.threshold_on(due.due_at, china_date(now)) is not None:
        return None  # a reminder morning anyway: the sweep has reminded them
    threshold = schedule.latest(due.due_at, now)
    original = snooze.notification
    context = {**original.context, "provisional": due.provisional}
    if threshold is not None:
        context.update(threshold=threshold.name,
                       overdue_working_days=threshold.overdue_working_days)
    return notification_queue(
        original.case, original.template,
        staff=original.recipient_staff, role=original.recipient_role, about=original.about,
        context=context, dedupe_key=f"snooze:{snooze.pk}:{china_date(now).isoformat()}")
