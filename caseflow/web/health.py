"""GET /healthz: is this instance able to do its work?

503 when the database or the configured broker does not answer; the bot's configuration
is reported but never fails the check (the bot is optional). Anybody learns `ok` or
`fail`; the details (database vendor, broker transport, the bot's API address) are for
staff and for callers on this machine (a monitor on localhost, not a request a local
reverse proxy forwards: that one carries X-Forwarded-For).
"""

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from caseflow.celery import app as celery_app


def database_state() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        return {"ok": False, "vendor": connection.vendor, "error": exc.__class__.__name__}
    return {"ok": True, "vendor": connection.vendor}


def broker_state() -> dict:
    with celery_app.connection_for_write() as conn:
        transport = conn.transport_cls
        try:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=3)
            conn.default_channel  # noqa: B018 - opening a channel proves the broker answers
        except Exception as exc:  # kombu raises library-specific errors per transport
            return {"ok": False, "transport": transport, "error": exc.__class__.__name__}
    return {"ok": True, "transport": transport}


def bot_state() -> dict:
    return {
        "configured": bool(settings.TELEGRAM_BOT_TOKEN),
        "api_base_url": settings.TELEGRAM_API_BASE_URL,
    }


LOOPBACK = {"127.0.0.1", "::1"}


def may_see_details(request) -> bool:
    if request.META.get("REMOTE_ADDR") in LOOPBACK and "HTTP_X_FORWARDED_FOR" not in request.META:
        return True
    user = request.user
    if not user.is_authenticated:
        return False
    staff = getattr(user, "staff", None)
    return user.is_staff or (staff is not None and staff.is_active)


@never_cache
@require_GET
def healthz(request):
    database, broker = database_state(), broker_state()
    ok = database["ok"] and broker["ok"]
    body = {"status": "ok" if ok else "fail"}
    if may_see_details(request):
        body.update(database=database, broker=broker, bot=bot_state())
    return JsonResponse(body, status=200 if ok else 503)
