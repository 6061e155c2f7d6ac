"""The staff pages: sign-in, a home page per person, case pages offering only the steps
the workflow lets this person take (refusing the others readably, at the API's status),
the profile, the dashboard's page and the committee's pages. Recusal hides a case (X9)."""

import datetime as dt
import hashlib
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from caseflow.actions.intake import case_accept, case_target_set
from caseflow.actions.staff import declaration_rule
from caseflow.actions.steps import STEP_ACTIONS
from caseflow.models import Case, CommitteeVote, Declaration
from caseflow.policies.transitions import TABLES
from caseflow.web.step_forms import STEP_FORMS
from caseflow.workdays import CHINA
from tests.personas import clock_at, commit, complaint
from tests.web.staff_world import appeal_before_committee

pytestmark = pytest.mark.django_db

# A Monday in a year whose working days are known; targets of 30 working days run into
# 2027, whose schedule is not announced: provisional (W3).
MONDAY = dt.datetime(2026, 12, 14, 10, 0, tzinfo=CHINA)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\ssrc=)", re.I)


def signed_in(staff) -> Client:
    browser = Client()
    browser.force_login(staff.user)
    return browser


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def head(people):
    return signed_in(people.head)


@pytest.fixture
def received(people, engagement):
    """A named complaint about the cement works' verification (led by Hu Wei)."""
    return complaint(people, engagement=engagement)


def step_offered(page: str, step: str) -> bool:
    return f'/steps/{step}/"' in page


# --- sign-in ------------------------------------------------------------------------

def test_the_sign_in_page_is_in_chinese_and_signs_staff_in_to_their_home(client, people):
    people.head.user.set_password("pw-head-2026")
    people.head.user.save()
    page = client.get("/staff/signin/")
    assert page.status_code == 200 and "员工登录" in text(page)
    assert not INLINE_SCRIPT.search(text(page)) and " style=" not in text(page)
    wrong = client.post("/staff/signin/", {"username": "zhangmin", "password": "nope"})
    assert wrong.status_code == 200 and 'role="alert"' in text(wrong)
    right = client.post("/staff/signin/", {"username": "zhangmin", "password": "pw-head-2026"})
    assert right.status_code == 302 and right["Location"] == "/staff/"
    assert "我的案件" in text(client.get("/staff/"))


def test_the_public_site_links_to_the_staff_sign_in(client):
    assert 'href="/staff/signin/"' in text(client.get("/"))


def test_a_page_asked_for_before_signing_in_opens_after_it(client, people, received):
    people.head.user.set_password("pw-head-2026")
    people.head.user.save()
    asked = client.get(f"/staff/cases/{received.pk}/")
    assert asked.status_code == 302
    assert asked["Location"] == f"/staff/signin/?next=/staff/cases/{received.pk}/"
    right = client.post(asked["Location"], {"username": "zhangmin", "password": "pw-head-2026",
                                            "next": f"/staff/cases/{received.pk}/"})
    assert right["Location"] == f"/staff/cases/{received.pk}/"


def test_the_staff_sign_in_counts_with_the_apis_and_refuses_readably(client, people):
    """The same throttle as the API's session sign-in (10 a minute per address and per
    account, shared): after ten failures there, the eleventh here is a readable 429."""
    for i in range(10):
        client.post("/api/auth/session/login/", {"username": "zhangmin", "password": f"x{i}"})
    refused = client.post("/staff/signin/", {"username": "zhangmin", "password": "x"})
    assert refused.status_code == 429 and refused["Retry-After"]
    assert refused["Content-Type"].startswith("text/html")
    assert "登录尝试过多" in text(refused)


def test_a_locked_out_staff_sign_in_is_a_readable_page(client, people, settings):
    """django-axes locks the account after repeated failures, on this form too."""
    settings.AXES_FAILURE_LIMIT = 3
    people.head.user.set_password("pw-head-2026")
    people.head.user.save()
    for i in range(3):
        client.post("/staff/signin/", {"username": "zhangmin", "password": f"x{i}"})
    refused = client.post("/staff/signin/", {"username": "zhangmin",
                                             "password": "pw-head-2026"})
    assert refused.status_code == 429 and refused["Content-Type"].startswith("text/html")
    assert "登录被拒绝" in text(refused) and "30" in text(refused)
    assert "_auth_user_id" not in client.session


