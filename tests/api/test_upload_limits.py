"""A body over the limit is refused before anything reads it (413), on every route: the
attachment endpoints and the rest alike, signed in or not."""

import io

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/api/documents/", "/api/auth/token/", "/admin/login/"])
def test_a_body_declared_over_the_limit_is_refused_unread(people, settings, url):
    browser = Client()
    browser.force_login(people.head.user)
    too_big = settings.CASEFLOW_REQUEST_MAX_BYTES + 1
    body = io.BytesIO(b"x" * 16)  # what a reader would get: it must not be read at all
    response = browser.generic("POST", url, b"", content_type="multipart/form-data; "
                               "boundary=x", CONTENT_LENGTH=str(too_big),
                               **{"wsgi.input": body})
    assert response.status_code == 413
    assert body.tell() == 0
    if url.startswith("/api/"):
        assert set(response.json()) == {"code", "rule", "detail", "errors"}


def test_the_limit_leaves_room_for_the_largest_attachment(settings):
    assert settings.CASEFLOW_REQUEST_MAX_BYTES > settings.CASEFLOW_UPLOAD_MAX_BYTES


def test_a_body_within_the_limit_goes_on_to_the_view(people):
    response = Client().post("/api/auth/token/", {"username": "nobody"},
                             content_type="application/json")
    assert response.status_code == 400
