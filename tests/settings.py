"""Settings for the test suite: the production settings with test-only conveniences."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")


def separate_redis_database(url: str, worker: int) -> str:
    """`url` moved down by two Redis databases per pytest-xdist worker: each worker's
    cache (cleared by every test) and broker (drained by the workers some tests start)
    stay its own. The variables are rewritten once: processes a test starts (gunicorn, a
    Celery worker) inherit them already separated."""
    base, _, db = url.rpartition("/")
    return f"{base}/{int(db or 0) - 2 * worker}"


# pytest-xdist runs the suite in several processes (`make test`: -n auto).
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if XDIST_WORKER and not os.environ.get("CASEFLOW_TEST_WORKER_SEPARATED"):
    os.environ["CASEFLOW_TEST_WORKER_SEPARATED"] = XDIST_WORKER
    for name in ("REDIS_URL", "CELERY_BROKER_URL"):
        if os.environ.get(name, "").startswith("redis"):
            os.environ[name] = separate_redis_database(os.environ[name], int(XDIST_WORKER[2:]))

from caseflow.settings import *  # noqa: E402,F403

ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = VAR_DIR / f"test-media{XDIST_WORKER}"  # noqa: F405
if XDIST_WORKER and CELERY_BROKER_URL.startswith("sqla+sqlite"):  # noqa: F405
    # The embedded broker's file, one per worker (as the Redis databases above).
    CELERY_BROKER_URL = f"sqla+sqlite:///{VAR_DIR / f'celery-broker-{XDIST_WORKER}.sqlite3'}"  # noqa: F405
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 - whitenoise warns when missing
