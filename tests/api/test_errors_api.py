"""Bad input and refusals over HTTP: clear codes, the rule, the caller's language, and
nothing half-saved."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from caseflow.models import Case, Finding
from tests.personas import commit, complaint

pytestmark = pytest.mark.django_db


def test_field_errors_are_400_and_nothing_is_saved(people, api):
    response = api(people.office).post("/api/cases/", {
        "kind": "complaint", "subject": "", "scope": "z", "channel": "email",
        "received_at": "yesterday"}, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert {"subject", "scope", "received_at", "description"} <= set(errors)
    assert not Case.objects.exists()


def test_domain_input_error_names_the_field_and_rule(people, api):
    """R8.08 over HTTP: an appeal without the decision appealed is a 400 on that field."""
    response = api(people.office).post("/api/cases/", {
        "kind": "appeal", "subject": "申诉", "description": "d", "scope": "a",
        "channel": "email", "received_at": timezone.now().isoformat(),
        "submitter_name": "李四"}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["rule"] == "R8.08" and "appealed_decision" in body["errors"]
    assert not Case.objects.exists()


def test_invisible_case_is_404_and_a_forbidden_step_403_with_rule(people, api):
    case = complaint(people)
    commit(case, people.office)
    assert api(people.handler).get(f"/api/cases/{case.pk}/").status_code == 404
    response = api(people.office).post(f"/api/cases/{case.pk}/transitions/accept/",
                                       {"action_to_take": "调查"}, format="json")
    assert response.status_code == 403
    assert response.json()["rule"] == "R8.03"


def test_step_not_allowed_in_this_state_is_409(people, api):
    case = complaint(people)
    commit(case, people.head)
    response = api(people.head).post(f"/api/cases/{case.pk}/transitions/approve/",
                                     {}, format="json")
    assert response.status_code == 409


def test_messages_come_in_the_callers_language(people, api):
    case = complaint(people)
    commit(case, people.office)
    client = api(people.office)  # the office receives, the head decides acceptance
    zh = client.post(f"/api/cases/{case.pk}/transitions/reject/", {"reason": "不受理"},
                     format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    en = client.post(f"/api/cases/{case.pk}/transitions/reject/", {"reason": "not ours"},
                     format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert zh.status_code == en.status_code == 403
    assert zh.json()["rule"] == en.json()["rule"] == "R8.03"
    assert zh.json()["detail"] != en.json()["detail"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in zh.json()["detail"])
    assert "may not take the step" in en.json()["detail"]


def test_uploads_are_judged_by_content_not_name(people, api, settings):
    case = complaint(people)
    commit(case, people.head, people.handler)
    head = api(people.head)
    head.post(f"/api/cases/{case.pk}/transitions/accept/", {"action_to_take": "调查"},
              format="json")
    head.post(f"/api/cases/{case.pk}/transitions/assign/", {"handler": people.handler.pk},
              format="json")
    handler = api(people.handler)
    handler.post(f"/api/cases/{case.pk}/transitions/evaluate/",
                 {"valid": True, "reasoning": "成立"}, format="json")
    url = f"/api/cases/{case.pk}/transitions/record_finding/"
    fake_pdf = SimpleUploadedFile("evidence.pdf", b"MZ\x90\x00 an executable")
    response = handler.post(url, {"side": "submitter", "text": "t", "evidence": fake_pdf},
                            format="multipart")
    assert response.status_code == 400 and "evidence" in response.json()["errors"]
    settings.CASEFLOW_UPLOAD_MAX_BYTES = 100
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * 200)
    response = handler.post(url, {"side": "submitter", "text": "t", "evidence": big},
                            format="multipart")
    assert response.status_code == 400
    assert not Finding.objects.exists()


def test_anonymous_is_401_and_an_account_without_staff_profile_403(people, api,
                                                                   django_user_model):
    assert api(None).get("/api/cases/").status_code == 401
    outsider = django_user_model.objects.create_user("outsider", password="x")
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(outsider)
    assert client.get("/api/cases/").status_code == 403


def test_login_gives_a_token_and_is_throttled(people, api, settings):
    from django.core.cache import cache

    cache.clear()
    people.office.user.set_password("s3cret-pass")
    people.office.user.save()
    client = api(None)
    token = client.post("/api/auth/token/", {"username": "zhaolei", "password": "s3cret-pass"},
                        format="json").json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/me/").json()["username"] == "zhaolei"
    codes = [api(None).post("/api/auth/token/", {"username": "zhaolei", "password": "no"},
                            format="json").status_code for _ in range(12)]
    assert codes[0] == 400 and codes[-1] == 429
