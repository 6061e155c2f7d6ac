"""X9: recusal hides the case. Whoever is recused (R8.14, R8.15, R9.01, X11) sees nothing
of it, whatever their role; the deputy acts instead (X2). R8.16: the nonconformity a
case opens about the body's own work is handled under section 7, by the people whose
work failed."""

import datetime as dt

import pytest
from django.utils import timezone

from caseflow.actions.nonconformities import (
    capa_task_assign,
    case_report_internal_problem,
    nonconformity_analyse,
    nonconformity_sign_off_plan,
)
from caseflow.actions.staff import Relationship, declaration_rule, declaration_sign
from caseflow.models import Case, Role, RoleAssignment
from caseflow.selectors.cases import case_detail, case_for_staff, cases_for_staff
from caseflow.selectors.visibility import tasks_for_staff
from caseflow.workdays import CHINA
from tests.personas import clock_at, commit, complaint

pytestmark = pytest.mark.django_db


def visible_to(staff) -> set[int]:
    return set(cases_for_staff(staff).values_list("pk", flat=True))


def test_x9_the_head_who_signed_the_report_sees_nothing_of_the_complaint(people, engagement):
    """X9 with R8.15: Zhang Min signed the report the complaint is about: not its file,
    not a list row, not a search hit; the deputy head sees and acts."""
    engagement.report_signers.add(people.head)
    about_report = complaint(people, engagement=engagement)
    other = complaint(people)
    assert visible_to(people.head) == {other.pk}
    with pytest.raises(Case.DoesNotExist):
        case_for_staff(people.head, about_report.pk)
    assert not cases_for_staff(people.head).filter(subject__contains="核查报告").exclude(
        pk=other.pk).exists()
    assert about_report.pk in visible_to(people.deputy_head)


@pytest.mark.parametrize("team", ["team_lead", "verifiers", "technical_reviewers",
                                  "report_signers"])
def test_r8_15_whoever_performed_the_engagement_in_any_role_does_not_see_the_complaint(
        people, engagement, team):
    """R8.15, X9: the team lead, a verifier, a technical reviewer or a signer of the
    report: each is recused from a complaint about that engagement, and only from it."""
    if team == "team_lead":
        engagement.team_lead = people.head
        engagement.save()
    else:
        getattr(engagement, team).add(people.head)
    about_report = complaint(people, engagement=engagement)
    other = complaint(people)
    assert visible_to(people.head) == {other.pk}
    assert about_report.pk in visible_to(people.deputy_head)


def test_x9_a_linked_case_from_a_hidden_one_is_not_shown(people, engagement):
    """X9: the deputy's view of an unrelated case does not link to what the head may not
    see: the linked cases are the viewer's own visible ones."""
    engagement.report_signers.add(people.head)
    hidden = complaint(people, engagement=engagement)
    commit(hidden, people.deputy_head)
    nc = case_report_internal_problem(case=hidden, acting_user=people.deputy_head,
                                      description="报告审核未发现计算错误")
    commit(nc, people.head)
    assert nc.pk in visible_to(people.head)  # section 7 work: the head supervises it
    assert case_detail(nc, viewer=people.head).linked_cases == []


def test_x9_a_prohibited_person_no_longer_sees_the_case(people):
    """X9 with R9.01: once the quality manager prohibits Zhao Lei from a case, the office
    holder no longer sees it; Qian Yu, the other office member, does."""
    case = complaint(people, registrar=people.office_2)
    assert case.pk in visible_to(people.office)
    declaration = declaration_sign(staff=people.office, kind="case", case=case,
                                   potential_conflict="投诉人是我的同学")
    assert case.pk in visible_to(people.office)  # declared, not yet ruled: still works
    declaration_rule(declaration=declaration, ruling="prohibit",
                     acting_user=people.quality_manager)
    assert case.pk not in visible_to(people.office)
    assert case.pk in visible_to(people.office_2)


def test_x9_a_binding_interest_relationship_hides_the_case(people, engagement, cement_works):
    """X9 with R9.01: the quality manager worked for the cement works until last year:
    she does not see the complaint about its verification."""
    declaration_sign(staff=people.quality_manager, kind="annual",
                     year=timezone.localdate().year,
                     relationships=(Relationship(cement_works, "曾任职",
                                                 timezone.localdate() - dt.timedelta(days=300)),))
    case = complaint(people, engagement=engagement)
    assert case.pk not in visible_to(people.quality_manager)


def test_r9_01_a_relationship_that_ended_three_years_ago_no_longer_bars(
        people, engagement, cement_works):
    """R9.01: 三年以上: on 2026-03-10 a relationship that ended on 2023-03-10 no longer
    bars; one that ended on 2023-03-11 still does."""
    from caseflow.actions.intake import case_assign
    from caseflow.errors import Recused

    with clock_at(people, dt.datetime(2026, 3, 10, 10, 0, tzinfo=CHINA)):
        case = complaint(people, engagement=engagement)
        commit(case, people.head, people.handler, people.office)
        declaration_sign(staff=people.office, kind="annual", year=2026,
                         relationships=(Relationship(cement_works, "曾任职",
                                                     dt.date(2023, 3, 11)),))
        declaration_sign(staff=people.handler, kind="annual", year=2026,
                         relationships=(Relationship(cement_works, "曾任职",
                                                     dt.date(2023, 3, 10)),))
        with pytest.raises(Recused) as refused:
            case_assign(case=case, handler=people.office, acting_user=people.head)
        assert refused.value.rule == "R9.01"
        assert case_assign(case=case, handler=people.handler, acting_user=people.head).handler


def test_r8_16_the_verifier_takes_the_corrective_task_but_never_sees_the_complaint(
        people, engagement):
    """R8.16 with R8.15: the complaint about Hu Wei's verification found a problem; its
    nonconformity is section 7 work, where those whose work failed correct it: QA assigns
    Hu Wei the corrective task and he sees the nonconformity. The complaint stays hidden
    from him (X9) and he still may not handle it."""
    RoleAssignment.objects.create(staff=people.office_2, role=Role.QUALITY_ASSURANCE)
    case = complaint(people, engagement=engagement)
    commit(case, people.head)
    nc = case_report_internal_problem(case=case, acting_user=people.head,
                                      description="核查组未核对计量器具校准记录")
    assert nc.engagement == engagement
    commit(nc, people.handler, people.quality_manager, people.office_2, people.hu_wei)
    nc = nonconformity_analyse(
        case=nc, acting_user=people.handler, method="five_whys", analysis="为什么1…5",
        root_cause="核查清单缺项", correction="补充校准记录核对",
        corrective_action="修订核查清单", report_due_on=timezone.localdate()
        + dt.timedelta(days=30))
    nc = nonconformity_sign_off_plan(case=nc, acting_user=people.quality_manager)
    task = capa_task_assign(case=nc, acting_user=people.office_2, owner=people.hu_wei,
                            description="补做校准记录核对", working_days=5)
    assert task in tasks_for_staff(people.hu_wei)
    assert visible_to(people.hu_wei) == {nc.pk}
    from caseflow.actions.intake import case_assign
    from caseflow.errors import Recused

    commit(case, people.hu_wei)
    with pytest.raises(Recused) as refused:
        case_assign(case=case, handler=people.hu_wei, acting_user=people.head)
    assert refused.value.rule == "R8.15"
