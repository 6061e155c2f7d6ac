"""GET /healthz reports the database, the broker and the bot configuration: the details to
staff and to callers on this machine, only ok or fail to anybody else."""

import pytest
from django.db import OperationalError, connection

from caseflow.celery import app as celery_app

pytestmark = pytest.mark.django_db


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["broker"]["ok"] is True
    assert body["bot"]["configured"] is False


def test_healthz_503_when_database_down(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    with monkeypatch.context() as patch:  # undone before the cache (a table) is cleared
        patch.setattr(connection, "cursor", refuse)
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"]["ok"] is False


@pytest.fixture
def broker_down(monkeypatch):
    """Nothing listens on port 1: a real connection attempt that fails. The write URL
    first: it defaults to the broker URL, so saved after it would keep port 1 after the
    test. Celery reads CELERY_BROKER_URL from the environment before its configuration
    (CI sets it): unset here too."""
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    monkeypatch.setattr(celery_app.conf, "broker_write_url", None)
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")


def test_healthz_503_when_broker_down(client, broker_down):
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["broker"] == {"ok": False, "transport": "redis", "error": body["broker"]["error"]}
    assert body["database"]["ok"] is True


def test_healthz_reports_bot_configured(client, settings):
    settings.TELEGRAM_BOT_TOKEN = "123:abc"
    assert client.get("/healthz").json()["bot"]["configured"] is True


OUTSIDE = {"REMOTE_ADDR": "203.0.113.7"}


def test_an_anonymous_caller_from_outside_learns_only_ok(client):
    response = client.get("/healthz", **OUTSIDE)
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


def test_an_anonymous_caller_from_outside_learns_only_fail(client, broker_down):
    response = client.get("/healthz", **OUTSIDE)
    assert (response.status_code, response.json()) == (503, {"status": "fail"})


def test_a_request_forwarded_by_a_local_proxy_is_not_from_this_machine(client, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    for address in ("127.0.0.1", "::1"):
        response = client.get("/healthz", REMOTE_ADDR=address,
                              HTTP_X_FORWARDED_FOR="203.0.113.7")
        assert response.json() == {"status": "ok"}


def test_staff_see_the_details_from_anywhere(client, people):
    client.force_login(people.office.user)
    body = client.get("/healthz", **OUTSIDE).json()
    assert body["database"]["vendor"] and body["broker"]["transport"]
    assert "api_base_url" in body["bot"]


def test_a_monitor_on_this_machine_sees_the_details(client):
    for address in ("127.0.0.1", "::1"):
        assert "database" in client.get("/healthz", REMOTE_ADDR=address).json()