def test_signing_out_ends_the_session(head):
    assert head.post("/staff/signout/")["Location"] == "/staff/signin/"
    assert head.get("/staff/").status_code == 302


def test_an_account_without_a_staff_profile_is_refused(client, django_user_model):
    outsider = django_user_model.objects.create_user("outsider", password="x")
    client.force_login(outsider)
    page = client.get("/staff/")
    assert page.status_code == 403 and "需要工作人员账号" in text(page)


# --- home ---------------------------------------------------------------------------

def test_home_lists_overdue_first_then_due_soon_with_each_deadline(people):
    """Overdue first, then due within two working days, then the rest; each with its
    stage and next deadline, rule or target, provisional marked (W3)."""
    with clock_at(people, MONDAY - dt.timedelta(days=20)):
        late = complaint(people)
    with clock_at(people, MONDAY):
        soon = complaint(people)
        commit(soon, people.head)
        case_accept(case=soon, acting_user=people.head, action_to_take="调查")
        case_target_set(case=soon, step="evaluation", working_days=1, acting_user=people.head)
        far = complaint(people)
        commit(far, people.head)
        case_accept(case=far, acting_user=people.head, action_to_take="调查")
        case_target_set(case=far, step="evaluation", working_days=30, acting_user=people.head)
        page = text(signed_in(people.head).get("/staff/"))
    overdue, due_soon, later = (page.index(h) for h in ("逾期", "两个工作日内到期", "其他未结案件"))
    assert overdue < page.index(late.number) < due_soon < page.index(soon.number) < later
    assert later < page.index(far.number)
    row = page[page.index(far.number):page.index("</tr>", page.index(far.number))]
    assert "内部目标时限" in row and "暂定" in row and "已受理" in row
    row = page[page.index(late.number):page.index("</tr>", page.index(late.number))]
    assert "规定时限" in row and "受理决定" in row


def test_home_opens_a_case_by_its_number(head, received):
    assert head.get("/staff/", {"number": received.number.lower()})["Location"] == (
        f"/staff/cases/{received.pk}/")
    assert head.get("/staff/", {"number": "TS-1999-9999"}).status_code == 404


def test_home_warns_when_this_years_commitment_is_missing(people):
    page = text(signed_in(people.newcomer).get("/staff/"))
    assert "年度公正性和保密承诺" in page


# --- the case page --------------------------------------------------------------------

def test_the_case_page_shows_the_file_and_asks_for_the_commitment_first(head, received):
    """R9.01: without the per-case commitment nothing is offered; with it, the steps the
    workflow gives the head on a received complaint, acceptance first."""
    page = text(head.get(f"/staff/cases/{received.pk}/"))
    assert received.number in page and "已收到" in page and "规定时限" in page
    assert "签署承诺" in page and not step_offered(page, "accept")
    assert "已收到" in page[page.index('class="trail"'):]  # the trail's first entry
    signed = head.post(f"/staff/cases/{received.pk}/commitment/", {"potential_conflict": ""})
    assert signed.status_code == 302
    page = text(head.get(f"/staff/cases/{received.pk}/"))
    offered = re.findall(r'/steps/([a-z_]+)/"', page)
    assert offered[0] == "accept"
    assert set(offered) == {"accept", "reject", "assign", "withdraw", "merge", "correct_kind",
                            "report_internal_problem", "refer_no_eligible", "set_target"}
    assert not INLINE_SCRIPT.search(page) and " style=" not in page


