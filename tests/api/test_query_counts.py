"""Each list and detail endpoint runs a fixed number of queries whatever its size."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from caseflow.actions.archives import archive_loan_request
from caseflow.actions.documents import controlled_document_register
from caseflow.actions.intake import PartyDetails, case_register, case_reject
from caseflow.actions.nonconformities import current_cycle, deviation_record, nonconformity_open
from caseflow.actions.staff import declaration_sign, staff_create
from caseflow.models import (
    CalendarOverride,
    CapaTask,
    CapaTaskProgress,
    Case,
    ChangeRequest,
    ConflictAnalysis,
    ControlledDocument,
    DisclosureRequest,
    DocumentRevision,
    Engagement,
    Organization,
    PreventiveAction,
    RoleAssignment,
)
from tests.personas import commit, complaint

pytestmark = pytest.mark.django_db


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return len(captured)


def many_complaints(people, n):
    for _ in range(n):
        case_register(kind="complaint", subject="s", description="d", scope="a",
                      channel="email", received_at=timezone.now(), acting_user=people.office,
                      submitter=PartyDetails(name="某人", email="a@b.cn"))


def test_case_list_queries_do_not_grow_with_rows(people, api):
    client = api(people.head)
    complaint(people)
    one = queries(client, "/api/cases/")
    many_complaints(people, 49)
    assert queries(client, "/api/cases/") == one


def test_case_detail_queries_do_not_grow_with_events(people, api):
    client = api(people.head)
    case = complaint(people)
    commit(case, people.head)
    few = queries(client, f"/api/cases/{case.pk}/")
    for staff in [people.office, people.handler, people.quality_manager] * 16:
        declaration_sign(staff=staff, kind="case", case=case)  # one event each
    assert case.events.count() > 45
    assert queries(client, f"/api/cases/{case.pk}/") == few


def test_engagement_list_queries_do_not_grow(people, api, engagement, cement_works,
                                            client_authority):
    client = api(people.head)
    one = queries(client, "/api/engagements/")
    for i in range(49):
        e = Engagement.objects.create(report_number=f"JS25B{i:04d}", client=client_authority,
                                      verified_entity=cement_works, province="江苏", year=2025)
        e.verifiers.add(people.hu_wei, people.reviewer)
    assert queries(client, "/api/engagements/") == one


def test_declaration_and_organization_lists_do_not_grow(people, api, client_authority):
    client = api(people.quality_manager)
    one = queries(client, "/api/declarations/")
    orgs = queries(client, "/api/organizations/")
    for i in range(49):  # one commitment a year, each signed in its own year (R9.01)
        with time_machine.travel(dt.datetime(2000 + i, 6, 1, tzinfo=dt.UTC)):
            declaration_sign(staff=people.handler, kind="annual", year=2000 + i)
        Organization.objects.create(name=f"单位{i}", kind="other")
    assert queries(client, "/api/declarations/") == one
    assert queries(client, "/api/organizations/") == orgs


class Rows:
    """Adds rows behind each list endpoint (the domain actions where they are cheap, the
    ORM where a whole workflow would only slow the test): what is listed, not how it got
    there, is under test."""

    def __init__(self, people):
        self.people = people
        RoleAssignment.objects.create(staff=people.office_2, role="quality_assurance")
        self.count = 0
        self.cycle = None

    def closed_case(self):
        case = complaint(self.people)
        commit(case, self.people.head)
        return case_reject(case=case, acting_user=self.people.head, reason="不受理")

    def add(self, url):
        i, people, now = self.count, self.people, timezone.now()
        self.count += 1
        if url == "/api/documents/":
            controlled_document_register(sequence=100 + i, title=f"文件{i}", kind="form",
                                         acting_user=people.office_2)
        elif url in ("/api/archives/", "/api/loans/"):
            archive_loan_request(archive=self.closed_case().archive, borrower=people.handler,
                                 purpose="复核", return_due_on=now.date() + dt.timedelta(3))
        elif url == "/api/disclosures/":
            DisclosureRequest.objects.create(case=self.closed_case(), material="核查记录",
                                             recipient="法院", basis="law",
                                             requested_by=people.office)
        elif url == "/api/tasks/":
            task = CapaTask.objects.create(cycle=self.analysis_cycle(), owner=people.office,
                                           description=f"任务{i}", due_at=now,
                                           assigned_by=people.head)
            for note in ("开始", "完成"):
                CapaTaskProgress.objects.create(task=task, note=note, recorded_by=people.office)
        elif url == "/api/inspections/":
            deviation_record(description=f"偏离{i}", acting_user=people.head)
        elif url == "/api/preventive-actions/":
            PreventiveAction.objects.create(origin="evaluation", potential_problem=f"风险{i}",
                                            risk="low", touches_impartiality_or_resources=False,
                                            plan="培训", drafted_by=people.head)
        elif url == "/api/change-requests/":
            ChangeRequest.objects.create(document=self.document(), description=f"修改{i}",
                                         requested_by=people.handler)
        elif url == "/api/conflict-analyses/":
            ConflictAnalysis.objects.create(year=1990 + i, run_by=people.head, run_at=now,
                                            findings="未发现")
        elif url == "/api/calendar/overrides/":
            CalendarOverride.objects.create(date=dt.date(2030, 1, 1) + dt.timedelta(i),
                                            kind="holiday")
        elif url == "/api/committee/queue/":
            case = complaint(self.people)
            Case.objects.filter(pk=case.pk).update(state="committee")
        else:
            raise AssertionError(f"no rows for {url}")

    def analysis_cycle(self):
        if self.cycle is None:
            self.cycle = current_cycle(nonconformity_open(
                source="routine_inspection", subject="抽查", description="记录缺失",
                acting_user=self.people.head))
        return self.cycle

    def document(self):
        document = ControlledDocument.objects.first()
        return document or controlled_document_register(
            sequence=99, title="手册", kind="quality_manual", acting_user=self.people.office_2)


# url → who lists it
LISTS = {
    "/api/documents/": "head", "/api/archives/": "head", "/api/loans/": "head",
    "/api/disclosures/": "head", "/api/tasks/": "head", "/api/inspections/": "head",
    "/api/preventive-actions/": "head", "/api/change-requests/": "quality_manager",
    "/api/conflict-analyses/": "head", "/api/calendar/overrides/": "head",
    "/api/committee/queue/": "member",
}


@pytest.mark.parametrize("url", LISTS)
def test_list_queries_are_the_same_at_1_and_at_50_rows(people, api, url):
    staff = people.members[0] if LISTS[url] == "member" else getattr(people, LISTS[url])
    client, rows = api(staff), Rows(people)
    rows.add(url)
    one = listed(client, url)
    for _ in range(49):
        rows.add(url)
    fifty = listed(client, url)
    assert (one[1], fifty[1]) == (1, 50), "the rows must be listed for the count to mean much"
    assert fifty[0] == one[0]


def listed(client, url) -> tuple[int, int]:
    """(queries, rows on the page)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return len(captured), len(response.json()["results"])


def test_document_detail_queries_do_not_grow_with_revisions(people, api):
    rows = Rows(people)
    document = rows.document()
    client = api(people.head)
    one = queries(client, f"/api/documents/{document.pk}/")
    for i in range(49):
        DocumentRevision.objects.create(document=document, revision="A", changes=i + 1,
                                        effective_at=timezone.now())
    assert queries(client, f"/api/documents/{document.pk}/") == one


def test_engagement_detail_queries_do_not_grow_with_the_team(people, api, engagement):
    client = api(people.head)
    one = queries(client, f"/api/engagements/{engagement.pk}/")
    for i in range(49):
        engagement.verifiers.add(staff_create(username=f"v{i}", display_name=f"核查员{i}",
                                              roles={"verifier": "holder"}))
    assert queries(client, f"/api/engagements/{engagement.pk}/") == one
