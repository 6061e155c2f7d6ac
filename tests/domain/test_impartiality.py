"""The impartiality guard (R8.14, R8.15, R9.01, R9.02, X2)."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from caseflow.actions.committee import case_refer_no_eligible
from caseflow.actions.intake import PartyDetails, case_accept, case_assign
from caseflow.actions.staff import Relationship, declaration_rule, declaration_sign
from caseflow.errors import Recused, RoleRequired, TransitionNotAllowed
from caseflow.models import Role
from caseflow.policies.impartiality import available_transitions
from tests.personas import annual, commit, complaint

pytestmark = pytest.mark.django_db


def test_r9_01_nobody_without_a_current_commitment_can_be_assigned(people):
    """R9.01: Wu Di signed no commitment: he cannot be assigned, nor act."""
    case = complaint(people)
    commit(case, people.head)
    with pytest.raises(Recused) as refused:
        case_assign(case=case, handler=people.newcomer, acting_user=people.head)
    assert refused.value.rule == "R9.01"
    annual(people.newcomer)
    with pytest.raises(Recused):  # the annual one is not enough: per case too
        case_assign(case=case, handler=people.newcomer, acting_user=people.head)
    commit(case, people.newcomer)
    assert case_assign(case=case, handler=people.newcomer, acting_user=people.head).handler


def test_r9_01_last_years_commitment_is_not_current(people):
    """R9.01: commitments are annual; last year's does not count this year."""
    from caseflow.models import Declaration

    with time_machine.travel(timezone.now() - dt.timedelta(days=366)):
        declaration_sign(staff=people.newcomer, kind=Declaration.Kind.ANNUAL,
                         year=timezone.localdate().year)  # signed last year, for last year
    case = complaint(people)
    commit(case, people.newcomer)
    with pytest.raises(Recused):
        case_assign(case=case, handler=people.newcomer, acting_user=people.head)


def test_r8_15_verification_team_and_reviewers_are_recused(people, engagement):
    """R8.15, X2: Hu Wei led the verification this complaint is about and Zhou Jie
    reviewed it technically: neither may handle it."""
    case = complaint(people, engagement=engagement)
    commit(case, people.head, people.hu_wei, people.reviewer)
    for staff in (people.hu_wei, people.reviewer):
        with pytest.raises(Recused) as refused:
            case_assign(case=case, handler=staff, acting_user=people.head)
        assert refused.value.rule == "R8.15"


def test_r8_15_report_signer_may_not_decide(people, engagement):
    """R8.15: the head signed the engagement's report: he may not decide acceptance; the
    deputy head acts instead (X2)."""
    engagement.report_signers.add(people.head)
    case = complaint(people, engagement=engagement)
    commit(case, people.head, people.deputy_head)
    with pytest.raises(Recused):
        case_accept(case=case, acting_user=people.head, action_to_take="调查")
    assert "accept" not in available_transitions(case, people.head)
    assert case_accept(case=case, acting_user=people.deputy_head,
                       action_to_take="调查").state == "accepted"


def test_r8_14_staff_complained_about_is_recused(people):
    """R8.14: a complaint about Zhao Lei: he may not act on it, registering it included."""
    about_him = PartyDetails(staff=people.office, name="赵磊")
    with pytest.raises(Recused) as refused:
        complaint(people, respondent=about_him)
    assert refused.value.rule == "R8.14"
    case = complaint(people, respondent=about_him, registrar=people.head)
    commit(case, people.office, people.head)
    with pytest.raises(Recused) as refused:
        case_assign(case=case, handler=people.handler, acting_user=people.office)
    assert refused.value.rule == "R8.14"


