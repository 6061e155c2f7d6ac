"""Who may do what, route by route: a hand-written table checked against the URL conf.

Every route must have an entry (a new route without one fails), and every persona is
tried on it: an object the caller may not see answers 404, an action the caller may see
but not take answers 403, an anonymous call 401 (the staff pages send them to the
sign-in: 302). Each request runs in a savepoint that is rolled back, so every persona
meets the same state.
"""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from rest_framework.test import APIClient

from bots.webhook import webhook_path
from caseflow.actions.acknowledgement_links import acknowledgement_token
from caseflow.actions.archives import archive_loan_request, disclosure_request_create
from caseflow.actions.complaints import complaint_evaluate, complaint_record_finding
from caseflow.actions.documents import change_request_submit, controlled_document_register
from caseflow.actions.intake import case_accept, case_assign, case_reject
from caseflow.actions.nonconformities import deviation_record
from caseflow.actions.notices import notice_send
from caseflow.actions.notifications import notification_queue
from caseflow.actions.preventive import preventive_action_propose
from caseflow.actions.reminders import reminders_sweep
from caseflow.actions.staff import declaration_sign, staff_create
from caseflow.models import CalendarOverride, Notification, Role
from caseflow.policies.transitions import TABLES
from tests.personas import commit, complaint

pytestmark = pytest.mark.django_db

STAFF = ["gm", "qm", "head", "deputy", "office", "qa", "project", "verifier", "member"]
PERSONAS = STAFF + ["outsider", "anonymous"]
# Who sees the test cases: oversight roles, and Liu Yang (project) who handles them.
# Hu Wei led the verification they are about (R8.15) and the committee has no business
# with them yet: for both the cases do not exist.
VISIBLE = ["gm", "qm", "head", "deputy", "office", "qa", "project"]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def every(code, **per):
    """Every staff persona gets `code`, unless named; outsiders 403, anonymous 401."""
    table = dict.fromkeys(STAFF, code) | {"outsider": 403, "anonymous": 401}
    return table | per


def public(code):
    """Everyone alike: staff, outsiders and anonymous callers."""
    return every(code, outsider=code, anonymous=code)


def on_case(code, **per):
    """Personas who see the case get `code`; the others 404 (its existence is hidden)."""
    return every(404, **dict.fromkeys(VISIBLE, code)) | per


def only(code, allowed, otherwise=403, scope=on_case, **per):
    return scope(otherwise, **dict.fromkeys(allowed, code)) | per


def page(table):
    """A staff page: anonymous callers are sent to the sign-in, outsiders refused."""
    return table | {"outsider": 403, "anonymous": 302}


