"""Cases (complaints, appeals, disputes, nonconformities) and what hangs off them."""

import hashlib
import secrets

from django.db import connection, models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from caseflow.errors import CaseflowError
from caseflow.models.people import Engagement, Party, Staff


class CaseKind(models.TextChoices):
    COMPLAINT = "complaint", _("Complaint (投诉)")
    APPEAL = "appeal", _("Appeal (申诉)")
    DISPUTE = "dispute", _("Dispute (争议)")
    NONCONFORMITY = "nonconformity", _("Nonconformity (不符合)")


NUMBER_PREFIX = {
    CaseKind.COMPLAINT: "TS",
    CaseKind.APPEAL: "SS",
    CaseKind.DISPUTE: "ZY",
    CaseKind.NONCONFORMITY: "BFH",
}


class Scope(models.TextChoices):
    """R8.01: what a submission concerns."""

    REPORT = "a", _("(a) A report the body issued")
    IMPARTIALITY = "b", _("(b) Legality or impartiality of verification/review activities")
    MISCONDUCT = "c", _("(c) Staff misconduct or harm to a client's lawful interests")
    OTHER = "d", _("(d) Other matters about verification/review work")


class Channel(models.TextChoices):
    WEB = "web", _("Web form")
    LETTER = "letter", _("Letter")
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone")
    IN_PERSON = "in_person", _("In person")


class DeadlineKind(models.TextChoices):
    RULE = "rule", _("Rule deadline")
    TARGET = "target", _("Internal target")
    WINDOW = "window", _("Window for the other side (X5)")


def new_tracking_code() -> str:
    """A submitter's tracking code: 160 bits from `secrets`, readable in groups."""
    raw = secrets.token_hex(20).upper()
    return "-".join(raw[i:i + 5] for i in range(0, len(raw), 5))


def tracking_code_hash(code: str) -> str:
    """Only this is stored: a lost database does not give anyone the codes. Spaces,
    dashes and case are forgiven, as people copy codes by hand."""
    canonical = "".join(c for c in code.upper() if c.isalnum())
    return hashlib.sha256(canonical.encode()).hexdigest()


class CaseCounter(models.Model):
    """The last number issued per kind and year; row-locked so numbers are never reused."""

    kind = models.CharField(max_length=16, choices=CaseKind.choices)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "year"], name="one_counter")]

    def __str__(self):
        return f"{self.kind} {self.year}: {self.last}"

    @classmethod
    def advance(cls, kind: str, year: int) -> int | None:
        """The next number of `kind` in `year`, or None when the year has no counter yet.
        One statement: the UPDATE takes the row's lock until commit and returns the number
        it wrote, so no other transaction can be given it."""
        table, last = (connection.ops.quote_name(n) for n in (cls._meta.db_table, "last"))
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET {last} = {last} + 1 "
                           f"WHERE kind = %s AND year = %s RETURNING {last}", [kind, year])
            row = cursor.fetchone()
        return row[0] if row else None


# The states a case ends in (`policies.transitions.FINAL_STATES`), in one fixed order.
# The partial indexes on open cases are written with `OPEN_CASE`, and PostgreSQL uses
# them only for a query that states the condition the same way: filter with it.
FINAL_STATE_NAMES = ("closed", "merged", "rejected", "withdrawn")
OPEN_CASE = ~models.Q(state__in=FINAL_STATE_NAMES)


# X1: a rule deadline's verdict once it can no longer change: met, missed, or none needed
# (withdrawn or merged before the acceptance deadline).
COUNTED_VERDICTS = [("on_time", _("On time")), ("late", _("Late")), ("none", _("Not counted"))]


class CaseQuerySet(models.QuerySet):
    def delete(self):
        raise CaseflowError(gettext("Cases are never deleted."), rule="R10.04")


