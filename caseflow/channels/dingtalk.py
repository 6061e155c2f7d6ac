"""The DingTalk (钉钉) channel: a work notification (工作通知) of the body's internal app to
one member.

`POST /topapi/message/corpconversation/asyncsend_v2` with the app's `agent_id`, the
person's userid in `userid_list` and an `action_card` message (a title, the text in
DingTalk's markdown, a button per link), with an access token from
`GET /gettoken?appkey&appsecret` shared through Django's cache
(`caseflow.channels.platform_api`). Off while DINGTALK_APP_KEY, DINGTALK_APP_SECRET and
DINGTALK_AGENT_ID are not all set.

Why not the official SDK (alibabacloud-dingtalk 2.2.65): it covers the newer
api.dingtalk.com endpoints, not this work notification, and brings the Tea runtime with
it; two HTTP calls on httpx say it more plainly.

The sending is asynchronous: DingTalk answers with a task id, and a userid that reaches
nobody is named in the task's result rather than in the answer. So right after sending,
`getsendresult` is read once: a userid listed invalid marks the link broken and the next
channel takes the message; one listed as filtered (DingTalk's per-person daily limits) or
failed goes to the next channel too. If that reading fails, the message counts as sent
(DingTalk took it; sending it again would duplicate it).

What DingTalk's answers mean for delivery (its global error codes):
- 40014 / 42001, or 88 with one of them as `sub_code`: the token is invalid or expired: a
  new token, and the message once more.
- 90002 / 90005 / 90006 / 90008 / 90010 / 90018 / 90019, a frequency limit (the whole
  platform's on this API, the server's, the app's per second): RateLimited, tried again
  later; so is the IP-wide limit's answer (`{"status": 1111, "wait": 5}`, minutes).
- 33012 / 60121, no such userid: the link is broken; the next channel takes the message.
- 90020, the organisation's monthly quota spent, and a wrong app key or secret, no
  permission (88 with another sub_code): retrying will not help until an operator acts:
  the next channel takes the message now.
- -1, system busy: tried again later; anything else (43004 is a wrong Content-Type, our
  fault, not a limit): the next channel, with DingTalk's code and words on the attempt.
"""

from __future__ import annotations

import logging
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

logger = logging.getLogger(__name__)

TOKEN_CODES = {40014, 42001}
# code -> seconds to wait: per-second limits briefly, "temporarily disabled" a minute.
RATE_LIMITED = {90018: 2.0, 90019: 2.0, 90002: 5.0, 90005: 60.0, 90006: 60.0,
                90008: 60.0, 90010: 60.0}
USER_GONE = {33012, 60121}
BUSY = {-1}
CONFIGURATION = {88, 40089, 90020, 60011, 60020}
SEND_PATH = "/topapi/message/corpconversation/asyncsend_v2"
RESULT_PATH = "/topapi/message/corpconversation/getsendresult"
TITLE_BYTES, TEXT_BYTES = 200, 4000


def configured() -> bool:
    return bool(settings.DINGTALK_APP_KEY and settings.DINGTALK_APP_SECRET
                and settings.DINGTALK_AGENT_ID)


def token_refused(answer: Answer) -> bool:
    """40014 / 42001 as such, or wrapped in 88 (the topapi endpoints' "auth error")."""
    if answer.errcode in TOKEN_CODES:
        return True
    return answer.errcode == 88 and str(answer.data.get("sub_code", "")) in {
        str(code) for code in TOKEN_CODES}


def dingtalk_api() -> PlatformApi:
    return PlatformApi(
        platform="DingTalk", base_url=settings.DINGTALK_API_BASE_URL, token_path="/gettoken",
        token_query={"appkey": settings.DINGTALK_APP_KEY,
                     "appsecret": settings.DINGTALK_APP_SECRET},
        token_refused=token_refused)


