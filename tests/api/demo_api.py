"""The API as schemathesis sees it: the schema loaded from the WSGI app, called
in-process. The demo data and its tokens are the fixtures `tokens` and
`keep_the_test_connection` of tests/api/conftest.py."""

import schemathesis
from django.core.wsgi import get_wsgi_application

schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())


def headers(token: str | None) -> dict[str, str]:
    auth = {"Authorization": f"Token {token}"} if token else {}
    return auth | {"Host": "localhost"}