def test_r8_03_the_head_accepts_on_the_case_page_and_the_trail_shows_it(people, head,
                                                                         received):
    commit(received, people.head)
    done = head.post(f"/staff/cases/{received.pk}/steps/accept/",
                     {"accept-action_to_take": "调查核实"})
    assert done.status_code == 302 and done["Location"] == f"/staff/cases/{received.pk}/"
    received.refresh_from_db()
    assert received.state == "accepted"
    page = text(head.get(done["Location"]))
    trail = page[page.index('class="trail"'):]
    assert "受理" in trail and "张敏 Zhang Min" in trail and "已完成：受理" in page
    assert "受理通知书" in page  # the notice the acceptance issued


def test_a_step_not_allowed_now_is_not_offered_and_refused_if_forced(people, head, received):
    """The API's 409 (not in this state) and 403 (not this person), shown readably; the
    case is unchanged."""
    commit(received, people.head, people.handler)
    page = text(head.get(f"/staff/cases/{received.pk}/"))
    assert not step_offered(page, "approve")
    forced = head.post(f"/staff/cases/{received.pk}/steps/approve/", {})
    assert forced.status_code == 409
    assert 'class="refusal"' in text(forced) and "R8.07" in text(forced)
    assert "现在不能执行" in text(forced)
    handler = signed_in(people.handler)
    from caseflow.actions.intake import case_assign

    case_assign(case=received, handler=people.handler, acting_user=people.head)
    forced = handler.post(f"/staff/cases/{received.pk}/steps/accept/",
                          {"accept-action_to_take": "调查"})
    assert forced.status_code == 403 and "R8.03" in text(forced)
    received.refresh_from_db()
    assert received.state == "received"


def test_a_step_with_a_missing_field_comes_back_with_its_error(people, head, received):
    commit(received, people.head)
    back = head.post(f"/staff/cases/{received.pk}/steps/accept/", {"accept-action_to_take": ""})
    assert back.status_code == 400 and "该字段是必填项" in text(back)
    assert Case.objects.get(pk=received.pk).state == "received"
    assert head.post(f"/staff/cases/{received.pk}/steps/no_such_step/", {}).status_code == 404


def test_a_domain_refusal_of_a_field_is_shown_beside_it(people, head, received):
    """The merge target must be a case the head sees: an unknown number is a field error."""
    commit(received, people.head)
    back = head.post(f"/staff/cases/{received.pk}/steps/merge/",
                     {"merge-into": "TS-1999-0001", "merge-reason": "重复"})
    assert back.status_code == 400 and "没有您可见的其他案件" in text(back)


def test_a_declared_conflict_stops_the_steps_until_the_quality_manager_rules(people, head,
                                                                              received):
    """R9.01: a conflict declared on the page awaits the QM's ruling; meanwhile the
    steps are not offered; once allowed they are again."""
    head.post(f"/staff/cases/{received.pk}/commitment/", {"potential_conflict": ""})
    declared = head.post(f"/staff/cases/{received.pk}/commitment/",
                         {"potential_conflict": "与投诉人是远亲"})
    assert declared.status_code == 302
    page = text(head.get(f"/staff/cases/{received.pk}/"))
    assert "待质量经理裁决" in page and not step_offered(page, "accept")
    empty = head.post(f"/staff/cases/{received.pk}/commitment/", {"potential_conflict": ""})
    assert empty.status_code == 400  # declaring needs its description
    declaration = Declaration.objects.get(staff=people.head, potential_conflict__contains="远亲")
    declaration_rule(declaration=declaration, ruling="allow", acting_user=people.quality_manager)
    assert step_offered(text(head.get(f"/staff/cases/{received.pk}/")), "accept")


def test_r8_13_the_office_sees_the_identity_on_request_and_it_is_recorded(people, received):
    """Only once committed to the case (R9.01); each reveal is on the trail."""
    office = signed_in(people.office)
    url = f"/staff/cases/{received.pk}/parties/{received.submitter_id}/reveal/"
    assert "zhangsan@example.cn" not in text(office.post(url))
    commit(received, people.office)
    page = office.post(f"/staff/cases/{received.pk}/parties/{received.submitter_id}/reveal/")
    assert page.status_code == 200 and "zhangsan@example.cn" in text(page)
    assert received.events.filter(action="identity_revealed", actor=people.office).exists()
    assert "zhangsan@example.cn" not in text(office.get(f"/staff/cases/{received.pk}/"))


