"""Settings of the benchmarks: the production settings (every check on: validation,
permissions, the impartiality guard, audit events), served plainly on loopback."""

import os

os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789abcdef")

from caseflow.settings import *  # noqa: E402,F403

ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
# Loopback has no TLS: the redirect and secure cookies would stop every request.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
