"""The server API of a Chinese work platform (WeCom, DingTalk): JSON over HTTPS with an
access token fetched from its `gettoken` and passed as a query parameter.

The token is shared by every worker process through Django's cache (Redis in production,
a database table in the embedded setup) until shortly before it expires, so the platform's
limits on `gettoken` are not spent per message. A call the platform answers with "token
invalid or expired" (it may have been reset, or another app holding the same secret asked
for a new one) fetches a fresh token and is tried once more, never more: a platform that
keeps refusing fresh tokens is a fault to report, not to loop on.

The errcode each answer carries is read by the channel (`caseflow.channels.wecom`,
`caseflow.channels.dingtalk`); what is common is here: a call that cannot be made or
answered (network, timeouts, 5xx, a page that is not JSON) is a DeliveryError, tried again
later by the delivery code. Error texts never carry the token or the secret: they are
shown on the dashboard.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass

import httpx
from django.core.cache import cache

from caseflow.channels.base import DeliveryError

logger = logging.getLogger(__name__)

# A token is used until this long before the platform says it expires (7200 s on both):
# a message sent with a token at the very end of its life would be refused.
EXPIRY_MARGIN = 300
TIMEOUT = httpx.Timeout(10.0, connect=5.0)


@dataclass(frozen=True)
class Answer:
    """A platform's JSON answer; `errcode` 0 is success."""

    data: dict

    @property
    def errcode(self) -> int:
        try:
            return int(self.data.get("errcode", 0))
        except (TypeError, ValueError):
            return -1

    @property
    def errmsg(self) -> str:
        return str(self.data.get("errmsg", ""))[:300]


class PlatformApi:
    """One platform account (a WeCom corp's app, a DingTalk app): its base URL, how to
    get a token, and which answers say the token must be fetched again."""

    def __init__(self, *, platform: str, base_url: str, token_path: str,
                 token_query: dict[str, str], token_refused: Callable[[Answer], bool]):
        self.platform = platform
        self.base_url = base_url.rstrip("/")
        self.token_path = token_path
        self.token_query = token_query  # the gettoken parameters: the app's credentials
        self.token_refused = token_refused
        # One cache entry per platform and credentials (hashed: the secret stays out of
        # the cache's keys), so a changed secret never uses the old token.
        credentials = "\n".join(f"{k}={v}" for k, v in sorted(token_query.items()))
        digest = hashlib.sha256(f"{platform}\n{base_url}\n{credentials}".encode()).hexdigest()
        self.cache_key = f"caseflow:{platform.lower()}:token:{digest[:24]}"

    # --- calls -------------------------------------------------------------------------
    def post(self, path: str, body: dict, *, check: Callable[[Answer], None]) -> Answer:
        """POST `body` as JSON to `path` with the token. `check` raises for an answer
        that says the token (or the app's credentials) was refused; a refused token is
        fetched again and the call made once more."""
        with httpx.Client(base_url=self.base_url, timeout=TIMEOUT) as client:
            token = self.cached_token() or self.fetch_token(client, check=check)
            answer = self.request(client, "POST", path, token, body)
            if self.token_refused(answer):
                logger.info("%s refused its access token (%s); fetching a new one",
                            self.platform, answer.errcode)
                self.forget_token()
                token = self.fetch_token(client, check=check)
                answer = self.request(client, "POST", path, token, body)
            return answer

    def request(self, client: httpx.Client, method: str, path: str, token: str,
                body: dict | None) -> Answer:
        try:
            response = client.request(method, path, params={"access_token": token},
                                      json=body)
        except httpx.HTTPError as exc:
            # Connection refused, timeouts, a dropped connection: the message may or may
            # not have arrived; both platforms drop a repeat of the same content, and the
            # delivery code tries again later.
            raise DeliveryError(f"{self.platform} unreachable: {type(exc).__name__}") from exc
        return self.answer_of(response)

    def answer_of(self, response: httpx.Response) -> Answer:
        if response.status_code >= 500:
            raise DeliveryError(f"{self.platform} answered HTTP {response.status_code}")
        try:
            data = response.json()
        except ValueError as exc:
            raise DeliveryError(f"{self.platform} answered HTTP {response.status_code} "
                                "with no JSON") from exc
        if not isinstance(data, dict):
            raise DeliveryError(f"{self.platform} answered with unexpected JSON")
        return Answer(data)

    # --- the token ---------------------------------------------------------------------
    def cached_token(self) -> str | None:
        try:
            return cache.get(self.cache_key)
        except Exception:  # the cache (Redis) down: fetch one per message meanwhile
            logger.warning("%s token cache unreadable", self.platform, exc_info=True)
            return None

    def forget_token(self) -> None:
        try:
            cache.delete(self.cache_key)
        except Exception:
            logger.warning("%s token cache unwritable", self.platform, exc_info=True)

    def fetch_token(self, client: httpx.Client, *, check: Callable[[Answer], None]) -> str:
        try:
            response = client.get(self.token_path, params=self.token_query)
        except httpx.HTTPError as exc:
            raise DeliveryError(f"{self.platform} unreachable: {type(exc).__name__}") from exc
        answer = self.answer_of(response)
        check(answer)  # raises for any errcode: a wrong secret, a frequency limit
        token = answer.data.get("access_token")
        if not token:
            raise DeliveryError(f"{self.platform} gave no access token")
        expires_in = int(answer.data.get("expires_in") or 7200)
        try:
            cache.set(self.cache_key, token, timeout=max(expires_in - EXPIRY_MARGIN, 60))
        except Exception:
            logger.warning("%s token cache unwritable", self.platform, exc_info=True)
        return token


def within_bytes(text: str, limit: int, *, ellipsis: str = "…") -> str:
    """`text` cut to at most `limit` UTF-8 bytes on a character boundary (both platforms
    count bytes and cut wherever they land, halving a Chinese character)."""
    data = text.encode()
    if len(data) <= limit:
        return text
    room = limit - len(ellipsis.encode())
    return data[:room].decode(errors="ignore") + ellipsis
