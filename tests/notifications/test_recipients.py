"""Who a notification reaches (X9, X2): a role's holder, or the deputy where the holder is
recused; a recused person is never told about the case. A retry writes only to those
not reached yet."""

import pytest
from django.utils import timezone

from caseflow.actions.delivery import notification_deliver
from caseflow.actions.notifications import notification_queue
from caseflow.actions.staff import declaration_rule, declaration_sign
from caseflow.models import Notification, Role
from tests.personas import complaint

pytestmark = pytest.mark.django_db


def received_row(case, role) -> Notification:
    return Notification.objects.get(case=case, template="case_received", recipient_role=role)


def recipients(smtp_server) -> list[str]:
    return [address for mail in smtp_server.received for address in mail.rcpt_tos]


def test_x9_a_role_notification_goes_to_the_holder(people, smtp_server):
    """The department head's copy of a new case goes to Zhang Min, not to her deputy."""
    case = complaint(people)
    row = received_row(case, Role.DEPARTMENT_HEAD)
    assert notification_deliver(row.pk, now=timezone.now()) == "sent"
    assert recipients(smtp_server) == ["zhangmin@cec.example.cn"]
    assert list(row.delivery_attempts.values_list("recipient_staff", flat=True)) == [
        people.head.pk]


def test_x9_the_deputy_is_told_where_the_holder_is_recused(people, engagement, smtp_server):
    """X9 with R8.15: Zhang Min signed the report the complaint is about. Li Na, her
    deputy, gets the department head's notification; Zhang Min gets nothing."""
    engagement.report_signers.add(people.head)
    case = complaint(people, engagement=engagement)
    row = received_row(case, Role.DEPARTMENT_HEAD)

    assert notification_deliver(row.pk, now=timezone.now()) == "sent"

    assert recipients(smtp_server) == ["lina@cec.example.cn"]
    assert not row.delivery_attempts.filter(recipient_staff=people.head).exists()


def test_x9_a_prohibited_office_holder_is_left_out_and_the_deputy_told(people, smtp_server):
    """X9 with R9.01: the quality manager prohibited Zhao Lei from the case. The office's
    other holder (Wu Di) and its deputy (Qian Yu) are told; Zhao Lei is not."""
    case = complaint(people, registrar=people.office_2)
    declaration = declaration_sign(staff=people.office, kind="case", case=case,
                                   potential_conflict="投诉人是我的同学")
    declaration_rule(declaration=declaration, ruling="prohibit",
                     acting_user=people.quality_manager)
    row = received_row(case, Role.CLIENT_OFFICE)
    notification_deliver(row.pk, now=timezone.now())
    assert sorted(recipients(smtp_server)) == ["qianyu@cec.example.cn", "wudi@cec.example.cn"]


def test_x9_a_person_recused_from_the_case_is_never_told_about_it(people, engagement,
                                                                   smtp_server):
    """Hu Wei led the verification the complaint is about: a notification addressed to him
    about it is not sent; the row fails with the reason (without his name)."""
    case = complaint(people, engagement=engagement)
    row = notification_queue(case, "case_accepted", staff=people.hu_wei)

    assert notification_deliver(row.pk, now=timezone.now()) == "failed"

    assert smtp_server.received == []
    row.refresh_from_db()
    assert "recused" in row.last_error and "Hu Wei" not in row.last_error


def test_a_retry_writes_only_to_those_not_reached(people, flaky_mail):
    """The office has two holders; Wu Di's mail server defers the first try. The retry
    writes to Wu Di only: Zhao Lei is not written to twice."""
    case = complaint(people)
    row = received_row(case, Role.CLIENT_OFFICE)
    flaky_mail.down.add("wudi@cec.example.cn")
    now = timezone.now()

    assert notification_deliver(row.pk, now=now) == "pending"
    assert flaky_mail.sent == ["zhaolei@cec.example.cn"]

    row.refresh_from_db()
    assert notification_deliver(row.pk, now=row.next_attempt_at) == "sent"
    assert flaky_mail.sent == ["zhaolei@cec.example.cn", "wudi@cec.example.cn"]
    attempts = list(row.delivery_attempts.values_list("recipient_staff", "result"))
    assert sorted(attempts[:2]) == sorted([(people.office.pk, "sent"),
                                           (people.newcomer.pk, "retry")])
    assert attempts[2:] == [(people.newcomer.pk, "sent")]
