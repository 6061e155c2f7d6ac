"""The staff pages in a real browser (Debian's Chromium through Playwright), on a phone,
in Chinese: a head takes a complaint from the public form to acceptance, the dashboard
shows what the API says, the committee votes, and a recused person finds nothing. With
SCREENSHOT_DIR set, the dashboard, a case page and the committee queue are saved too."""

import datetime as dt
import os
import re

import pytest

from caseflow.actions.intake import case_accept, case_reject
from caseflow.models import Case, CommitteeVote, Declaration
from caseflow.workdays import CHINA
from tests.personas import clock_at, commit, complaint
from tests.web.browser import CHROMIUM, shot
from tests.web.staff_world import appeal_before_committee

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.path.exists(CHROMIUM),
                       reason="Debian's chromium is not installed (.ci/run installs it)"),
]


def sign_in(page, staff):
    """Through the staff sign-in form, as a person would."""
    staff.user.set_password("pw-for-the-browser")
    staff.user.save()
    page.goto("/staff/signin/")
    page.get_by_label("用户名").fill(staff.user.username)
    page.get_by_label("密码").fill("pw-for-the-browser")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/staff/")


def csp_violations(page) -> list[str]:
    """Console reports of anything the Content-Security-Policy refused."""
    refused = []
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)
    return refused


def test_r8_03_the_head_accepts_a_complaint_filed_on_the_public_form(phone, people):
    """The complaint comes in on the public form; the head signs in, finds it on the home
    page, signs the per-case commitment (R9.01), accepts it; the trail shows it."""
    phone.goto("/complaint/")
    phone.get_by_label("您的姓名").fill("张三")
    phone.get_by_label("事由").fill("核查报告数据有误")
    phone.check("input[name=scope][value=a]")
    phone.get_by_label("事情经过").fill("排放量计算有误。")
    phone.get_by_label("我已阅读", exact=False).check()
    phone.get_by_role("button", name="提交").click()
    phone.wait_for_url("**/submitted/")
    case = Case.objects.get()

    sign_in(phone, people.head)
    phone.get_by_role("link", name=case.number).click()
    phone.wait_for_url(f"**/staff/cases/{case.pk}/")
    assert phone.locator("form[action$='/steps/accept/']").count() == 0  # not committed
    phone.get_by_role("button", name="签署承诺").click()
    phone.get_by_label("拟采取的措施").fill("调查核实")
    phone.get_by_role("button", name="受理", exact=True).click()
    phone.wait_for_url(f"**/staff/cases/{case.pk}/")
    assert phone.text_content(".stage").strip() == "已受理"
    trail = phone.text_content("ol.trail")
    assert "受理" in trail and "张敏 Zhang Min" in trail
    shot(phone, "staff-case")
    case.refresh_from_db()
    assert case.state == "accepted"


def test_a_step_not_allowed_is_not_offered_and_refused_readably_if_forced(phone, people,
                                                                            engagement):
    """Approval belongs to the quality manager, after review: the head is not offered it;
    a form forced to it is refused with the API's 409 and its reason, nothing changes."""
    case = complaint(people, engagement=engagement)
    commit(case, people.head)
    sign_in(phone, people.head)
    phone.goto(f"/staff/cases/{case.pk}/")
    assert phone.locator("form[action$='/steps/approve/']").count() == 0
    phone.eval_on_selector("form[action$='/steps/accept/']",
                           "form => form.action = form.action.replace('accept', 'approve')")
    with phone.expect_response(re.compile(r"/steps/approve/$")) as answer:
        phone.get_by_role("button", name="受理", exact=True).click()
    assert answer.value.status == 409
    refusal = phone.text_content(".refusal")
    assert "现在不能执行" in refusal and "R8.07" in refusal
    case.refresh_from_db()
    assert case.state == "received"


