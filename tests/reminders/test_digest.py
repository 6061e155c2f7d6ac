"""The daily digest (issue 12): on working mornings, one message per staff member with
their own open items due within two working days or overdue; none for whoever has
nothing; never twice a day; no submitter's identity in it (R8.13)."""

import datetime as dt
import json

import pytest
from django.utils import translation

from caseflow.actions.archives import archive_loan_decide, archive_loan_request
from caseflow.actions.intake import case_assign, case_reject
from caseflow.models import Notification
from tests.personas import clock_at, commit, complaint
from tests.reminders.sweeps import at, sweep_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def liu_yangs_work(people):
    """Liu Yang handles a complaint received Monday 2 November 2026 (acceptance due
    Wednesday 11 November) and one received Friday 6 November (due 17 November), and
    borrowed a dossier due back Tuesday 10 November."""
    def handled(moment):
        with clock_at(people, moment):
            case = complaint(people)
            commit(case, people.head, people.handler)
            return case_assign(case=case, handler=people.handler, acting_user=people.head)

    soon, later = handled(at(11, 2, 10)), handled(at(11, 6, 10))
    with clock_at(people, at(11, 2, 10)):
        closed = complaint(people)
        commit(closed, people.head)
        case_reject(case=closed, acting_user=people.head, reason="不属于受理范围")
        loan = archive_loan_request(archive=closed.archive, borrower=people.handler,
                                    purpose="复核", return_due_on=dt.date(2026, 11, 10))
        archive_loan_decide(loan=loan, approve=True, acting_user=people.head)
    return soon, later, closed


def digests(moment):
    return list(Notification.objects.filter(template="digest", created_at=moment))


def test_one_digest_a_working_morning_with_what_is_due_soon_or_overdue(people, liu_yangs_work):
    soon, later, closed = liu_yangs_work
    assert sweep_at(at(11, 9)).digests == 1
    [digest] = digests(at(11, 9))
    assert digest.recipient_staff == people.handler
    assert [(i["label"], i["kind"], i["stage"], i["overdue"], i["case_id"])
            for i in digest.context["items"]] == [
        (closed.archive.archive_number, "loan", "loan_return", False, closed.pk),
        (soon.number, "complaint", "acceptance", False, soon.pk)]
    assert digest.context["items"][1] == {
        "label": soon.number, "kind": "complaint", "stage": "acceptance",
        "due_at": "2026-11-11T23:59:59+08:00", "deadline_kind": "rule",
        "provisional": False, "overdue": False, "case_id": soon.pk}
    assert sweep_at(at(11, 9, 9, 5)).digests == 0  # once a day
    assert "张三" not in json.dumps(digest.context, ensure_ascii=False)  # R8.13

    sweep_at(at(11, 12))
    [digest] = digests(at(11, 12))
    assert [(i["label"], i["overdue"]) for i in digest.context["items"]] == [
        (closed.archive.archive_number, True), (soon.number, True)]
    sweep_at(at(11, 13))
    [digest] = digests(at(11, 13))
    assert [i["label"] for i in digest.context["items"]] == [
        closed.archive.archive_number, soon.number, later.number]


def test_no_digest_off_work_before_the_hour_or_for_nobody_with_nothing(people, liu_yangs_work):
    """Sunday, or 08:30 on a Monday: nothing. The others, with nothing of their own: no
    message at all."""
    assert sweep_at(at(11, 8)).digests == 0
    assert sweep_at(at(11, 9, 8, 30)).digests == 0
    sweep_at(at(11, 9))
    assert {n.recipient_staff for n in Notification.objects.filter(template="digest")} == {
        people.handler}


def test_a_digest_shows_the_most_urgent_items_and_counts_the_rest(
        people, liu_yangs_work, monkeypatch):
    """A digest is read on a phone: it lists the DIGEST_ITEMS_SHOWN most urgent items,
    soonest first, and counts all of them, overdue and due soon; the message says how
    many more there are. The bot's /digest says the same."""
    from bots.handlers.reminders import digest_text
    from caseflow.actions import reminders
    from caseflow.messages import notification_message

    soon, later, closed = liu_yangs_work
    monkeypatch.setattr(reminders, "DIGEST_ITEMS_SHOWN", 2)
    sweep_at(at(11, 13))
    [digest] = digests(at(11, 13))
    assert [i["label"] for i in digest.context["items"]] == [
        closed.archive.archive_number, soon.number]
    assert (digest.context["soon"], digest.context["overdue"]) == (1, 2)
    message = notification_message(digest, language="en")
    assert message.subject.endswith("1 due soon, 2 overdue")
    assert later.number not in message.text and "…and 1 more" in message.text
    assert "另有 1 项" in notification_message(digest, language="zh-hans").text
    with clock_at(people, at(11, 13)):
        with translation.override("en"):
            on_demand = digest_text(people.handler)
    assert "1 due soon, 2 overdue" in on_demand and "…and 1 more" in on_demand

    monkeypatch.setattr(reminders, "DIGEST_ITEMS_SHOWN", 3)
    sweep_at(at(11, 16))
    [digest] = digests(at(11, 16))
    assert len(digest.context["items"]) == 3
    assert "more" not in notification_message(digest, language="en").text