def test_r9_01_relationship_ended_under_three_years_blocks(people, engagement,
                                                           cement_works):
    """R9.01: Liu Yang worked for the cement works until two years ago: blocked; a
    relationship that ended four years ago does not block."""
    declaration_sign(staff=people.handler, kind="annual", year=timezone.localdate().year,
                     relationships=(Relationship(cement_works, "曾任职",
                                                 timezone.localdate() - dt.timedelta(days=730)),))
    case = complaint(people, engagement=engagement)
    commit(case, people.head, people.handler, people.office)
    with pytest.raises(Recused) as refused:
        case_assign(case=case, handler=people.handler, acting_user=people.head)
    assert refused.value.rule == "R9.01"

    declaration_sign(staff=people.office, kind="annual", year=timezone.localdate().year,
                     relationships=(Relationship(cement_works, "曾任职",
                                                 timezone.localdate() - dt.timedelta(days=1500)),))
    assert case_assign(case=case, handler=people.office, acting_user=people.head).handler


def test_r9_01_declared_conflict_waits_for_the_quality_managers_ruling(people):
    """R9.01: a declared potential conflict blocks until the quality manager rules;
    prohibit keeps blocking; allow lets the person work."""
    case = complaint(people)
    commit(case, people.head)
    declaration = declaration_sign(staff=people.handler, kind="case", case=case,
                                   potential_conflict="投诉人是我的远亲")
    with pytest.raises(Recused):
        case_assign(case=case, handler=people.handler, acting_user=people.head)
    with pytest.raises(RoleRequired):
        declaration_rule(declaration=declaration, ruling="allow", acting_user=people.head)
    declaration_rule(declaration=declaration, ruling="allow", acting_user=people.quality_manager)
    assert case_assign(case=case, handler=people.handler, acting_user=people.head).handler
    assert case.events.filter(action="conflict_ruled").count() == 1


def test_r9_01_prohibited_person_is_recused_and_it_is_recorded(people):
    """R9.01, R8.14: a prohibit ruling recuses the person, recorded on the case."""
    case = complaint(people)
    commit(case, people.head)
    declaration = declaration_sign(staff=people.handler, kind="case", case=case,
                                   potential_conflict="与被投诉方有业务往来")
    declaration_rule(declaration=declaration, ruling="prohibit",
                     acting_user=people.quality_manager)
    with pytest.raises(Recused):
        case_assign(case=case, handler=people.handler, acting_user=people.head)
    assert case.events.get(action="recused").payload["staff"] == people.handler.pk


def test_r9_02_restricted_person_may_work_but_not_decide(people):
    """R9.02: restricted: Li Na may be assigned but may not decide acceptance."""
    case = complaint(people)
    commit(case, people.head)
    declaration = declaration_sign(staff=people.deputy_head, kind="case", case=case,
                                   potential_conflict="曾参与相关培训")
    declaration_rule(declaration=declaration, ruling="restrict",
                     acting_user=people.quality_manager)
    assert case_assign(case=case, handler=people.deputy_head, acting_user=people.head).handler
    with pytest.raises(Recused) as refused:
        case_accept(case=case, acting_user=people.deputy_head, action_to_take="调查")
    assert refused.value.rule == "R9.02"


def test_r9_02_nobody_rules_on_their_own_conflict(people):
    """R9.02: the quality manager's own declared conflict is not hers to rule on."""
    case = complaint(people)
    declaration = declaration_sign(staff=people.quality_manager, kind="case", case=case,
                                   potential_conflict="亲属")
    with pytest.raises(RoleRequired) as refused:
        declaration_rule(declaration=declaration, ruling="allow",
                         acting_user=people.quality_manager)
    assert refused.value.rule == "R9.02"


def test_x2_case_goes_to_committee_when_nobody_eligible_holds_the_role(people, engagement):
    """X2: both the head and the deputy signed the report: nobody eligible may decide
    acceptance, the case's next step, so the case is referred to the committee instead
    of stalling. With someone eligible the referral is refused."""
    case = complaint(people, engagement=engagement)
    commit(case, people.head, people.deputy_head, people.office)
    with pytest.raises(TransitionNotAllowed) as refused:
        case_refer_no_eligible(case=case, acting_user=people.office)
    assert refused.value.rule == "X2"
    engagement.report_signers.add(people.head, people.deputy_head)
    case = case_refer_no_eligible(case=case, acting_user=people.office)
    assert case.state == "committee"
    assert case.events.get(action="referred_no_eligible").payload == {
        "step": "accept", "roles": ["department_head"]}


