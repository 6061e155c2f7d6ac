"""What a caller may not see stays unseen on every route that could show it: the case
file, a merge target, linked cases, the dashboard's lists (R8.14, R8.15, R9.01)."""

import datetime as dt

from django.utils import timezone

from caseflow.actions.intake import PartyDetails, case_accept, case_merge
from caseflow.models import Case, Declaration
from tests.api.steps import ok, refused, sign
from tests.personas import commit, complaint

ABOUT_ZHAO_LEI = "赵磊收受好处"


def about_the_office(people, **kw):
    """A complaint about Zhao Lei of the office, registered by the department head."""
    case = complaint(people, respondent=PartyDetails(staff=people.office),
                     registrar=people.head, **kw)
    Case.objects.filter(pk=case.pk).update(subject=ABOUT_ZHAO_LEI)
    case.subject = ABOUT_ZHAO_LEI
    return case


def test_r9_01_r8_15_signing_a_commitment_does_not_open_the_case_file(people, api,
                                                                      engagement):
    """Hu Wei led the verification the complaint is about: the case does not exist for
    him, and signing a per-case commitment (which comes before any assignment) does not
    change that; nor does it make him assignable."""
    case = complaint(people, engagement=engagement)
    hu_wei = api(people.hu_wei)
    refused(hu_wei.get(f"/api/cases/{case.pk}/"), 404)
    sign(hu_wei, case.pk)
    refused(hu_wei.get(f"/api/cases/{case.pk}/"), 404)
    assert case.pk not in [c["id"] for c in ok(hu_wei.get("/api/cases/"))["results"]]


def test_r8_14_a_merge_cannot_name_a_case_the_caller_may_not_see(people, api):
    hidden = about_the_office(people)
    duplicate = complaint(people)
    commit(duplicate, people.office)
    office = api(people.office)
    refused(office.get(f"/api/cases/{hidden.pk}/"), 404)
    body = refused(office.post(f"/api/cases/{duplicate.pk}/transitions/merge/",
                               {"into": hidden.pk, "reason": "重复"}, format="json"), 400)
    assert "into" in body["errors"] and ABOUT_ZHAO_LEI not in str(body)
    duplicate.refresh_from_db()
    assert duplicate.state == "received" and duplicate.merged_into_id is None


def test_r8_14_linked_cases_the_caller_may_not_see_are_left_out(people, api):
    hidden = about_the_office(people)
    kept = complaint(people)
    commit(hidden, people.head)
    case_merge(case=hidden, into=kept, reason="同一事项", acting_user=people.head)
    office_view = ok(api(people.office).get(f"/api/cases/{kept.pk}/"))
    assert office_view["linked_cases"] == []
    head_view = ok(api(people.head).get(f"/api/cases/{kept.pk}/"))
    assert [c["subject"] for c in head_view["linked_cases"]] == [ABOUT_ZHAO_LEI]


def test_r8_14_the_dashboard_does_not_name_a_case_about_the_viewer(people, api):
    long_ago = timezone.now() - dt.timedelta(days=40)
    hidden = about_the_office(people, received_at=long_ago)
    visible = complaint(people, received_at=long_ago)
    for case in (hidden, visible):
        commit(case, people.head)
        case_accept(case=case, acting_user=people.head, action_to_take="调查")
    Case.objects.update(due_at=timezone.now() - dt.timedelta(days=1))
    office = ok(api(people.office).get("/api/dashboard/"))
    head = ok(api(people.head).get("/api/dashboard/"))
    assert office["overdue"] == [visible.number]
    assert sorted(head["overdue"]) == sorted([hidden.number, visible.number])
    # the counts are statistics and count every case
    assert office["open_by_kind_and_state"] == head["open_by_kind_and_state"]


def test_r8_14_staff_do_not_register_a_case_about_themselves(people, api):
    """Refused before anything is saved (the case would be hidden from its registrar)."""
    office = api(people.office)
    body = refused(office.post("/api/cases/", {
        "kind": "complaint", "subject": ABOUT_ZHAO_LEI, "description": "反映。", "scope": "d",
        "channel": "phone", "received_at": timezone.now().isoformat(),
        "submitter_name": "张三", "submitter_phone": "13800000000",
        "respondent_staff": people.office.pk}, format="json"), 403, "R8.14")
    assert body["detail"] == "涉及您本人的案件须由其他同事登记。"
    assert not Case.objects.exists() and not Declaration.objects.filter(case__isnull=False)


