"""Archives, loans and disclosure (R10.01–R10.05) and the yearly analysis (R9.03)."""

import datetime as dt

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.utils import timezone

from caseflow.actions.archives import (
    archive_loan_decide,
    archive_loan_request,
    archive_loan_return,
    archive_retention_extend,
    disclosure_client_notified,
    disclosure_mark_done,
    disclosure_request_create,
)
from caseflow.actions.conflict_analysis import conflict_analysis_record
from caseflow.actions.intake import case_reject, case_withdraw
from caseflow.actions.time_driven import run_due
from caseflow.errors import InvalidInput, RoleRequired, TransitionNotAllowed
from caseflow.models import ArchiveRecord, Notification
from caseflow.workdays import CHINA
from tests.personas import clock_at, commit, complaint

pytestmark = pytest.mark.django_db


def closed_case(people, engagement=None):
    case = complaint(people, engagement=engagement)
    commit(case, people.head)
    return case_reject(case=case, acting_user=people.head, reason="不属于受理范围")


def test_r10_01_closing_archives_the_case_with_the_office_for_ten_years(people):
    """R10.01, R10.04: a closed case is archived at once, in the client & information
    office's keeping, until closed + 10 years; an open case is not."""
    open_case = complaint(people)
    case = closed_case(people)
    archive = ArchiveRecord.objects.get(case=case)
    assert archive.custodian_role == "client_office"
    closed_on = timezone.localdate(case.closed_at)
    assert archive.retain_until == closed_on.replace(year=closed_on.year + 10)
    assert not ArchiveRecord.objects.filter(case=open_case).exists()
    assert case.events.filter(action="archived").count() == 1


def test_r10_05_archive_number_follows_the_report_number(people, engagement):
    """R10.05: a case about an engagement is archived under its report number (YYZNNAAA);
    others under their case number."""
    about_engagement = closed_case(people, engagement)
    other = complaint(people)
    commit(other, people.office)
    case_withdraw(case=other, acting_user=people.office, reason="撤回")
    assert about_engagement.archive.archive_number == f"JS25A0012/{about_engagement.number}"
    assert ArchiveRecord.objects.get(case=other).archive_number == other.number


def test_r10_04_retention_only_extends_at_a_clients_request(people):
    """R10.04: retention can be extended, never shortened."""
    archive = closed_case(people).archive
    with pytest.raises(InvalidInput):
        archive_retention_extend(archive=archive, until=archive.retain_until,
                                 reason="委托方要求", acting_user=people.office)
    later = archive.retain_until.replace(year=archive.retain_until.year + 5)
    assert archive_retention_extend(archive=archive, until=later, reason="委托方要求",
                                    acting_user=people.office).retain_until == later


def test_r10_02_borrowing_needs_the_heads_approval_and_a_return_date(people):
    """R10.02: a loan has a purpose and a future return date; only the head approves,
    not for himself; the return is recorded; an overdue one is reminded to the borrower
    on each working morning by the deadline sweep, never twice for one morning."""
    with clock_at(people, dt.datetime(2026, 11, 2, 10, 0, tzinfo=CHINA)):
        archive = closed_case(people).archive
        with pytest.raises(InvalidInput):
            archive_loan_request(archive=archive, borrower=people.handler, purpose="复核",
                                 return_due_on=timezone.localdate())
        loan = archive_loan_request(archive=archive, borrower=people.handler, purpose="复核",
                                    return_due_on=dt.date(2026, 11, 9))
        with pytest.raises(RoleRequired):
            archive_loan_decide(loan=loan, approve=True, acting_user=people.office)
        with pytest.raises(TransitionNotAllowed):
            archive_loan_return(loan=loan, acting_user=people.office)
        loan = archive_loan_decide(loan=loan, approve=True, acting_user=people.head)
    overdue_morning = dt.datetime(2026, 11, 10, 9, 0, tzinfo=CHINA)
    with time_machine.travel(overdue_morning):
        run_due(now=overdue_morning)
        run_due(now=overdue_morning)
        [reminder] = Notification.objects.filter(template="reminder", about=f"loan:{loan.pk}")
        assert reminder.recipient_staff == people.handler
        assert reminder.context["threshold"] == "overdue"
        loan.refresh_from_db()
        assert loan.overdue_reminded_at == overdue_morning
        assert archive_loan_return(loan=loan, acting_user=people.office).returned_at
        assert loan.__class__.objects.get(pk=loan.pk).next_reminder_at is None


def test_r10_03_disclosure_needs_consent_or_law_and_then_the_clients_notice(people):
    """R10.03: consent needs the written consent file; a legal basis needs the client told
    (and recorded) before the disclosure can be marked done."""
    case = closed_case(people)
    with pytest.raises(InvalidInput) as refused:
        disclosure_request_create(case=case, material="核查报告", recipient="某法院",
                                  basis="consent", acting_user=people.office)
    assert refused.value.rule == "R10.03"
    with_consent = disclosure_request_create(
        case=case, material="核查报告", recipient="某研究机构", basis="consent",
        acting_user=people.office, consent_file=ContentFile(b"%PDF consent", name="c.pdf"))
    assert disclosure_mark_done(request=with_consent, acting_user=people.office).disclosed_at
    by_law = disclosure_request_create(case=case, material="工作底稿", recipient="某法院",
                                       basis="law", legal_basis="民事诉讼法第六十七条",
                                       acting_user=people.office)
    with pytest.raises(TransitionNotAllowed) as refused:
        disclosure_mark_done(request=by_law, acting_user=people.office)
    assert refused.value.rule == "R10.03"
    disclosure_client_notified(request=by_law, proof="挂号信 XA123", acting_user=people.office)
    assert disclosure_mark_done(request=by_law, acting_user=people.office).disclosed_at
    with pytest.raises(RoleRequired):
        disclosure_request_create(case=case, material="x", recipient="y", basis="law",
                                  legal_basis="z", acting_user=people.handler)


def test_r9_03_yearly_analysis_is_recorded_by_the_head_and_reminded_when_due(people):
    """R9.03: the year's analysis is due by 1 December (Tuesday in 2026): the head is
    reminded two working days ahead (Friday 27 November), on the day and each working
    morning after, the quality manager too once it is overdue; recording it (only the
    head may) stops the reminders."""
    def sweep(day):
        moment = dt.datetime(2026, day[0], day[1], 9, 0, tzinfo=CHINA)
        with time_machine.travel(moment):
            run_due(now=moment)
        return sorted((n.template, n.recipient_role, n.context["threshold"])
                      for n in Notification.objects.filter(
                          about="conflict_analysis:2026", created_at__gte=moment))

    assert sweep((11, 26)) == []
    assert sweep((11, 27)) == [("reminder", "department_head", "due_soon")]
    assert sweep((11, 30)) == []
    assert sweep((12, 1)) == [("reminder", "department_head", "due_today")]
    assert sweep((12, 2)) == [("escalation", "quality_manager", "overdue"),
                              ("reminder", "department_head", "overdue")]
    with time_machine.travel(dt.datetime(2026, 12, 2, 10, 0, tzinfo=CHINA)):
        with pytest.raises(RoleRequired):
            conflict_analysis_record(year=2026, findings="无", acting_user=people.office)
        conflict_analysis_record(year=2026, findings="未发现新的利益冲突",
                                 acting_user=people.head)
        with pytest.raises(InvalidInput):
            conflict_analysis_record(year=2026, findings="again", acting_user=people.head)
    assert sweep((12, 3)) == []
