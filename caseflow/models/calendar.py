"""Administrator corrections to the official working-day schedule (W1, W3)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class CalendarOverride(models.Model):
    """One date whose status the data package lacks or gets wrong (e.g. next year's schedule)."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Holiday (day off)")
        WORKDAY = "workday", _("Make-up working day (调休上班)")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")

    def __str__(self):
        return f"{self.date} {self.get_kind_display()}"

    @property
    def is_working_day(self) -> bool:
        return self.kind == self.Kind.WORKDAY


class CalendarYear(models.Model):
    """Per year: whether an administrator has entered the full official schedule (W3)."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    schedule_complete = models.BooleanField(_("schedule complete"), default=False)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("completed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["year"]
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")

    def __str__(self):
        return str(self.year)
