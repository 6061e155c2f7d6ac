"""X1: the year's figures kept as they happen, a few dozen rows a year.

Written only by `caseflow.actions.yearly_figures`, in the transaction of the action that
decides a rule deadline or a span of working days, and rebuilt from a full recount by the
`yearly_figures_rebuild` command. What a row cannot hold yet (a deadline still open) is
counted live at each request, so every figure is exact at the moment it is read."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OnTimeMonth(models.Model):
    """Rule deadlines of the cases received in one month (Asia/Shanghai) whose verdict is
    decided: met or missed."""

    class Deadline(models.TextChoices):
        ACCEPTANCE = "acceptance", _("Acceptance decision (R8.03)")
        CORRECTIVE_REPORT = "corrective_report", _("Corrective-action report (R7.06)")

    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    deadline = models.CharField(_("deadline"), max_length=20, choices=Deadline.choices)
    on_time = models.IntegerField(_("on time"), default=0)
    late = models.IntegerField(_("late"), default=0)

    class Meta:
        verbose_name = _("on-time count of a month")
        verbose_name_plural = _("on-time counts by month")
        constraints = [models.UniqueConstraint(fields=["year", "month", "deadline"],
                                               name="one_on_time_month")]

    def __str__(self):
        return f"{self.year}-{self.month:02d} {self.deadline}"


class WorkingDaysTally(models.Model):
    """How many complaints, appeals and disputes received in `year` took `working_days`
    from receipt to their acceptance decision, or to closure: the medians' histogram."""

    class Span(models.TextChoices):
        TO_ACCEPTANCE = "acceptance", _("Receipt to acceptance decision")
        TO_CLOSURE = "closure", _("Receipt to closure")

    year = models.PositiveSmallIntegerField(_("year"))
    span = models.CharField(_("span"), max_length=10, choices=Span.choices)
    working_days = models.IntegerField(_("working days"))
    cases = models.IntegerField(_("cases"), default=0)

    class Meta:
        verbose_name = _("working-day tally")
        verbose_name_plural = _("working-day tallies")
        constraints = [models.UniqueConstraint(fields=["year", "span", "working_days"],
                                               name="one_working_days_tally")]

    def __str__(self):
        return f"{self.year} {self.span} {self.working_days}"
