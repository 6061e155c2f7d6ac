"""The notification outbox: rows written in the transaction of the change that causes them."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from caseflow.models.cases import Case
from caseflow.models.people import Party, Role, Staff


class Notification(models.Model):
    """To one person, or to a role resolved when it is sent; delivered by the workers."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="notifications",
                             null=True, blank=True)
    # What a reminder without a case is about, e.g. "conflict_analysis:2026", "loan:7".
    about = models.CharField(max_length=64, blank=True, db_index=True)
    template = models.CharField(_("template"), max_length=48)
    # What only this message carries (a new tracking code); scrubbed once sent.
    body = models.TextField(blank=True)
    recipient_staff = models.ForeignKey(Staff, on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="notifications")
    recipient_role = models.CharField(max_length=32, choices=Role.choices, blank=True)
    recipient_party = models.ForeignKey(Party, on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="notifications")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING,
                              db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.CheckConstraint(
                name="notification_has_one_recipient",
                condition=(
                    models.Q(recipient_staff__isnull=False, recipient_role="",
                             recipient_party__isnull=True)
                    | models.Q(recipient_staff__isnull=True, recipient_party__isnull=True)
                    & ~models.Q(recipient_role="")
                    | models.Q(recipient_staff__isnull=True, recipient_role="",
                               recipient_party__isnull=False)
                ),
            )
        ]

    def __str__(self):
        return f"{self.template} → {self.recipient_staff or self.recipient_role or 'party'}"