def test_the_dashboard_shows_what_the_api_returns_and_leads_to_the_overdue_case(phone, people):
    """The on-time figure and the overdue count are the API's, for the same data and the
    same person; an overdue case opens from its link and its next step is taken."""
    received = dt.datetime(2026, 6, 1, 10, 0, tzinfo=CHINA)  # a Monday
    with clock_at(people, received):
        on_time = complaint(people)
        commit(on_time, people.head)
        case_accept(case=on_time, acting_user=people.head, action_to_take="调查")
        rejected = complaint(people)
        commit(rejected, people.head)
        case_reject(case=rejected, acting_user=people.head, reason="不属于受理范围")
        forgotten = complaint(people)  # nobody decided: late, overdue
    with clock_at(people, received + dt.timedelta(days=20), tick=True):
        refused = csp_violations(phone)
        sign_in(phone, people.head)
        phone.get_by_role("link", name="工作看板").click()
        phone.wait_for_selector("#dashboard[data-year='2026']")
        api = phone.request.get("/api/dashboard/?year=2026").json()  # the same session
        assert phone.text_content("#figure-overdue") == str(api["overdue_total"])
        months = api["on_time_by_month"]
        counted = sum(m["on_time"] for m in months), sum(m["on_time"] + m["late"]
                                                         for m in months)
        assert counted == (2, 3)
        assert phone.text_content("#figure-on-time-counts") == "2 / 3"
        assert phone.text_content("#figure-on-time") == f"{round(100 * 2 / 3, 1)}%"
        june = phone.locator("#table-on-time tbody tr").nth(5)
        assert june.locator("td").nth(2).text_content() == f"{months[5]['rate']:.1f}%"
        assert phone.locator("#chart-on-time canvas").count() == 1  # drawn by ECharts
        assert sorted(phone.locator("#list-overdue a").all_text_contents()) == sorted(
            api["overdue"])
        shot(phone, "staff-dashboard")
        assert not refused, refused

        phone.get_by_role("link", name=forgotten.number).click()
        phone.wait_for_url(f"**/staff/cases/{forgotten.pk}/")
        phone.get_by_role("button", name="签署承诺").click()
        phone.locator("#step-reject summary").click()  # opens its form
        phone.fill("#id_reject-reason", "超出受理范围")
        phone.locator("form[action$='/steps/reject/'] button[type=submit]").click()
        phone.wait_for_url(f"**/staff/cases/{forgotten.pk}/")
        assert phone.text_content(".stage").strip() == "不予受理"

        phone.goto("/staff/dashboard/")
        phone.wait_for_selector("#dashboard[data-year='2026']")
        phone.select_option("#year", "2025")
        phone.wait_for_selector("#dashboard[data-year='2025']")
        assert phone.text_content("#figure-on-time") == "无到期"


def test_x10_a_member_sees_the_escalated_appeal_declares_a_conflict_and_votes(phone, people):
    """Xu finds both referred appeals in the queue; on one he signs and casts his own
    vote with his reasoning; on the other he declares a conflict, which waits for the
    quality manager before he may take part. Once Ma votes too, the decision shows."""
    first = appeal_before_committee(people)
    second = appeal_before_committee(people)
    xu, ma, _ = people.members
    sign_in(phone, xu)
    phone.get_by_role("link", name="委员会待审案件").click()
    for case in (first, second):
        assert case.number in phone.text_content("main")
    shot(phone, "staff-committee")

    phone.get_by_role("link", name=first.number).click()
    phone.get_by_role("button", name="签署承诺").click()
    phone.get_by_label("维持决定").check()
    phone.get_by_label("您的理由").fill("核查证据充分，结论成立")
    phone.get_by_role("button", name="投票", exact=True).click()
    phone.wait_for_url(f"**/staff/cases/{first.pk}/")
    assert "已投 1 票" in phone.text_content(".committee")
    assert CommitteeVote.objects.get(case=first).member == xu

    phone.goto("/staff/committee/")
    phone.get_by_role("link", name=second.number).click()
    phone.get_by_label("潜在的利益冲突").fill("曾为申诉方提供培训")
    phone.get_by_role("button", name="签署承诺").click()
    assert "待质量经理裁决" in phone.text_content(".commitment")
    assert phone.locator("form[action$='/steps/committee_vote/']").count() == 0
    assert Declaration.objects.get(staff=xu, case=second).potential_conflict

    from caseflow.actions.committee import committee_vote

    commit(first, ma)
    committee_vote(case=first, acting_user=ma, vote="uphold", reasoning="维持")
    phone.goto(f"/staff/cases/{first.pk}/")
    decision = phone.text_content(".committee")
    assert "维持决定" in decision and "核查证据充分" in decision


def test_x9_a_recused_person_finds_nothing_of_the_case(phone, people, engagement):
    """The head signed the report the complaint is about (R8.15): not on the home page,
    not by its number, not its page, not among the dashboard's overdue cases."""
    engagement.report_signers.add(people.head)
    with clock_at(people, dt.datetime(2026, 6, 1, 10, 0, tzinfo=CHINA)):
        hidden = complaint(people, engagement=engagement)
    sign_in(phone, people.head)
    assert hidden.number not in phone.text_content("main")
    phone.get_by_label("按编号打开案件").fill(hidden.number)
    phone.get_by_role("button", name="打开").click()
    assert "没有您可见的案件使用此编号" in phone.text_content("main")
    assert phone.goto(f"/staff/cases/{hidden.pk}/").status == 404
    assert phone.goto(f"/staff/cases/number/{hidden.number}/").status == 404
    phone.goto("/staff/dashboard/")
    phone.wait_for_selector("#dashboard[data-year]")
    assert hidden.number not in phone.text_content("main")
