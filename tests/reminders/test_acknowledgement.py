"""Acknowledging a reminder (issue 12): the daily repeat to that person stops for that
deadline, the escalation up the ladder goes on, and only doing the step ends it. Only
whom the reminder went to may acknowledge it; a stale one is refused."""

import datetime as dt

import pytest
import time_machine
from rest_framework.test import APIClient

from caseflow.actions.intake import case_accept, case_assign
from caseflow.actions.reminders import reminder_acknowledge
from caseflow.errors import Conflict, InvalidInput, RoleRequired
from caseflow.models import DeliveryAttempt, Notification, ReminderAcknowledgement
from tests.personas import clock_at, commit, complaint
from tests.reminders.sweeps import at, reminded, sweep_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def overdue(people):
    """Received Monday 2 November 2026, acceptance due Wednesday 11 November; Liu Yang
    handles it. Swept on the first overdue morning, 12 November."""
    with clock_at(people, at(11, 2, 10)):
        case = complaint(people)
        commit(case, people.head, people.handler, people.office)
        case_assign(case=case, handler=people.handler, acting_user=people.head)
    sweep_at(at(11, 12))
    return case


def sent(case, moment, **recipient):
    return Notification.objects.get(case=case, created_at=moment,
                                    template__in=("reminder", "escalation"), **recipient)


def test_acknowledging_stops_the_repeat_to_that_person_not_the_escalation(people, overdue):
    """The handler acknowledges his overdue reminder: on the next working morning he is
    not reminded again, but the head's and (now) the quality manager's escalations go
    out. The acknowledgement is on the case's trail."""
    reminder = sent(overdue, at(11, 12), recipient_staff=people.handler)
    with time_machine.travel(at(11, 12, 10)):
        ack = reminder_acknowledge(notification=reminder, acting_user=people.handler)
    assert (ack.subject_kind, ack.object_id, ack.due_at, ack.level) == (
        "case", overdue.pk, overdue.due_at, 0)
    [event] = overdue.events.filter(action="reminder_acknowledged")
    assert event.actor == people.handler
    assert event.payload["notification"] == reminder.pk
    sweep_at(at(11, 13))
    assert reminded(at(11, 13), case=overdue) == [
        ("escalation", "department_head", "overdue", 2, 1),
        ("escalation", "quality_manager", "overdue", 2, 2)]


def test_a_second_acknowledgement_changes_nothing(people, overdue):
    reminder = sent(overdue, at(11, 12), recipient_staff=people.handler)
    first = reminder_acknowledge(notification=reminder, acting_user=people.handler)
    assert reminder_acknowledge(notification=reminder, acting_user=people.handler) == first
    assert ReminderAcknowledgement.objects.count() == 1
    assert overdue.events.filter(action="reminder_acknowledged").count() == 1


def test_only_the_recipient_acknowledges(people, overdue):
    """Someone else's reminder is refused, whoever they are; a notification that is no
    reminder cannot be acknowledged."""
    reminder = sent(overdue, at(11, 12), recipient_staff=people.handler)
    for other in (people.office, people.head, people.quality_manager):
        with pytest.raises(RoleRequired):
            reminder_acknowledge(notification=reminder, acting_user=other)
    assert not ReminderAcknowledgement.objects.exists()
    received = Notification.objects.filter(case=overdue, template="case_received").first()
    with pytest.raises(InvalidInput):
        reminder_acknowledge(notification=received, acting_user=people.head)


def test_x9_a_role_escalation_is_acknowledged_by_the_holder_it_reaches(people, overdue):
    """X9: the escalation to the department head's role reaches its holder, Zhang Min,
    who is not recused: he may acknowledge it, his deputy may not. His repeats stop; the
    quality manager's escalation still comes. Once delivery has recorded whom a role's
    message went to, that person acknowledges it."""
    escalation = sent(overdue, at(11, 12), recipient_role="department_head")
    with pytest.raises(RoleRequired):
        reminder_acknowledge(notification=escalation, acting_user=people.deputy_head)
    ack = reminder_acknowledge(notification=escalation, acting_user=people.head)
    assert (ack.role, ack.level) == ("department_head", 1)
    sweep_at(at(11, 13))
    assert reminded(at(11, 13), case=overdue) == [
        ("escalation", "quality_manager", "overdue", 2, 2),
        ("reminder", "liuyang", "overdue", 2, 0)]
    to_qm = sent(overdue, at(11, 13), recipient_role="quality_manager")
    DeliveryAttempt.objects.create(notification=to_qm, at=at(11, 13, 9, 1), channel="email",
                                   recipient_staff=people.deputy_head, result="sent")
    with pytest.raises(RoleRequired):
        reminder_acknowledge(notification=to_qm, acting_user=people.quality_manager)
    assert reminder_acknowledge(notification=to_qm, acting_user=people.deputy_head)


def test_doing_the_step_ends_it_and_a_stale_acknowledgement_is_refused(people, overdue):
    """The head decides acceptance: the deadline moves on to the evaluation target, the
    overdue reminders stop, and acknowledging the old one is refused as out of date. The
    new deadline is reminded afresh, as an internal target (X1)."""
    reminder = sent(overdue, at(11, 12), recipient_staff=people.handler)
    with clock_at(people, at(11, 12, 11)):
        case = case_accept(case=overdue, acting_user=people.head, action_to_take="调查")
    with pytest.raises(Conflict) as refused:
        reminder_acknowledge(notification=reminder, acting_user=people.handler)
    assert "moved on" in str(refused.value) or "已变更" in str(refused.value)
    for day in (13, 16):
        sweep_at(at(11, day))
        assert reminded(at(11, day), case=case) == []
    sweep_at(at(11, 17))  # the evaluation's target (5 working days, X1) is due on the 19th
    assert reminded(at(11, 17), case=case) == [("reminder", "liuyang", "due_soon", 0, 0)]
    assert sent(case, at(11, 17)).context["deadline_kind"] == "target"


def test_the_api_acknowledges_for_the_caller_only(people, overdue):
    """POST /api/notifications/{id}/acknowledge/: the recipient gets the acknowledgement,
    someone else 403, a stale one 409."""
    reminder = sent(overdue, at(11, 12), recipient_staff=people.handler)
    path = f"/api/notifications/{reminder.pk}/acknowledge/"
    office = APIClient()
    office.force_authenticate(people.office.user)
    assert office.post(path, {}, format="json").status_code == 403
    handler = APIClient()
    handler.force_authenticate(people.handler.user)
    response = handler.post(path, {}, format="json")
    assert response.status_code == 200
    assert (response.json()["subject_kind"], response.json()["object_id"]) == (
        "case", overdue.pk)
    escalation = sent(overdue, at(11, 12), recipient_role="department_head")
    with clock_at(people, at(11, 12, 11)):
        case_accept(case=overdue, acting_user=people.head, action_to_take="调查")
    head = APIClient()
    head.force_authenticate(people.head.user)
    stale = head.post(f"/api/notifications/{escalation.pk}/acknowledge/", {}, format="json")
    assert stale.status_code == 409
    assert head.post("/api/notifications/999999/acknowledge/", {},
                     format="json").status_code == 404
    assert dt.datetime.fromisoformat(response.json()["due_at"]) == overdue.due_at
