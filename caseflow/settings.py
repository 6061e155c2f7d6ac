"""Django settings for Caseflow, read from environment variables (see README.md).

Defaults are the embedded ones: SQLite under var/, a broker on a SQLite file (kombu's
SQLAlchemy transport), email written to files, the bot off. Production sets DATABASE_URL,
REDIS_URL, SECRET_KEY, ALLOWED_HOSTS and the EMAIL_* variables.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from caseflow.delivery_policy import DELIVERY_RETRIES

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("CASEFLOW_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if not DEBUG:
        raise RuntimeError("SECRET_KEY must be set when DEBUG is off (see README.md).")
    # A development key made once and kept, so sessions survive restarts.
    path = VAR_DIR / "dev_secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "django_celery_beat",
    "axes",
    "csp",
    "caseflow.apps.CaseflowConfig",
    "bots.apps.BotsConfig",  # the Telegram bot's command (runbot)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Before anything reads the body: an oversized one is refused unread (413).
    "caseflow.web.body_limit.BodyLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last: turns a sign-in refused by axes into its lockout answer (caseflow.web.lockout).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "caseflow.urls"
WSGI_APPLICATION = "caseflow.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "caseflow" / "web" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "caseflow.web.context.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'caseflow.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
        # A kept connection (max age > 0, e.g. a Celery worker's) is checked before it is
        # reused after a request or task, so a database restart costs no failed task.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: the app's queries take milliseconds, and a plan whose estimate
    # passes jit_above_cost (per-row EXISTS checks, say) spent 30-70 ms compiling itself
    # (bench/RESULTS.md). Set DATABASE_JIT=1 to leave the server's setting.
    options = [] if env_bool("DATABASE_JIT", False) else ["-c jit=off"]
    # Parallel workers only for a query worth starting them for (the yearly aggregates):
    # a bounded count of a few milliseconds planned in parallel (a short search term's
    # count through the grams' index) waited 20-40 ms for its workers on a busy machine.
    options.append("-c parallel_setup_cost=10000")
    # Pages read at random cost about what pages read in order cost when the tables sit in
    # memory or on SSD (PostgreSQL's manual suggests 1.1 there; its default, 4, models
    # spinning disks). At 4 the project office's search counted its matches by combining
    # a trigram bitmap of every case holding a common term with its own cases' index
    # instead of walking its own cases (bench/RESULTS.md). DATABASE_RANDOM_PAGE_COST
    # sets another value; empty leaves the server's.
    random_page_cost = os.environ.get("DATABASE_RANDOM_PAGE_COST", "1.1")
    if random_page_cost:
        options.append(f"-c random_page_cost={float(random_page_cost)}")
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = " ".join(options)
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web app, the worker and beat share one file: wait for locks instead of failing,
    # and take the write lock at BEGIN so two writers cannot deadlock on an upgrade.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# axes first: a locked-out client is refused before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Chinese first, English available (Django i18n; compiled by `make messages`).
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "caseflow" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "caseflow" / "web" / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# TrueType fonts embedded in notices and reports (HanaMinA.ttf, HanaMinB.ttf: fonts-hanazono).
PDF_FONT_DIR = os.environ.get("CASEFLOW_PDF_FONT_DIR", "/usr/share/fonts/truetype/hanazono")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

LOGIN_URL = "staff:signin"
LOGIN_REDIRECT_URL = "staff:home"  # a sign-in without `next` (Swagger UI links give one)

# --- Security (production defaults; a plain-HTTP demo runs with DEBUG on) -------------
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# --- Shared cache: sign-in throttles and lockouts count here, for every worker ----------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "caseflow.redis_cache.RedisCache",
                          "LOCATION": REDIS_URL, "KEY_PREFIX": "caseflow"}}
    # Sessions (staff sign-ins, a submitter's receipt and status page) in Redis: each
    # public submission's receipt otherwise writes and reads a database row twice.
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
else:
    # Embedded default: a table in the database (`manage.py createcachetable` makes it;
    # bin/caseflow-run runs it, the test database gets it on creation).
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache",
                          "LOCATION": "caseflow_cache"}}

# --- Sign-in lockout (django-axes): every sign-in, the admin's included ------------------
# Besides the per-minute throttles of the API (LOGIN_THROTTLE_RATE): this many failures
# from one address, or at one account, lock that address or account out for a while.
AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
AXES_FAILURE_LIMIT = int(os.environ.get("SIGNIN_LOCKOUT_FAILURES", "20"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("SIGNIN_LOCKOUT_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "caseflow.web.lockout.client_address"  # NUM_PROXIES, as the API
AXES_LOCKOUT_CALLABLE = "caseflow.web.lockout.lockout_response"
AXES_SENSITIVE_PARAMETERS = ["password"]
AXES_VERBOSE = False  # no start-up banner on every command; failures are still logged

# --- Content-Security-Policy (django-csp): our own files only, no inline script -------
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],  # Swagger UI's icons are data: URIs
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# --- Celery --------------------------------------------------------------------------
CELERY_BROKER_URL = (
    # Its own variable first: the broker may live apart from the cache (another Redis
    # database, so clearing the cache never empties a queue).
    os.environ.get("CELERY_BROKER_URL")
    or REDIS_URL
    # Embedded default: no broker server needed (kombu's SQLAlchemy transport).
    or f"sqla+sqlite:///{VAR_DIR / 'celery-broker.sqlite3'}"
)
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "run-due": {"task": "caseflow.run_due", "schedule": 300.0},  # time-driven steps
    # Hands pending outbox rows that are due to delivery tasks (caseflow.actions.delivery).
    "notifications-relay": {"task": "caseflow.notifications_relay",
                            "schedule": float(os.environ.get("CASEFLOW_RELAY_EVERY_SECONDS",
                                                             "5"))},
}
# A delivery holds its row this long while it sends; the relay hands a row over again
# when its last hand-over is this old and it is still pending (caseflow.delivery_policy).
CASEFLOW_DELIVERY_LEASE_SECONDS = int(os.environ.get("CASEFLOW_DELIVERY_LEASE_SECONDS", "600"))
CASEFLOW_RELAY_STALE_SECONDS = int(os.environ.get("CASEFLOW_RELAY_STALE_SECONDS", "300"))
# Redis redelivers a message nobody acknowledged after this long: longer than any wait the
# retry policy can ask for (a countdown past it would be delivered again and again) and
# than a delivery's hold on its row.
BROKER_VISIBILITY_TIMEOUT = max(3600, int(2 * DELIVERY_RETRIES.longest_wait.total_seconds()),
                                2 * CASEFLOW_DELIVERY_LEASE_SECONDS)
# Only Redis takes it: the embedded SQLAlchemy transport hands its options to
# create_engine, which refuses unknown ones (the worker would not start).
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {"visibility_timeout": BROKER_VISIBILITY_TIMEOUT}
    if CELERY_BROKER_URL.startswith(("redis://", "rediss://")) else {})
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)

# --- Telegram ------------------------------------------------------------------------
# Unset token: the bot is off; notifications are still recorded for email and later.
TELEGRAM_BOT_TOKEN = os.environ.get("TELEGRAM_BOT_TOKEN", "")
TELEGRAM_API_BASE_URL = os.environ.get("TELEGRAM_API_BASE_URL", "https://api.telegram.org/bot")
# Telegram's limits, shared by every worker (a budget in Redis with REDIS_URL, else in the
# single worker's memory): messages a second overall, and to any one chat.
TELEGRAM_RATE_GLOBAL = float(os.environ.get("TELEGRAM_RATE_GLOBAL", "30"))
TELEGRAM_RATE_PER_CHAT = float(os.environ.get("TELEGRAM_RATE_PER_CHAT", "1"))
# The bot's @username (without the @): staff link their chat by https://t.me/<it>?start=…
TELEGRAM_BOT_USERNAME = os.environ.get("TELEGRAM_BOT_USERNAME", "").lstrip("@")
# Webhook mode: Telegram sends this in X-Telegram-Bot-Api-Secret-Token (1-256 of A-Z a-z
# 0-9 _ -); the route's path is derived from it. Unset: no webhook route (polling only).
TELEGRAM_WEBHOOK_SECRET = os.environ.get("TELEGRAM_WEBHOOK_SECRET", "")

# --- WeCom (企业微信) and DingTalk (钉钉): the body's internal apps ---------------------
# Each is off until all three of its values are set (caseflow.channels.wecom / .dingtalk).
WECOM_CORP_ID = os.environ.get("WECOM_CORP_ID", "")
WECOM_AGENT_ID = os.environ.get("WECOM_AGENT_ID", "")
WECOM_SECRET = os.environ.get("WECOM_SECRET", "")
WECOM_API_BASE_URL = os.environ.get("WECOM_API_BASE_URL", "https://qyapi.weixin.qq.com")
DINGTALK_APP_KEY = os.environ.get("DINGTALK_APP_KEY", "")
DINGTALK_APP_SECRET = os.environ.get("DINGTALK_APP_SECRET", "")
DINGTALK_AGENT_ID = os.environ.get("DINGTALK_AGENT_ID", "")
DINGTALK_API_BASE_URL = os.environ.get("DINGTALK_API_BASE_URL", "https://oapi.dingtalk.com")

# --- Notifications -------------------------------------------------------------------
# How a staff member is reached, in order of preference: the first channel that has an
# address for them (dotted paths; each implements caseflow.channels.base.Channel). Email
# is last: it is also the fallback when a channel before it refuses for good.
# Each messenger is skipped for a person it does not reach (not configured, not linked);
# a person may put the messengers in their own order on their profile.
CASEFLOW_CHANNELS = env_list(
    "CASEFLOW_CHANNELS",
    "caseflow.channels.wecom.WeComChannel,caseflow.channels.dingtalk.DingTalkChannel,"
    "bots.transport.TelegramChannel,caseflow.channels.email.EmailChannel")
# A reminder's acknowledgement link (WeCom, DingTalk cards) works this long after the
# reminder was queued; later reminders carry later links.
CASEFLOW_ACKNOWLEDGE_LINK_HOURS = int(os.environ.get("CASEFLOW_ACKNOWLEDGE_LINK_HOURS", "72"))
# Links in messages point here (the staff pages' /staff/cases/<id>/, the public /track/).
CASEFLOW_SITE_URL = os.environ.get("CASEFLOW_SITE_URL", "http://127.0.0.1:8000")

# --- Email ---------------------------------------------------------------------------
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "caseflow@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
else:
    # No mail server configured: every message is kept as a file under var/mail.
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"

# --- REST framework ------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an anonymous call answers 401 with a WWW-Authenticate header.
        "api.tokens.StaffTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.IsStaffMember"],
    "DEFAULT_SCHEMA_CLASS": "api.schema.AutoSchema",
    # JSON only; the endpoints that take files add multipart themselves.
    "DEFAULT_PARSER_CLASSES": ["api.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.StrictPageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["api.filters.StrictFilterBackend"],
    "EXCEPTION_HANDLER": "api.errors.caseflow_exception_handler",
    "DEFAULT_THROTTLE_RATES": {"login": os.environ.get("LOGIN_THROTTLE_RATE", "10/min")},
    # Throttles count per client address: REMOTE_ADDR unless NUM_PROXIES trusted proxies
    # in front set X-Forwarded-For (a client could forge the header to evade them).
    "NUM_PROXIES": int(os.environ.get("NUM_PROXIES", "0")),
    "COERCE_DECIMAL_TO_STRING": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Caseflow API",
    "DESCRIPTION": "Complaints, appeals, disputes and corrective actions of a verification "
                   "body, on Chinese working days.",
    "VERSION": "0.1.0",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "CaseKindEnum": "caseflow.models.cases.CaseKind",
        "ChannelEnum": "caseflow.models.cases.Channel",
        "RoleEnum": "caseflow.models.people.Role",
        "LanguageEnum": "caseflow.models.people.Staff.Language",
        "FindingMethodEnum": "caseflow.models.cases.Finding.Method",
        "AnalysisMethodEnum": "caseflow.models.capa.AnalysisCycle.Method",
        "SendingChannelEnum": "caseflow.models.notices.NoticeSending.Channel",
        "SendingRecipientEnum": "caseflow.models.notices.NoticeSending.Recipient",
        "NoticeKindEnum": "caseflow.models.notices.Notice.Kind",
        "NoticeEmailOutcomeEnum": "caseflow.actions.notice_delivery.EmailOutcome",
        "UndeliverableReasonEnum": "caseflow.actions.notice_delivery.Undeliverable",
        "DocumentKindEnum": "caseflow.models.records.ControlledDocument.Kind",
        "DeclarationKindEnum": "caseflow.models.cases.Declaration.Kind",
        "OrganizationKindEnum": "caseflow.models.people.Organization.Kind",
        "CalendarOverrideKindEnum": "caseflow.models.calendar.CalendarOverride.Kind",
        "IntakeKindEnum": ["complaint", "appeal", "dispute"],
    },
    # The schema and its Swagger UI are for staff, like the API; the UI's assets are
    # served from here (a CDN may be unreachable from mainland China).
    "SERVE_PERMISSIONS": ["api.permissions.IsStaffMember"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.bound_ids_and_years",
        "api.schema.split_form_and_json_bodies",
        "api.schema.add_error_responses",
        "api.schema.add_links",
    ],
}
# Uploaded attachments: size limit and accepted types (checked by content, not by name).
# The public site's per-address limits (django-ratelimit rates: "count/period").
CASEFLOW_SUBMIT_RATE = os.environ.get("CASEFLOW_SUBMIT_RATE", "10/h")
CASEFLOW_TRACK_RATE = os.environ.get("CASEFLOW_TRACK_RATE", "30/h")
CASEFLOW_UPLOAD_MAX_BYTES = int(os.environ.get("CASEFLOW_UPLOAD_MAX_BYTES", str(20 * 2**20)))
# A whole request body: the largest attachment and 1 MB for the form fields around it.
CASEFLOW_REQUEST_MAX_BYTES = int(os.environ.get("CASEFLOW_REQUEST_MAX_BYTES",
                                                str(CASEFLOW_UPLOAD_MAX_BYTES + 2**20)))
# The engagement register import: bytes of the file and rows of the register.
CASEFLOW_IMPORT_MAX_BYTES = int(os.environ.get("CASEFLOW_IMPORT_MAX_BYTES", str(5 * 2**20)))
CASEFLOW_IMPORT_MAX_ROWS = int(os.environ.get("CASEFLOW_IMPORT_MAX_ROWS", "5000"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # httpx logs every request URL at INFO, and a Bot API URL carries the bot's token
        # (WeCom's and DingTalk's their access token, their gettoken the app's secret).
        "httpx": {"level": "WARNING"},
    },
}
CASEFLOW_TARGET_DAYS: dict = {}  # X1 overrides of caseflow.deadlines.DEFAULT_TARGETS
CASEFLOW_COMMITTEE_WINDOW_DAYS = int(os.environ.get("CASEFLOW_COMMITTEE_WINDOW_DAYS", "30"))  # X5
# Deadlines are reminded on working mornings at this hour, Asia/Shanghai (issue 12).
CASEFLOW_REMINDER_HOUR = int(os.environ.get("CASEFLOW_REMINDER_HOUR", "9"))

# --- The body in its yearly information disclosure table (D1, 《信息公开表》 一 and 二) ---
# Unset details print as 未填写 and keep the table a draft: it cannot be made final until
# every one is set. The measures default to the quality manual's own description.
CASEFLOW_BODY_SHORT_NAME = os.environ.get("CASEFLOW_BODY_SHORT_NAME", "CEC")
CASEFLOW_BODY_NAME = os.environ.get("CASEFLOW_BODY_NAME", "中环联合（北京）认证中心有限公司")
CASEFLOW_BODY_CREDIT_CODE = os.environ.get("CASEFLOW_BODY_CREDIT_CODE", "")
CASEFLOW_BODY_LEGAL_REPRESENTATIVE = os.environ.get("CASEFLOW_BODY_LEGAL_REPRESENTATIVE", "")
CASEFLOW_BODY_REGISTERED_CAPITAL = os.environ.get("CASEFLOW_BODY_REGISTERED_CAPITAL", "")
CASEFLOW_BODY_ADDRESS = os.environ.get("CASEFLOW_BODY_ADDRESS", "")
CASEFLOW_BODY_CONTACT = os.environ.get("CASEFLOW_BODY_CONTACT", "")
CASEFLOW_BODY_CONTACT_DETAILS = os.environ.get("CASEFLOW_BODY_CONTACT_DETAILS", "")
CASEFLOW_BODY_QUALITY_MEASURES = os.environ.get(
    "CASEFLOW_BODY_QUALITY_MEASURES",
    "制定了碳核查业务质量管理手册，包括《项目管理制度》、《人员能力管理制度》、"
    "《文件和记录管理制度》、《档案管理制度》、《不符合及纠正措施处理制度》、"
    "《公正性管理制度》、《保密管理制度》等内部管理制度。")
CASEFLOW_BODY_IMPARTIALITY_MEASURES = os.environ.get(
    "CASEFLOW_BODY_IMPARTIALITY_MEASURES",
    "制定了《公正性管理制度》，从制度层面、组织层面、项目层面三个层级对人员、项目实施"
    "公正性管理；同时成立了独立于自身的公正性管理委员会，监督机构运行。")
