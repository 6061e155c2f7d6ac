"""The yearly conflict-of-interest analysis (R9.03): recorded, and reminded when due."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from caseflow.actions.notifications import notification_queue
from caseflow.errors import InvalidInput, RoleRequired
from caseflow.models import ConflictAnalysis, Notification, Role, Staff


def analysis_due_on(year: int) -> dt.date:
    """From this date the year's analysis is due and reminded (settings, default 1 Dec)."""
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
            return ConflictAnalysis.objects.create(year=year, findings=findings,
                                                   run_by=acting_user, run_at=timezone.now())
    except IntegrityError as exc:
        raise InvalidInput(_("The %(year)s analysis is already recorded.") % {"year": year},
                           rule="R9.03",
                           field="year") from exc


def conflict_analysis_remind(*, now: dt.datetime) -> Notification | None:
    """R9.03: once the year's analysis is due and not recorded, the head is reminded once."""
    today = timezone.localdate(now)
    about = f"conflict_analysis:{today.year}"
    if today < analysis_due_on(today.year):
        return None
    if ConflictAnalysis.objects.filter(year=today.year).exists():
        return None
    if Notification.objects.filter(about=about).exists():
        return None
    return notification_queue(None, "conflict_analysis_due", role=Role.DEPARTMENT_HEAD,
                              about=about)
