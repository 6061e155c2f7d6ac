"""The staff pages: a home page per person, case pages with the steps the workflow lets
this person take, the profile, the department head's dashboard (drawn in the browser from
the dashboard API) and the committee's queue. An adapter: the views call domain actions
and selectors; a refusal is shown with its rule, at the status the API would give.

X9: a case the person is recused from does not exist for them here (404), as in the API.
"""

from __future__ import annotations

import json
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from caseflow.actions.acknowledgement_links import (
    LinkExpired,
    acknowledgement_link_notification,
    acknowledgement_link_read,
    acknowledgement_link_use,
    check_acknowledgement_link,
)
from caseflow.actions.parties import party_identity_reveal
from caseflow.actions.profile import staff_profile_update
from caseflow.actions.staff import declaration_sign
from caseflow.actions.steps import step_take
from caseflow.actions.telegram_links import telegram_bot_configured, telegram_link_token_issue
from caseflow.errors import (
    CaseflowError,
    Conflict,
    InvalidInput,
    Recused,
    RoleRequired,
    TransitionNotAllowed,
)
from caseflow.messages import notification_message
from caseflow.models import Case, CaseKind, Declaration, Notification, Party, Role, Staff
from caseflow.policies.impartiality import check_transition
from caseflow.policies.oversight import check_management, is_management
from caseflow.policies.transitions import FINAL_STATES, TABLES
from caseflow.selectors.cases import (
    case_commitment,
    case_detail,
    case_for_staff,
    cases_for_staff,
    worklist_for_staff,
)
from caseflow.selectors.committee import (
    committee_decided,
    committee_pending,
    committee_standing,
)
from caseflow.selectors.visibility import annual_commitment_on_file
from caseflow.web.forms import CommitmentForm, ProfileForm
from caseflow.web.labels import (
    STATES,
    actor_label,
    due_step_label,
    event_label,
    state_label,
    step_label,
)
from caseflow.web.step_forms import STEP_FORMS

# A domain refusal answers as the API's would (api.errors): bad input 400, not this
# person 403, not now 409.
REFUSAL_STATUS = [(InvalidInput, 400), (RoleRequired, 403), (Recused, 403),
                  (TransitionNotAllowed, 409), (Conflict, 409), (LinkExpired, 410)]


def refusal_status(refusal: CaseflowError) -> int:
    return next((code for cls, code in REFUSAL_STATUS if isinstance(refusal, cls)), 409)


def active_staff(user) -> Staff | None:
    staff = getattr(user, "staff", None) if user.is_authenticated else None
    return staff if staff is not None and staff.is_active else None


def staff_page(view):
    """Signed-in staff only: anyone else goes to the sign-in; an account without an
    active staff profile is refused (403)."""
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        staff = active_staff(request.user)
        if staff is None:
            return refused_page(request, _("A staff account is needed."), 403)
        request.staff = staff
        return view(request, *args, **kwargs)
    return wrapper


def refused_page(request, message: str, status: int, rule: str | None = None):
    return render(request, "staff/refused.html", {"message": message, "rule": rule},
                  status=status)


def visible_case(request, pk) -> Case:
    """The case if this person may see it; 404 otherwise (existence is not revealed)."""
    try:
        return case_for_staff(request.staff, pk)
    except Case.DoesNotExist as exc:
        raise Http404 from exc


def nav(staff: Staff) -> dict:
    """What the staff menu offers this person."""
    return {"shows_dashboard": is_management(staff),
            "shows_committee": staff.has_role(Role.COMMITTEE_MEMBER)}


def worklist_rows(cases) -> list[dict]:
    return [{"case": c, "state": state_label(c.state), "due_step": due_step_label(c.due_step)}
            for c in cases]


def case_named(staff: Staff, number: str) -> Case | None:
    """A case this person sees, named by its number or a former one."""
    number = number.strip().upper()
    return cases_for_staff(staff).filter(
        Q(number=number) | Q(aliases__number=number)).first() if number else None


