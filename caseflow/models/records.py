"""Controlled documents (R7.07), archives and their loans (R10.01–R10.05), disclosure of
confidential material (R10.03), and the yearly conflict-of-interest analysis (R9.03)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from caseflow.models.cases import Case
from caseflow.models.people import Role, Staff


class ControlledDocument(models.Model):
    """A document of the quality system, numbered `CEC-YYYYD-M/N` (R7.07)."""

    class Kind(models.TextChoices):
        QUALITY_MANUAL = "quality_manual", _("Quality manual (质量手册)")
        PROCEDURE = "procedure", _("Procedure (制度/程序文件)")
        FORM = "form", _("Form or record template")

    sequence = models.PositiveIntegerField(_("sequence number"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    history = HistoricalRecords()

    class Meta:
        ordering = ["sequence"]
        verbose_name = _("controlled document")
        verbose_name_plural = _("controlled documents")

    def __str__(self):
        current = self.revisions.filter(obsolete=False).first()
        return f"{current.number if current else self.sequence} {self.title}"

    @property
    def approver_role(self) -> str:
        """R7.07: the quality manual is approved by the GM, everything else by the QM."""
        if self.kind == self.Kind.QUALITY_MANUAL:
            return Role.GENERAL_MANAGER
        return Role.QUALITY_MANAGER


def document_number(sequence: int, revision: str, changes: int) -> str:
    return f"CEC-{sequence:04d}D-{revision}/{changes}"


class DocumentRevision(models.Model):
    document = models.ForeignKey(ControlledDocument, on_delete=models.PROTECT,
                                 related_name="revisions")
    revision = models.CharField(_("revision"), max_length=2)
    changes = models.PositiveSmallIntegerField(_("change count"))
    file = models.FileField(_("file"), upload_to="documents/", blank=True)
    effective_at = models.DateTimeField(_("effective from"))
    obsolete = models.BooleanField(_("obsolete (作废)"), default=False)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["document", "-effective_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["document", "revision", "changes"],
                                               name="one_revision_number")]

    def __str__(self):
        return self.number

    @property
    def number(self) -> str:
        return document_number(self.document.sequence, self.revision, self.changes)


class ChangeRequest(models.Model):
    class State(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        APPLIED = "applied", _("Applied")

    document = models.ForeignKey(ControlledDocument, on_delete=models.PROTECT,
                                 related_name="change_requests")
    description = models.TextField(_("change"))
    reissue = models.BooleanField(_("re-issue (new revision letter)"), default=False)
    nonconformity_case = models.ForeignKey(Case, on_delete=models.PROTECT, null=True,
                                           blank=True, related_name="document_changes")
    state = models.CharField(max_length=10, choices=State.choices, default=State.REQUESTED)
    requested_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(Staff, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    decision_reason = models.TextField(blank=True)
    applied_by = models.ForeignKey(Staff, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    resulting_revision = models.ForeignKey(DocumentRevision, on_delete=models.PROTECT,
                                           null=True, blank=True, related_name="+")
    history = HistoricalRecords()

    def __str__(self):
        return f"{self.document} · {self.description[:30]}"


class ArchiveRecord(models.Model):
    """R10.01, R10.04, R10.05: a closed case's dossier, kept by the client & information
    office until `retain_until` (closed + 10 years, extendable)."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="archive")
    archive_number = models.CharField(_("archive number"), max_length=40, unique=True)
    archived_at = models.DateTimeField(_("archived at"))
    custodian_role = models.CharField(max_length=32, choices=Role.choices,
                                      default=Role.CLIENT_OFFICE)
    retain_until = models.DateField(_("retain until"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("archive record")
        verbose_name_plural = _("archive records")

    def __str__(self):
        return self.archive_number


class ArchiveLoan(models.Model):
    """R10.02: borrowing an archived dossier, approved by the department head."""

    class State(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        APPROVED = "approved", _("Approved (lent)")
        REJECTED = "rejected", _("Rejected")
        RETURNED = "returned", _("Returned")

    archive = models.ForeignKey(ArchiveRecord, on_delete=models.PROTECT, related_name="loans")
    borrower = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    purpose = models.TextField(_("purpose"))
    return_due_on = models.DateField(_("return by"))
    state = models.CharField(max_length=10, choices=State.choices, default=State.REQUESTED)
    decided_by = models.ForeignKey(Staff, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    returned_at = models.DateTimeField(null=True, blank=True)
    # When the borrower was first reminded that the dossier is overdue.
    overdue_reminded_at = models.DateTimeField(null=True, blank=True)
    # The next working morning the return date is reminded while the dossier is out.
    next_reminder_at = models.DateTimeField(null=True, blank=True, db_index=True)
    history = HistoricalRecords(excluded_fields=["next_reminder_at"])

    def __str__(self):
        return f"{self.archive} → {self.borrower}"


class DisclosureRequest(models.Model):
    """R10.03: confidential material goes out only with the provider's written consent,
    or where law requires it, and then only after the client has been told."""

    class Basis(models.TextChoices):
        CONSENT = "consent", _("Provider's written consent")
        LAW = "law", _("Required by law")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="disclosures")
    material = models.TextField(_("material to disclose"))
    recipient = models.CharField(_("disclosed to"), max_length=200)
    basis = models.CharField(_("basis"), max_length=8, choices=Basis.choices)
    consent_file = models.FileField(_("written consent"), upload_to="consents/", blank=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    client_notified_at = models.DateTimeField(_("client told at"), null=True, blank=True)
    client_notice_proof = models.CharField(_("proof the client was told"), max_length=200,
                                           blank=True)
    disclosed_at = models.DateTimeField(_("disclosed at"), null=True, blank=True)
    requested_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    disclosed_by = models.ForeignKey(Staff, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    history = HistoricalRecords()

    def __str__(self):
        return f"{self.case} → {self.recipient}"


class ConflictAnalysis(models.Model):
    """R9.03: the yearly conflict-of-interest analysis the department head runs."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    run_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    run_at = models.DateTimeField(_("run at"))
    findings = models.TextField(_("findings"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("conflict-of-interest analysis")
        verbose_name_plural = _("conflict-of-interest analyses")

    def __str__(self):
        return str(self.year)


class ConflictAnalysisDeadline(models.Model):
    """R9.03: the date by which a year's conflict-of-interest analysis is due, held so
    that the deadline sweep reminds it like any other due-dated row until the analysis
    of that year is recorded."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    due_at = models.DateTimeField(_("due at"))
    provisional = models.BooleanField(_("provisional due date"), default=False)
    next_reminder_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("conflict-of-interest analysis deadline")
        verbose_name_plural = _("conflict-of-interest analysis deadlines")

    def __str__(self):
        return str(self.year)