@pytest.fixture
def world(people, engagement, django_user_model, settings):
    """The objects the routes act on, built through the actions."""
    # The Telegram bot set up for webhook mode (its routes answer only then).
    settings.TELEGRAM_BOT_TOKEN, settings.TELEGRAM_BOT_USERNAME = "123:table", "caseflow_bot"
    settings.TELEGRAM_WEBHOOK_SECRET = "table-webhook-secret"
    qa = staff_create(username="sunli", display_name="孙丽 Sun Li",
                      roles={Role.QUALITY_ASSURANCE: "holder"})
    declaration_sign(staff=qa, kind="annual", year=timezone.localdate().year)
    who = {"gm": people.general_manager, "qm": people.quality_manager, "head": people.head,
           "deputy": people.deputy_head, "office": people.office, "qa": qa,
           "project": people.handler, "verifier": people.hu_wei,
           "member": people.members[0]}

    def signed(case):
        commit(case, *(who[p] for p in VISIBLE))
        case_assign(case=case, handler=people.handler, acting_user=people.head)
        return case

    received = signed(complaint(people, engagement=engagement))
    other = signed(complaint(people, engagement=engagement))
    investigated = signed(complaint(people, engagement=engagement))
    case_accept(case=investigated, acting_user=people.head, action_to_take="调查")
    complaint_evaluate(case=investigated, acting_user=people.handler, valid=True,
                       reasoning="成立")
    from django.core.files.base import ContentFile

    finding = complaint_record_finding(case=investigated, acting_user=people.handler,
                                       side="submitter", text="证据",
                                       evidence=ContentFile(PDF, name="e.pdf"))
    closed = signed(complaint(people, engagement=engagement))
    case_reject(case=closed, acting_user=people.head, reason="不属于受理范围")
    notice = closed.notices.get()
    sending = notice_send(notice=notice, channel="registered_mail", acting_user=people.office,
                          registered_mail_number="XA1")
    loan = archive_loan_request(archive=closed.archive, borrower=people.handler, purpose="复核",
                                return_due_on=timezone.localdate() + dt.timedelta(days=5))
    disclosure = disclosure_request_create(case=closed, material="报告", recipient="法院",
                                           basis="law", legal_basis="法律",
                                           acting_user=people.office)
    document = controlled_document_register(sequence=5, title="档案管理制度",
                                            kind="procedure", acting_user=qa,
                                            file=ContentFile(PDF, name="d.pdf"))
    change = change_request_submit(document=document, description="修订",
                                   acting_user=people.handler)
    preventive = preventive_action_propose(origin="evaluation", potential_problem="人员流失",
                                           risk="high", plan="培训", acting_user=people.head)
    inspection = deviation_record(description="偏离程序", acting_user=people.head)
    conflict = declaration_sign(staff=people.handler, kind="case", case=other,
                                potential_conflict="远亲")
    override = CalendarOverride.objects.create(date=dt.date(2027, 1, 1), kind="holiday")
    # The sweep on the morning the received complaint is first reminded: Liu Yang, its
    # handler, gets the reminder (issue 12).
    reminders_sweep(now=received.next_reminder_at)
    reminder = Notification.objects.get(case=received, template="reminder",
                                        recipient_staff=people.handler)
    outsider = django_user_model.objects.create_user("outsider", password="x")
    # The sweep's reminder to Liu Yang about the received case's acceptance deadline.
    reminder = notification_queue(received, "reminder", staff=people.handler, context={
        "subject_kind": "case", "object_id": received.pk, "label": received.number,
        "step": "acceptance", "due_at": received.due_at.isoformat(), "deadline_kind": "rule",
        "provisional": False, "threshold": "due_soon", "overdue_working_days": 0, "level": 0})
    token = acknowledgement_token(reminder, people.handler)
    return {
        "acknowledge_link": f"/staff/ack/{token}/",
        "who": who, "outsider": outsider, "case": received, "other": other,
        "investigated": investigated, "finding": finding, "closed": closed,
        "notice": notice, "sending": sending, "loan": loan, "disclosure": disclosure,
        "document": document, "revision": document.revisions.get(), "change": change,
        "preventive": preventive, "inspection": inspection, "conflict": conflict,
        "override": override, "engagement": engagement, "people": people,
        "reminder": reminder,
        "organization": engagement.client,
    }


def transition_expectations(name):
    """A named complaint in `received`: what each persona gets for each step."""
    in_received = {n for n, t in TABLES["complaint"].items() if "received" in t.sources}
    if name not in in_received or name in ("evaluate_anonymous", "committee_vote"):
        return on_case(409)  # no such step now (or for this kind): refused by state
    return {
        "accept": only(200, ["head", "deputy"]),
        "reject": only(200, ["head", "deputy"]),
        "assign": only(200, ["head", "deputy", "office"]),
        "withdraw": only(200, ["head", "deputy", "office"]),
        "merge": only(200, ["head", "deputy", "office"]),
        "correct_kind": only(400, ["head", "deputy", "office"]),  # a person: no dispute
        "report_internal_problem": only(200, ["head", "deputy"]),
        "refer_no_eligible": only(409, ["head", "deputy", "office", "qm"]),
        "set_target": only(200, ["head", "deputy"]),
    }[name]


STEP_PAYLOADS = {
    "accept": {"action_to_take": "调查"}, "reject": {"reason": "不受理"},
    "withdraw": {"reason": "撤回"}, "correct_kind": {"kind": "dispute", "reason": "更正"},
    "report_internal_problem": {"description": "问题"},
    "refer_no_eligible": {"role": "department_head"},
    "set_target": {"step": "evaluation", "working_days": 9},
}


