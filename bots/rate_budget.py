"""How fast the bot may send: about 30 messages a second overall and one a second per chat
(Telegram's limits, counted per bot), shared by every process that sends as that bot.

Each key (one per chat, one for the bot as a whole) holds the next moment a message may
go. Taking a slot moves both forward together, or neither: a caller told to wait has
taken nothing, so a worker that gives up (and reschedules its task) wastes no slot. When
Telegram has answered, the chat's next moment is counted again from then (`sent`):
Telegram counts arrivals, and a message that lingered on the way (a busy worker, a slow
network) would otherwise land less than a second before the next. A 429 from Telegram
pushes a key further (`pause`).

With REDIS_URL the keys live in Redis and one Lua script reads and moves them atomically,
on Redis's clock, so all worker processes and hosts share one budget. Without Redis (the
embedded default runs a single worker process) the same arithmetic runs in memory.
"""

from __future__ import annotations

import functools
import hashlib
import threading
import time
from typing import Protocol

import redis
from django.conf import settings


class RateBudget(Protocol):
    def take(self, chat: str) -> float:
        """0.0: a message to `chat` may go now, and its slot is taken. Otherwise the
        seconds until one might; nothing is taken."""

    def sent(self, chat: str) -> None:
        """Telegram has answered a message to `chat`: the next one waits a full interval
        from now."""

    def pause(self, seconds: float, chat: str | None = None) -> None:
        """Send nothing to `chat` (anything, when None) for `seconds` (a 429's retry_after)."""


class LocalRateBudget:
    """The budget of one process (threads share it through `local_budget`)."""

    def __init__(self, *, per_chat_interval: float, overall_interval: float):
        self.per_chat_interval = per_chat_interval
        self.overall_interval = overall_interval
        self.next_free: dict[str, float] = {}  # chat -> moment; "" is the bot as a whole
        self.lock = threading.Lock()

    def take(self, chat: str) -> float:
        with self.lock:
            now = time.monotonic()
            free = max(self.next_free.get(chat, 0.0), self.next_free.get("", 0.0))
            if free > now:
                return free - now
            if len(self.next_free) > 10_000:  # forget chats whose second has long passed
                self.next_free = {k: v for k, v in self.next_free.items() if v > now}
            self.next_free[chat] = now + self.per_chat_interval
            self.next_free[""] = now + self.overall_interval
            return 0.0

    def sent(self, chat: str) -> None:
        self.pause(self.per_chat_interval, chat)

    def pause(self, seconds: float, chat: str | None = None) -> None:
        key = "" if chat is None else chat
        with self.lock:
            until = time.monotonic() + seconds
            self.next_free[key] = max(self.next_free.get(key, 0.0), until)


# KEYS: the chat's key, the bot's key. ARGV: per-chat interval, overall interval (seconds).
# Returns "0" when the slot was taken, else the wait in seconds (as text: Lua numbers
# returned to Redis are truncated to integers).
TAKE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local free = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'),
                      tonumber(redis.call('GET', KEYS[2]) or '0'))
if free > now then
  return string.format('%.6f', free - now)
end
local per_chat, overall = tonumber(ARGV[1]), tonumber(ARGV[2])
redis.call('SET', KEYS[1], string.format('%.6f', now + per_chat),
           'PX', math.ceil(per_chat * 1000) + 1000)
redis.call('SET', KEYS[2], string.format('%.6f', now + overall),
           'PX', math.ceil(overall * 1000) + 1000)
return '0'
"""

# KEYS: the key to push. ARGV: seconds from now. Never shortens a longer pause already set.
PAUSE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local seconds = tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if now + seconds > current then
  redis.call('SET', KEYS[1], string.format('%.6f', now + seconds),
             'PX', math.ceil(seconds * 1000) + 1000)
end
return 1
"""


class RedisRateBudget:
    """The budget shared through Redis under `namespace` (one per bot)."""

    def __init__(self, client: redis.Redis, *, namespace: str, per_chat_interval: float,
                 overall_interval: float):
        self.client = client
        self.namespace = namespace
        self.per_chat_interval = per_chat_interval
        self.overall_interval = overall_interval
        self.take_script = client.register_script(TAKE)
        self.pause_script = client.register_script(PAUSE)

    def key(self, chat: str | None) -> str:
        return f"{self.namespace}:all" if chat is None else f"{self.namespace}:chat:{chat}"

    def take(self, chat: str) -> float:
        wait = self.take_script(keys=[self.key(chat), self.key(None)],
                                args=[self.per_chat_interval, self.overall_interval])
        return float(wait)

    def sent(self, chat: str) -> None:
        self.pause(self.per_chat_interval, chat)

    def pause(self, seconds: float, chat: str | None = None) -> None:
        self.pause_script(keys=[self.key(chat)], args=[seconds])


@functools.cache
def redis_client(url: str) -> redis.Redis:
    # redis-py's pool notices a fork and opens fresh connections in the child.
    return redis.Redis.from_url(url, socket_timeout=3, socket_connect_timeout=3)


_local_budgets: dict[tuple, LocalRateBudget] = {}
_local_budgets_lock = threading.Lock()


def local_budget(namespace: str, per_chat_interval: float,
                 overall_interval: float) -> LocalRateBudget:
    key = (namespace, per_chat_interval, overall_interval)
    with _local_budgets_lock:
        if key not in _local_budgets:
            _local_budgets[key] = LocalRateBudget(per_chat_interval=per_chat_interval,
                                                  overall_interval=overall_interval)
        return _local_budgets[key]


def bot_namespace(token: str) -> str:
    """Telegram's limits are per bot: the key is the bot's id (the token's public part),
    never the secret."""
    bot_id = token.split(":", 1)[0]
    if not bot_id.isdigit():
        bot_id = hashlib.sha256(token.encode()).hexdigest()[:16]
    return f"caseflow:telegram:{bot_id}"


def budget_for_bot(token: str) -> RateBudget:
    per_chat_interval = 1 / settings.TELEGRAM_RATE_PER_CHAT
    overall_interval = 1 / settings.TELEGRAM_RATE_GLOBAL
    if settings.REDIS_URL:
        return RedisRateBudget(redis_client(settings.REDIS_URL),
                               namespace=bot_namespace(token),
                               per_chat_interval=per_chat_interval,
                               overall_interval=overall_interval)
    return local_budget(bot_namespace(token), per_chat_interval, overall_interval)
