import pytest
from django.core.cache import cache

from tests.personas import cement_works, client_authority, engagement, people  # noqa: F401


@pytest.fixture(autouse=True)
def fresh_cache():
    """Login throttling counts in the cache: each test starts with none."""
    cache.clear()
    yield
    cache.clear()
