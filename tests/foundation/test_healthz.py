"""GET /healthz reports the database, the broker and the bot configuration."""

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

    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"]["ok"] is False


def test_healthz_503_when_broker_down(client, monkeypatch):
    # Nothing listens on port 1: a real connection attempt that fails.
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")
    monkeypatch.setattr(celery_app.conf, "broker_write_url", None)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["broker"] == {"ok": False, "transport": "redis", "error": body["broker"]["error"]}
    assert body["database"]["ok"] is True


def test_healthz_reports_bot_configured(client, settings):
    settings.TELEGRAM_BOT_TOKEN = "123:abc"
    assert client.get("/healthz").json()["bot"]["configured"] is True
