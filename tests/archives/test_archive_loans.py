"""Who opens an archived dossier (X12, R10.01, R10.02): the client & information office,
which keeps the archive, and a borrower during a loan the department head approved; nobody
else. Every opening is recorded on the case."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from caseflow.actions.archives import (
    archive_dossier_open,
    archive_loan_decide,
    archive_loan_request,
    archive_loan_return,
)
from caseflow.actions.intake import case_assign, case_reject
from caseflow.actions.staff import declaration_sign, staff_create
from caseflow.errors import Recused, RoleRequired
from caseflow.models import CaseEvent, Declaration, Role
from caseflow.selectors.cases import cases_for_staff
from caseflow.selectors.visibility import archives_for_staff, live_loans, loans_for_staff
from caseflow.workdays import CHINA
from tests.personas import clock_at, commit, complaint

pytestmark = pytest.mark.django_db

# An ordinary Tuesday: nothing here depends on the day the suite runs.
MOMENT = dt.datetime(2026, 3, 10, 10, 0, tzinfo=CHINA)


@pytest.fixture
def clock(people):
    with clock_at(people, MOMENT):
        yield


@pytest.fixture
def qa(people, clock):
    """Sun Li, quality assurance office: borrows dossiers for internal audits; she may
    not see submitters (R8.13), so without a loan the dossier is closed to her."""
    staff = staff_create(username="sunli", display_name="孙丽 Sun Li",
                         roles={Role.QUALITY_ASSURANCE: "holder"})
    declaration_sign(staff=staff, kind=Declaration.Kind.ANNUAL, year=timezone.localdate().year)
    return staff


def archived(people):
    """A complaint Liu Yang was assigned to, rejected by the head: closed and archived."""
    case = complaint(people)
    commit(case, people.head, people.handler, people.office)
    case_assign(case=case, handler=people.handler, acting_user=people.head)
    case = case_reject(case=case, acting_user=people.head, reason="不属于受理范围")
    return case.archive


def lent(archive, borrower, head, *, days=7):
    loan = archive_loan_request(archive=archive, borrower=borrower, purpose="内审抽查",
                                return_due_on=timezone.localdate() + dt.timedelta(days=days))
    return archive_loan_decide(loan=loan, approve=True, acting_user=head)


def openings(archive):
    return CaseEvent.objects.filter(case=archive.case, action="file_opened",
                                    payload__file="dossier")


def test_x12_handler_without_a_loan_cannot_open_the_archived_dossier(people, clock):
    """X12: handling the case gave Liu Yang its file; the archived dossier is the
    office's keeping and opens to him only on a loan. Nor does the head's rank open it."""
    archive = archived(people)
    for staff in (people.handler, people.head):
        with pytest.raises(RoleRequired) as refused:
            archive_dossier_open(archive=archive, viewer=staff)
        assert refused.value.rule == "X12"
    assert not openings(archive).exists()


def test_x12_the_office_opens_the_dossier_it_keeps_and_each_opening_is_recorded(people,
                                                                              clock):
    """X12, R10.01: the client & information office keeps the archive and opens it;
    every opening is a `file_opened` event naming who opened it."""
    archive = archived(people)
    archive_dossier_open(archive=archive, viewer=people.office)
    archive_dossier_open(archive=archive, viewer=people.office)
    assert [e.actor for e in openings(archive)] == [people.office, people.office]


def test_x12_quality_assurance_borrower_opens_the_dossier_during_an_approved_loan(people, qa):
    """X12, R10.02: Sun Li may not see the submitter (R8.13) but borrowed the dossier
    with the head's approval: during the loan it opens to her, each opening recorded with
    the loan it was made under."""
    archive = archived(people)
    loan = lent(archive, qa, people.head)
    archive_dossier_open(archive=archive, viewer=qa)
    archive_dossier_open(archive=archive, viewer=qa)
    assert [(e.actor, e.payload["loan"]) for e in openings(archive)] == [(qa, loan.pk)] * 2


def test_x12_a_verifier_not_on_the_case_sees_the_archive_record_only_during_the_loan(people,
                                                                                   clock):
    """X12: Zhou Jie has nothing to do with the case; on an approved loan he sees the
    archive record and his loan (what he needs to download the dossier) and opens it,
    but the case file stays closed to him. After the return he sees the record no more."""
    archive = archived(people)
    borrower = people.reviewer
    assert not archives_for_staff(borrower).exists()
    loan = lent(archive, borrower, people.head)
    assert list(archives_for_staff(borrower)) == [archive]
    assert list(loans_for_staff(borrower)) == [loan]
    assert not cases_for_staff(borrower).filter(pk=archive.case_id).exists()
    archive_dossier_open(archive=archive, viewer=borrower)
    assert openings(archive).get().actor == borrower
    archive_loan_return(loan=loan, acting_user=people.office)
    assert not archives_for_staff(borrower).exists()
    assert list(loans_for_staff(borrower)) == [loan]  # the history of his own loan


def test_x12_a_borrower_cannot_open_the_dossier_before_the_heads_approval(people, qa):
    """X12, R10.02: a requested loan opens nothing; nor does a refused one."""
    archive = archived(people)
    loan = archive_loan_request(archive=archive, borrower=qa, purpose="内审抽查",
                                return_due_on=timezone.localdate() + dt.timedelta(days=7))
    with pytest.raises(RoleRequired) as refused:
        archive_dossier_open(archive=archive, viewer=qa)
    assert refused.value.rule == "X12"
    archive_loan_decide(loan=loan, approve=False, acting_user=people.head)
    with pytest.raises(RoleRequired):
        archive_dossier_open(archive=archive, viewer=qa)
    assert not openings(archive).exists()


def test_x12_a_borrower_cannot_open_the_dossier_after_returning_it(people, qa):
    """X12: once the office takes the dossier back, the loan is over."""
    archive = archived(people)
    loan = lent(archive, qa, people.head)
    archive_loan_return(loan=loan, acting_user=people.office)
    with pytest.raises(RoleRequired) as refused:
        archive_dossier_open(archive=archive, viewer=qa)
    assert refused.value.rule == "X12"
    assert not openings(archive).exists()


def test_x12_a_borrower_cannot_open_the_dossier_after_the_loans_return_date(people, qa):
    """X12, R10.02: the loan runs to the end of its return date; the day after, the
    dossier, though never returned, no longer opens to the borrower."""
    archive = archived(people)
    loan = lent(archive, qa, people.head, days=3)
    with time_machine.travel(MOMENT + dt.timedelta(days=3, hours=13)):  # the last day
        archive_dossier_open(archive=archive, viewer=qa)
    with time_machine.travel(MOMENT + dt.timedelta(days=4)):
        assert not live_loans(borrower=qa).exists()
        with pytest.raises(RoleRequired) as refused:
            archive_dossier_open(archive=archive, viewer=qa)
    assert refused.value.rule == "X12"
    assert openings(archive).count() == 1
    loan.refresh_from_db()
    assert loan.state == "approved"  # still out: overdue, not returned


def test_x12_a_loan_opens_the_dossier_to_its_borrower_only(people, qa):
    """X12: Sun Li's loan does not open the dossier to Zhou Jie, nor to the handler."""
    archive = archived(people)
    lent(archive, qa, people.head)
    for other in (people.reviewer, people.handler):
        with pytest.raises(RoleRequired) as refused:
            archive_dossier_open(archive=archive, viewer=other)
        assert refused.value.rule == "X12"
    assert not archives_for_staff(people.reviewer).exists()
    assert not openings(archive).exists()


