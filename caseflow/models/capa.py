"""Nonconformities, corrective and preventive actions (seed sections 5 and 7)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from caseflow.models.cases import COUNTED_VERDICTS, Case
from caseflow.models.people import Role, Staff


class NonconformitySource(models.TextChoices):
    ROUTINE_INSPECTION = "routine_inspection", _("Routine inspection")
    CASE_HANDLING = "case_handling", _("Complaint, appeal or dispute handling")
    INTERNAL_INSPECTION = "internal_inspection", _("Internal inspection")
    VERIFICATION_WORK = "verification_work", _("Verification work")
    QUALITY_MEETING = "quality_meeting", _("Quality-analysis meeting")


# R7.01: the post responsible follows from the source.
RESPONSIBLE_POST = {
    NonconformitySource.CASE_HANDLING: Role.CLIENT_OFFICE,
    NonconformitySource.VERIFICATION_WORK: Role.PROJECT_OFFICE,
}


def responsible_post(source: str) -> str:
    return RESPONSIBLE_POST.get(source, Role.QUALITY_ASSURANCE)


class Nonconformity(models.Model):
    """The facts of a nonconformity case (kind BFH-): where it came from, how serious."""

    class Severity(models.TextChoices):
        NORMAL = "normal", _("Normal")
        SERIOUS = "serious", _("Serious (could have serious consequences)")

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="nonconformity")
    source = models.CharField(_("source"), max_length=24, choices=NonconformitySource.choices)
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices,
                                default=Severity.NORMAL)
    responsible_role = models.CharField(_("responsible post"), max_length=32,
                                        choices=Role.choices)
    # Set when the system opened it by itself, e.g. "missed_acceptance" (R7.01).
    trigger = models.CharField(max_length=32, blank=True)

    class Meta:
        verbose_name = _("nonconformity")
        verbose_name_plural = _("nonconformities")
        # Who sees it (R7.01): a narrow role's case list reads its post's few by this.
        indexes = [models.Index(fields=["responsible_role"], name="nonconformity_post")]

    def __str__(self):
        return self.case.number

    @property
    def current_cycle(self):
        return self.cycles.order_by("-number").first()


class AnalysisCycle(models.Model):
    """One round of cause analysis → plan → implementation → verification (R7.02, R7.06).
    A cycle verified not effective (or overdue) is kept, and the next one is numbered on."""

    class Method(models.TextChoices):
        FIVE_WHYS = "five_whys", _("5 whys")
        FISHBONE = "fishbone", _("Fishbone (man, machine, material, method, measurement, "
                                  "environment)")
        FREE = "free", _("Free text")

    class Conclusion(models.TextChoices):
        EFFECTIVE = "effective", _("Effective")
        NOT_EFFECTIVE = "not_effective", _("Not effective")
        OVERDUE = "overdue", _("Overdue")

    nonconformity = models.ForeignKey(Nonconformity, on_delete=models.PROTECT,
                                      related_name="cycles")
    number = models.PositiveSmallIntegerField(_("cycle"))
    method = models.CharField(_("analysis method"), max_length=12, choices=Method.choices,
                              blank=True)
    analysis = models.TextField(_("analysis"), blank=True)
    root_cause = models.TextField(_("root cause"), blank=True)
    correction = models.TextField(_("correction (纠正)"), blank=True)
    corrective_action = models.TextField(_("corrective action (纠正措施)"), blank=True)
    report_due_on = models.DateField(_("implementation report due on"), null=True, blank=True)
    analysed_by = models.ForeignKey(Staff, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    plan_signed_off_by = models.ForeignKey(Staff, on_delete=models.PROTECT, null=True,
                                           blank=True, related_name="+")
    report = models.TextField(_("implementation report"), blank=True)
    report_file = models.FileField(_("report file"), upload_to="capa/%Y/", blank=True)
    reported_at = models.DateTimeField(null=True, blank=True)
    # The next working morning the implementation report's date is reminded (R7.06),
    # while the cycle is being implemented; bookkeeping of the sweep, kept out of history.
    next_reminder_at = models.DateTimeField(null=True, blank=True, db_index=True)
    conclusion = models.CharField(_("verification conclusion"), max_length=16,
                                  choices=Conclusion.choices, blank=True)
    conclusion_reason = models.TextField(_("specific reason"), blank=True)
    verified_by = models.ForeignKey(Staff, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    confirmed_by = models.ForeignKey(Staff, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    # X1: the report's verdict once it can no longer change (reported, or the cycle closed
    # overdue after its date), as counted in `OnTimeMonth`; "" while counted live.
    report_counted = models.CharField(max_length=8, blank=True, choices=COUNTED_VERDICTS)
    # X1: when its nonconformity was received (the case's `received_at`, set once at
    # registration): the month the report is counted in, read with the cycle alone.
    case_received_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["next_reminder_at", "report_counted",
                                                 "case_received_at"])

    class Meta:
        ordering = ["nonconformity", "number"]
        constraints = [models.UniqueConstraint(fields=["nonconformity", "number"],
                                               name="one_cycle_number")]
        indexes = [
            # X1: the reports not yet in the summary (plans being carried out), counted
            # at each request by the month their nonconformity was received: an
            # index-only count of what is open, joining neither the nonconformities nor
            # the year's cases.
            models.Index(fields=["case_received_at"], name="cycle_report_live",
                         condition=models.Q(report_counted="", report_due_on__isnull=False),
                         include=["report_due_on", "reported_at"]),
        ]

    def __str__(self):
        return f"{self.nonconformity} #{self.number}"


class CapaTask(models.Model):
    """A rectification task quality assurance assigns (R7.05)."""

    cycle = models.ForeignKey(AnalysisCycle, on_delete=models.PROTECT, related_name="tasks")
    description = models.TextField(_("task"))
    owner = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="capa_tasks")
    due_at = models.DateTimeField(_("due at"))
    # W3: a due date counted in working days from the assignment is recomputed with the
    # calendar; without a count (a date set as such) it is kept (`task_due`).
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    due_working_days = models.PositiveSmallIntegerField(_("due in working days"), null=True,
                                                        blank=True)
    due_provisional = models.BooleanField(_("provisional due date"), default=False)
    assigned_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    done_at = models.DateTimeField(null=True, blank=True)
    # The next working morning the due date is reminded while the task is open (sweep).
    next_reminder_at = models.DateTimeField(null=True, blank=True, db_index=True)
    history = HistoricalRecords(excluded_fields=["next_reminder_at"])

    class Meta:
        indexes = [
            # Each owner's open tasks by due date (the morning digest): never the done ones.
            models.Index(fields=["owner", "due_at"], name="capa_task_open",
                         condition=models.Q(done_at__isnull=True)),
        ]

    def __str__(self):
        return self.description[:40]


class CapaTaskProgress(models.Model):
    task = models.ForeignKey(CapaTask, on_delete=models.PROTECT, related_name="progress")
    note = models.TextField(_("progress"))
    recorded_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.note[:40]


class InternalInspection(models.Model):
    """R7.04: opened by every nonconformity and every recorded deviation."""

    nonconformity = models.ForeignKey(Nonconformity, on_delete=models.PROTECT, null=True,
                                      blank=True, related_name="inspections")
    deviation = models.TextField(_("deviation from the quality policy or procedures"),
                                 blank=True)
    target_at = models.DateTimeField(_("target"))
    target_working_days = models.PositiveSmallIntegerField(_("target in working days"),
                                                           null=True, blank=True)
    target_provisional = models.BooleanField(_("provisional target"), default=False)
    opened_at = models.DateTimeField(auto_now_add=True)
    opened_by = models.ForeignKey(Staff, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+")
    findings = models.TextField(_("findings"), blank=True)
    completed_by = models.ForeignKey(Staff, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    completed_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("internal inspection")
        verbose_name_plural = _("internal inspections")

    def __str__(self):
        return f"{_('Internal inspection')} #{self.pk}"


class SeriousReview(models.Model):
    """R7.08: written under the department head, checked by the QM, approved by the GM."""

    nonconformity = models.OneToOneField(Nonconformity, on_delete=models.PROTECT,
                                         related_name="serious_review")
    text = models.TextField(_("review"))
    written_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    checked_by = models.ForeignKey(Staff, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    approved_by = models.ForeignKey(Staff, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    history = HistoricalRecords()

    def __str__(self):
        return f"{self.nonconformity} review"


class PreventiveAction(models.Model):
    """R7.03, R7.09: a measure against a potential nonconformity, rated by risk."""

    class Origin(models.TextChoices):
        NONCONFORMITY = "nonconformity", _("Nonconformity")
        EVALUATION = "evaluation", _("Evaluation finding")
        QUALITY_MEETING = "quality_meeting", _("Quality-analysis meeting")

    class Risk(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        APPROVED = "approved", _("Approved")
        DONE = "done", _("Carried out")

    origin = models.CharField(_("origin"), max_length=16, choices=Origin.choices)
    nonconformity = models.ForeignKey(Nonconformity, on_delete=models.PROTECT, null=True,
                                      blank=True, related_name="preventive_actions")
    potential_problem = models.TextField(_("potential nonconformity"))
    risk = models.CharField(_("risk"), max_length=8, choices=Risk.choices)
    touches_impartiality_or_resources = models.BooleanField(
        _("touches impartiality or the body's resources"), default=False)
    plan = models.TextField(_("preventive measures"))
    state = models.CharField(max_length=10, choices=State.choices, default=State.PROPOSED)
    drafted_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(Staff, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(Staff, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    outcome = models.TextField(_("outcome"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("preventive action")
        verbose_name_plural = _("preventive actions")

    def __str__(self):
        return self.potential_problem[:40]