@require_safe
@staff_page
def home(request):
    """My open cases: overdue first, then due within two working days, then the rest;
    and a box to open a case by its number."""
    staff = request.staff
    number = request.GET.get("number", "")[:20]
    if number:
        found = case_named(staff, number)
        if found is not None:
            return redirect("staff:case", pk=found.pk)
    worklist = worklist_for_staff(staff, now=timezone.now())
    return render(request, "staff/home.html", {
        **nav(staff), "overdue": worklist_rows(worklist.overdue),
        "due_soon": worklist_rows(worklist.due_soon), "later": worklist_rows(worklist.later),
        "number": number, "not_found": bool(number),
        "annual_missing": not annual_commitment_on_file(staff, timezone.localdate().year)},
        status=404 if number else 200)


@require_safe
@staff_page
def case_by_number(request, number: str):
    """A case named by its number (or a former number): its page, if this person sees it
    (the dashboard links its case numbers here)."""
    case = case_named(request.staff, number)
    if case is None:
        raise Http404
    return redirect("staff:case", pk=case.pk)


@require_safe
@staff_page
def case_page(request, pk: int):
    return case_response(request, visible_case(request, pk))


def step_forms(case: Case, staff: Staff, names: list[str], bound=None) -> list[dict]:
    """A form per step this person may take now, the workflow's next main step first."""
    table = TABLES[case.kind]
    offered = []
    for name in names:
        if bound is not None and bound.prefix == name:
            form = bound
        else:
            form = STEP_FORMS[name](case=case, viewer=staff, prefix=name)
        offered.append({"name": name, "label": step_label(name), "form": form,
                        "advances": table[name].advances, "rule": table[name].rule,
                        "open": form is bound or table[name].advances})
    if len(offered) == 1:
        offered[0]["open"] = True  # the one thing to do (a member's vote)
    return sorted(offered, key=lambda s: not s["advances"])


def case_response(request, case: Case, *, bound=None, refusal: CaseflowError | None = None,
                  status: int = 200, revealed=None, commitment_form=None):
    staff = request.staff
    detail = case_detail(case, viewer=staff)
    commitment = case_commitment(staff, case)
    return render(request, "staff/case.html", {
        **nav(staff), "case": case, "detail": detail,
        "state": state_label(case.state), "final": case.state in FINAL_STATES,
        "due_step": due_step_label(case.due_step),
        "events": [(event, event_label(event.action), state_label(event.to_state),
                    actor_label(event.actor_label)) for event in detail.events],
        "steps": step_forms(case, staff, detail.transitions, bound),
        "refusal": refusal, "revealed": revealed,
        "commitment": commitment,
        "commitment_form": commitment_form or CommitmentForm(declaring=commitment.signed),
        "standing": committee_standing(case, viewer=staff),
        "linked": [(c, state_label(c.state)) for c in detail.linked_cases],
    }, status=status)


@require_POST
@staff_page
def case_step(request, pk: int, step: str):
    """Take one step. "Not now" or "not you" answers before any complaint about the
    form (as the API does); the action checks again under its row lock."""
    case = visible_case(request, pk)
    if step not in STEP_FORMS:
        raise Http404
    staff = request.staff
    try:
        check_transition(case, step, staff)
    except CaseflowError as refused:
        return case_response(request, case, refusal=refused, status=refusal_status(refused))
    form = STEP_FORMS[step](request.POST, request.FILES, case=case, viewer=staff, prefix=step)
    if not form.is_valid():
        return case_response(request, case, bound=form, status=400)
    try:
        with transaction.atomic():
            step_take(case=case, name=step, acting_user=staff, **form.arguments())
    except CaseflowError as refused:
        field = refused.field if refused.field in form.fields else None
        if isinstance(refused, InvalidInput) and field:
            form.add_error(field, refused.message)
            return case_response(request, case, bound=form, status=400)
        return case_response(request, visible_case(request, pk), refusal=refused,
                             status=refusal_status(refused))
    messages.success(request, _("Done: %(step)s.") % {"step": step_label(step)})
    if not cases_for_staff(staff).filter(pk=pk).exists():
        return redirect("staff:home")  # e.g. merged away from what this person sees
    return redirect("staff:case", pk=pk)


