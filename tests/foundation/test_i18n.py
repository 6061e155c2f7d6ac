"""The interface speaks Chinese by default, English on request."""

import pytest

pytestmark = pytest.mark.django_db


def test_default_language_is_simplified_chinese(client):
    response = client.get("/admin/login/")
    assert "Caseflow 管理" in response.content.decode()


def test_english_on_request(client):
    response = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Caseflow administration" in response.content.decode()