class Case(models.Model):
    number = models.CharField(_("number"), max_length=20, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=CaseKind.choices)
    state = models.CharField(_("state"), max_length=32)
    state_since = models.DateTimeField(_("in this state since"))
    # The submitter's tracking code, as its SHA-256 only (shown once, on the receipt).
    tracking_code_hash = models.CharField(max_length=64, unique=True, null=True, blank=True,
                                          editable=False)
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"))
    scope = models.CharField(_("scope (R8.01)"), max_length=1, choices=Scope.choices)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    received_at = models.DateTimeField(_("received at"))
    submission_document = models.FileField(_("written submission"), upload_to="submissions/%Y/",
                                           blank=True)
    submitter = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="submitted_cases",
                                  null=True, blank=True, verbose_name=_("submitter"))
    respondent = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="+",
                                   null=True, blank=True, verbose_name=_("respondent"))
    engagement = models.ForeignKey(Engagement, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="cases", verbose_name=_("engagement"))
    handler = models.ForeignKey(Staff, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="handled_cases", verbose_name=_("handler"),
                                db_index=False)  # case_handled below serves it
    # X3: who drafted and who reviewed, so the next step can refuse them.
    drafted_by = models.ForeignKey(Staff, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    reviewed_by = models.ForeignKey(Staff, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")

    # Stored deadline (X1): what is due next, by when, and of which kind.
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    due_step = models.CharField(_("due step"), max_length=32, blank=True)
    deadline_kind = models.CharField(_("deadline kind"), max_length=8,
                                     choices=DeadlineKind.choices, blank=True)
    target_days = models.JSONField(
        _("internal targets set for this case (working days per step)"), default=dict, blank=True)
    deadline_provisional = models.BooleanField(_("provisional deadline"), default=False)
    next_reminder_at = models.DateTimeField(null=True, blank=True, db_index=True)
    acceptance_due_at = models.DateTimeField(_("acceptance due at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("acceptance decided at"), null=True, blank=True)
    # R7.01: the acceptance decision was missed and the sweep opened its nonconformity.
    # Kept on the case so the sweep reads only the misses not yet acted on.
    acceptance_missed = models.BooleanField(_("acceptance decision missed (R7.01)"),
                                            default=False)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # X1: what this case adds to the year's figures, written with the summary tables
    # (`OnTimeMonth`, `WorkingDaysTally`) by the action that decides it, so the yearly
    # figures read a few dozen summary rows. The acceptance verdict once decided ("" while
    # it may still change: counted live at each request); the working days from receipt
    # to the acceptance decision and to closure, on the current calendar.
    acceptance_counted = models.CharField(max_length=8, blank=True,
                                          choices=COUNTED_VERDICTS)
    working_days_to_acceptance = models.IntegerField(null=True, blank=True)
    working_days_to_closure = models.IntegerField(null=True, blank=True)

    # Outcome facts.
    valid = models.BooleanField(_("complaint holds (R8.04)"), null=True, blank=True)
    substantiated = models.BooleanField(_("substantiated"), null=True, blank=True)
    outcome = models.TextField(_("outcome / handling opinion"), blank=True)
    rejection_reason = models.TextField(_("rejection reason"), blank=True)
    impartiality_related = models.BooleanField(_("impartiality-related (X7)"), default=False)

    # Appeal facts (R8.08, X5).
    appealed_decision = models.CharField(_("decision appealed"), max_length=300, blank=True)
    # X11: what an appeal is against, chosen from records: a decision of this body (that
    # case and its notice) or, through `engagement`, a verification conclusion.
    appealed_case = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="appeals",
                                      verbose_name=_("decision appealed (case)"))
    decision_received_on = models.DateField(_("appellant received the decision on"), null=True,
                                            blank=True)
    filed_late = models.BooleanField(_("filed after the 30-working-day window"), default=False)
    # R8.08, W3: the window counted from decision_received_on; recomputed with the calendar
    # while the case is open, and `filed_late` with it.
    filing_window_ends_at = models.DateTimeField(_("appeal filing window ends at"), null=True,
                                                 blank=True)
    filing_window_provisional = models.BooleanField(_("provisional filing window"),
                                                    default=False)
    committee_window_ends_at = models.DateTimeField(null=True, blank=True)
    ruling_received_on = models.DateField(_("appellant received the ruling on"), null=True,
                                          blank=True)

    merged_into = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="merged_cases")
    origin_case = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="opened_cases",
                                    help_text=_("The case whose finding opened this one (R8.16)."))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            # The lists filtered by kind, by kind and state, or by state, in the lists'
            # order: a page reads its rows in order and stops (no sort of every match).
            models.Index(fields=["kind", "state", "due_at", "number"], name="case_kind_state_due"),
            models.Index(fields=["state", "due_at", "number"], name="case_state_due"),
            # A handler's cases in the lists' order: the list of a role that sees the cases
            # it handles (the project office), and the `handler` filter.
            models.Index(fields=["handler", "due_at", "number"], name="case_handled"),
            # The year filters of the reports and the list's default order.
            models.Index(fields=["received_at", "id"], name="case_received"),
            # About one case in ten is open: the dashboard's figures (by kind and state,
            # load per handler, overdue) read this index alone, never the closed cases.
            # INCLUDE: what visibility (R8.14) reads, so the dashboard's counts of what
            # a viewer may see are index-only (PostgreSQL; other databases ignore it).
            models.Index(fields=["kind", "state", "handler", "due_at"], name="case_open",
                         condition=OPEN_CASE, include=["engagement", "respondent"]),
            # Each person's open cases by deadline: the morning digest's items for the
            # staff not yet sent one today, read without the others' open cases, and
            # counted from the index alone (the deadline's kind is in it).
            models.Index(fields=["handler", "due_at"], name="case_open_by_handler",
                         condition=OPEN_CASE, include=["deadline_kind"]),
            # The lists' order (soonest deadline first, closed cases last), and the
            # overdue and due-soon ranges.
            models.Index(fields=["due_at", "number"], name="case_due"),
            # The sweep's time-driven steps read only the cases that may be due: those
            # still awaiting their acceptance decision whose miss is not yet acted on
            # (R7.01), and ruled appeals (X5).
            models.Index(fields=["acceptance_due_at"], name="case_awaiting_acceptance",
                         condition=models.Q(state="received", accepted_at__isnull=True,
                                            acceptance_missed=False)),
            models.Index(fields=["committee_window_ends_at"], name="case_ruled_window",
                         condition=models.Q(state="ruled")),
            # X1: the acceptance decisions not yet in the summary (awaited, most of
            # them), counted at each request; and, for a calendar correction, the cases
            # whose spans cross the corrected day (decided or closed since that day).
            # INCLUDE: what the count tests (PostgreSQL: index-only).
            models.Index(fields=["received_at"], name="case_acceptance_live",
                         condition=models.Q(acceptance_counted="",
                                            acceptance_due_at__isnull=False),
                         include=["id", "kind", "state", "acceptance_due_at", "accepted_at",
                                  "closed_at"]),
            models.Index(fields=["accepted_at"], name="case_accepted"),
            models.Index(fields=["closed_at"], name="case_closed"),
        ]

    def __str__(self):
        return self.number

    def delete(self, *args, **kwargs):
        raise CaseflowError(gettext("Cases are never deleted."), rule="R10.04")

    @property
    def anonymous(self) -> bool:
        return bool(self.submitter and self.submitter.anonymous)

    @property
    def is_overdue(self) -> bool:
        return self.due_at is not None and self.due_at < timezone.now()


