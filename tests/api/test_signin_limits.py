"""Every sign-in is limited (django-axes on top of the API's per-minute throttles), the
counts live in a cache every worker shares, and signing out ends the browser session."""

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


@pytest.fixture
def admin_user(db):
    """The Django admin's own superuser (not a staff persona)."""
    return get_user_model().objects.create_superuser("root", "root@example.cn", "right-pw")


def test_the_admin_sign_in_locks_out_after_repeated_failures(admin_user, settings):
    """40 wrong passwords used to go through and the right one then worked: now the
    address and the account are locked out, and the admin shows a readable page."""
    browser = Client()
    codes = [browser.post("/admin/login/", {"username": "root", "password": f"x{i}"})
             .status_code for i in range(settings.AXES_FAILURE_LIMIT)]
    assert codes[:-1] == [200] * (settings.AXES_FAILURE_LIMIT - 1)  # the form, with its error
    refused = browser.post("/admin/login/", {"username": "root", "password": "right-pw"})
    assert refused.status_code == 429 and refused["Retry-After"]
    assert refused["Content-Type"].startswith("text/html")
    assert "30" in refused.content.decode()  # says for how long
    assert "_auth_user_id" not in browser.session


def test_another_address_may_not_sign_in_to_a_locked_account(admin_user, settings):
    settings.AXES_FAILURE_LIMIT = 5
    for i in range(5):
        Client(REMOTE_ADDR=f"203.0.113.{i}").post(
            "/admin/login/", {"username": "root", "password": f"x{i}"})
    refused = Client(REMOTE_ADDR="198.51.100.9").post(
        "/admin/login/", {"username": "root", "password": "right-pw"})
    assert refused.status_code == 429


def sign_in(browser, url, username, password):
    """The token login takes JSON, the session login a form."""
    body = {"username": username, "password": password}
    if "token" in url:
        return browser.post(url, body, content_type="application/json")
    return browser.post(url, body)


def refusal_shape(response) -> dict:
    body = response.json()
    assert set(body) == {"code", "rule", "detail", "errors"}, body
    return body


@pytest.mark.parametrize("url", ["/api/auth/token/", "/api/auth/session/login/"])
def test_an_api_sign_in_lockout_is_a_json_refusal(people, settings, url):
    """Below the per-minute throttle (a lower lockout limit here): the right password is
    refused once locked out, as JSON in the API's refusal shape."""
    settings.AXES_FAILURE_LIMIT = 4
    people.head.user.set_password("pw-head")
    people.head.user.save()
    browser = Client()
    for i in range(4):
        sign_in(browser, url, people.head.user.username, f"x{i}")
    refused = sign_in(browser, url, people.head.user.username, "pw-head")
    assert refused.status_code == 429 and refused["Retry-After"]
    assert refusal_shape(refused)["code"] == "locked_out"


@pytest.mark.parametrize("url", ["/api/auth/token/", "/api/auth/session/login/"])
def test_a_throttled_sign_in_is_a_json_refusal(people, url):
    browser = Client()
    for i in range(10):
        sign_in(browser, url, "head", f"x{i}")
    refused = sign_in(browser, url, "head", "x")
    assert refused.status_code == 429 and refused["Retry-After"]
    assert refusal_shape(refused)["code"] == "throttled"


def test_signing_out_ends_the_browser_session(people):
    """The session used to keep working after POST /api/auth/logout/."""
    people.head.user.set_password("pw-head")
    people.head.user.save()
    browser = Client()
    assert browser.post("/api/auth/session/login/", {
        "username": people.head.user.username, "password": "pw-head"}).status_code == 302
    assert browser.get("/api/me/").status_code == 200
    assert browser.post("/api/auth/logout/").status_code == 204
    assert browser.get("/api/me/").status_code in (401, 403)


def test_signing_out_revokes_the_token(people):
    people.head.user.set_password("pw-head")
    people.head.user.save()
    token = sign_in(Client(), "/api/auth/token/", people.head.user.username,
                    "pw-head").json()["token"]
    auth = {"HTTP_AUTHORIZATION": f"Token {token}"}
    assert Client().post("/api/auth/logout/", **auth).status_code == 204
    assert Client().get("/api/me/", **auth).status_code == 401


# --- Two gunicorn workers share the counts ---------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# No password: refused as input before any password hashing (a second per try with the
# production hasher), but counted by the throttles all the same.
BODY = json.dumps({"username": "nobody"}).encode()
REQUEST = (b"POST /api/auth/token/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
           b"Content-Type: application/json\r\nConnection: close\r\n"
           b"Content-Length: " + str(len(BODY)).encode() + b"\r\n\r\n" + BODY)


def held(port: int) -> socket.socket:
    """A connection that has sent half its request: the worker that took it waits for the
    rest, so the next requests go to the other worker."""
    conn = socket.create_connection(("127.0.0.1", port), timeout=10)
    conn.sendall(REQUEST[:20])
    time.sleep(0.3)  # let a worker accept it
    return conn


def status_of(conn: socket.socket) -> int:
    data = b""
    while b"\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
    conn.close()
    return int(data.split(b" ", 2)[1])


def attempt(port: int) -> int:
    conn = socket.create_connection(("127.0.0.1", port), timeout=10)
    conn.sendall(REQUEST)
    return status_of(conn)


@pytest.mark.server
def test_the_sign_in_throttle_holds_across_two_gunicorn_workers(tmp_path):
    """With each worker counting in its own memory, two workers let 20 tries a minute
    through; with the shared cache the eleventh is refused whichever worker takes it."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(DJANGO_SETTINGS_MODULE="caseflow.settings", DEBUG="1",
               SECRET_KEY="gunicorn-test-key-0123456789-0123456789-0123456789",
               CASEFLOW_VAR_DIR=str(tmp_path), LOGIN_THROTTLE_RATE="10/min",
               SIGNIN_LOCKOUT_FAILURES="100")  # the throttle alone, here
    # A file SQLite database with the cache table, all a refused sign-in touches
    # (`manage.py createcachetable`'s table, made here without starting Django again).
    # REDIS_URL, when set, puts the counts in Redis as in production.
    with sqlite3.connect(tmp_path / "caseflow.sqlite3") as db:
        db.execute("CREATE TABLE caseflow_cache (cache_key varchar(255) NOT NULL PRIMARY KEY,"
                   " value text NOT NULL, expires datetime NOT NULL)")
        db.execute("CREATE INDEX caseflow_cache_expires ON caseflow_cache (expires)")
    port = free_port()
    log = tmp_path / "access.log"
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "caseflow.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--no-control-socket", "--access-logfile", str(log),
         "--access-logformat", "%(p)s %(s)s"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    started = time.monotonic()
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        time.sleep(0.5)  # both workers up
        first = held(port)                          # worker A waits on it
        codes = [attempt(port) for _ in range(5)]   # worker B: tries 1-5
        second = held(port)                         # worker B waits on this one
        first.sendall(REQUEST[20:])
        codes.append(status_of(first))              # worker A: try 6
        codes += [attempt(port) for _ in range(5)]  # worker A: tries 7-11
        second.sendall(REQUEST[20:])
        codes.append(status_of(second))             # worker B: try 12
    finally:
        server.send_signal(signal.SIGINT)  # gunicorn's quick shutdown
        server.wait(timeout=10)
    assert time.monotonic() - started < 60
    workers = {line.split()[0] for line in log.read_text().splitlines()}
    assert len(workers) == 2, "both workers answered"
    assert codes[:10] == [400] * 10 and codes[10:] == [429, 429], codes
