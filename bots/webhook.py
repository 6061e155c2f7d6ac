"""Webhook mode: Telegram POSTs each update to `/telegram/webhook/<path>`; this view checks
the secret Telegram sends along and hands the update to the application's queue.

The application lives in each web process, on a thread of its own with its own event
loop (`BotRunner`), started by the first update that arrives: initialized once (one
getMe), it takes updates from its queue and processes them one after another, as the
polling bot does. The view answers 200 as soon as the update is queued, so Telegram
never waits on our database; an update the process dies with before handling is lost,
which for a command means the person sends it again.

`manage.py runbot --set-webhook https://<site>` registers the URL and the secret.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import threading

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import connections
from django.http import Http404, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from telegram import Update
from telegram.error import TelegramError

from bots.application import build_application

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# An update is a few kilobytes; anything much larger is not from Telegram.
LARGEST_UPDATE = 256 * 1024
START_TIMEOUT = 20.0  # seconds for the first getMe


def webhook_path(secret: str) -> str:
    """The route's last segment, derived from the secret: unguessable, and a proxy's
    access log that shows it does not give away the header's secret."""
    return hmac.new(secret.encode(), b"caseflow telegram webhook path",
                    hashlib.sha256).hexdigest()[:32]


def webhook_configured() -> bool:
    return bool(settings.TELEGRAM_BOT_TOKEN and settings.TELEGRAM_WEBHOOK_SECRET)


class BotRunner:
    """The bot of this process for the webhook: an event loop on its own thread, the
    application initialized and started on it once."""

    def __init__(self, *, token: str, base_url: str):
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True,
                                       name="telegram-bot")
        self.thread.start()
        self.application = build_application(token=token, base_url=base_url,
                                             long_running=True)
        try:
            self.run(self.start(), timeout=START_TIMEOUT)
        except BaseException:
            self.loop.call_soon_threadsafe(self.loop.stop)
            raise

    async def start(self) -> None:
        await self.application.initialize()
        await self.application.start()

    def run(self, coroutine, *, timeout: float):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=timeout)

    def hand_over(self, update: Update) -> None:
        self.run(self.application.update_queue.put(update), timeout=5.0)

    async def finish(self) -> None:
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()
        await sync_to_async(connections.close_all, thread_sensitive=True)()

    def stop(self) -> None:
        """Let the queued updates be processed, then close (tests; process exit)."""
        try:
            self.run(self.finish(), timeout=30.0)
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(timeout=5)


_runners: dict[tuple[str, str], BotRunner] = {}
_runners_lock = threading.Lock()


def runner() -> BotRunner:
    """This process's runner for the configured bot (a new one if the settings changed)."""
    key = (settings.TELEGRAM_BOT_TOKEN, settings.TELEGRAM_API_BASE_URL)
    with _runners_lock:
        if key not in _runners:
            _runners[key] = BotRunner(token=key[0], base_url=key[1])
        return _runners[key]


def runners_stop() -> None:
    with _runners_lock:
        stopping = list(_runners.values())
        _runners.clear()
    for each in stopping:
        each.stop()


@csrf_exempt
@require_POST
def update_received(request, path: str):
    """One update from Telegram. 404 unless webhook mode is configured and the path is
    this bot's; 403 without Telegram's secret header; 200 once queued."""
    if not webhook_configured() or not hmac.compare_digest(
            path, webhook_path(settings.TELEGRAM_WEBHOOK_SECRET)):
        raise Http404
    given = request.headers.get(SECRET_HEADER, "")
    if not hmac.compare_digest(given.encode(), settings.TELEGRAM_WEBHOOK_SECRET.encode()):
        return JsonResponse({"detail": "Wrong or missing secret token."}, status=403)
    if int(request.META.get("CONTENT_LENGTH") or 0) > LARGEST_UPDATE:
        return JsonResponse({"detail": "Too large for an update."}, status=413)
    try:
        data = json.loads(request.body)
    except ValueError:
        data = None
    if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
        return JsonResponse({"detail": "Not a Telegram update."}, status=400)
    try:
        bot = runner()
    except (TelegramError, TimeoutError, OSError) as exc:
        # The bot could not start (Telegram unreachable): Telegram sends it again later.
        logger.warning("Webhook update %s not taken: %s", data["update_id"], exc)
        return JsonResponse({"detail": "The bot is not ready; try again."}, status=503)
    try:
        update = Update.de_json(data, bot.application.bot)
    except (TypeError, ValueError, KeyError, AttributeError):
        return JsonResponse({"detail": "Not a Telegram update."}, status=400)
    bot.hand_over(update)
    return HttpResponse(status=200)
