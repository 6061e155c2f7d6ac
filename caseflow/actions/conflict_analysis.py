"""The yearly conflict-of-interest analysis (R9.03): recorded, and its yearly deadline."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from caseflow.errors import InvalidInput, RoleRequired
from caseflow.models import ConflictAnalysis, ConflictAnalysisDeadline, Role, Staff
from caseflow.reminder_schedule import ReminderSchedule
from caseflow.selectors.calendar import calendar_overrides
from caseflow.workdays import CHINA, china_date, end_of_day, year_is_known


def analysis_due_on(year: int) -> dt.date:
    """The date the year's analysis is due by (settings, default 1 December); reminded
    two working days ahead, on the day, and each working morning after until recorded."""
    month, day = getattr(settings, "CASEFLOW_CONFLICT_ANALYSIS_DUE", (12, 1))
    return dt.date(year, month, day)


@transaction.atomic
def conflict_analysis_record(*, year: int, findings: str, acting_user: Staff) -> ConflictAnalysis:
    """R9.03: at least once a year the department head runs the analysis."""
    if not acting_user.has_role(Role.DEPARTMENT_HEAD):
        raise RoleRequired(_("The department head runs the conflict-of-interest analysis."),
                           rule="R9.03")
    if not findings.strip():
        raise InvalidInput(_("Record the findings."), rule="R9.03", field="findings")
    if year > timezone.localdate().year:
        raise InvalidInput(_("The analysis is for this year or a past one."), field="year")
    try:
        with transaction.atomic():
            analysis = ConflictAnalysis.objects.create(year=year, findings=findings,
                                                       run_by=acting_user, run_at=timezone.now())
    except IntegrityError as exc:
        raise InvalidInput(_("The %(year)s analysis is already recorded.") % {"year": year},
                           rule="R9.03",
                           field="year") from exc
    # Done: its reminders stop.
    ConflictAnalysisDeadline.objects.filter(year=year).update(next_reminder_at=None)
    return analysis


def conflict_analysis_deadline_ensure(*, now: dt.datetime,
                                      overrides=None) -> ConflictAnalysisDeadline:
    """R9.03: this year's analysis has its deadline row, which the deadline sweep reminds
    (`caseflow.actions.reminders`) until the analysis is recorded. Created with the
    year's first reminder moment, so a row created late is reminded at once."""
    year = china_date(now).year
    existing = ConflictAnalysisDeadline.objects.filter(year=year).first()
    if existing is not None:
        return existing
    overrides = calendar_overrides() if overrides is None else overrides
    due_at = end_of_day(analysis_due_on(year))
    first_moment = None
    if not ConflictAnalysis.objects.filter(year=year).exists():
        first_moment = ReminderSchedule(overrides).next_moment(
            due_at, dt.datetime(year, 1, 1, tzinfo=CHINA))
    try:
        with transaction.atomic():  # two sweeps at once: one creates it
            return ConflictAnalysisDeadline.objects.create(
                year=year, due_at=due_at, provisional=not year_is_known(year, overrides),
                next_reminder_at=first_moment)
    except IntegrityError:
        return ConflictAnalysisDeadline.objects.get(year=year)
