"""The one settings module. Every value that differs between machines comes from the environment.

Development defaults exist only while DEBUG is on: a production process (DEBUG off) refuses to start
without SECRET_KEY and FIELD_ENCRYPTION_KEYS. A `.env` file beside manage.py is read when present.
The configuration table is in README.md.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)


def dev_default(value):
    """A default that applies only in development; in production the variable is required."""
    return value if DEBUG else environ.Env.NOTSET


# Development-only values. They are public, so they must never protect real data.
_DEV_SECRET_KEY = "dev-only-insecure-secret-key-cezanne-lever-0123456789abcdef"
_DEV_FIELD_ENCRYPTION_KEY = "ZGV2LW9ubHktZmVybmV0LWtleS1jZXphbm5lLWxldmU="

SECRET_KEY = env.str("SECRET_KEY", default=dev_default(_DEV_SECRET_KEY))
FIELD_ENCRYPTION_KEYS = env.list(
    "FIELD_ENCRYPTION_KEYS", default=dev_default([_DEV_FIELD_ENCRYPTION_KEY])
)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=dev_default(["127.0.0.1", "localhost"]))
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

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
    "hr",
    # Before django_tasks_db: our db_worker (which also recovers stalled deliveries) wins.
    "integrations",
    "lever_sandbox",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "cezanne_lever.urls"
WSGI_APPLICATION = "cezanne_lever.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A web process and a worker write at once: take the write lock at BEGIN (no upgrade
    # deadlocks), wait for it instead of failing, and let readers run beside a writer (WAL).
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # Tests that start a real worker process need a test database another process can open.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "test_db.sqlite3")}
# Keep each process's connection for a minute instead of opening one per request or task: on
# PostgreSQL a new connection is a new server process, and it cost the webhook more than half its
# throughput (docs/benchmarks.md). The health check replaces a connection the server has dropped.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Background work (Django's Tasks API through django-tasks) -------------------------------
# Always explicit: left unset, django-tasks would run every task inside the web request.
TASKS = {
    "default": {
        "BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
    }
}

# --- Auth, i18n, static ---------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env.str("TIME_ZONE", default="Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="cezanne-lever@localhost")

# --- Security (production) ------------------------------------------------------------------
# Behind a TLS-terminating proxy that sets X-Forwarded-Proto (see README, Operations).
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # The health check and the webhook are reached over plain HTTP from the proxy only.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# --- REST API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Django model permissions, reads included (a view_ permission): see cezanne_lever/api.py.
    "DEFAULT_PERMISSION_CLASSES": ["cezanne_lever.api.ModelPermissionsWithView"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "cezanne-lever API",
    "DESCRIPTION": "HR records and the Lever integration's configs, deliveries and log.",
    "VERSION": "4",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and Redoc served from our own static files, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# --- Lever ----------------------------------------------------------------------------------
LEVER_CLIENT_ID = env.str("LEVER_CLIENT_ID", default=dev_default("sandbox-client-id"))
LEVER_CLIENT_SECRET = env.str("LEVER_CLIENT_SECRET", default=dev_default("sandbox-client-secret"))
LEVER_AUTH_URL = env.str("LEVER_AUTH_URL", default="https://auth.lever.co").rstrip("/")
LEVER_API_URL = env.str("LEVER_API_URL", default="https://api.lever.co/v1").rstrip("/")
LEVER_AUDIENCE = env.str("LEVER_AUDIENCE", default="https://api.lever.co/v1/")
LEVER_SCOPES = env.str(
    "LEVER_SCOPES",
    default="offline_access opportunities:read:admin archive_reasons:read:admin",
)
LEVER_WEBHOOK_MAX_AGE_SECONDS = env.int("LEVER_WEBHOOK_MAX_AGE_SECONDS", default=259200)
LEVER_RATE_LIMIT_PER_SECOND = env.float("LEVER_RATE_LIMIT_PER_SECOND", default=10.0)
LEVER_RETRY_BASE_SECONDS = env.float("LEVER_RETRY_BASE_SECONDS", default=30.0)
# How long a call to Lever may wait for an answer (the connect timeout is a fixed 5 s).
LEVER_READ_TIMEOUT_SECONDS = env.float("LEVER_READ_TIMEOUT_SECONDS", default=30.0)
# Recovery of stalled deliveries (integrations.hiring.recover_stalled_deliveries): a claim older
# than the lease was abandoned by a killed worker; a delivery due for longer than the grace with
# no queued task lost its task. Keep the lease well above the longest delivery (two Lever calls
# with their timeouts and quick retries, and perhaps a token refresh: under two minutes).
LEVER_PROCESSING_LEASE_SECONDS = env.float("LEVER_PROCESSING_LEASE_SECONDS", default=300.0)
LEVER_LOST_TASK_GRACE_SECONDS = env.float("LEVER_LOST_TASK_GRACE_SECONDS", default=120.0)
# The local stand-in for Lever (lever_sandbox), mounted at /lever-sandbox/ only when on.
LEVER_SANDBOX = env.bool("LEVER_SANDBOX", default=False)
# The public address of this site (scheme and host, no trailing slash): links in e-mails, and the
# webhook and OAuth redirect URLs shown to administrators.
SITE_URL = env.str("SITE_URL", default=dev_default("http://127.0.0.1:8000")).rstrip("/")

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
