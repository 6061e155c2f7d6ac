"""R8.09 over HTTP: the ruling goes to the appellant and the engagement's client, one
sending each with its own proof, and the sendings say whom they went to."""


import pytest

from tests.api.steps import attempt, ok, refused, step
from tests.api.test_appeal_api import approved_appeal

pytestmark = pytest.mark.django_db


def approved_ruling(people, api, engagement):
    return approved_appeal(people, api, engagement=engagement.pk)


def test_r8_09_ruling_goes_to_the_appellant_and_the_client_over_http(people, api,
                                                                     engagement):
    """R8.09: the old payload alone (the appellant's sending) is refused with 400 naming
    `client` when the appeal concerns a client; with `client` the ruling goes to both,
    each sending showing its recipient and its own registered-mail number."""
    case_id = approved_ruling(people, api, engagement)
    office = api(people.office)
    to_appellant = {"channel": "registered_mail", "registered_mail_number": "XA910000001CN"}
    body = refused(attempt(office, case_id, "send_ruling", to_appellant), 400, "R8.09")
    assert "client" in body["errors"]
    body = refused(attempt(office, case_id, "send_ruling", to_appellant | {
        "client": {"channel": "registered_mail"}}), 400)
    assert "client.registered_mail_number" in body["errors"]
    detail = step(office, case_id, "send_ruling", to_appellant | {"client": {
        "channel": "registered_mail", "registered_mail_number": "XA910000002CN"}})
    assert detail["case"]["state"] == "ruled"
    [ruling] = [n for n in detail["notices"] if n["kind"] == "appeal_ruling"]
    assert [(s["recipient"], s["recipient_organization"], s["registered_mail_number"])
            for s in ruling["sendings"]] == [
        ("submitter", None, "XA910000001CN"),
        ("client", engagement.client_id, "XA910000002CN")]
    assert ruling["sendings"][0]["recipient_party"] == detail["case"]["submitter"]


def test_r8_09_a_single_sending_names_its_recipient_over_http(people, api, engagement):
    """R8.09: POST …/notices/{id}/sendings/ records one sending; `recipient` defaults to
    the submitter and may name the client the case concerns."""
    case_id = approved_ruling(people, api, engagement)
    office = api(people.office)
    detail = ok(office.get(f"/api/cases/{case_id}/"))
    [ruling] = [n for n in detail["notices"] if n["kind"] == "appeal_ruling"]
    url = f"/api/cases/{case_id}/notices/{ruling['id']}/sendings/"
    sending = ok(office.post(url, {"channel": "in_person", "recipient": "client"},
                             format="json"), 201)
    assert (sending["recipient"], sending["recipient_organization"]) == (
        "client", engagement.client_id)
    sending = ok(office.post(url, {"channel": "email", "email_message_id": "<r@cec>"},
                             format="json"), 201)
    assert sending["recipient"] == "submitter"
    body = refused(office.post(url, {"channel": "in_person", "recipient": "respondent"},
                               format="json"), 400)
    assert "recipient" in body["errors"]
