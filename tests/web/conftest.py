"""What the web tests share: the site's default language at each start, Debian's Chromium
driven by Playwright (tests.web.browser), a phone-sized page on the live server."""

import os

import pytest
from django.conf import settings
from django.utils import translation

from tests.web.browser import CHROMIUM, PHONE


@pytest.fixture(autouse=True)
def default_language():
    """A request in English leaves English active in this thread: start each test from
    the site's default again."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(scope="package")
def chromium():
    """One browser for the web tests, closed when they end: Playwright's sync API keeps an
    event loop running in this thread, which would break `asyncio.run` (the Telegram
    channel) in any test after it."""
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's own loop
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--no-first-run"])
            yield browser
            browser.close()
    finally:
        if before is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


@pytest.fixture
def phone(chromium, live_server):
    context = chromium.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True,
                                   has_touch=True, base_url=live_server.url)
    page = context.new_page()
    yield page
    context.close()

