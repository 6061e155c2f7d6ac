"""The public site's forms: what a submitter types, checked field by field. Rules stay in
the domain (case_submit refuses what the rules forbid); these check shape only."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from caseflow.models import Messenger, Scope, Staff
from caseflow.web.form_renderer import site_form_renderer

TEXT = {"class": "field"}


class SiteForm(forms.Form):
    """A form of the site's pages: rendered field by field with the site's field row."""

    default_renderer = site_form_renderer


class StaffSigninForm(AuthenticationForm):
    default_renderer = site_form_renderer


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Several files in one input; each is checked by content in the domain."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(AttachmentsField, self).clean(f, initial) for f in files]


class SubmissionForm(SiteForm):
    """What every submission has: what it is about, and the privacy acknowledgement."""

    subject = forms.CharField(label=_("Subject"), max_length=200)
    description = forms.CharField(label=_("What happened"), max_length=20000,
                                  widget=forms.Textarea(attrs={"rows": 8}))
    scope = forms.ChoiceField(label=_("What it concerns (R8.01)"), choices=Scope.choices,
                              widget=forms.RadioSelect)
    report_number = forms.CharField(
        label=_("Report number concerned (if any)"), max_length=40, required=False,
        help_text=_("As printed on the verification report, e.g. JS25A0012."))
    attachments = AttachmentsField(
        label=_("Attachments (PDF, images, Word, Excel; up to 5 files)"), required=False)
    privacy_acknowledged = forms.BooleanField(
        label=_("I have read the privacy notice on how my personal information is used."))
    # A field people never see (hidden by the style sheet): only robots fill it in.
    website = forms.CharField(required=False, label=_("Leave this empty"),
                              widget=forms.TextInput(attrs={"autocomplete": "off",
                                                            "tabindex": "-1"}))

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("Leave this field empty."))
        return ""

    # An empty submission form is the same markup for every visitor in a language (its
    # fields and choices are fixed; the CSRF token is outside them): its rows are rendered
    # once per process and language, about half of the form page's time. Given back with
    # what was typed and its errors, a form is rendered every time.
    empty_rows: dict = {}

    def field_rows(self) -> SafeString:
        if self.is_bound or self.initial:
            return self.rendered_rows()
        key = (type(self), get_language(), self.auto_id, self.prefix)
        rows = self.empty_rows.get(key)
        if rows is None:
            rows = self.empty_rows[key] = self.rendered_rows()
        return rows

    def rendered_rows(self) -> SafeString:
        return mark_safe("".join(field.as_field_group() for field in self))


class ContactFields(SiteForm):
    name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(label=_("Email"), required=False,
                             help_text=_("For the receipt and the written notices."))
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    address = forms.CharField(label=_("Postal address"), max_length=300, required=False)


class ComplaintForm(SubmissionForm):
    anonymous = forms.BooleanField(
        label=_("Submit anonymously"), required=False,
        help_text=_("An anonymous complaint is evaluated first; nobody writes back to you, "
                    "but you can follow it with the tracking code."))
    name = forms.CharField(label=_("Your name"), max_length=200, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    address = forms.CharField(label=_("Postal address"), max_length=300, required=False)

    field_order = ["anonymous", "name", "email", "phone", "address", "subject", "scope",
                   "report_number", "description", "attachments", "privacy_acknowledged"]

    def clean(self):
        data = super().clean()
        contact = [data.get(f) for f in ("name", "email", "phone", "address")]
        if data.get("anonymous") and any(contact):
            self.add_error("anonymous", _("An anonymous complaint carries no name or "
                                          "contact: clear them, or untick anonymous."))
        if not data.get("anonymous") and not data.get("name"):
            self.add_error("name", _("Give your name, or submit anonymously."))
        return data


class AppealForm(SubmissionForm, ContactFields):
    decision_number = forms.CharField(
        label=_("Number of the decision appealed"), max_length=40,
        help_text=_("The report number of the verification conclusion (e.g. JS25A0012) or "
                    "the case number on our notice (e.g. TS-2026-0001)."))
    decision_received_on = forms.DateField(
        label=_("Date you received that decision"),
        widget=forms.DateInput(attrs={"type": "date"}))

    field_order = ["name", "email", "phone", "address", "decision_number",
                   "decision_received_on", "subject", "scope", "description", "attachments",
                   "privacy_acknowledged"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["report_number"]  # the decision appealed names it


class DisputeForm(SubmissionForm, ContactFields):
    organization = forms.CharField(label=_("Organization (client)"), max_length=200)
    credit_code = forms.CharField(label=_("Unified social credit code"), max_length=18,
                                  min_length=18)

    field_order = ["organization", "credit_code", "name", "email", "phone", "address",
                   "subject", "scope", "report_number", "description", "attachments",
                   "privacy_acknowledged"]


class TrackForm(SiteForm):
    code = forms.CharField(label=_("Tracking code"), max_length=64,
                           widget=forms.TextInput(attrs={"autocomplete": "off"}))


class LostCodeForm(SiteForm):
    number = forms.CharField(label=_("Case number"), max_length=20)
    email = forms.EmailField(label=_("The email you gave"))


class AddInformationForm(SiteForm):
    note = forms.CharField(label=_("Information to add"), max_length=20000, required=False,
                           widget=forms.Textarea(attrs={"rows": 5}))
    attachments = AttachmentsField(label=_("Attachments"), required=False)


ORDER_CHOICES = [("", _("— the body's order —")), *Messenger.choices]


class ProfileForm(SiteForm):
    """A staff member's own settings (caseflow.actions.profile decides what is allowed).
    A "try again" box shows beside a WeCom or DingTalk link the platform refused."""

    language = forms.ChoiceField(label=_("Language"), choices=Staff.Language.choices)
    email = forms.EmailField(label=_("Email"), required=False)
    notify_by_email = forms.BooleanField(label=_("Notify me by email"), required=False)
    notify_by_telegram = forms.BooleanField(
        label=_("Notify me by Telegram"), required=False,
        help_text=_("Link your Telegram chat first: send /start to the body's bot."))
    wecom_user_id = forms.CharField(
        label=_("WeCom user id"), required=False, max_length=64,
        help_text=_("Your account (账号) in the body's WeCom, as its address book shows it; "
                    "empty: no WeCom messages."))
    retry_wecom = forms.BooleanField(
        label=_("Try WeCom again with this id"), required=False,
        help_text=_("WeCom refused this id. Tick when it is right again (or your "
                    "administrator has added you to the app)."))
    dingtalk_user_id = forms.CharField(
        label=_("DingTalk user id"), required=False, max_length=64,
        help_text=_("Your userid in the body's DingTalk (ask your administrator); empty: no "
                    "DingTalk messages."))
    retry_dingtalk = forms.BooleanField(
        label=_("Try DingTalk again with this id"), required=False,
        help_text=_("DingTalk refused this id. Tick when it is right again (or your "
                    "administrator has added you to the app)."))
    channel_first = forms.ChoiceField(label=_("Reach me first by"), choices=ORDER_CHOICES,
                                      required=False)
    channel_second = forms.ChoiceField(
        label=_("Then by"), choices=ORDER_CHOICES, required=False,
        help_text=_("A channel not linked, or refusing, is skipped; email comes last."))

    ORDER = ("channel_first", "channel_second")
    RETRY = {"retry_wecom": "wecom", "retry_dingtalk": "dingtalk"}
    SETTINGS = ("language", "email", "notify_by_email", "notify_by_telegram",
                "wecom_user_id", "dingtalk_user_id")

    def __init__(self, *args, staff: Staff, **kwargs):
        super().__init__(*args, **kwargs)
        if staff.wecom_broken_at is None:
            del self.fields["retry_wecom"]
        if staff.dingtalk_broken_at is None:
            del self.fields["retry_dingtalk"]

    @classmethod
    def initial_for(cls, staff: Staff) -> dict:
        initial = {name: getattr(staff, name) for name in cls.SETTINGS}
        initial.update(zip(cls.ORDER, staff.preferred_channels, strict=False))
        return initial

    def changes(self) -> dict:
        """The profile action's arguments."""
        data = self.cleaned_data
        changes = {name: data[name] for name in self.SETTINGS}
        changes["channel_order"] = [data[name] for name in self.ORDER if data.get(name)]
        changes["retry"] = [m for name, m in self.RETRY.items() if data.get(name)]
        return changes


class CommitmentForm(SiteForm):
    """R9.01: the per-case impartiality and confidentiality commitment, declaring any
    potential conflict of interest (the quality manager rules on it)."""

    potential_conflict = forms.CharField(
        label=_("Potential conflict of interest"), required=False, max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Describe any relationship with the parties or the work concerned; "
                    "leave empty if there is none."))

    def __init__(self, *args, declaring: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["potential_conflict"].required = declaring
