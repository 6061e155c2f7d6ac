"""A fake Telegram Bot API server on 127.0.0.1, speaking real HTTP.

python-telegram-bot's `Bot(token, base_url="http://127.0.0.1:<port>/bot")` talks to it as
it would to api.telegram.org: `POST /bot<token>/<method>`, form-encoded (every value a
string, objects such as `reply_markup` as JSON text), multipart when a file goes along, or
a JSON body from other clients. Each request is recorded with its arrival time, method and
parsed parameters; tests can make the next calls fail the way Telegram fails (flood
control, a blocked bot, a chat that is gone).

Standalone, for demos: `python -m tests.fakes.bot_api --port 8081` prints what it receives;
with `--log FILE` it writes each call there as a line of JSON instead (the delivery
benchmark reads arrival times from it); `--port 0` takes a free port, printed at start.
"""

from __future__ import annotations

import argparse
import datetime as dt
import email.parser
import email.policy
import itertools
import json
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

# What Telegram answers, word for word, for the failures the delivery code must tell apart.
FAILURES = {
    "flood": (429, "Too Many Requests: retry after {retry_after}"),
    "blocked": (403, "Forbidden: bot was blocked by the user"),
    "deactivated": (403, "Forbidden: user is deactivated"),
    "chat_not_found": (400, "Bad Request: chat not found"),
    "bad_request": (400, "Bad Request: can't parse entities"),
    "server_error": (500, "Internal Server Error"),
}


@dataclass
class Call:
    """One request as it arrived. `at` is time.monotonic() (untouched by time-machine, so
    spacing can be measured while a test moves the clock); `status` what was answered."""

    at: float
    received_at: dt.datetime
    token: str
    method: str
    params: dict
    status: int = 200
    result: object = None

    @property
    def chat(self) -> str:
        return str(self.params.get("chat_id", ""))


@dataclass
class PlannedFailure:
    kind: str
    remaining: int
    chat: str | None
    method: str | None
    retry_after: int

    def matches(self, method: str, chat: str) -> bool:
        return (self.remaining > 0 and (self.method is None or self.method == method)
                and (self.chat is None or self.chat == chat))


@dataclass
class BotApiState:
    token: str
    bot_user: dict
    calls: list[Call] = field(default_factory=list)
    failures: list[PlannedFailure] = field(default_factory=list)
    messages: dict[tuple[str, int], dict] = field(default_factory=dict)
    updates: list[dict] = field(default_factory=list)
    # Tests may answer a method their own way: handler(params) -> result.
    handlers: dict[str, Callable[[dict], object]] = field(default_factory=dict)
    on_call: Callable[[Call], None] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    message_ids: itertools.count = field(default_factory=lambda: itertools.count(1))


def parse_params(content_type: str, body: bytes) -> dict:
    """The parameters as python-telegram-bot sends them: JSON objects and arrays decoded,
    scalars left as the strings they arrived as."""
    kind = content_type.split(";")[0].strip().lower()
    if not body:
        return {}
    if kind == "application/json":
        return json.loads(body)
    if kind == "multipart/form-data":
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body)
        raw = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if part.get_filename():
                raw[name] = {"filename": part.get_filename(),
                             "content": part.get_payload(decode=True)}
            else:
                raw[name] = part.get_payload(decode=True).decode()
        return {k: decode_value(v) for k, v in raw.items()}
    return {k: decode_value(v) for k, v in parse_qsl(body.decode(), keep_blank_values=True)}