def routes(w):
    """route name → list of (method, path, payload, format, expectations)."""
    case, closed, inv = w["case"].pk, w["closed"].pk, w["investigated"].pk
    p = w["people"]
    table = {
        "api-login": [("post", "/api/auth/token/", {"username": "nobody", "password": "x"},
                       "json", every(400, outsider=400, anonymous=400))],
        "api-logout": [("post", "/api/auth/logout/", {}, "json", every(204))],
        "api-me": [("get", "/api/me/", None, None, every(200)),
                   ("patch", "/api/me/", {"language": "en"}, "json", every(200))],
        "api-me-telegram-link": [("post", "/api/me/telegram-link/", {}, "json", every(201))],
        # Telegram's webhook: only with the secret header Telegram sends (none here)
        "telegram-webhook": [("post", "/telegram/webhook/"
                                      + webhook_path("table-webhook-secret"),
                              {"update_id": 1}, "json", public(403))],
        "api-cases": [
            ("get", "/api/cases/", None, None, every(200)),
            ("post", "/api/cases/", {
                "kind": "complaint", "subject": "s", "description": "d", "scope": "a",
                "channel": "phone", "received_at": timezone.now().isoformat(),
                "submitter_name": "某人"}, "json",
             only(201, ["head", "deputy", "office"], scope=every))],
        "api-case": [("get", f"/api/cases/{case}/", None, None, on_case(200))],
        "api-case-transitions": [("get", f"/api/cases/{case}/transitions/", None, None,
                                  on_case(200))],
        "api-case-reveal": [("post", f"/api/cases/{case}/parties/{w['case'].submitter_id}"
                                     "/reveal/", {}, "json", on_case(200))],
        "api-case-party-erase": [("post", f"/api/cases/{case}/parties/"
                                          f"{w['case'].submitter_id}/erase/",
                                  {"reason": "当事人依法要求删除"}, "json",
                                  only(200, ["office", "qm"]))],
        "api-case-submission": [("get", f"/api/cases/{case}/submission-document/", None, None,
                                 on_case(404))],
        # The evidence names the submitter: the office, the head(s) and the handler only.
        "api-case-evidence": [("get", f"/api/cases/{inv}/findings/{w['finding'].pk}/evidence/",
                               None, None, only(200, ["head", "deputy", "office", "project"]))],
        "api-case-notice-file": [("get", f"/api/cases/{closed}/notices/{w['notice'].pk}/file/",
                                  None, None,
                                  only(200, ["head", "deputy", "office", "project"]))],
        "api-case-notice-send": [("post", f"/api/cases/{closed}/notices/{w['notice'].pk}"
                                          "/sendings/", {"channel": "email",
                                                         "email_message_id": "<m@x>"},
                                  "json", only(201, ["office"]))],
        # R8.09: the office has the system email a notice; 202: queued, not yet sent
        "api-case-notice-email": [("post", f"/api/cases/{closed}/notices/{w['notice'].pk}"
                                           "/email/", {}, "json", only(202, ["office"]))],
        "api-case-sending-receipt": [("post", f"/api/cases/{closed}/sendings/"
                                              f"{w['sending'].pk}/receipt/",
                                      {"received_on": timezone.localdate().isoformat()},
                                      "json", only(200, ["office"]))],
        # X12: the archived dossier opens to the office that keeps it (and a borrower
        # during a loan: the handler's loan here is not approved), not to the handler
        "api-case-dossier": [("get", f"/api/cases/{closed}/dossier/", None, None,
                              only(200, ["office"]))],
        "api-case-disclosures": [("post", f"/api/cases/{closed}/disclosures/", {
            "material": "报告", "recipient": "法院", "basis": "law", "legal_basis": "法律"},
            "json", only(201, ["office"]))],
        "api-nonconformities": [("post", "/api/nonconformities/", {
            "source": "routine_inspection", "subject": "s", "description": "d"}, "json",
            only(201, ["head", "deputy", "qm", "qa"], scope=every))],
        "api-committee": [("get", "/api/committee/queue/", None, None, every(200))],
        "api-tasks": [("get", "/api/tasks/", None, None, every(200))],
        "api-task-progress": [("post", "/api/tasks/999999/progress/", {"note": "x"}, "json",
                               every(404))],
        "api-inspections": [
            ("get", "/api/inspections/", None, None, every(200)),
            ("post", "/api/inspections/", {"description": "偏离"}, "json",
             only(201, ["head", "deputy", "qa"], scope=every))],
        "api-inspection-complete": [("post", f"/api/inspections/{w['inspection'].pk}/complete/",
                                     {"findings": "已查"}, "json",
                                     every(404, qa=200, head=403, deputy=403, qm=403))],
        "api-preventive": [
            ("get", "/api/preventive-actions/", None, None, every(200)),
            ("post", "/api/preventive-actions/", {
                "origin": "evaluation", "potential_problem": "p", "risk": "low",
                "plan": "m"}, "json", only(201, ["head", "deputy"], scope=every))],
        "api-preventive-approve": [("post", f"/api/preventive-actions/{w['preventive'].pk}"
                                            "/approve/", {}, "json",
                                    only(200, ["qm"], scope=every))],
        "api-preventive-complete": [("post", f"/api/preventive-actions/{w['preventive'].pk}"
                                             "/complete/", {"outcome": "done"}, "json",
                                     only(409, ["head", "deputy"], scope=every))],
        "api-documents": [
            ("get", "/api/documents/", None, None, every(200)),
            ("post", "/api/documents/", {"sequence": 9, "title": "t", "kind": "form"}, "json",
             only(201, ["qa"], scope=every))],
        "api-document": [("get", f"/api/documents/{w['document'].pk}/", None, None,
                          every(200))],
        "api-document-file": [("get", f"/api/documents/{w['document'].pk}/revisions/"
                                      f"{w['revision'].pk}/file/", None, None, every(200))],
        "api-document-change": [("post", f"/api/documents/{w['document'].pk}/change-requests/",
                                 {"description": "改"}, "json", every(201))],
        "api-changes": [("get", "/api/change-requests/", None, None, every(200))],
        "api-change-decide": [("post", f"/api/change-requests/{w['change'].pk}/decide/",
                               {"approve": True}, "json", only(200, ["qm"], scope=every))],
        "api-change-apply": [("post", f"/api/change-requests/{w['change'].pk}/apply/", {},
                              "multipart", only(409, ["qa"], scope=every))],
        "api-archives": [("get", "/api/archives/", None, None, every(200))],
        "api-archive-extend": [("post", f"/api/archives/{w['closed'].archive.pk}/extend/", {
            "until": "2099-01-01", "reason": "委托方要求"}, "json", only(200, ["office"]))],
        "api-archive-loan": [("post", f"/api/archives/{w['closed'].archive.pk}/loans/", {
            "purpose": "复核", "return_due_on": "2099-01-01"}, "json", on_case(201))],
        "api-loans": [("get", "/api/loans/", None, None, every(200))],
        "api-loan-decide": [("post", f"/api/loans/{w['loan'].pk}/decide/", {"approve": True},
                             "json", only(200, ["head", "deputy"]))],
        "api-loan-return": [("post", f"/api/loans/{w['loan'].pk}/return/", {}, "json",
                             only(409, ["office"]))],
        "api-disclosures": [("get", "/api/disclosures/", None, None, every(200))],
        "api-disclosure-notified": [("post", f"/api/disclosures/{w['disclosure'].pk}"
                                             "/client-notified/", {"proof": "挂号信"}, "json",
                                     only(200, ["office"]))],
        "api-disclosure-done": [("post", f"/api/disclosures/{w['disclosure'].pk}/done/", {},
                                 "json", only(409, ["office"]))],
        "api-organizations": [
            ("get", "/api/organizations/", None, None, every(200)),
            ("post", "/api/organizations/", {"name": "新单位", "kind": "other"}, "json",
             only(201, ["head", "deputy", "office", "project"], scope=every))],
        "api-organization": [
            ("get", f"/api/organizations/{w['organization'].pk}/", None, None, every(200)),
            ("patch", f"/api/organizations/{w['organization'].pk}/", {"name": "改名"}, "json",
             only(200, ["head", "deputy", "office", "project"], scope=every))],
        "api-engagements": [("get", "/api/engagements/", None, None, every(200))],
        "api-engagement": [("get", f"/api/engagements/{w['engagement'].pk}/", None, None,
                            every(200))],
        "api-engagements-import": [("post", "/api/engagements/import/", {
            "file": SimpleUploadedFile("r.csv", b"report_number\n")}, "multipart",
            only(200, ["head", "deputy", "office", "project"], scope=every))],
        "api-declarations": [
            ("get", "/api/declarations/", None, None, every(200)),
            ("post", "/api/declarations/", {"kind": "annual",
                                              "year": timezone.localdate().year + 1}, "json",
             every(201))],
        "api-declaration-ruling": [("post", f"/api/declarations/{w['conflict'].pk}/ruling/",
                                    {"ruling": "allow"}, "json",
                                    every(404, qm=200, project=403))],  # his own: no ruling
        "api-calendar-overrides": [
            ("get", "/api/calendar/overrides/", None, None, every(200)),
            ("post", "/api/calendar/overrides/", {"date": "2027-02-01", "kind": "holiday",
                                                  "note": "春节"}, "json",
             only(201, ["head", "deputy", "qa"], scope=every))],
        "api-calendar-override": [("delete", f"/api/calendar/overrides/{w['override'].pk}/",
                                   None, None, only(204, ["head", "deputy", "qa"],
                                                    scope=every))],
        "api-calendar-year-complete": [("post", "/api/calendar/years/2027/complete/", {},
                                        "json", only(200, ["head", "deputy", "qa"],
                                                     scope=every))],
        "api-conflict-analyses": [
            ("get", "/api/conflict-analyses/", None, None, every(200)),
            ("post", "/api/conflict-analyses/", {"year": 2025, "findings": "无"}, "json",
             only(201, ["head", "deputy"], scope=every))],
        # only whom the reminder went to acknowledges it
        "api-notification-acknowledge": [("post", f"/api/notifications/{w['reminder'].pk}"
                                                  "/acknowledge/", {}, "json",
                                          every(403, project=200))],
        "api-dashboard": [("get", "/api/dashboard/", None, None, only(
            200, ["gm", "qm", "head", "deputy", "office", "qa"], scope=every))],
        "api-export": [("get", "/api/exports/cases.csv", None, None, every(200))],
        "api-report-disclosure": [("get", "/api/reports/2026/disclosure-table.xlsx", None,
                                   None, only(200, ["gm", "qm", "head", "deputy", "office",
                                                    "qa"], scope=every))],
        "api-report-self-check": [("get", "/api/reports/2026/self-check.pdf", None, None,
                                   only(200, ["gm", "qm", "head", "deputy", "office", "qa"],
                                        scope=every))],
        "api-report-statistics": [("get", "/api/reports/2026/statistics/", None, None,
                                   only(200, ["gm", "qm", "head", "deputy", "office", "qa"],
                                        scope=every))],
        # the sign-in form is for anyone
        "rest_framework:login": [("get", "/api/auth/session/login/", None, None,
                   every(200, outsider=200, anonymous=200))],
        # monitoring probes it without an account
        "healthz": [("get", "/healthz", None, None, every(200, outsider=200, anonymous=200))],
        "api-schema": [("get", "/api/schema/", None, None, every(200))],
        # The public site: the same for everyone, signed in or not (no account needed).
        **{f"public:{name}": [("get", path, None, None, public(200))] for name, path in [
            ("home", "/"), ("procedure", "/procedure/"), ("impartiality", "/impartiality/"),
            ("privacy", "/privacy/"), ("complaint", "/complaint/"), ("appeal", "/appeal/"),
            ("dispute", "/dispute/"), ("track", "/track/"), ("lost-code", "/track/lost/")]},
        "public:appeal-window": [("get", "/appeal/window/?received_on=2026-10-09", None, None,
                           public(200))],
        # Without a tracking code looked up in this session: back to the lookup, or none.
        "public:receipt": [("get", "/submitted/", None, None, public(302))],
        "public:status": [("get", "/track/status/", None, None, public(302))],
        "public:notice": [("get", f"/track/notices/{w['notice'].pk}/", None, None, public(404))],
        "set_language": [("post", "/i18n/setlang/", {"language": "en", "next": "/"}, None,
                          public(302))],
        "api-docs": [("get", "/api/docs/", None, None, every(200))],
        **staff_pages(w),
    }
    for name in TABLES["complaint"] | TABLES["appeal"] | TABLES["dispute"] | TABLES[
            "nonconformity"]:
        payload = STEP_PAYLOADS.get(name, {})
        if name == "merge":
            payload = {"into": w["other"].pk, "reason": "重复"}
        if name == "assign":
            payload = {"handler": p.handler.pk}
        table[f"api-case-step-{name}"] = [
            ("post", f"/api/cases/{case}/transitions/{name}/", payload, "json",
             transition_expectations(name))]
    return table


