"""Formal written notices and the proof of each sending (R8.03, R8.07, R8.09)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from caseflow.models.cases import Case
from caseflow.models.people import Staff


class Notice(models.Model):
    """A generated PDF; `sha256` is the content hash of the approved version."""

    class Kind(models.TextChoices):
        ACCEPTANCE = "acceptance", _("Acceptance notice (受理通知书)")
        REJECTION = "rejection", _("Notice of non-acceptance (不予受理通知书)")
        COMPLAINT_RESULT = "complaint_result", _("Complaint result notice (投诉处理结果通知)")
        APPEAL_RULING = "appeal_ruling", _("Appeal ruling (申诉处理决定)")
        DISPUTE_ANSWER = "dispute_answer", _("Dispute answer (争议答复)")
        COMMITTEE_DECISION = "committee_decision", _("Impartiality committee decision")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="notices")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    text = models.TextField(_("text"))
    file = models.FileField(_("file"), upload_to="notices/%Y/")
    sha256 = models.CharField(max_length=64)
    approved_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")

    def __str__(self):
        return f"{self.case} · {self.get_kind_display()}"


# The document titles the manual uses; they head the PDF and name it in the dossier.
NOTICE_TITLES = {
    Notice.Kind.ACCEPTANCE: "申诉、投诉和争议受理通知书",
    Notice.Kind.REJECTION: "申诉、投诉和争议不予受理通知书",
    Notice.Kind.COMPLAINT_RESULT: "投诉处理结果通知书",
    Notice.Kind.APPEAL_RULING: "申诉处理决定书",
    Notice.Kind.DISPUTE_ANSWER: "争议答复函",
    Notice.Kind.COMMITTEE_DECISION: "公正性管理委员会决定书",
}


class NoticeSending(models.Model):
    """One sending of a notice with its proof; `sha256` is what was actually sent."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        REGISTERED_MAIL = "registered_mail", _("Registered mail")
        IN_PERSON = "in_person", _("Handed over in person")

    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="sendings")
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    sha256 = models.CharField(max_length=64)
    sent_at = models.DateTimeField(_("sent at"))
    sent_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    email_message_id = models.CharField(_("email message id"), max_length=200, blank=True)
    registered_mail_number = models.CharField(_("registered mail number"), max_length=40,
                                              blank=True)
    received_on = models.DateField(_("received on"), null=True, blank=True)

    def __str__(self):
        return f"{self.notice} · {self.get_channel_display()}"
