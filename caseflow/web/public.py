"""The public site: the body's front door. Pages for people without an account: what the
body handles and how, the published procedure and policies, the forms, the receipt and
the status page. An adapter: it calls domain actions and selectors and formats."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe
from django_ratelimit.core import is_ratelimited

from caseflow.actions.intake import PartyDetails
from caseflow.actions.submissions import (
    MAX_ATTACHMENTS,
    appealed_record_named,
    case_add_information,
    case_submit,
    client_named,
    engagement_named,
    tracking_code_resend,
)
from caseflow.deadlines import (
    ACCEPTANCE_WORKING_DAYS,
    APPEAL_FILING_WORKING_DAYS,
    appeal_filed_late,
    appeal_filing_deadline,
)
from caseflow.errors import CaseflowError
from caseflow.models import Case, CaseKind
from caseflow.selectors.calendar import calendar_overrides
from caseflow.selectors.public import (
    case_for_tracking_code,
    public_notice,
    public_status,
)
from caseflow.web.forms import (
    AddInformationForm,
    AppealForm,
    ComplaintForm,
    DisputeForm,
    LostCodeForm,
    TrackForm,
)
from caseflow.web.pending_uploads import (
    pending_discard,
    pending_files,
    pending_keep,
    pending_names,
)

TRACKED = "caseflow.tracked_case"
RECEIPT = "caseflow.receipt"
# Domain fields named as the public forms call them.
FORM_FIELD = {"appealed_case": "decision_number", "appealed_decision": "decision_number",
              "decision_received_on": "decision_received_on", "organization": "credit_code",
              "submitter_organization": "credit_code", "channel": None, "kind": None,
              "received_at": None}


def form_field(form, field: str | None) -> str | None:
    """The form's name for a field a domain refusal names (None: the form as a whole)."""
    name = FORM_FIELD.get(field, field)
    return name if name in form.fields else None


def client_address(group, request) -> str:
    """The address limits count per: the connecting one, or the one NUM_PROXIES trusted
    proxies in front of us saw (as the API's throttles do)."""
    proxies = settings.REST_FRAMEWORK.get("NUM_PROXIES") or 0
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        if hops:
            return hops[-min(proxies, len(hops))]
    return request.META.get("REMOTE_ADDR", "")


def limited(request, group: str, rate: str) -> bool:
    return is_ratelimited(request, group=group, key=client_address, rate=rate,
                          method="POST", increment=True)


def too_many(request):
    return render(request, "public/too_many.html", status=429)


def procedure_facts() -> dict:
    return {"acceptance_days": ACCEPTANCE_WORKING_DAYS,
            "appeal_days": APPEAL_FILING_WORKING_DAYS,
            "committee_days": settings.CASEFLOW_COMMITTEE_WINDOW_DAYS,
            "body": settings.CASEFLOW_BODY_NAME}


@require_safe
def home(request):
    return render(request, "public/home.html", procedure_facts())


@require_safe
def procedure(request):
    """R8.02: the procedure for complaints, appeals and disputes, with the channels."""
    return render(request, "public/procedure.html", procedure_facts())


@require_safe
def impartiality_policy(request):
    """R9.04: the impartiality policy."""
    return render(request, "public/impartiality.html", procedure_facts())


@require_safe
def privacy_notice(request):
    return render(request, "public/privacy.html", procedure_facts())


def submission_page(request, kind: str, form_class, template: str):
    """GET: the empty form. POST: file it, or give it back with its errors, keeping what
    was typed and attached."""
    if request.method == "POST" and limited(request, "public-submit",
                                            settings.CASEFLOW_SUBMIT_RATE):
        return too_many(request)
    form = form_class(request.POST or None, request.FILES or None)
    kept = request.POST.get("kept_attachments", "")
    if request.method == "POST":
        new_files = request.FILES.getlist("attachments")
        if form.is_valid():
            try:  # (case_submit is one transaction: nothing of a refusal is kept)
                submitted = case_submit(**submission_arguments(kind, form.cleaned_data),
                                        attachments=pending_files(kept) + new_files)
            except CaseflowError as refused:
                form.add_error(form_field(form, refused.field), refused.message)
            else:
                pending_discard(kept)
                request.session[RECEIPT] = receipt_facts(submitted)
                return redirect("public:receipt")
        if not form.has_error("website"):
            kept = pending_keep([f for f in new_files if f.size], kept)
    return render(request, template, {
        "form": form, "kind": kind, "kept": kept, "kept_names": pending_names(kept),
        "max_attachments": MAX_ATTACHMENTS, **procedure_facts(),
    }, status=400 if form.is_bound else 200)


def submission_arguments(kind: str, data: dict) -> dict:
    """The form's fields as `case_submit` takes them; numbers the submitter typed are
    matched to the records by the domain, which refuses what it does not find."""
    engagement = engagement_named(data["report_number"]) if data.get("report_number") else None
    arguments = {"kind": kind, "subject": data["subject"], "description": data["description"],
                 "scope": data["scope"], "engagement": engagement}
    contact = {f: data.get(f, "") for f in ("email", "phone", "address")}
    if kind == CaseKind.COMPLAINT:
        arguments["submitter"] = (PartyDetails(anonymous=True) if data["anonymous"]
                                  else PartyDetails(name=data["name"], **contact))
    elif kind == CaseKind.APPEAL:
        appealed_case, appealed_engagement = appealed_record_named(data["decision_number"])
        arguments |= {"submitter": PartyDetails(name=data["name"], **contact),
                      "appealed_case": appealed_case,
                      "engagement": appealed_engagement or engagement,
                      "appealed_decision": data["decision_number"].strip().upper(),
                      "decision_received_on": data["decision_received_on"]}
    else:
        arguments["submitter"] = PartyDetails(
            name=data["name"], organization=client_named(data["credit_code"]), **contact)
    return arguments