def decode_value(value):
    if isinstance(value, str) and value[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


class BotApiHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as httpx expects from Telegram
    server: BotApiHttpServer

    def do_POST(self):
        self.answer_request()

    def do_GET(self):  # the Bot API accepts GET with a query string too
        self.answer_request()

    def answer_request(self):
        arrived = time.monotonic()
        received_at = dt.datetime.now(dt.UTC)
        path, _, query = self.path.partition("?")
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        state = self.server.state
        parts = path.strip("/").split("/")
        if len(parts) != 2 or not parts[0].startswith("bot"):
            return self.reply(404, {"ok": False, "error_code": 404, "description": "Not Found"})
        token, method = parts[0][3:], parts[1]
        try:
            params = parse_params(self.headers.get("Content-Type", ""), body)
        except ValueError:
            return self.reply(400, {"ok": False, "error_code": 400,
                                    "description": "Bad Request: invalid request body"})
        params.update({k: decode_value(v) for k, v in parse_qsl(query)})
        call = Call(at=arrived, received_at=received_at, token=token, method=method,
                    params=params)
        status, payload = answer(state, call)
        call.status = status
        call.result = payload.get("result")
        with state.lock:
            state.calls.append(call)
        if state.on_call is not None:
            state.on_call(call)
        self.reply(status, payload)

    def reply(self, status: int, payload: dict):
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        pass  # the calls are recorded; the demo prints them itself


def failure_payload(kind: str, retry_after: int) -> tuple[int, dict]:
    status, description = FAILURES[kind]
    payload = {"ok": False, "error_code": status,
               "description": description.format(retry_after=retry_after)}
    if status == 429:
        payload["parameters"] = {"retry_after": retry_after}
    return status, payload


def answer(state: BotApiState, call: Call) -> tuple[int, dict]:
    if call.token != state.token:
        return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
    with state.lock:
        planned = next((f for f in state.failures if f.matches(call.method, call.chat)), None)
        if planned is not None:
            planned.remaining -= 1
    if planned is not None:
        return failure_payload(planned.kind, planned.retry_after)
    method = METHODS.get(call.method)
    handler = state.handlers.get(call.method)
    if handler is None and method is None:
        return 404, {"ok": False, "error_code": 404, "description": "Not Found: method not found"}
    result = handler(call.params) if handler is not None else method(state, call.params)
    return 200, {"ok": True, "result": result}


def chat_of(params: dict) -> dict:
    chat_id = int(params["chat_id"])
    # Positive ids are people (private chats), negative ones groups: as on Telegram.
    return {"id": chat_id, "type": "private" if chat_id > 0 else "group",
            **({"first_name": f"User {chat_id}"} if chat_id > 0 else {"title": "Group"})}


def send_message(state: BotApiState, params: dict) -> dict:
    message = {"message_id": next(state.message_ids), "date": int(time.time()),
               "chat": chat_of(params), "from": state.bot_user, "text": params.get("text", "")}
    if params.get("reply_markup"):
        message["reply_markup"] = params["reply_markup"]
    with state.lock:
        state.messages[(str(message["chat"]["id"]), message["message_id"])] = message
    return message


def edited_message(state: BotApiState, params: dict, change: dict) -> dict | bool:
    if params.get("inline_message_id"):
        return True  # Telegram answers True for messages sent via inline mode
    key = (str(params.get("chat_id")), int(params.get("message_id", 0)))
    with state.lock:
        message = state.messages.get(key) or {
            "message_id": key[1], "date": int(time.time()), "chat": chat_of(params),
            "from": state.bot_user, "text": ""}
        message = {**message, **change, "edit_date": int(time.time())}
        if "reply_markup" in change and not change["reply_markup"]:
            message.pop("reply_markup")
        state.messages[key] = message
    return message


def edit_message_text(state: BotApiState, params: dict) -> dict | bool:
    change = {"text": params.get("text", "")}
    if "reply_markup" in params:
        change["reply_markup"] = params["reply_markup"]
    return edited_message(state, params, change)


def edit_message_reply_markup(state: BotApiState, params: dict) -> dict | bool:
    return edited_message(state, params, {"reply_markup": params.get("reply_markup") or None})


def get_updates(state: BotApiState, params: dict) -> list[dict]:
    """Updates pushed by the test, from `offset` on (earlier ones are confirmed: dropped)."""
    offset = int(params.get("offset") or 0)
    with state.lock:
        state.updates = [u for u in state.updates if u["update_id"] >= offset]
        return list(state.updates)


METHODS: dict[str, Callable[[BotApiState, dict], object]] = {
    "getMe": lambda state, params: state.bot_user,
    "sendMessage": send_message,
    "answerCallbackQuery": lambda state, params: True,
    "editMessageText": edit_message_text,
    "editMessageReplyMarkup": edit_message_reply_markup,
    "deleteMessage": lambda state, params: True,
    "setWebhook": lambda state, params: True,
    "deleteWebhook": lambda state, params: True,
    "getWebhookInfo": lambda state, params: {"url": "", "has_custom_certificate": False,
                                            "pending_update_count": 0},
    "setMyCommands": lambda state, params: True,
    "getUpdates": get_updates,
}


class BotApiHttpServer(ThreadingHTTPServer):
    daemon_threads = True
    state: BotApiState


class BotApiServer:
    """The fake server in a thread. `token` defaults to a fresh one (`<bot id>:<secret>`),
    so each test has its own bot and its own rate budget."""

    def __init__(self, *, token: str | None = None, port: int = 0):
        token = token or f"{secrets.randbelow(9 * 10**9) + 10**9}:fake-{secrets.token_hex(12)}"
        bot_id = int(token.split(":")[0]) if token.split(":")[0].isdigit() else 1
        self.state = BotApiState(token=token, bot_user={
            "id": bot_id, "is_bot": True, "first_name": "Caseflow", "username": "caseflow_bot",
            "can_join_groups": False, "can_read_all_group_messages": False,
            "supports_inline_queries": False})
        self.httpd = BotApiHttpServer(("127.0.0.1", port), BotApiHandler)
        self.httpd.state = self.state
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True,
                                       name="fake-bot-api")

    @property
    def token(self) -> str:
        return self.state.token

    @property
    def port(self) -> int:
        return self.httpd.server_address[1]

    @property
    def base_url(self) -> str:
        """What TELEGRAM_API_BASE_URL is set to: the token follows it."""
        return f"http://127.0.0.1:{self.port}/bot"

    def start(self) -> BotApiServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)

    # --- what arrived -------------------------------------------------------------------
    @property
    def calls(self) -> list[Call]:
        with self.state.lock:
            return list(self.state.calls)

    def calls_to(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def delivered(self, chat: int | str | None = None) -> list[Call]:
        """Messages accepted (sendMessage answered 200), optionally to one chat."""
        return [c for c in self.calls_to("sendMessage")
                if c.status == 200 and (chat is None or c.chat == str(chat))]

    # --- how it answers -----------------------------------------------------------------
    def fail_next(self, kind: str, *, times: int = 1, chat: int | str | None = None,
                  method: str | None = "sendMessage", retry_after: int = 1) -> None:
        """The next `times` calls of `method` (any method with None), to `chat` if given,
        fail as `kind` (a key of FAILURES: flood, blocked, deactivated, chat_not_found,
        bad_request, server_error)."""
        if kind not in FAILURES:
            raise ValueError(f"unknown failure {kind!r}; one of {sorted(FAILURES)}")
        with self.state.lock:
            self.state.failures.append(PlannedFailure(
                kind=kind, remaining=times, chat=None if chat is None else str(chat),
                method=method, retry_after=retry_after))

    def push_update(self, update: dict) -> None:
        """Queue an update for getUpdates (update_id numbered if absent)."""
        with self.state.lock:
            update.setdefault("update_id", len(self.state.updates) + 1)
            self.state.updates.append(update)

    def reset(self) -> None:
        with self.state.lock:
            self.state.calls.clear()
            self.state.failures.clear()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", help="the only token accepted (default: a fresh one)")
    parser.add_argument("--log", help="write each call to this file, one JSON line each "
                                      "(arrival as Unix time, method, status, parameters)")
    args = parser.parse_args(argv)
    server = BotApiServer(token=args.token, port=args.port)

    def show(call: Call) -> None:
        print(f"{call.received_at.astimezone():%H:%M:%S.%f} {call.status} {call.method} "
              f"{json.dumps(call.params, ensure_ascii=False, default=str)}", flush=True)

    if args.log:
        log = open(args.log, "a", encoding="utf-8")  # noqa: SIM115 - open while serving
        log_lock = threading.Lock()

        def write(call: Call) -> None:
            line = json.dumps({"at": call.received_at.timestamp(), "method": call.method,
                               "status": call.status, "params": call.params},
                              ensure_ascii=False, default=str)
            with log_lock:
                log.write(line + "\n")
                log.flush()

        server.state.on_call = write
    else:
        server.state.on_call = show
    print(f"Fake Bot API on {server.base_url}\n"
          f"  TELEGRAM_BOT_TOKEN={server.token}\n"
          f"  TELEGRAM_API_BASE_URL={server.base_url}", flush=True)
    server.thread.start()
    try:
        server.thread.join()
    except KeyboardInterrupt:
        server.stop()


if __name__ == "__main__":
    main()
