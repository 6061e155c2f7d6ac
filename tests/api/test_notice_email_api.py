"""R8.03, R8.09 over HTTP: the office has the system email a notice; the answer says,
per party concerned, whether it was queued or needs registered mail or handing over;
the case file shows what was not delivered and the deadline at risk; a ruling's step
without a Message-ID has the system email it."""

import datetime as dt

import pytest

from caseflow.actions.intake import case_accept
from caseflow.actions.notice_delivery import notice_email_failed, notice_email_sent
from caseflow.channels.base import Sent
from caseflow.models import Notification
from tests.api.steps import ok, refused, step
from tests.api.test_appeal_api import approved_appeal
from tests.personas import commit, complaint

pytestmark = pytest.mark.django_db


def accepted(people, engagement):
    case = complaint(people, engagement=engagement)
    commit(case, people.head, people.office)
    case_accept(case=case, acting_user=people.head, action_to_take="调查核实")
    return case, case.notices.get()


def test_r8_03_the_office_has_the_acceptance_notice_emailed_over_http(people, api,
                                                                      engagement):
    """R8.03, R8.09: POST …/notices/{id}/email/ answers 202 with one line per party
    concerned: the complainant's email queued; the client authority, with no address on
    file, needs registered mail or handing over, and the acceptance deadline at risk is
    named. The case file lists the undelivered notice until the letter is recorded."""
    case, notice = accepted(people, engagement)
    office = api(people.office)
    url = f"/api/cases/{case.pk}/notices/{notice.pk}/email/"
    body = ok(office.post(url, {}, format="json"), 202)
    submitter, client = body
    queued = Notification.objects.get(template="notice_email")
    assert submitter == {"recipient": "submitter", "outcome": "queued",
                         "notification": queued.pk, "send_by": [], "rule": None,
                         "step": None, "due_at": None}
    assert (client["recipient"], client["outcome"], client["send_by"], client["rule"],
            client["step"]) == ("client", "no_address", ["registered_mail", "in_person"],
                                "R8.03", "acceptance")
    assert dt.datetime.fromisoformat(client["due_at"]) == case.acceptance_due_at

    detail = ok(office.get(f"/api/cases/{case.pk}/"))
    [flag] = detail["undelivered_notices"]
    assert (flag["notice"], flag["notice_kind"], flag["recipient"], flag["reason"],
            flag["rule"]) == (notice.pk, "acceptance", "client", "no_address", "R8.03")
    ok(office.post(f"/api/cases/{case.pk}/notices/{notice.pk}/sendings/", {
        "channel": "registered_mail", "registered_mail_number": "XA300000001CN",
        "recipient": "client"}, format="json"), 201)
    assert ok(office.get(f"/api/cases/{case.pk}/"))["undelivered_notices"] == []

    again = ok(office.post(url, {"recipients": ["submitter"]}, format="json"), 202)
    assert [line["outcome"] for line in again] == ["already_queued"]


def test_r8_09_emailing_a_notice_is_the_offices_and_names_real_parties(people, api,
                                                                       engagement):
    """R8.09: the department head, who sees the case, is refused (403, R8.09); a party
    the case does not concern or an empty list is a 400 on `recipients`; nothing is
    queued."""
    case, notice = accepted(people, engagement)
    url = f"/api/cases/{case.pk}/notices/{notice.pk}/email/"
    refused(api(people.head).post(url, {}, format="json"), 403, "R8.09")
    office = api(people.office)
    for recipients in (["respondent"], []):
        body = refused(office.post(url, {"recipients": recipients}, format="json"), 400)
        assert "recipients" in body["errors"]
    assert not Notification.objects.filter(template="notice_email").exists()


def test_r8_09_a_ruling_emailed_by_the_system_over_http(people, api, engagement):
    """R8.09, X5: send_ruling with email and no Message-ID: the ruling is binding, the
    emails are queued; once the server accepted them the sendings show the Message-ID
    and the server's reply. A client without an address is refused on `client.channel`;
    a failed email shows in `undelivered_notices` with the committee window at risk."""
    engagement.client.email = "notices@sthjt.example.gov.cn"
    engagement.client.save()
    case_id = approved_appeal(people, api, engagement=engagement.pk,
                              submitter_email="lisi@example.cn")
    office = api(people.office)
    detail = step(office, case_id, "send_ruling", {"channel": "email",
                                                   "client": {"channel": "email"}})
    assert detail["case"]["state"] == "ruled"
    to_appellant, to_client = Notification.objects.filter(template="notice_email").order_by(
        "id")
    notice_email_sent(to_appellant, Sent(detail="250 2.0.0 Ok: queued as 4F2"),
                      "lisi@example.cn")
    notice_email_failed(to_client, "550 5.1.1 mailbox unavailable")
    detail = ok(office.get(f"/api/cases/{case_id}/"))
    [ruling] = [n for n in detail["notices"] if n["kind"] == "appeal_ruling"]
    [sending] = ruling["sendings"]
    assert (sending["recipient"], sending["channel"], sending["email_message_id"],
            sending["email_server_reply"]) == (
        "submitter", "email", to_appellant.context["message_id"], "250 2.0.0 Ok: queued as 4F2")
    [flag] = detail["undelivered_notices"]
    assert (flag["recipient"], flag["reason"], flag["rule"], flag["step"]) == (
        "client", "refused", "X5", "committee_window")
    assert flag["due_at"] == detail["case"]["committee_window_ends_at"]


def test_r8_09_the_step_refuses_email_to_a_party_without_an_address(people, api, engagement):
    """R8.09: the client authority has no address on file: emailing it the ruling is a
    400 on `client.channel`; the ruling stays approved."""
    case_id = approved_appeal(people, api, engagement=engagement.pk,
                              submitter_email="lisi@example.cn")
    office = api(people.office)
    body = refused(office.post(f"/api/cases/{case_id}/transitions/send_ruling/", {
        "channel": "email", "client": {"channel": "email"}}, format="json"), 400, "R8.09")
    assert "client.channel" in body["errors"]
    assert ok(office.get(f"/api/cases/{case_id}/"))["case"]["state"] == "ruling_approved"


def test_r8_09_a_clients_address_for_notices_is_kept_over_http(people, api, engagement):
    """R8.09: the office keeps the email a client's notices go to; a malformed one is a
    400 on `email`."""
    office = api(people.office)
    url = f"/api/organizations/{engagement.client_id}/"
    assert ok(office.patch(url, {"email": "notices@sthjt.example.gov.cn"},
                           format="json"))["email"] == "notices@sthjt.example.gov.cn"
    body = refused(office.patch(url, {"email": "not an address"}, format="json"), 400)
    assert "email" in body["errors"]
    created = ok(office.post("/api/organizations/", {
        "name": "某市生态环境局", "kind": "client_authority", "email": "hb@city.example.gov.cn"},
        format="json"), 201)
    assert created["email"] == "hb@city.example.gov.cn"