@require_http_methods(["GET", "HEAD", "POST"])
def complaint_new(request):
    return submission_page(request, CaseKind.COMPLAINT, ComplaintForm, "public/complaint.html")


@require_http_methods(["GET", "HEAD", "POST"])
def appeal_new(request):
    return submission_page(request, CaseKind.APPEAL, AppealForm, "public/appeal.html")


@require_http_methods(["GET", "HEAD", "POST"])
def dispute_new(request):
    return submission_page(request, CaseKind.DISPUTE, DisputeForm, "public/dispute.html")


@require_safe
def appeal_window(request):
    """R8.08: whether an appeal filed now is within 30 working days of the date given; the
    appeal form warns with it before submitting (and accepts a late appeal)."""
    from django.utils.dateparse import parse_date

    try:
        received_on = parse_date(request.GET.get("received_on", ""))
    except ValueError:
        received_on = None
    today = timezone.localdate()
    if received_on is None or not (today.year - 20 <= received_on.year <= today.year):
        return JsonResponse({"detail": _("Give the date as YYYY-MM-DD.")}, status=400)
    window = appeal_filing_deadline(received_on, calendar_overrides())
    return JsonResponse({
        "late": appeal_filed_late(timezone.now(), window),
        "window_ends_on": timezone.localtime(window.due_at).date().isoformat(),
        "provisional": window.provisional})


def receipt_facts(submitted) -> dict:
    """What the receipt shows, as filed: kept in the session until the receipt is shown,
    so showing it reads nothing back from the database."""
    case = submitted.case
    return {"case": case.pk, "code": submitted.tracking_code, "number": case.number,
            "acceptance_due_on": (timezone.localtime(case.acceptance_due_at).date().isoformat()
                                  if case.acceptance_due_at else ""),
            "provisional": case.deadline_provisional,
            "emailed": bool(case.submitter and case.submitter.email)}


@require_safe
def receipt(request):
    """Shown once: the tracking code is not stored, so a reload cannot show it again."""
    shown = request.session.pop(RECEIPT, None)
    if not shown:
        return redirect("public:track")
    request.session[TRACKED] = shown["case"]
    return render(request, "public/receipt.html", {"receipt": shown})


@require_http_methods(["GET", "HEAD", "POST"])
def track(request):
    form = TrackForm(request.POST or None)
    if request.method == "POST":
        if limited(request, "public-track", settings.CASEFLOW_TRACK_RATE):
            return too_many(request)
        case = case_for_tracking_code(form.data.get("code", "")) if form.is_valid() else None
        if case is not None:
            request.session.cycle_key()
            request.session[TRACKED] = case.pk
            return redirect("public:status")
        # The same words whether the code is wrong or unknown.
        form.add_error("code", _("No case matches this tracking code."))
    return render(request, "public/track.html", {"form": form},
                  status=400 if form.is_bound else 200)


def tracked_case(request) -> Case:
    pk = request.session.get(TRACKED)
    case = Case.objects.filter(pk=pk).select_related("submitter").first() if pk else None
    if case is None:
        raise Http404
    return case


@require_http_methods(["GET", "HEAD", "POST"])
def status(request):
    try:
        case = tracked_case(request)
    except Http404:
        return redirect("public:track")
    form = AddInformationForm(request.POST or None, request.FILES or None)
    added = False
    if request.method == "POST":
        if limited(request, "public-submit", settings.CASEFLOW_SUBMIT_RATE):
            return too_many(request)
        if form.is_valid():
            try:
                with transaction.atomic():
                    case_add_information(case=case, note=form.cleaned_data["note"],
                                         attachments=request.FILES.getlist("attachments"))
            except CaseflowError as refused:
                form.add_error(form_field(form, refused.field), refused.message)
            else:
                added, form = True, AddInformationForm()
    return render(request, "public/status.html", {
        "status": public_status(case), "form": form, "added": added},
        status=400 if form.is_bound and form.errors else 200)


@require_safe
def notice_download(request, pk: int):
    notice = public_notice(tracked_case(request), pk)
    if notice is None:
        raise Http404
    return FileResponse(notice.file.open("rb"), as_attachment=True,
                        filename=f"{notice.case.number}-{notice.kind}.pdf",
                        content_type="application/pdf")


@require_http_methods(["GET", "HEAD", "POST"])
def lost_code(request):
    form = LostCodeForm(request.POST or None)
    done = False
    if request.method == "POST":
        if limited(request, "public-track", settings.CASEFLOW_TRACK_RATE):
            return too_many(request)
        if form.is_valid():
            tracking_code_resend(number=form.cleaned_data["number"],
                                 email=form.cleaned_data["email"])
            done = True  # the same answer whether or not a code went out
    return render(request, "public/lost_code.html", {"form": form, "done": done})
