"""What the fake WeCom and DingTalk servers share: a real HTTP server on 127.0.0.1 in a
thread, access tokens it issues for the right credentials and can expire at will, the
members of the organisation, every request recorded, and failures planned by the test.

Each platform (tests/fakes/wecom.py, tests/fakes/dingtalk.py) says its routes and the
shapes of its answers, word for word where the platform documents them.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl


@dataclass
class Call:
    """One request as it arrived: `path` without the query, `query` its parameters, `body`
    the decoded JSON; `status` and `answer` what the fake replied."""

    at: float
    method: str
    path: str
    query: dict
    body: dict | None
    status: int = 200
    answer: object = None


@dataclass
class PlannedFailure:
    kind: str
    remaining: int
    path: str | None  # None: any route but the token's
    user: str | None


@dataclass
class PlatformState:
    credentials: dict[str, str]  # what gettoken must be given
    users: set[str]
    calls: list[Call] = field(default_factory=list)
    tokens: dict[str, float] = field(default_factory=dict)  # token -> expiry (monotonic)
    failures: list[PlannedFailure] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    numbers: itertools.count = field(default_factory=lambda: itertools.count(1))
    on_call: Callable[[Call], None] | None = None


class PlatformHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: PlatformHttpServer

    def do_GET(self):
        self.answer_request("GET")

    def do_POST(self):
        self.answer_request("POST")

    def answer_request(self, method: str):
        path, _, query = self.path.partition("?")
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        fake = self.server.fake
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        call = Call(at=time.monotonic(), method=method, path=path,
                    query=dict(parse_qsl(query, keep_blank_values=True)), body=body)
        if raw and body is None:
            status, answer = fake.bad_body(call)
        elif raw and "application/json" not in self.headers.get("Content-Type", ""):
            status, answer = fake.bad_body(call)
        else:
            status, answer = fake.route(call)
        call.status, call.answer = status, answer
        with fake.state.lock:
            fake.state.calls.append(call)
        if fake.state.on_call is not None:
            fake.state.on_call(call)
        data = answer if isinstance(answer, bytes) else json.dumps(
            answer, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html" if isinstance(answer, bytes)
                         else "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        pass


class PlatformHttpServer(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakePlatform


class FakePlatform:
    """The machinery; a platform subclass sets `name`, `token_path`, `failures` (kind →
    its answer) and `route` (what each path answers)."""

    name = "platform"
    token_path = "/gettoken"
    failures: dict[str, tuple[int, object]] = {}

    def __init__(self, *, credentials: dict[str, str], users=(), port: int = 0):
        self.state = PlatformState(credentials=dict(credentials), users=set(users))
        self.httpd = PlatformHttpServer(("127.0.0.1", port), PlatformHandler)
        self.httpd.fake = self
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True,
                                       name=f"fake-{self.name}")

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def start(self):
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)

    # --- what arrived ---------------------------------------------------------------
    @property
    def calls(self) -> list[Call]:
        with self.state.lock:
            return list(self.state.calls)

    def calls_to(self, path: str) -> list[Call]:
        return [c for c in self.calls if c.path == path]

    # --- how it answers ---------------------------------------------------------------
    def add_user(self, user_id: str) -> None:
        with self.state.lock:
            self.state.users.add(user_id)

    def remove_user(self, user_id: str) -> None:
        """The member left the organisation: messages to them fail as the platform's do."""
        with self.state.lock:
            self.state.users.discard(user_id)

    def expire_tokens(self) -> None:
        """Every token issued so far expires now (as after 7200 s, or a secret reset)."""
        with self.state.lock:
            self.state.tokens = dict.fromkeys(self.state.tokens, 0.0)

    def fail_next(self, kind: str, *, times: int = 1, path: str | None = None,
                  user: str | None = None) -> None:
        """The next `times` calls to `path` (any route but gettoken when None; gettoken
        when it is named), to `user` if given, answer as `kind` (a key of `failures`)."""
        if kind not in self.failures:
            raise ValueError(f"unknown failure {kind!r}; one of {sorted(self.failures)}")
        with self.state.lock:
            self.state.failures.append(PlannedFailure(kind, times, path, user))

    def planned(self, call: Call, user: str | None) -> tuple[int, object] | None:
        with self.state.lock:
            for failure in self.state.failures:
                on_path = (failure.path == call.path if failure.path is not None
                           else call.path != self.token_path)
                if (failure.remaining > 0 and on_path
                        and (failure.user is None or failure.user == user)):
                    failure.remaining -= 1
                    return self.failures[failure.kind]
        return None

    def issue_token(self, expires_in: int = 7200) -> str:
        with self.state.lock:
            token = f"{self.name}-token-{next(self.state.numbers)}"
            self.state.tokens[token] = time.monotonic() + expires_in
        return token

    def token_state(self, token: str) -> str:
        """"valid", "expired" or "invalid" (never issued)."""
        with self.state.lock:
            expiry = self.state.tokens.get(token)
        if expiry is None:
            return "invalid"
        return "valid" if expiry > time.monotonic() else "expired"

    def credentials_match(self, query: dict) -> bool:
        return all(query.get(k) == v for k, v in self.state.credentials.items())

    def route(self, call: Call) -> tuple[int, object]:
        raise NotImplementedError

    def bad_body(self, call: Call) -> tuple[int, object]:
        raise NotImplementedError


def serve_forever(fake: FakePlatform, settings_lines: list[str]) -> None:
    """The standalone demo: print each call as it arrives until interrupted."""

    def show(call: Call) -> None:
        print(f"{call.status} {call.method} {call.path} "
              f"{json.dumps(call.body, ensure_ascii=False) if call.body else ''} → "
              f"{json.dumps(call.answer, ensure_ascii=False, default=str)}", flush=True)

    fake.state.on_call = show
    print(f"Fake {fake.name} on {fake.base_url}", *settings_lines, sep="\n  ", flush=True)
    fake.thread.start()
    try:
        fake.thread.join()
    except KeyboardInterrupt:
        fake.stop()


def command_line(fake_class: type[FakePlatform], *, doc: str, port: int,
                 argv: list[str] | None = None) -> None:
    """`python -m tests.fakes.<platform> --port N --user ID …`: the standalone demo."""
    import argparse

    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=port)
    parser.add_argument("--user", action="append", default=[],
                        help="a member's user id (repeat for more)")
    args = parser.parse_args(argv)
    fake = fake_class(users=args.user, port=args.port)
    serve_forever(fake, [f"{k}={v}" for k, v in fake.settings().items()])
