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
# The public forms' per-address limit (10 an hour in production) counts every POST from
# one address, and the intake benchmark (bench/intake.py) sends all of its from
# 127.0.0.1: it sets BENCH_SUBMIT_RATE for its run. The limit is still checked and
# counted in the cache on every submission; only its ceiling is raised.
CASEFLOW_SUBMIT_RATE = os.environ.get("BENCH_SUBMIT_RATE", CASEFLOW_SUBMIT_RATE)  # noqa: F405
