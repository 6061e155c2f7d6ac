"""A minimal Django project serving django-helpdesk, the public-intake benchmark's peer
(bench/intake.py). Run from its own virtualenv against DATABASE_URL, on loopback, with
the same database options as Caseflow's (bench/settings.py): no DEBUG, no JIT, the same
connection age."""

import os
from pathlib import Path

import dj_database_url

ROOT = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = os.environ.get("SECRET_KEY", "bench-helpdesk-only-secret-key-0123456789abcdef")
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "rest_framework",
    "helpdesk",
]
SITE_ID = 1
HELPDESK_TEAMS_MODE_ENABLED = False  # needs pinax-teams otherwise

# Django's own stack (what `startproject` gives), CSRF included.
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "bench.helpdesk_site.urls"
WSGI_APPLICATION = "bench.helpdesk_site.wsgi.application"
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "DIRS": [],
    "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
    ]},
}]

DATABASES = {"default": dj_database_url.parse(
    os.environ["DATABASE_URL"],
    conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")))}
# As Caseflow's settings do on PostgreSQL (a few-millisecond query gains nothing from JIT).
DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
STATIC_URL = "/static/"
MEDIA_ROOT = ROOT / "var" / "bench" / "helpdesk-media"
LOGIN_URL = "helpdesk:login"

# django-helpdesk mails the submitter inside the request; as Caseflow does with no mail
# server configured, each message is written to a file.
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = ROOT / "var" / "bench" / "helpdesk-mail"
DEFAULT_FROM_EMAIL = "helpdesk@localhost"