MANAGEMENT = ["gm", "qm", "head", "deputy", "office", "qa"]


def staff_pages(w):
    """The staff web pages (caseflow.web.staff): the same visibility as the API (X9: a
    case hidden from someone is a 404 on every page), steps refused at the API's codes,
    a step taken or a form saved answers with a redirect."""
    case, p = w["case"], w["people"]
    base = f"/staff/cases/{case.pk}/"
    return {
        "staff:signin": [("get", "/staff/signin/", None, None, public(200))],
        "staff:signout": [("post", "/staff/signout/", {}, None, public(302))],
        "staff:home": [("get", "/staff/", None, None, page(every(200)))],
        "staff:profile": [
            ("get", "/staff/profile/", None, None, page(every(200))),
            ("post", "/staff/profile/", {"language": "zh-hans", "email": "x@cec.example.cn",
                                         "notify_by_email": "on"}, None, page(every(302)))],
        "staff:annual-commitment": [("post", "/staff/profile/commitment/", {}, None,
                                     page(every(302)))],
        "staff:telegram-link": [("post", "/staff/profile/telegram-link/", {}, None,
                                 page(every(200)))],
        "staff:dashboard": [("get", "/staff/dashboard/", None, None,
                             page(only(200, MANAGEMENT, scope=every)))],
        "staff:committee": [("get", "/staff/committee/", None, None, page(every(200)))],
        "staff:case": [("get", base, None, None, page(on_case(200)))],
        "staff:case-number": [("get", f"/staff/cases/number/{case.number}/", None, None,
                               page(on_case(302)))],
        "staff:case-step": [
            ("post", base + "steps/accept/", {"accept-action_to_take": "调查"}, None,
             page(only(302, ["head", "deputy"]))),
            ("post", base + "steps/assign/", {"assign-handler": p.handler.pk}, None,
             page(only(302, ["head", "deputy", "office"]))),
            ("post", base + "steps/approve/", {}, None, page(on_case(409))),
            ("post", base + "steps/committee_vote/", {"committee_vote-vote": "uphold",
                                                      "committee_vote-reasoning": "维持"},
             None, page(on_case(409))),
            ("post", base + "steps/no_such_step/", {}, None, page(every(404)))],
        "staff:case-commitment": [("post", base + "commitment/",
                                   {"potential_conflict": "远亲"}, None, page(on_case(302)))],
        "staff:case-reveal": [("post", base + f"parties/{case.submitter_id}/reveal/", {},
                               None, page(on_case(200)))],
        # Liu Yang's own acknowledgement link: nobody else's to use, whatever they see.
        "staff:acknowledge": [
            ("get", w["acknowledge_link"], None, None, page(only(200, ["project"], scope=every))),
            ("post", w["acknowledge_link"], {}, None, page(only(302, ["project"], scope=every)))],
    }


