"""How the app's PostgreSQL connections are set up: the planner settings that the
benchmarks' plans depend on (bench/RESULTS.md), each overridable by the environment."""

import pytest
from django.db import connection

pytestmark = [pytest.mark.django_db, pytest.mark.postgres,
              pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's settings")]


def setting(name: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SHOW {name}")
        return cursor.fetchone()[0]


def test_the_app_plans_for_tables_in_memory_without_jit_or_eager_parallel_workers():
    assert setting("random_page_cost") == "1.1"
    assert setting("jit") == "off"
    assert setting("parallel_setup_cost") == "10000"

