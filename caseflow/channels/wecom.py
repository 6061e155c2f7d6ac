"""The WeCom (企业微信) channel: a text card from the body's internal app to one member.

`POST /cgi-bin/message/send` with `msgtype: textcard` (title, description, the card's
link and its button text) to the person's user id, with an access token from
`GET /cgi-bin/gettoken?corpid&corpsecret` shared through Django's cache
(`caseflow.channels.platform_api`). Off while WECOM_CORP_ID, WECOM_AGENT_ID and
WECOM_SECRET are not all set.

Why not wechatpy (1.8.18, its `enterprise.WeChatClient`): its `gettoken` URL is fixed to
qyapi.weixin.qq.com whatever the base URL (no fake server, no private gateway), and on an
expired token it fetches a new one and retries with no limit; what is left once those are
replaced is two HTTP calls, so a small client on httpx says it more plainly.

What WeCom's answers mean for delivery (its global error codes):
- 40014 / 42001, the token invalid or expired: a new token, and the message once more.
- 45009 / 45033, a frequency or concurrency limit: RateLimited, tried again later.
- 40003 / 60111 / 81013, or the id in `invaliduser` / `unlicenseduser`: the id reaches
  nobody (left, wrong, outside the app's visible range, no licence): the link is marked
  broken and the next channel (email at last) takes the message.
- -1, system busy: tried again later.
- a wrong corp id, secret or agent id, an untrusted server address, no permission: our
  configuration; retrying will not help until an operator acts, so the next channel takes
  the message now (the attempt names the code, on the dashboard).
- anything else: the next channel, with WeCom's code and words on the attempt.
The message carries `enable_duplicate_check`: a message repeated within half an hour (a
worker that died after WeCom took it) is dropped by WeCom, not shown twice.
"""

from __future__ import annotations

import html
from typing import ClassVar

from django.conf import settings

from caseflow.actions.staff import staff_messenger_broken
from caseflow.channels.base import (
    DeliveryError,
    Message,
    PermanentFailure,
    RateLimited,
    Sent,
)
from caseflow.channels.platform_api import Answer, PlatformApi, within_bytes
from caseflow.models import Staff

TOKEN_REFUSED = {40014, 42001}
RATE_LIMITED = {45009: 60.0, 45033: 5.0}  # code -> seconds to wait (per-minute limits)
USER_GONE = {40003, 60111, 81013}
BUSY = {-1}
CONFIGURATION = {40001, 40013, 40056, 40091, 48002, 60020, 301002}

# The text card's limits (bytes, cut by WeCom itself otherwise); a button text of more
# than 4 characters is cut by WeCom, so a longer label leaves WeCom's own ("详情").
TITLE_BYTES, DESCRIPTION_BYTES, BUTTON_CHARS = 128, 512, 4
TEXT_BYTES = 2048


def configured() -> bool:
    return bool(settings.WECOM_CORP_ID and settings.WECOM_AGENT_ID and settings.WECOM_SECRET)


def wecom_api() -> PlatformApi:
    return PlatformApi(
        platform="WeCom", base_url=settings.WECOM_API_BASE_URL,
        token_path="/cgi-bin/gettoken",
        token_query={"corpid": settings.WECOM_CORP_ID, "corpsecret": settings.WECOM_SECRET},
        token_refused=lambda answer: answer.errcode in TOKEN_REFUSED)


class WeComChannel:
    name: ClassVar[str] = "wecom"
    # Presses come back to nobody: a reminder's card carries the person's own signed
    # acknowledgement link (caseflow.actions.acknowledgement_links).
    acknowledges_by_link: ClassVar[bool] = True

    def address_for(self, staff: Staff) -> str | None:
        if not configured() or not staff.wecom_user_id or staff.wecom_broken_at is not None:
            return None
        return staff.wecom_user_id

    def send(self, address: str, message: Message) -> Sent:
        if not configured():
            raise PermanentFailure("WeCom is not configured (WECOM_CORP_ID, WECOM_AGENT_ID, "
                                   "WECOM_SECRET).")
        body = {"touser": address, "agentid": int(settings.WECOM_AGENT_ID),
                **message_payload(message),
                "enable_duplicate_check": 1, "duplicate_check_interval": 1800}
        answer = wecom_api().post("/cgi-bin/message/send", body, check=raise_for_errcode)
        raise_for_errcode(answer)
        unreachable = {u.lower() for key in ("invaliduser", "unlicenseduser")
                       for u in str(answer.data.get(key) or "").split("|") if u}
        if address.lower() in unreachable:
            # WeCom still "sent" to the others (there are none): the id reaches nobody.
            raise PermanentFailure("WeCom: the user id is invalid or has no licence",
                                   broken_link=True)
        return Sent(external_id=str(answer.data.get("msgid", "")), detail=answer.errmsg)

    def mark_broken(self, staff: Staff) -> None:
        broken = staff_messenger_broken(staff=staff, messenger=self.name,
                                        reason="WeCom: the user id reaches nobody")
        staff.wecom_broken_at = broken.wecom_broken_at  # the caller's copy agrees


def raise_for_errcode(answer: Answer) -> None:
    """Nothing for success; otherwise the error that says what delivery should do."""
    code = answer.errcode
    if code == 0:
        return
    what = f"WeCom errcode {code}: {answer.errmsg}"
    if code in RATE_LIMITED:
        raise RateLimited(what, retry_after=RATE_LIMITED[code])
    if code in BUSY:
        raise DeliveryError(what)
    if code in TOKEN_REFUSED:  # refused again right after a fresh token
        raise DeliveryError(what)
    if code in USER_GONE:
        raise PermanentFailure(what, broken_link=True)
    if code in CONFIGURATION:
        raise PermanentFailure(f"{what} (check the WECOM_* settings and the app's "
                               "trusted IPs)")
    raise PermanentFailure(what)


def card_link(message: Message) -> tuple[str, str]:
    """The card's one link and its button's text: the first button with a link (the
    acknowledgement link where there is one), else the message's link."""
    for button in message.buttons:
        if button.url:
            return button.url, button.label
    return message.link, ""


def message_payload(message: Message) -> dict:
    """A text card when there is a link to open; plain text otherwise. The card's
    description is WeCom's small HTML (escaped text, <br> between lines)."""
    url, label = card_link(message)
    if not url:
        text = "\n\n".join(part for part in (message.subject, message.text) if part)
        return {"msgtype": "text", "text": {"content": within_bytes(text, TEXT_BYTES)}}
    description, used = [], 0
    for line in message.text.splitlines():
        piece = html.escape(line, quote=False) + "<br>"
        if used + len(piece.encode()) > DESCRIPTION_BYTES - 3:
            description.append("…")
            break
        description.append(piece)
        used += len(piece.encode())
    card = {"title": within_bytes(message.subject, TITLE_BYTES),
            "description": "".join(description).removesuffix("<br>"), "url": url}
    if label and len(label) <= BUTTON_CHARS:
        card["btntxt"] = label
    return {"msgtype": "textcard", "textcard": card}
