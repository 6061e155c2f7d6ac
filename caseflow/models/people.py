"""Who takes part: organizations, staff and their roles, engagements, parties to a case."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from stdnum.cn import uscc


def validate_uscc(value: str) -> None:
    """统一社会信用代码 with its check digit (GB 32100-2015)."""
    if not uscc.is_valid(value):
        raise ValidationError(_("Not a valid unified social credit code."), code="invalid_uscc")


class Role(models.TextChoices):
    GENERAL_MANAGER = "general_manager", _("General manager (总经理)")
    QUALITY_MANAGER = "quality_manager", _("Quality manager (碳核查业务质量经理)")
    DEPARTMENT_HEAD = "department_head", _("Department head (气候事业部部长)")
    CLIENT_OFFICE = "client_office", _("Client & information office (客户及信息管理室)")
    QUALITY_ASSURANCE = "quality_assurance", _("Quality assurance office (质量保障管理室)")
    PROJECT_OFFICE = "project_office", _("Project implementation office (项目实施管理室)")
    VERIFIER = "verifier", _("Verifier (核查员)")
    COMMITTEE_MEMBER = "committee_member", _("Impartiality committee member (公正性管理委员会委员)")


class Organization(models.Model):
    class Kind(models.TextChoices):
        CLIENT_AUTHORITY = "client_authority", _("Client authority (项目委托方)")
        VERIFIED_ENTITY = "verified_entity", _("Verified entity (受核查方)")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200)
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, unique=True, null=True, blank=True,
        validators=[validate_uscc],
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # Where written notices to this organization are emailed (R8.09), e.g. a client's.
    email = models.EmailField(_("email for notices"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self):
        return self.name


class Messenger(models.TextChoices):
    """The chat channels a person may link and put in their own order; email is not one:
    it comes after them all, and takes over when none reaches the person."""

    WECOM = "wecom", _("WeCom (企业微信)")
    DINGTALK = "dingtalk", _("DingTalk (钉钉)")
    TELEGRAM = "telegram", _("Telegram")


# A WeCom or DingTalk user id as their admin consoles show it (WeCom: 1-64 letters,
# digits and _-@.; DingTalk's are digits and letters, sometimes with a dash).
validate_messenger_user_id = RegexValidator(
    r"\A[A-Za-z0-9_.@-]{1,64}\Z", _("A user id is 1 to 64 letters, digits or _ - @ ."))


def validate_channel_order(value: str) -> None:
    """Messenger names separated by commas, each once (Staff.channel_order)."""
    names = [name.strip() for name in value.split(",") if name.strip()]
    unknown = [name for name in names if name not in Messenger.values]
    if unknown:
        raise ValidationError(_("Unknown channel: %(names)s.") % {"names": ", ".join(unknown)},
                              code="unknown_channel")
    if len(set(names)) < len(names):
        raise ValidationError(_("Name each channel once in the order."), code="repeated")


class Staff(models.Model):
    """A person with an account: body staff or an impartiality committee member."""

    class Language(models.TextChoices):
        ZH = "zh-hans", _("Simplified Chinese")
        EN = "en", _("English")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                related_name="staff")
    display_name = models.CharField(_("name"), max_length=100)
    language = models.CharField(_("language"), max_length=8, choices=Language.choices,
                                default=Language.ZH)
    email = models.EmailField(_("email"), blank=True)
    telegram_chat_id = models.BigIntegerField(_("Telegram chat id"), null=True, blank=True,
                                              unique=True)
    notify_by_email = models.BooleanField(_("notify by email"), default=True)
    notify_by_telegram = models.BooleanField(_("notify by Telegram"), default=False)
    # Set when Telegram refused for good (bot blocked, chat gone): email takes over until
    # the person links the chat again.
    telegram_broken_at = models.DateTimeField(_("Telegram link broken at"), null=True,
                                              blank=True)
    # The person's user id in the body's WeCom / DingTalk organisation (internal app), and
    # when the platform said it reaches nobody (left, or outside the app's visible range):
    # email takes over until the id is corrected or the link is tried again.
    wecom_user_id = models.CharField(_("WeCom user id"), max_length=64, blank=True,
                                     validators=[validate_messenger_user_id])
    wecom_broken_at = models.DateTimeField(_("WeCom link broken at"), null=True, blank=True)
    dingtalk_user_id = models.CharField(_("DingTalk user id"), max_length=64, blank=True,
                                        validators=[validate_messenger_user_id])
    dingtalk_broken_at = models.DateTimeField(_("DingTalk link broken at"), null=True,
                                              blank=True)
    # Messenger names, first choice first ("dingtalk,wecom"); blank: the body's order
    # (settings.CASEFLOW_CHANNELS). Email always comes after them.
    channel_order = models.CharField(
        _("preferred order of channels"), max_length=64, blank=True,
        validators=[validate_channel_order],
        help_text=_("Messenger names, first choice first, separated by commas: wecom, "
                    "dingtalk, telegram. Empty: the body's order. Email always comes last."))
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["display_name"]
        constraints = [
            # One person per id: a reminder must never reach someone else (R8.13).
            models.UniqueConstraint(fields=["wecom_user_id"],
                                    condition=~models.Q(wecom_user_id=""),
                                    name="one_staff_per_wecom_user"),
            models.UniqueConstraint(fields=["dingtalk_user_id"],
                                    condition=~models.Q(dingtalk_user_id=""),
                                    name="one_staff_per_dingtalk_user"),
        ]
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")

    def __str__(self):
        return self.display_name

    @property
    def roles(self) -> set[str]:
        """The roles held or deputised for (one read of the assignments, none when they
        were prefetched, as the API's token authentication does)."""
        return {a.role for a in self.role_assignments.all()}

    def has_role(self, role: str) -> bool:
        return role in self.roles

    @property
    def preferred_channels(self) -> list[str]:
        """The messengers in the person's own order (none: the body's order)."""
        return [name for name in self.channel_order.split(",") if name in Messenger.values]

    def has_any_role(self, roles) -> bool:
        """Holds (or deputises for) any of `roles`."""
        return not self.roles.isdisjoint(roles)


class RoleAssignment(models.Model):
    """A staff member's role. A deputy or delegate acts for the holder (X2)."""

    class Capacity(models.TextChoices):
        HOLDER = "holder", _("holder")
        DEPUTY = "deputy", _("deputy")
        DELEGATE = "delegate", _("designated delegate")

    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    capacity = models.CharField(_("capacity"), max_length=16, choices=Capacity.choices,
                                default=Capacity.HOLDER)
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["staff", "role"], name="one_role_once")]
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")

    def __str__(self):
        return f"{self.staff} · {self.get_role_display()} ({self.get_capacity_display()})"