def test_x2_an_unsigned_commitment_makes_nobody_ineligible(people):
    """X2: a fresh named complaint whose head and deputy have not signed its per-case
    commitment yet stays with the body: they can sign it. The caller cannot name another
    role (a verifier's, say) to send it to the committee: the role is the next step's."""
    case = complaint(people)
    commit(case, people.office)
    with pytest.raises(TransitionNotAllowed) as refused:
        case_refer_no_eligible(case=case, acting_user=people.office)
    assert refused.value.rule == "X2"
    with pytest.raises(TypeError):
        case_refer_no_eligible(case=case, acting_user=people.office, role=Role.VERIFIER)
    case.refresh_from_db()
    assert case.state == "received"


def test_x2_a_restricted_quality_manager_is_not_eligible_to_approve(people):
    """X2 with R9.02: at approval, the only quality manager may work but not decide, and
    her delegate is prohibited from the case: nobody eligible approves, so the case goes
    to the committee. Before approval is the next step the referral is refused."""
    from caseflow.actions.handling import case_review
    from caseflow.models import RoleAssignment
    from tests.domain.test_complaint_workflow import investigated

    case = investigated(people)
    with pytest.raises(TransitionNotAllowed):  # the head reviews next, and can
        case_refer_no_eligible(case=case, acting_user=people.office)
    case = case_review(case=case, acting_user=people.head)

    RoleAssignment.objects.create(staff=people.general_manager, role="quality_manager",
                                  capacity="delegate")
    qm_conflict = declaration_sign(staff=people.quality_manager, kind="case", case=case,
                                   potential_conflict="亲属在受核查方任职")
    declaration_rule(declaration=qm_conflict, ruling="restrict",
                     acting_user=people.general_manager)
    gm_conflict = declaration_sign(staff=people.general_manager, kind="case", case=case,
                                   potential_conflict="曾为投诉人提供咨询")
    with pytest.raises(TransitionNotAllowed):  # not ruled on yet: the GM may be allowed
        case_refer_no_eligible(case=case, acting_user=people.office)
    declaration_rule(declaration=gm_conflict, ruling="prohibit",
                     acting_user=people.quality_manager)
    case = case_refer_no_eligible(case=case, acting_user=people.office)
    assert case.state == "committee"
    assert case.events.get(action="referred_no_eligible").payload["step"] == "approve"


def test_x1_a_recused_head_may_not_set_targets(people, engagement):
    """X1 with R8.15: setting a case's targets goes through the same guard."""
    from caseflow.actions.intake import case_target_set

    engagement.report_signers.add(people.head)
    case = complaint(people, engagement=engagement)
    commit(case, people.head)
    with pytest.raises(Recused):
        case_target_set(case=case, step="evaluation", working_days=200,
                        acting_user=people.head)


@pytest.mark.parametrize("years_ahead", [2, 5, 9])
def test_r9_01_annual_commitment_only_for_this_year_or_the_next(people, years_ahead):
    """R9.01: a commitment for 2031 or 2035 commits to nothing current: refused; this year's
    and next year's are accepted."""
    from caseflow.errors import InvalidInput

    this_year = timezone.localdate().year
    with pytest.raises(InvalidInput) as refused:
        declaration_sign(staff=people.newcomer, kind="annual", year=this_year + years_ahead)
    assert (refused.value.rule, refused.value.field) == ("R9.01", "year")
    with pytest.raises(InvalidInput):
        declaration_sign(staff=people.newcomer, kind="annual", year=this_year - 1)
    assert declaration_sign(staff=people.newcomer, kind="annual", year=this_year).pk
    assert declaration_sign(staff=people.newcomer, kind="annual", year=this_year + 1).pk
