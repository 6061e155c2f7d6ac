"""A browser session for Swagger UI: signed in through a throttled form."""

import pytest
from django.core.cache import cache
from django.test import Client


@pytest.fixture
def browser():
    cache.clear()  # the throttle counts in the cache
    return Client()


def test_staff_sign_in_with_a_session_and_swagger_ui_loads(people, browser):
    people.head.user.set_password("pw-head")
    people.head.user.save()
    assert browser.get("/api/docs/").status_code == 401
    response = browser.post("/api/auth/session/login/",
                            {"username": people.head.user.username, "password": "pw-head",
                             "next": "/api/docs/"})
    assert (response.status_code, response["Location"]) == (302, "/api/docs/")
    assert b"swagger-ui" in browser.get("/api/docs/").content
    assert browser.get("/api/schema/").status_code == 200


def test_guessing_passwords_on_the_form_is_throttled_like_the_token_login(people, browser):
    attempts = [browser.post("/api/auth/session/login/",
                             {"username": people.head.user.username, "password": f"x{i}"})
                for i in range(11)]
    assert [r.status_code for r in attempts[:10]] == [200] * 10  # the form, with its error
    assert attempts[10].status_code == 429 and attempts[10]["Retry-After"]


def test_a_forged_forwarded_for_header_does_not_reset_the_count(people, browser):
    """No proxy is trusted by default: throttles count the connecting address."""
    for i in range(10):
        browser.post("/api/auth/token/", {"username": people.head.user.username,
                                          "password": f"x{i}"},
                     HTTP_X_FORWARDED_FOR=f"203.0.113.{i}")
    refused = browser.post("/api/auth/token/", {"username": people.head.user.username,
                                                "password": "x"},
                           HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert refused.status_code == 429


def sign_in(browser, url, username, password, address):
    """The token login takes JSON, the form takes form data."""
    body = {"username": username, "password": password}
    if "token" in url:
        return browser.post(url, body, content_type="application/json",
                            HTTP_X_FORWARDED_FOR=address)
    return browser.post(url, body, HTTP_X_FORWARDED_FOR=address)


@pytest.mark.parametrize("url", ["/api/auth/token/", "/api/auth/session/login/"])
def test_guesses_at_one_account_from_many_addresses_are_counted_per_account(
        people, browser, settings, url):
    """Behind a trusted proxy every guess may come from another address: the account's
    own count still stops the eleventh."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    head = people.head.user.username
    codes = [sign_in(browser, url, head, f"x{i}", f"203.0.113.{i}").status_code
             for i in range(11)]
    assert codes[:10] == [400 if "token" in url else 200] * 10 and codes[10] == 429
    other = sign_in(browser, url, people.office.user.username, "x", "198.51.100.1")
    assert other.status_code != 429  # another account, another address: not throttled


def test_a_body_that_names_no_account_is_refused_as_input(people, browser):
    for body in ("[]", '"head"', "not json"):
        response = browser.post("/api/auth/token/", body, content_type="application/json")
        assert response.status_code == 400, (body, response.content)
