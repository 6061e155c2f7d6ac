"""A reminder put off to the next working morning (issue 14)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from caseflow.models.notifications import Notification
from caseflow.models.people import Role, Staff


class ReminderSnooze(models.Model):
    """A person put off the reminders of one deadline until `until`, the next working
    morning: nothing of it reaches them before then, and a reminder does then, even on a
    morning the schedule would pass over. One per person and deadline; snoozing again
    moves it on."""

    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    # The reminder (or escalation) whose button was pressed: its recipient, level and
    # wording are what the repeat carries.
    notification = models.ForeignKey(Notification, on_delete=models.PROTECT, related_name="+")
    subject_kind = models.CharField(max_length=24)  # the sweep's kind: "case", "loan", …
    object_id = models.PositiveIntegerField()
    due_at = models.DateTimeField(_("due at"))
    level = models.PositiveSmallIntegerField(default=0)
    # A reminder to a role is put off for the role, as its acknowledgement would be.
    role = models.CharField(max_length=32, choices=Role.choices, blank=True)
    at = models.DateTimeField(_("snoozed at"))
    until = models.DateTimeField(_("snoozed until"))
    # When the sweep took it up at `until` (queued the repeat, or found none needed).
    repeated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["until", "id"]
        verbose_name = _("reminder snooze")
        verbose_name_plural = _("reminder snoozes")
        constraints = [models.UniqueConstraint(
            fields=["staff", "subject_kind", "object_id", "due_at"],
            name="one_snooze_per_deadline")]
        indexes = [
            # The sweep reads the snoozes whose morning has come and not yet taken up.
            models.Index(fields=["until"], name="snooze_pending",
                         condition=models.Q(repeated_at__isnull=True)),
            models.Index(fields=["subject_kind", "object_id", "due_at"],
                         name="snooze_deadline"),
        ]

    def __str__(self):
        return f"{self.staff} · {self.subject_kind}:{self.object_id} until {self.until}"
