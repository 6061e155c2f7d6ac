"""Nothing recorded is changed or removed (R10.04)."""

import pytest
from django.db import DatabaseError, connection, transaction

from caseflow.errors import CaseflowError
from caseflow.models import AppendOnly, Case, CaseEvent, Party, Staff
from tests.personas import complaint

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(people):
    return complaint(people).events.get(action="received")


def test_r10_04_saving_an_existing_event_fails(event):
    """R10.04: an event row cannot be edited through the ORM."""
    event.reason = "rewritten"
    with pytest.raises(AppendOnly):
        event.save()


def test_r10_04_queryset_update_and_delete_fail(event):
    """R10.04: bulk update and delete of events are refused."""
    with pytest.raises(AppendOnly):
        CaseEvent.objects.filter(pk=event.pk).update(reason="x")
    with pytest.raises(AppendOnly):
        CaseEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(AppendOnly):
        event.delete()
    assert CaseEvent.objects.filter(pk=event.pk, reason="").exists()


def test_r10_04_cases_are_never_deleted(event):
    """R10.04: a case cannot be deleted, alone or in bulk."""
    case = event.case
    with pytest.raises(CaseflowError):
        case.delete()
    with pytest.raises(CaseflowError):
        Case.objects.filter(pk=case.pk).delete()
    assert Case.objects.filter(pk=case.pk).exists()


def test_r10_04_cascades_are_blocked(event, people):
    """R10.04: deleting the staff member, the party or the case behind an event is
    refused (PROTECT), so no event disappears by cascade."""
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError), transaction.atomic():
        Party.objects.filter(pk=event.case.submitter_id).delete()
    with pytest.raises(ProtectedError), transaction.atomic():
        Staff.objects.filter(pk=people.office.pk).delete()
    assert CaseEvent.objects.filter(pk=event.pk).exists()


def test_r10_04_admin_shows_events_read_only(admin_client, event):
    """R10.04: the admin lists events but offers no change or delete."""
    url = f"/admin/caseflow/caseevent/{event.pk}/delete/"
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    admin_client.post(f"/admin/caseflow/caseevent/{event.pk}/change/", {"reason": "x"})
    event.refresh_from_db()
    assert event.reason == ""
    assert admin_client.get("/admin/caseflow/caseevent/").status_code == 200
    assert admin_client.get("/admin/caseflow/caseevent/add/").status_code == 403


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigger exists on PostgreSQL")
def test_r10_04_postgresql_refuses_update_and_delete_of_events(event):
    """R10.04: even raw SQL cannot change or remove an event on PostgreSQL."""
    for sql in ("UPDATE caseflow_caseevent SET reason = 'x' WHERE id = %s",
                "DELETE FROM caseflow_caseevent WHERE id = %s"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as c:
            c.execute(sql, [event.pk])
    assert CaseEvent.objects.filter(pk=event.pk, reason="").exists()