def route_names():
    """Every named route of the URL configuration but the Django admin's, with its
    namespace where it has one."""
    def walk(patterns, prefix="", namespace=""):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if route.startswith("admin/"):
                continue
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, route, inner)
            elif isinstance(pattern, URLPattern):
                yield namespace + pattern.name if pattern.name else route
    return set(walk(get_resolver().url_patterns))


def test_every_route_has_an_entry_in_the_table(world):
    missing = route_names() - set(routes(world))
    assert not missing, f"routes with no permission entry: {sorted(missing)}"


def client_for(world, persona):
    client = APIClient()
    if persona == "outsider":
        client.force_authenticate(world["outsider"])
    elif persona != "anonymous":
        client.force_authenticate(world["who"][persona].user)
    return client


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_gets_what_the_table_says(world, persona):
    """R8.13, R8.14, R8.15 at the HTTP boundary: visibility (404) and permission (403)."""
    client = client_for(world, persona)
    failures = []
    user = None if persona == "anonymous" else (
        world["outsider"] if persona == "outsider" else world["who"][persona].user)
    for name, checks in routes(world).items():
        for method, path, payload, fmt, expected in checks:
            with transaction.atomic():
                if user is not None and path.startswith("/staff/"):
                    client.force_login(user)  # the pages read the session, not DRF's

                kwargs = {"format": fmt} if fmt else {}
                if isinstance(payload, dict):
                    payload = {k: (SimpleUploadedFile(v.name, b"report_number\n")
                                   if hasattr(v, "read") else v) for k, v in payload.items()}
                response = getattr(client, method)(path, payload, **kwargs)
                transaction.set_rollback(True)
            if response.status_code != expected[persona]:
                failures.append(f"{name} {method.upper()} {path}: {response.status_code} "
                                f"(table: {expected[persona]})")
    assert not failures, "\n".join(failures)