# --- X9: recusal hides the case ------------------------------------------------------

def test_x9_a_recused_person_finds_nothing_of_the_case_on_any_page(people, received):
    """Hu Wei led the verification the complaint is about (R8.15); the head signed its
    report: for both the case does not exist, on every staff page."""
    received.engagement.report_signers.add(people.head)
    for person in (people.hu_wei, people.head):
        browser = signed_in(person)
        base = f"/staff/cases/{received.pk}/"
        assert browser.get(base).status_code == 404
        assert browser.post(base + "steps/accept/", {"accept-action_to_take": "x"}
                            ).status_code == 404
        assert browser.post(base + "commitment/", {"potential_conflict": ""}).status_code == 404
        assert browser.post(base + f"parties/{received.submitter_id}/reveal/"
                            ).status_code == 404
        assert browser.get(f"/staff/cases/number/{received.number}/").status_code == 404
        assert browser.get("/staff/", {"number": received.number}).status_code == 404
        assert received.number not in text(browser.get("/staff/"))
        assert received.number not in text(browser.get("/staff/committee/"))
    assert not received.declarations.exists()
    deputy = signed_in(people.deputy_head)
    assert deputy.get(f"/staff/cases/number/{received.number}/")["Location"] == (
        f"/staff/cases/{received.pk}/")


# --- profile ----------------------------------------------------------------------------

def test_the_profile_sets_language_email_and_channels(people):
    browser = signed_in(people.handler)
    page = browser.get("/staff/profile/")
    assert page.status_code == 200 and "liuyang@cec.example.cn" in text(page)
    saved = browser.post("/staff/profile/", {"language": "en", "email": "ly@cec.example.cn",
                                             "notify_by_email": "on"})
    assert saved.status_code == 302 and saved.cookies["django_language"].value == "en"
    people.handler.refresh_from_db()
    assert (people.handler.language, people.handler.email) == ("en", "ly@cec.example.cn")
    assert "Your profile is saved." in text(browser.get("/staff/profile/"))


def test_the_profile_refuses_telegram_before_the_chat_is_linked(people):
    browser = signed_in(people.handler)
    refused = browser.post("/staff/profile/", {"language": "zh-hans", "notify_by_email": "on",
                                               "email": "ly@cec.example.cn",
                                               "notify_by_telegram": "on"})
    assert refused.status_code == 400 and "/start" in text(refused)
    people.handler.refresh_from_db()
    assert not people.handler.notify_by_telegram


def test_r9_01_the_annual_commitment_is_signed_on_the_profile(people):
    browser = signed_in(people.newcomer)
    assert "尚未签署" in text(browser.get("/staff/profile/"))
    assert browser.post("/staff/profile/commitment/").status_code == 302
    assert people.newcomer.declarations.filter(kind="annual").count() == 1
    browser.post("/staff/profile/commitment/")  # a second click signs nothing more
    assert people.newcomer.declarations.filter(kind="annual").count() == 1


# --- dashboard --------------------------------------------------------------------------

def test_the_dashboard_page_draws_from_the_api_for_management_only(people, head):
    page = head.get("/staff/dashboard/")
    assert page.status_code == 200
    html = text(page)
    assert 'data-url="/api/dashboard/"' in html
    assert "/static/caseflow/vendor/echarts/echarts.min.js" in html
    assert not INLINE_SCRIPT.search(html) and " style=" not in html
    assert "http://" not in html and "https://" not in html  # every asset is the app's
    refused = signed_in(people.handler).get("/staff/dashboard/")
    assert refused.status_code == 403 and "D1" in text(refused)
    assert signed_in(people.handler).get("/api/dashboard/").status_code == 403  # the same


