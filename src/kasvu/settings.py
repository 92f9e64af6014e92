"""Django settings for kasvu.

Everything that differs between installations comes from the environment
through :class:`kasvu.config.Config` (see ``docs/configuration.md``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from kasvu import cli
from kasvu.config import Config, local_secret_key
from kasvu.replicas import replica_databases
from kasvu.sharedcache import caches_setting, run_prefix

CONFIG = Config.from_env()
BASE_DIR = Path(__file__).resolve().parent
TESTING = "pytest" in sys.modules or (len(sys.argv) > 1 and sys.argv[1] == "test")

if CONFIG.secret_key:
    SECRET_KEY = CONFIG.secret_key
elif CONFIG.demo or CONFIG.debug or TESTING:
    SECRET_KEY = "kasvu-insecure-demo-key-do-not-use-in-production"
elif cli.running_command() not in (None, *cli.SERVER_COMMANDS):
    SECRET_KEY = local_secret_key(CONFIG.data_dir)  # the command line in a folder of its own
else:
    raise ImproperlyConfigured(
        "KASVU_SECRET_KEY is not set. A server needs its own: set it to a long random string, e.g. "
        "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`, or set KASVU_DEMO=1 for a demo."
    )

DEBUG = CONFIG.debug
ALLOWED_HOSTS = CONFIG.allowed_hosts + (["testserver"] if TESTING else [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "simple_history",
    "ninja",  # Swagger UI for /api/v1/docs from its own static files, not a CDN
    "kasvu.bank",
    "kasvu.accounts",
    "kasvu.plans",
    "kasvu.knowledge",
    "kasvu.search",
    "kasvu.api",
    "kasvu.surveys",
    "kasvu.reports",
    "kasvu.collection",
    "kasvu.web",
]

MIDDLEWARE = [
    # Cached anonymous pages without a session are answered here, before any session, user or CSRF work.
    "kasvu.web.pagecache.EarlyPageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "kasvu.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "kasvu.replicas.ReplicaMiddleware",  # where reads go: replicas for anonymous and API reads
    "kasvu.web.pagecache.PageCacheMiddleware",  # anonymous pages whole from the shared cache (after auth)
]

ROOT_URLCONF = "kasvu.urls"
WSGI_APPLICATION = "kasvu.wsgi.application"
ASGI_APPLICATION = "kasvu.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def _database() -> dict[str, object]:
    """SQLite file by default; PostgreSQL (or another) from KASVU_DATABASE_URL.

    SQLite runs in WAL mode with IMMEDIATE transactions and a busy timeout so
    that a web server and an import can share the file without
    "database is locked" errors.
    """
    if CONFIG.database_url:
        db = dj_database_url.parse(CONFIG.database_url, conn_max_age=60, conn_health_checks=True)
        return dict(db)
    CONFIG.data_dir.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(CONFIG.data_dir / "kasvu.sqlite3"),
        # One connection per server thread, kept: opening one (with the PRAGMAs below) cost more CPU than
        # serving a cached page (benchmarks/RESULTS.md, issue 19).
        "CONN_MAX_AGE": None,
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA cache_size=-200000; PRAGMA temp_store=MEMORY; PRAGMA mmap_size=1073741824;"
            ),
        },
    }


DATABASES = {"default": _database()}
# Read replicas (kasvu.replicas): reads of anonymous and API traffic, falling back to the primary.
DATABASES.update(replica_databases(CONFIG.replica_urls, DATABASES["default"]))
DATABASE_ROUTERS = ["kasvu.replicas.ReplicaRouter"] if CONFIG.replica_urls else []
KASVU_REPLICA_MAX_LAG = CONFIG.replica_max_lag
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "kasvu.accounts.passwords.UsernameInPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "fi"
LANGUAGES = [("fi", "Suomi"), ("sv", "Svenska"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Helsinki"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = CONFIG.data_dir / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns about a missing folder on every request
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# Security: safe by default outside the demo.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SESSION_COOKIE_SECURE = CONFIG.https
CSRF_COOKIE_SECURE = CONFIG.https
SECURE_SSL_REDIRECT = CONFIG.https and not TESTING
SECURE_HSTS_SECONDS = CONFIG.hsts_seconds
SECURE_HSTS_INCLUDE_SUBDOMAINS = CONFIG.hsts_seconds > 0
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if CONFIG.https else None
X_FRAME_OPTIONS = "DENY"

# Caches every server process shares (kasvu.sharedcache): Redis when KASVU_REDIS_URL is set, database tables
# otherwise (created by `kasvu migrate`). Test runs get a key prefix of their own, so that several runs can
# share one Redis without seeing or clearing each other's keys.
CACHES = (
    caches_setting(CONFIG.redis_url, run_prefix(), timeout=3600)
    if TESTING
    else caches_setting(CONFIG.redis_url, CONFIG.cache_prefix)
)


# (requests, seconds) per scope of kasvu.api.ratelimit; the scopes and variables are in kasvu.config.
RATE_LIMITS = CONFIG.rate_limits

KASVU = {
    "CACHE_DIR": CONFIG.cache_dir,
    "DEMO": CONFIG.demo,
    "REPORT_TEMPLATES": CONFIG.report_templates,
    "SUPPRESSION_THRESHOLD": 5,
    # The job after every change that computes profiles ahead (kasvu.precompute); tests run it themselves.
    "PRECOMPUTE": CONFIG.precompute and not TESTING,
    # Seconds a server process reuses the data version it read for the page cache (kasvu.web.pagecache):
    # another process's import is seen within this time. Tests read it every request.
    "PAGE_STATE_TTL": 0.0 if TESTING else CONFIG.page_state_ttl,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "kasvu": {"handlers": ["console"], "level": "INFO"},
        "kasvu.audit": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
