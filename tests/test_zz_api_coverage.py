"""Runs after the API tests (file name sorts last): every documented operation answered
2xx to some persona somewhere in the suite (workflow tests, permission table,
schemathesis)."""

import re

import pytest
from drf_spectacular.generators import SchemaGenerator

from tests.api_recorder import SUCCESSES


def documented_operations() -> set[tuple[str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = set()
    for path, methods in schema["paths"].items():
        route = re.sub(r"\{(\w+)\}", r"<\1>", path.removeprefix("/"))
        for method in methods:
            operations.add((method.upper(), route))
    return operations


def normalise(route: str) -> str:
    route = re.sub(r"\(\?P<\w+>[^)]*\)", "<x>", route)  # regex routes: (?P<fmt>csv|xlsx)
    route = route.replace("^", "").replace("$", "").replace("\\.", ".")
    return re.sub(r"<(?:\w+:)?(\w+)>", "<x>", route)


def test_every_api_operation_answered_2xx_somewhere_in_the_suite():
    if len(SUCCESSES) < 10:
        pytest.skip("run with the API tests (the whole suite) to check coverage")
    seen = {(m, normalise(r)) for m, r in SUCCESSES}
    missing = sorted((m, r) for m, r in documented_operations()
                     if (m, normalise(r)) not in seen)
    assert not missing, f"never answered 2xx: {missing}"