def test_the_vendored_charting_library_is_the_pinned_file_with_its_licence():
    """The checksum in VENDORED.md is the file's: nobody swapped it silently."""
    folder = Path(finders.find("caseflow/vendor/echarts/echarts.min.js")).parent
    notes = (folder / "VENDORED.md").read_text()
    pinned = re.search(r"echarts\.min\.js\s+`?([0-9a-f]{64})", notes).group(1)
    assert hashlib.sha256((folder / "echarts.min.js").read_bytes()).hexdigest() == pinned
    assert "Apache License" in (folder / "LICENSE").read_text()
    assert (folder / "NOTICE").exists() and (folder / "LICENSE-d3").exists()
    assert "sourceMappingURL" not in (folder / "echarts.min.js").read_text()[-500:]


def test_the_dashboard_links_a_case_number_to_its_page(head, received):
    assert head.get(f"/staff/cases/number/{received.number}/")["Location"] == (
        f"/staff/cases/{received.pk}/")


# --- the committee ------------------------------------------------------------------------

def test_r8_10_a_member_sees_the_referral_signs_and_casts_their_own_vote(people):
    """X10: the member's own vote with reasoning; nobody records another's. The decision
    shows, with every vote, once the quorum (two of three) has voted."""
    case = appeal_before_committee(people)
    xu, ma, _ = people.members
    browser = signed_in(xu)
    queue = text(browser.get("/staff/committee/"))
    assert case.number in queue and "公正性管理委员会" in queue
    page = text(browser.get(f"/staff/cases/{case.pk}/"))
    assert not step_offered(page, "committee_vote")  # the commitment comes first (R9.01)
    browser.post(f"/staff/cases/{case.pk}/commitment/", {"potential_conflict": ""})
    page = text(browser.get(f"/staff/cases/{case.pk}/"))
    assert re.findall(r'/steps/([a-z_]+)/"', page) == ["committee_vote"]
    voted = browser.post(f"/staff/cases/{case.pk}/steps/committee_vote/",
                         {"committee_vote-vote": "uphold",
                          "committee_vote-reasoning": "证据充分"})
    assert voted.status_code == 302
    vote = CommitteeVote.objects.get(case=case)
    assert (vote.member, vote.vote) == (xu, "uphold")
    page = text(browser.get(f"/staff/cases/{case.pk}/"))
    assert "已投 1 票" in page and not step_offered(page, "committee_vote")
    again = browser.post(f"/staff/cases/{case.pk}/steps/committee_vote/",
                         {"committee_vote-vote": "overturn",
                          "committee_vote-reasoning": "改判"})
    assert again.status_code == 409 and "X10" in text(again)
    commit(case, ma)
    signed_in(ma).post(f"/staff/cases/{case.pk}/steps/committee_vote/",
                       {"committee_vote-vote": "uphold", "committee_vote-reasoning": "维持"})
    page = text(browser.get(f"/staff/cases/{case.pk}/"))
    assert "维持决定" in page and "证据充分" in page and "维持" in page
    assert case.number in text(browser.get("/staff/committee/"))  # among the decided


def test_staff_cannot_vote_for_the_committee(people):
    case = appeal_before_committee(people)
    refused = signed_in(people.head).post(f"/staff/cases/{case.pk}/steps/committee_vote/",
                                          {"committee_vote-vote": "uphold",
                                           "committee_vote-reasoning": "维持"})
    assert refused.status_code == 403 and "X10" in text(refused)
    assert not CommitteeVote.objects.exists()


# --- every step, every page ---------------------------------------------------------------

def test_every_step_of_the_workflow_tables_has_a_form_on_the_case_page():
    steps = set().union(*(table.keys() for table in TABLES.values()))
    assert set(STEP_FORMS) == set(STEP_ACTIONS) == steps


def test_the_staff_pages_speak_english_on_request(people, received):
    browser = signed_in(people.head)
    page = text(browser.get(f"/staff/cases/{received.pk}/", HTTP_ACCEPT_LANGUAGE="en"))
    assert "Sign the commitment" in page and 'lang="en"' in page
