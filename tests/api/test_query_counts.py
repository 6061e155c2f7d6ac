"""Each list and detail endpoint runs a fixed number of queries whatever its size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from caseflow.actions.intake import PartyDetails, case_register
from caseflow.actions.staff import declaration_sign
from caseflow.models import Engagement, Organization
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
    for i in range(49):
        declaration_sign(staff=people.handler, kind="annual", year=2000 + i)
        Organization.objects.create(name=f"单位{i}", kind="other")
    assert queries(client, "/api/declarations/") == one
    assert queries(client, "/api/organizations/") == orgs


def test_capa_document_and_archive_lists_do_not_grow(people, api):
    """Tasks (with progress), documents (with revisions), archives and loans."""
    from caseflow.actions.archives import archive_loan_request
    from caseflow.actions.documents import controlled_document_register
    from caseflow.actions.intake import case_reject
    from caseflow.models import RoleAssignment

    RoleAssignment.objects.create(staff=people.office_2, role="quality_assurance")
    client = api(people.head)
    urls = ["/api/documents/", "/api/archives/", "/api/loans/", "/api/tasks/",
            "/api/inspections/", "/api/preventive-actions/", "/api/change-requests/"]

    def add(i):
        controlled_document_register(sequence=100 + i, title=f"文件{i}", kind="form",
                                     acting_user=people.office_2)
        case = complaint(people)
        commit(case, people.head)
        case_reject(case=case, acting_user=people.head, reason="不受理")
        archive_loan_request(archive=case.archive, borrower=people.handler, purpose="复核",
                             return_due_on=timezone.localdate() + timezone.timedelta(days=3))

    add(0)
    first = {url: queries(client, url) for url in urls}
    for i in range(1, 30):
        add(i)
    assert {url: queries(client, url) for url in urls} == first