def test_refusals_speak_the_callers_language(people, api):
    office = api(people.office)
    missing = refused(office.get("/api/cases/999999/", HTTP_ACCEPT_LANGUAGE="zh-hans"), 404)
    assert missing["detail"] == "未找到。"
    assert refused(office.get("/api/cases/999999/", HTTP_ACCEPT_LANGUAGE="en"),
                   404)["detail"] == "Not found."
    invalid = refused(office.post("/api/cases/", {"kind": "x"}, format="json",
                                  HTTP_ACCEPT_LANGUAGE="zh-hans"), 400)
    assert invalid["detail"] == "输入有误。" and "kind" in invalid["errors"]


def test_r7_05_a_task_owner_sees_the_nonconformity_of_the_task(people, api):
    """Zhou Jie, a verifier, carries out a corrective task: he reads the plan he carries
    out (the case opens to him with the task, not before)."""
    from caseflow.actions.nonconformities import (
        capa_task_assign,
        nonconformity_analyse,
        nonconformity_open,
        nonconformity_sign_off_plan,
    )
    from caseflow.models import RoleAssignment

    RoleAssignment.objects.create(staff=people.office_2, role="quality_assurance")
    case = nonconformity_open(source="routine_inspection", subject="记录不全",
                              description="记录未归档。", acting_user=people.head)
    commit(case, people.office_2, people.quality_manager, people.reviewer)
    nonconformity_analyse(case=case, acting_user=people.office_2, method="five_whys",
                          analysis="为什么", root_cause="职责不清", correction="补齐",
                          corrective_action="修订制度",
                          report_due_on=timezone.localdate() + dt.timedelta(days=30))
    nonconformity_sign_off_plan(case=case, acting_user=people.quality_manager)
    reviewer = api(people.reviewer)
    refused(reviewer.get(f"/api/cases/{case.pk}/"), 404)
    capa_task_assign(case=case, acting_user=people.office_2, owner=people.reviewer,
                     description="补齐现场记录", working_days=5)
    cycle = ok(reviewer.get(f"/api/cases/{case.pk}/"))["cycles"][0]
    assert cycle["corrective_action"] == "修订制度"


def test_x9_a_recused_head_meets_the_case_nowhere_over_http(people, api, engagement):
    """X9 with R8.15: Zhang Min signed the report a complaint is about. As an outside
    client would try it: the case file and its sub-routes are 404, it is no row of the
    list, no search hit, no export line, not in the dashboard's lists (the counts may
    include it); the deputy head meets it everywhere."""
    engagement.report_signers.add(people.head)
    hidden = complaint(people, engagement=engagement,
                       received_at=timezone.now() - dt.timedelta(days=30))  # overdue
    head, deputy = api(people.head), api(people.deputy_head)
    for route in ("", "transitions/", "dossier/"):
        refused(head.get(f"/api/cases/{hidden.pk}/{route}"), 404)
    refused(head.post(f"/api/cases/{hidden.pk}/transitions/accept/",
                      {"action_to_take": "调查"}, format="json"), 404)
    listed = [c["id"] for c in ok(head.get("/api/cases/"))["results"]]
    found = [c["id"] for c in ok(head.get("/api/cases/", {"q": "核查报告"}))["results"]]
    assert hidden.pk not in listed + found
    assert hidden.number not in head.get("/api/exports/cases.csv").content.decode("utf-8-sig")
    board = ok(head.get("/api/dashboard/"))
    assert hidden.number not in board["overdue"] + board["due_within_two_working_days"]
    assert board["open_by_kind_and_state"]["complaint"]["received"] == 1

    assert ok(deputy.get(f"/api/cases/{hidden.pk}/"))["case"]["number"] == hidden.number
    assert hidden.number in ok(deputy.get("/api/dashboard/"))["overdue"]
    assert hidden.number in deputy.get("/api/exports/cases.csv").content.decode("utf-8-sig")


def test_x9_a_recused_committee_member_does_not_find_the_case_in_the_queue(people, api):
    """X9 with R9.01: Ms. Guo is prohibited from a case referred to the committee: it is
    not in her queue and its file is a 404 for her; the other members see it."""
    from caseflow.actions.committee import case_refer_committee
    from caseflow.actions.staff import declaration_rule, declaration_sign
    from tests.domain.test_appeal_workflow import ruled_appeal

    case = ruled_appeal(people)
    case = case_refer_committee(case=case, acting_user=people.head, reason="重大公共利益")
    xu, _, guo = people.members
    declaration_rule(declaration=declaration_sign(staff=guo, kind="case", case=case,
                                                  potential_conflict="曾为申诉人提供咨询"),
                     ruling="prohibit", acting_user=people.quality_manager)
    assert ok(api(guo).get("/api/committee/queue/"))["results"] == []
    refused(api(guo).get(f"/api/cases/{case.pk}/"), 404)
    assert [c["id"] for c in ok(api(xu).get("/api/committee/queue/"))["results"]] == [case.pk]
