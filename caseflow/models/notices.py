"""Formal written notices and the proof of each sending (R8.03, R8.07, R8.09)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from caseflow.models.cases import Case
from caseflow.models.people import Organization, Party, Staff


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
    # X8: the notice names a person whose identity was erased since. It stays as the legal
    # record, open only to the client & information office, which keeps the archive (X12).
    identity_erased_at = models.DateTimeField(_("identity erased at"), null=True, blank=True)

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
    """One sending of a notice to one recipient, with its proof; `sha256` is what was
    actually sent (R8.07). A notice goes to every party concerned (R8.09): one sending
    each, each with its own channel and proof (a registered letter has its own number).

    The recipient is the case's `Party` where there is one: the submitter, whose identity
    and contact are confidential (R8.13) and erasable (X8), so the sending points at the
    party rather than copying a name or an address. A client (项目委托方) that did not
    submit the case has no party record: it is the engagement's client `Organization`
    (a public authority, on the engagement already), so the sending points at that.
    Exactly one of the two is set on every sending recorded since recipients were kept;
    an older sending was backfilled to its case's submitter (all that was sent then)."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        REGISTERED_MAIL = "registered_mail", _("Registered mail")
        IN_PERSON = "in_person", _("Handed over in person")

    class Recipient(models.TextChoices):
        SUBMITTER = "submitter", _("Submitter (complainant, appellant or client who filed)")
        CLIENT = "client", _("Client (项目委托方) of the engagement concerned")

    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="sendings")
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    sha256 = models.CharField(max_length=64)
    sent_at = models.DateTimeField(_("sent at"))
    sent_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    email_message_id = models.CharField(_("email message id"), max_length=200, blank=True)
    registered_mail_number = models.CharField(_("registered mail number"), max_length=40,
                                              blank=True)
    # What the mail server answered when it accepted a notice the system emailed (R8.09):
    # with the Message-ID, the proof of that sending.
    email_server_reply = models.CharField(_("mail server's reply"), max_length=500,
                                          blank=True)
    received_on = models.DateField(_("received on"), null=True, blank=True)
    recipient_party = models.ForeignKey(Party, on_delete=models.PROTECT, null=True,
                                        blank=True, related_name="+",
                                        verbose_name=_("recipient (party)"))
    recipient_organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("recipient (client organization)"))

    class Meta:
        constraints = [models.CheckConstraint(
            condition=models.Q(recipient_party__isnull=True)
            | models.Q(recipient_organization__isnull=True),
            name="sending_has_one_recipient")]

    def __str__(self):
        return f"{self.notice} · {self.get_channel_display()}"

    @property
    def recipient(self) -> str:
        """Which party concerned this sending went to ("" for none recorded)."""
        if self.recipient_organization_id:
            return self.Recipient.CLIENT
        return self.Recipient.SUBMITTER if self.recipient_party_id else ""