@require_POST
@staff_page
def case_commitment_sign(request, pk: int):
    """R9.01: sign the per-case commitment, or declare a potential conflict later."""
    case = visible_case(request, pk)
    signed = case_commitment(request.staff, case).signed
    form = CommitmentForm(request.POST, declaring=signed)
    if not form.is_valid():
        return case_response(request, case, commitment_form=form, status=400)
    try:
        with transaction.atomic():
            declaration_sign(staff=request.staff, kind=Declaration.Kind.CASE, case=case,
                             potential_conflict=form.cleaned_data["potential_conflict"])
    except CaseflowError as refused:
        return case_response(request, case, refusal=refused, status=refusal_status(refused))
    if form.cleaned_data["potential_conflict"]:
        messages.success(request, _("Conflict declared: the quality manager rules on it "
                                    "before you take part."))
    else:
        messages.success(request, _("Commitment signed."))
    return redirect("staff:case", pk=pk)


@require_POST
@staff_page
def party_reveal(request, pk: int, party_pk: int):
    """R8.13: a party's identity, if the policy allows this person; recorded on the case."""
    case = visible_case(request, pk)
    if party_pk not in (case.submitter_id, case.respondent_id):
        raise Http404
    try:
        with transaction.atomic():
            identity = party_identity_reveal(case=case, party=Party.objects.get(pk=party_pk),
                                             viewer=request.staff)
    except CaseflowError as refused:
        return case_response(request, case, refusal=refused, status=refusal_status(refused))
    return case_response(request, case, revealed=identity)


@require_safe
@staff_page
def committee(request):
    """The impartiality committee's referral queue and the cases it decided."""
    staff = request.staff
    return render(request, "staff/committee.html", {
        **nav(staff),
        "pending": [(c, state_label(c.state)) for c in committee_pending(staff)],
        "decided": committee_decided(staff)})


def year_url(name: str) -> str:
    """A yearly report's address with `{year}` for the page's year picker to fill in."""
    return reverse(name, kwargs={"year": 9999}).replace("9999", "{year}")


@require_safe
@staff_page
def dashboard(request):
    """The page around the figures: the browser fetches them from the dashboard API
    (one source of figures) and draws them; the same refusal as the API for others."""
    try:
        check_management(request.staff)
    except CaseflowError as refused:
        return refused_page(request, refused.message, refusal_status(refused), refused.rule)
    year = timezone.localdate().year
    labels = {
        "states": {k: str(v) for k, v in STATES.items()},
        "kinds": {k.value: str(k.label) for k in CaseKind},
        "statuses": {k.value: str(k.label) for k in Notification.Status},
        "months": [_("Month %(month)d") % {"month": m} for m in range(1, 13)],
        "none": _("none due"), "unassigned": _("Not assigned"),
        "onTime": _("On time"), "late": _("Late"), "rate": _("On-time rate"),
        "open": _("Open"), "overdue": _("Overdue"), "stage": _("Stage"),
        "total": _("Received in the year"),
        "acceptanceOnTime": _("Acceptance decided on time"),
        "acceptanceLate": _("Acceptance decided late"),
        "acceptancePending": _("Acceptance not yet due"),
        "failed": _("The figures could not be loaded: reload the page."),
        "more": _("and COUNT more (the case list shows them all)"),
    }
    return render(request, "staff/dashboard.html", {
        **nav(request.staff), "year": year, "years": range(year, year - 10, -1),
        "labels": json.dumps(labels, ensure_ascii=False),
        "dashboard_url": reverse("api-dashboard"),
        "statistics_url": year_url("api-report-statistics"),
        "disclosure_url": year_url("api-report-disclosure"),
        "self_check_url": year_url("api-report-self-check"),
        "case_url": reverse("staff:case-number", kwargs={"number": "NUMBER"}),
    })