QUALITY_HELP = _("Blank when it conforms (符合); otherwise say briefly what did not conform. "
                 "Published in the disclosure table (D1).")


class Engagement(models.Model):
    """Verification/review work a case may concern; its people are recused from it (R8.15)."""

    class Conclusion(models.TextChoices):
        QUALIFIED = "qualified", _("Qualified (合格)")
        NOT_QUALIFIED = "not_qualified", _("Not qualified (不合格)")
        PENDING = "pending", _("Pending")

    report_number = models.CharField(_("report number"), max_length=32, unique=True)
    client = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("client (项目委托方)"))
    verified_entity = models.ForeignKey(Organization, on_delete=models.PROTECT,
                                        related_name="engagements",
                                        verbose_name=_("verified entity (受核查方)"))
    province = models.CharField(_("province"), max_length=32)
    year = models.PositiveSmallIntegerField(_("year"))
    batch = models.CharField(_("batch"), max_length=32, blank=True)
    conclusion = models.CharField(_("conclusion"), max_length=16, choices=Conclusion.choices,
                                  default=Conclusion.PENDING)
    timely = models.BooleanField(
        _("delivered on time"), null=True, blank=True,
        help_text=_("Unknown is shown as such in the disclosure table, which cannot be final "
                    "until it is filled in (D1)."))
    # D1: the quality sub-columns of the disclosure table (核查质量 1–6 and 7 其他内容).
    # Blank means conforming (符合); otherwise a short public description of what did not
    # conform. Written by the body's staff, never by a submitter.
    quality_entity_information = models.CharField(
        _("quality 1: basic information of the entity (重点排放单位基本情况)"),
        max_length=300, blank=True, help_text=QUALITY_HELP)
    quality_accounting_boundary = models.CharField(
        _("quality 2: accounting boundary (核算边界)"), max_length=300, blank=True,
        help_text=QUALITY_HELP)
    quality_accounting_method = models.CharField(
        _("quality 3: accounting method (核算方法)"), max_length=300, blank=True,
        help_text=QUALITY_HELP)
    quality_accounting_data = models.CharField(
        _("quality 4: accounting data (核算数据)"), max_length=300, blank=True,
        help_text=QUALITY_HELP)
    quality_control_and_filing = models.CharField(
        _("quality 5: quality control and filing (质量控制和文件存档)"), max_length=300,
        blank=True, help_text=QUALITY_HELP)
    quality_monitoring_plan = models.CharField(
        _("quality 6: data quality control plan and its execution (数据质量控制计划及执行)"),
        max_length=300, blank=True, help_text=QUALITY_HELP)
    quality_other = models.CharField(
        _("quality 7: other (其他内容)"), max_length=300, blank=True,
        help_text=_("Anything else the disclosure table should say about this work; "
                    "blank when there is nothing."))
    # The disclosure table's quality sub-columns 1–6, in order; 7 is quality_other.
    QUALITY_FIELDS = ("quality_entity_information", "quality_accounting_boundary",
                      "quality_accounting_method", "quality_accounting_data",
                      "quality_control_and_filing", "quality_monitoring_plan")
    team_lead = models.ForeignKey(Staff, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("team lead (组长)"))
    verifiers = models.ManyToManyField(Staff, blank=True, related_name="+",
                                       verbose_name=_("verifiers (核查员)"))
    technical_reviewers = models.ManyToManyField(Staff, blank=True, related_name="+",
                                                 verbose_name=_("technical reviewers (技术评审)"))
    report_signers = models.ManyToManyField(
        Staff, blank=True, related_name="+", verbose_name=_("report reviewed/signed by"))
    history = HistoricalRecords(m2m_fields=[verifiers, technical_reviewers, report_signers])

    class Meta:
        ordering = ["-year", "report_number"]
        verbose_name = _("engagement")
        verbose_name_plural = _("engagements")

    def __str__(self):
        return self.report_number

    def performers(self) -> set[int]:
        """Ids of everyone who performed the verification function (X2's narrow reading)."""
        ids = {s.pk for s in self.verifiers.all()}
        ids |= {s.pk for s in self.technical_reviewers.all()}
        ids |= {s.pk for s in self.report_signers.all()}
        if self.team_lead_id:
            ids.add(self.team_lead_id)
        return ids


class Party(models.Model):
    """An outside person or organization in a case. Identity is confidential (R8.13)."""

    class Kind(models.TextChoices):
        COMPLAINANT = "complainant", _("Complainant (投诉人)")
        APPELLANT = "appellant", _("Appellant (申诉人)")
        CLIENT = "client", _("Client (项目委托方)")
        RESPONDENT = "respondent", _("Respondent (被投诉方)")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    anonymous = models.BooleanField(_("anonymous"), default=False)
    name = models.CharField(_("name"), max_length=200, blank=True)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, null=True,
                                     blank=True, related_name="parties")
    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+",
                              help_text=_("When a staff member is the respondent."))
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    address = models.CharField(_("postal address"), max_length=300, blank=True)
    language = models.CharField(_("language"), max_length=8, choices=Staff.Language.choices,
                                default=Staff.Language.ZH)
    redacted_at = models.DateTimeField(_("identity erased at"), null=True, blank=True)

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def has_contact(self) -> bool:
        return bool(self.email or self.phone or self.address)