class DingTalkChannel:
    name: ClassVar[str] = "dingtalk"
    # Presses come back to nobody: a reminder's card carries the person's own signed
    # acknowledgement link (caseflow.actions.acknowledgement_links).
    acknowledges_by_link: ClassVar[bool] = True

    def address_for(self, staff: Staff) -> str | None:
        if (not configured() or not staff.dingtalk_user_id
                or staff.dingtalk_broken_at is not None):
            return None
        return staff.dingtalk_user_id

    def send(self, address: str, message: Message) -> Sent:
        if not configured():
            raise PermanentFailure("DingTalk is not configured (DINGTALK_APP_KEY, "
                                   "DINGTALK_APP_SECRET, DINGTALK_AGENT_ID).")
        api = dingtalk_api()
        agent_id = int(settings.DINGTALK_AGENT_ID)
        body = {"agent_id": agent_id, "userid_list": address, "msg": message_payload(message)}
        answer = api.post(SEND_PATH, body, check=raise_for_errcode)
        raise_for_errcode(answer)
        task_id = answer.data.get("task_id")
        check_send_result(api, agent_id, task_id, address)
        return Sent(external_id=str(task_id or ""),
                    detail=f"request {answer.data.get('request_id', '')}".strip())

    def mark_broken(self, staff: Staff) -> None:
        broken = staff_messenger_broken(staff=staff, messenger=self.name,
                                        reason="DingTalk: the userid reaches nobody")
        staff.dingtalk_broken_at = broken.dingtalk_broken_at  # the caller's copy agrees


def check_send_result(api: PlatformApi, agent_id: int, task_id, address: str) -> None:
    """Raise when the sending task names the userid as not reached."""
    if not task_id:
        return
    try:
        answer = api.post(RESULT_PATH, {"agent_id": agent_id, "task_id": task_id},
                          check=raise_for_errcode)
        raise_for_errcode(answer)
    except (DeliveryError, PermanentFailure):
        logger.warning("DingTalk send result of task %s unreadable; counted as sent",
                       task_id, exc_info=True)
        return
    result = answer.data.get("send_result") or {}

    def listed(key: str) -> bool:
        return address in {str(u) for u in result.get(key) or ()}

    if listed("invalid_user_id_list"):
        raise PermanentFailure("DingTalk: the userid is invalid", broken_link=True)
    if listed("forbidden_user_id_list"):
        raise PermanentFailure("DingTalk: filtered by its per-person limits")
    if listed("failed_user_id_list"):
        raise PermanentFailure("DingTalk: the message failed for this userid")


def raise_for_errcode(answer: Answer) -> None:
    """Nothing for success; otherwise the error that says what delivery should do."""
    data = answer.data
    if "errcode" not in data and data.get("status") == 1111:
        # The IP-wide limit: not an errcode but a punishment, `wait` in minutes.
        minutes = float(data.get("wait") or 5)
        raise RateLimited("DingTalk: this server's address is limited", retry_after=minutes * 60)
    code = answer.errcode
    if code == 0:
        return
    sub = f" ({data.get('sub_code')}: {str(data.get('sub_msg', ''))[:200]})" \
        if data.get("sub_code") else ""
    what = f"DingTalk errcode {code}: {answer.errmsg}{sub}"
    if code in RATE_LIMITED:
        raise RateLimited(what, retry_after=RATE_LIMITED[code])
    if code in BUSY or token_refused(answer):  # refused again right after a fresh token
        raise DeliveryError(what)
    if code in USER_GONE:
        raise PermanentFailure(what, broken_link=True)
    if code in CONFIGURATION:
        raise PermanentFailure(f"{what} (check the DINGTALK_* settings and the app's "
                               "permissions)")
    raise PermanentFailure(what)


def message_payload(message: Message) -> dict:
    """An action card with a button per link (the acknowledgement link first where there
    is one, then the case's page); markdown with the link when there are no buttons.
    The text is ours (R8.13: never a submitter's words), so it is not markdown-escaped;
    each line is its own paragraph, as DingTalk's markdown joins single newlines."""
    markdown = "\n\n".join(line for line in message.text.splitlines() if line.strip())
    buttons = [{"title": b.label, "action_url": b.url} for b in message.buttons if b.url]
    title = within_bytes(message.subject, TITLE_BYTES)
    if not buttons:
        if message.link:
            markdown += f"\n\n[{message.link}]({message.link})"
        return {"msgtype": "markdown",
                "markdown": {"title": title, "text": within_bytes(
                    f"#### {message.subject}\n\n{markdown}", TEXT_BYTES)}}
    card = {"title": title, "markdown": within_bytes(f"#### {message.subject}\n\n{markdown}",
                                                     TEXT_BYTES)}
    if len(buttons) == 1:
        card.update(single_title=buttons[0]["title"], single_url=buttons[0]["action_url"])
    else:
        card.update(btn_orientation="1", btn_json_list=buttons)
    return {"msgtype": "action_card", "action_card": card}