@require_http_methods(["GET", "HEAD", "POST"])
@staff_page
def profile(request):
    """Language, email and channels (caseflow.actions.profile says what may be set)."""
    staff = request.staff
    form = ProfileForm(request.POST or None, initial=ProfileForm.initial_for(staff),
                       staff=staff)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                staff = staff_profile_update(staff=staff, **form.changes())
        except CaseflowError as refused:
            form.add_error(refused.field if refused.field in form.fields else None,
                           refused.message)
        else:
            with translation.override(staff.language):  # said in the language just chosen
                messages.success(request, _("Your profile is saved."))
            response = redirect("staff:profile")
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, staff.language,
                                samesite="Lax", secure=settings.SESSION_COOKIE_SECURE)
            return response
    return profile_page(request, staff, form,
                        status=400 if form.is_bound and form.errors else 200)


def profile_page(request, staff: Staff, form, *, status: int = 200, **extra):
    return render(request, "staff/profile.html", {
        **nav(staff), "form": form, "staff": staff,
        "roles": [a.get_role_display() for a in staff.role_assignments.all()],
        "year": timezone.localdate().year,
        "annual_missing": not annual_commitment_on_file(staff, timezone.localdate().year),
        "telegram_available": telegram_bot_configured(), **extra}, status=status)


@require_POST
@staff_page
def telegram_link_issue(request):
    """A fresh one-time link that binds a Telegram chat to this account (the bot's
    /start), shown once on the profile page: valid for an hour, once; the older ones
    stop working. Issued on POST only, so a page view never makes one."""
    staff = request.staff
    form = ProfileForm(initial=ProfileForm.initial_for(staff), staff=staff)
    try:
        with transaction.atomic():
            issued = telegram_link_token_issue(staff=staff)
    except CaseflowError as refused:
        return refused_page(request, refused.message, refusal_status(refused), refused.rule)
    return profile_page(request, staff, form, telegram_link=issued)


@require_POST
@staff_page
def annual_commitment_sign(request):
    """R9.01: this year's impartiality and confidentiality commitment."""
    if annual_commitment_on_file(request.staff, timezone.localdate().year):
        return redirect("staff:profile")  # signed already (a second click)
    try:
        with transaction.atomic():
            declaration_sign(staff=request.staff, kind=Declaration.Kind.ANNUAL,
                             year=timezone.localdate().year)
    except CaseflowError as refused:
        return refused_page(request, refused.message, refusal_status(refused), refused.rule)
    messages.success(request, _("Commitment signed."))
    return redirect("staff:profile")


@require_http_methods(["GET", "HEAD", "POST"])
@staff_page
def acknowledge(request, token):
    """A reminder's acknowledgement link (the button of a WeCom or DingTalk card): the
    reminder shown with a button to acknowledge it (a link opened is never an action by
    itself), recorded on POST, then the case. Another person's link is refused (403), so
    are an expired one (410), a used one (409) and one we did not issue (400)."""
    try:
        link = acknowledgement_link_read(token)
        check_acknowledgement_link(link, request.staff, now=timezone.now())
        notification = acknowledgement_link_notification(link)
        if request.method == "POST":
            with transaction.atomic():
                acknowledgement_link_use(token=token, acting_user=request.staff)
            messages.success(request, _("Reminder acknowledged: it is not repeated to you "
                                        "for this deadline."))
            if notification.case_id is not None:
                return redirect("staff:case", pk=notification.case_id)
            return redirect("staff:home")
    except CaseflowError as refused:
        return refused_page(request, refused.message, refusal_status(refused), refused.rule)
    message = notification_message(notification, language=translation.get_language())
    return render(request, "staff/acknowledge.html", {**nav(request.staff), "message": message,
                                                      "notification": notification})


@require_POST
def signout(request):
    logout(request)
    return redirect("staff:signin")
