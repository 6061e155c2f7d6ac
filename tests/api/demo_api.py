"""The API as schemathesis sees it: the schema loaded from the WSGI app, called
in-process. The demo data and its tokens are the fixtures `tokens` and
`keep_the_test_connection` of tests/api/conftest.py."""

import json

import schemathesis
from django.core.wsgi import get_wsgi_application
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer


def api_schema() -> schemathesis.schemas.BaseSchema:
    """The schema `/api/schema/` serves (generated here: serving it needs a staff
    account, and the tokens come with the database), calling the app in-process."""
    document = SchemaGenerator().get_schema(request=None, public=True)
    loaded = schemathesis.openapi.from_dict(json.loads(OpenApiJsonRenderer().render(document)))
    loaded.app = get_wsgi_application()
    loaded.location = "/api/schema/"
    # Text never holds NUL (DRF refuses it in every CharField, as PostgreSQL would); a
    # JSON Schema string cannot say so short of a pattern on every string.
    loaded.config.generation.update(allow_x00=False)
    return loaded


schema = api_schema()


def headers(token: str | None) -> dict[str, str]:
    auth = {"Authorization": f"Token {token}"} if token else {}
    return auth | {"Host": "localhost"}
