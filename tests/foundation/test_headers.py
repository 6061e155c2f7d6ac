"""A Content-Security-Policy on every response, strict enough for the server-rendered
pages (our own files only, no inline script or style), and the pages still work under it:
Swagger UI (its start-up script served as a file), the sign-in form, the admin."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.test import Client

pytestmark = pytest.mark.django_db

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style|\sstyle=\"", re.I)


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {name: values for name, *values in
            (part.split() for part in header.split(";") if part.strip())}


def assert_strict(response):
    directives = policy(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]


@pytest.fixture
def head_browser(people):
    browser = Client()
    browser.force_login(people.head.user)
    return browser


@pytest.mark.parametrize("url", ["/healthz", "/api/cases/", "/api/auth/session/login/",
                                 "/admin/login/", "/no-such-page"])
def test_every_response_carries_a_strict_content_security_policy(client, url):
    assert_strict(client.get(url))


def test_swagger_ui_loads_under_the_policy_with_its_script_as_a_file(head_browser):
    page = head_browser.get("/api/docs/")
    assert page.status_code == 200
    assert_strict(page)
    html = page.content.decode()
    assert not INLINE_SCRIPT.search(html) and not INLINE_STYLE.search(html)
    sources = re.findall(r'<(?:script src|link rel="stylesheet" href)="([^"]+)"', html)
    assert len(sources) == 5  # Swagger UI's bundle, preset, start-up script and two sheets
    for source in sources:  # all our own: static files that exist, or the script view
        assert source.startswith("/"), source
        if source.startswith(static("")):
            assert finders.find(source.removeprefix(static(""))), source
        else:
            assert head_browser.get(source.replace("&amp;", "&")).status_code == 200, source
    script = head_browser.get("/api/docs/?script=")
    assert script["Content-Type"].startswith("application/javascript")
    assert b"/api/schema/" in script.content and b"SwaggerUIBundle" in script.content


def test_the_sign_in_form_has_no_inline_script_or_style(client):
    html = client.get("/api/auth/session/login/").content.decode()
    assert 'name="password"' in html
    assert not INLINE_SCRIPT.search(html) and not INLINE_STYLE.search(html)


def test_the_admin_works_under_the_policy(db):
    get_user_model().objects.create_superuser("root", "root@example.cn", "right-pw")
    browser = Client()
    assert browser.post("/admin/login/", {"username": "root", "password": "right-pw",
                                          "next": "/admin/"}).status_code == 302
    for url in ("/admin/", "/admin/caseflow/case/", "/admin/caseflow/organization/add/"):
        page = browser.get(url)
        assert page.status_code == 200, url
        assert_strict(page)
        assert not INLINE_SCRIPT.search(page.content.decode()), url
