"""The shared cache on Redis (REDIS_URL): Django's backend, with one redis-py client per
connection pool instead of a new one for every call."""

import pytest
from django.conf import settings
from django.core.cache import caches

from caseflow.redis_cache import RedisCache


@pytest.fixture
def redis_cache():
    if not settings.REDIS_URL:
        pytest.skip("needs Redis (REDIS_URL)")
    cache = RedisCache(settings.REDIS_URL, {"KEY_PREFIX": "caseflow-test-redis-cache"})
    yield cache
    cache.clear()


def test_every_call_goes_through_one_client(redis_cache):
    client = redis_cache._cache.get_client(write=True)
    assert redis_cache._cache.get_client() is client
    assert redis_cache._cache.get_client("a key", write=True) is client


def test_it_is_djangos_redis_cache_in_every_other_way(redis_cache):
    """What the rate limits and sessions use: add once, count, read back, expire."""
    assert redis_cache.add("submissions", 1, timeout=60)
    assert not redis_cache.add("submissions", 5, timeout=60)
    assert redis_cache.incr("submissions") == 2
    with pytest.raises(ValueError):
        redis_cache.incr("never_set")
    redis_cache.set("session", {"caseflow.receipt": {"number": "TS-2026-0001"}}, timeout=60)
    assert redis_cache.get("session") == {"caseflow.receipt": {"number": "TS-2026-0001"}}
    assert redis_cache.delete("session") and redis_cache.get("session") is None
    redis_cache.set("gone", 1, timeout=0)
    assert redis_cache.get("gone", "default") == "default"


def test_the_settings_use_it_with_redis():
    if not settings.REDIS_URL:
        pytest.skip("needs Redis (REDIS_URL)")
    assert isinstance(caches["default"], RedisCache)