def test_x9_a_loan_does_not_open_the_dossier_to_whom_the_case_is_about(people, clock):
    """X9, R8.14: a loan approved for the staff member the complaint was about still
    leaves the dossier closed to him."""
    from caseflow.actions.intake import PartyDetails

    case = complaint(people, respondent=PartyDetails(staff=people.reviewer))
    commit(case, people.head)
    archive = case_reject(case=case, acting_user=people.head, reason="不属于受理范围").archive
    lent(archive, people.reviewer, people.head)
    with pytest.raises(Recused) as refused:
        archive_dossier_open(archive=archive, viewer=people.reviewer)
    assert refused.value.rule == "R8.14"
    assert not openings(archive).exists()


def test_x8_a_borrower_does_not_get_an_erased_persons_notices_in_the_dossier(people, qa):
    """X8 with X12: after the submitter's identity was erased, the rejection notice that
    names them stays in the archive for the office, but the dossier lent to Sun Li leaves
    it out."""
    import io
    import zipfile

    from caseflow.actions.parties import party_erase
    from caseflow.selectors.archives import dossier_zip

    archive = archived(people)
    party_erase(party=archive.case.submitter, acting_user=people.office, reason="依法删除请求")
    lent(archive, qa, people.head)

    def entries(viewer):
        _, data = dossier_zip(archive.case, viewer=viewer)
        return zipfile.ZipFile(io.BytesIO(data)).namelist()

    assert any("不予受理" in name for name in entries(people.office))
    assert not any("不予受理" in name for name in entries(qa))