class CaseAttachment(models.Model):
    """A document the submitter attached on the public site, at filing or later on the
    status page. Stored under MEDIA_ROOT, which is never served directly."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(upload_to="attachments/%Y/")
    name = models.CharField(_("file name"), max_length=120)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    added_at = models.DateTimeField(_("added at"))
    note = models.TextField(_("information added"), blank=True)

    class Meta:
        ordering = ["added_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.name


class CaseNumberAlias(models.Model):
    """A number a case had before its kind was corrected; it still finds the case."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="aliases")
    number = models.CharField(max_length=20, unique=True)

    def __str__(self):
        return self.number


class Finding(models.Model):
    """R8.05: information gathered in an investigation, from one side or the other."""

    class Side(models.TextChoices):
        SUBMITTER = "submitter", _("Submitter's side")
        RESPONDENT = "respondent", _("Respondent's side")
        BODY = "body", _("Body's own records")

    class Method(models.TextChoices):
        DESK = "desk", _("Document review / interview")
        UNSCHEDULED_AUDIT = "unscheduled_audit", _("Unscheduled audit")
        ON_SITE = "on_site", _("On-site investigation")
        SURVEILLANCE = "surveillance", _("With the annual surveillance audit")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="findings")
    side = models.CharField(_("side"), max_length=16, choices=Side.choices)
    method = models.CharField(_("method"), max_length=20, choices=Method.choices,
                              default=Method.DESK)
    text = models.TextField(_("finding"))
    evidence = models.FileField(_("evidence"), upload_to="evidence/%Y/", blank=True)
    recorded_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.get_side_display()}: {self.text[:40]}"


class Declaration(models.Model):
    """R9.01: an impartiality and confidentiality commitment, annual or per case."""

    class Kind(models.TextChoices):
        ANNUAL = "annual", _("Annual commitment")
        CASE = "case", _("Per-case commitment")

    class Ruling(models.TextChoices):
        PROHIBIT = "prohibit", _("Prohibit")
        RESTRICT = "restrict", _("Restrict (may work, may not decide)")
        ALLOW = "allow", _("Disclose and allow")

    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="declarations")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="declarations")
    signed_at = models.DateTimeField(_("signed at"))
    potential_conflict = models.TextField(_("declared potential conflict"), blank=True)
    ruling = models.CharField(_("quality manager's ruling"), max_length=10,
                              choices=Ruling.choices, blank=True)
    ruled_by = models.ForeignKey(Staff, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+")
    ruled_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("declaration")
        verbose_name_plural = _("declarations")
        indexes = [
            # X9: the cases someone is prohibited from, read on every list they open; a
            # few rows among a commitment per person per case.
            models.Index(fields=["staff"], name="declaration_prohibited",
                         condition=models.Q(ruling="prohibit")),
        ]

    def __str__(self):
        return f"{self.staff} · {self.get_kind_display()}"


class InterestRelationship(models.Model):
    """An interest relationship declared with an organization; `ended_on` empty = ongoing."""

    declaration = models.ForeignKey(Declaration, on_delete=models.PROTECT,
                                    related_name="relationships")
    organization = models.ForeignKey("caseflow.Organization", on_delete=models.PROTECT,
                                     related_name="+")
    description = models.CharField(_("relationship"), max_length=200)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    def __str__(self):
        return self.description


class CommitteeVote(models.Model):
    """X10: one member's own vote on a referred case, with their reasoning (X6)."""

    class Vote(models.TextChoices):
        UPHOLD = "uphold", _("Uphold the ruling")
        OVERTURN = "overturn", _("Overturn the ruling")
        ABSTAIN = "abstain", _("Abstain")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="committee_votes")
    member = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    vote = models.CharField(max_length=10, choices=Vote.choices)
    reasoning = models.TextField(_("reasoning"), blank=True)
    cast_at = models.DateTimeField(_("cast at"), null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "member"], name="one_vote")]

    def __str__(self):
        return f"{self.member}: {self.vote}"
