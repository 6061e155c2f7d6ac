"""The notification outbox: rows written in the transaction of the change that causes them."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from caseflow.models.cases import Case
from caseflow.models.notices import Notice
from caseflow.models.people import Organization, Party, Role, Staff


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
    # A client (项目委托方) without a party record gets a notice at the organization's
    # address on file (R8.09).
    recipient_organization = models.ForeignKey(Organization, on_delete=models.PROTECT,
                                               null=True, blank=True, related_name="+")
    # A written notice the system emails itself (R8.07): the approved PDF goes attached.
    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="notifications")
    # Facts the message states beyond the case's current ones, fixed when it was queued
    # (a reminder's threshold, deadline, its kind and whether it is provisional).
    context = models.JSONField(default=dict, blank=True)
    # One reminder per (what, deadline, threshold, recipient, day): a second sweep or a
    # redelivered task cannot queue it twice.
    dedupe_key = models.CharField(max_length=200, unique=True, null=True, blank=True)
    # Delivery bookkeeping: when the relay may hand the row to a worker next (backoff),
    # when it last did (a stale hand-over is handed again), and the channel it went by.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    channel = models.CharField(max_length=16, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING,
                              db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # When delivery was given up on (status failed): the dashboard lists the latest.
    failed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            # The relay reads only what is pending: a small slice of a large table.
            models.Index(fields=["next_attempt_at"], name="notification_pending",
                         condition=models.Q(status="pending")),
            # The dashboard counts and lists failures: a few among millions sent.
            models.Index(fields=["case"], name="notification_failed",
                         condition=models.Q(status="failed")),
            models.Index(fields=["-failed_at", "-id"], name="notification_failed_latest",
                         condition=models.Q(status="failed")),
        ]
        constraints = [
            models.CheckConstraint(
                name="notification_has_one_recipient",
                condition=(
                    models.Q(recipient_staff__isnull=False, recipient_role="",
                             recipient_party__isnull=True, recipient_organization__isnull=True)
                    | models.Q(recipient_staff__isnull=True, recipient_party__isnull=True,
                               recipient_organization__isnull=True)
                    & ~models.Q(recipient_role="")
                    | models.Q(recipient_staff__isnull=True, recipient_role="",
                               recipient_party__isnull=False,
                               recipient_organization__isnull=True)
                    | models.Q(recipient_staff__isnull=True, recipient_role="",
                               recipient_party__isnull=True,
                               recipient_organization__isnull=False)
                ),
            )
        ]

    def __str__(self):
        return f"{self.template} → {self.recipient_staff or self.recipient_role or 'party'}"


class DeliveryAttempt(models.Model):
    """One try at handing a notification to one channel, kept whatever happened
    (healthchecks' Flip/Notification; Saleor's EventDeliveryAttempt)."""

    class Result(models.TextChoices):
        SENT = "sent", _("sent")
        RETRY = "retry", _("failed, will retry")
        FAILED = "failed", _("failed for good")
        SKIPPED = "skipped", _("skipped")

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE,
                                     related_name="delivery_attempts")
    at = models.DateTimeField()
    channel = models.CharField(max_length=16)
    # Which person it went to, where a role resolved to several holders.
    recipient_staff = models.ForeignKey(Staff, on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="+")
    result = models.CharField(max_length=8, choices=Result.choices)
    error = models.TextField(blank=True)
    # The transport's id for what it accepted: an email's Message-ID, a Telegram message id.
    external_id = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")

    def __str__(self):
        return f"{self.notification_id} {self.channel} {self.result}"


class ReminderAcknowledgement(models.Model):
    """A person saw a reminder of one deadline: the daily repeat to them stops; the
    escalation up the ladder does not (only doing the step moves the deadline on)."""

    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    notification = models.ForeignKey(Notification, on_delete=models.PROTECT, related_name="+")
    # What is due: the sweep's kind ("case", "capa_task", …) and that row's id.
    subject_kind = models.CharField(max_length=24)
    object_id = models.PositiveIntegerField()
    due_at = models.DateTimeField(_("due at"))
    # The rung it was acknowledged at, and the role when it came to a role: repeats at
    # this rung or below stop; a higher rung reaching the same person still goes out.
    level = models.PositiveSmallIntegerField(default=0)
    role = models.CharField(max_length=32, choices=Role.choices, blank=True)
    at = models.DateTimeField(_("acknowledged at"))

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("reminder acknowledgement")
        verbose_name_plural = _("reminder acknowledgements")
        constraints = [models.UniqueConstraint(
            fields=["staff", "subject_kind", "object_id", "due_at"],
            name="one_acknowledgement_per_deadline")]
        indexes = [models.Index(fields=["subject_kind", "object_id", "due_at"],
                                name="acknowledgement_deadline")]

    def __str__(self):
        return f"{self.staff} · {self.subject_kind}:{self.object_id}"


class AcknowledgementLinkUse(models.Model):
    """A reminder's acknowledgement link (a signed URL in its WeCom or DingTalk card, one
    per notification and person) that was used: each works once."""

    notification = models.ForeignKey(Notification, on_delete=models.PROTECT,
                                     related_name="acknowledgement_link_uses")
    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    used_at = models.DateTimeField(_("used at"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["notification", "staff"],
                                               name="acknowledgement_link_used_once")]
        verbose_name = _("acknowledgement link used")
        verbose_name_plural = _("acknowledgement links used")

    def __str__(self):
        return f"{self.notification_id} · {self.staff_id} · {self.used_at:%Y-%m-%d %H:%M}"
