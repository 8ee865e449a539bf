"""Settings, read from the environment. Production values are the defaults; `make run` and the
test settings relax only what a machine without HTTPS needs."""
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY is not set. `make run` sets one for local use.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

if not os.environ.get("DATABASE_URL"):
    raise ImproperlyConfigured(
        "DATABASE_URL is not set. The portal runs on PostgreSQL only; `make run` and `make test` "
        "start an embedded one when the variable is unset."
    )
DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60, conn_health_checks=True)}
if not DATABASES["default"]["ENGINE"].endswith("postgresql"):
    raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL.")
# JIT compiles a query for ~50-250 ms once the planner's estimate passes jit_above_cost; the pages' small
# correlated subqueries and generate_series() estimates pass it and never win it back (portfolio benchmark).
DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django_htmx",
    "django_filters",
    "pgtrigger",
    "pghistory",
    "pghistory.admin",
    "axes",
    "ninja",
    "portal",
    "projects",
    "adr",
    "toil",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "pghistory.middleware.HistoryMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.portal",
            ],
            "builtins": ["django.templatetags.i18n", "django.templatetags.static"],
        },
    }
]

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
LOGIN_URL = "portal:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:login"

AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
FORMAT_MODULE_PATH = ["portal.formats"]  # English dates in one style: see portal/formats/en/formats.py
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / ".run" / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / ".run" / "media"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "TIMEOUT": 300,
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}
# The portfolio's portfolio-wide figures are cached under a stamp of the data (portal.portfolio.cache.cached_overview);
# this bounds how long a change the stamp cannot see stays unseen. 0 turns the cache off.
PORTFOLIO_CACHE_SECONDS = int(os.environ.get("PORTFOLIO_CACHE_SECONDS", "60"))

EMAIL_BACKEND_PATH = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
MAILERS = {"default": {"BACKEND": EMAIL_BACKEND_PATH}}
if EMAIL_BACKEND_PATH.endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": os.environ.get("EMAIL_HOST", "localhost"),
        "port": int(os.environ.get("EMAIL_PORT", "25")),
        "username": os.environ.get("EMAIL_HOST_USER", ""),
        "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS", False),
        "timeout": 10,
    }
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "portal@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
PORTAL_BASE_URL = os.environ.get("PORTAL_BASE_URL", "http://localhost:8000")

# Security. HTTPS is assumed unless HTTPS=0 (local runs and tests behind no TLS).
HTTPS = env_bool("HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY", False) else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(60 * 60 * 12)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

# Celery: Redis as broker; tasks that are safe to repeat opt in to late acknowledgement.
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A task that is not acknowledged within the visibility timeout is delivered again: it must be longer
# than the longest task (CELERY_TASK_TIME_LIMIT, 30 min). `make faults` shortens it to see redelivery.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", str(60 * 60)))}
# When Redis is down, `.delay()` gives up quickly and projects.common.jobs records the job instead.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_RESULT_EXPIRES = timedelta(days=1)
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
# Beat runs on the portal's wall clock; nightly jobs run after 03:00, outside the hour that daylight
# saving skips or repeats.
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "heartbeat": {"task": "portal.tasks.heartbeat", "schedule": timedelta(minutes=1)},
    "ledger-rollup-nightly": {"task": "projects.ledger.tasks.rollup_all", "schedule": crontab(hour=3, minute=15)},
    "toil-costs-nightly": {"task": "toil.tasks.sync_all_toil_costs", "schedule": crontab(hour=3, minute=30)},
    # Jobs recorded while Redis was down (projects.common.jobs.PendingJob) are sent again once it is back.
    "requeue-pending-jobs": {"task": "portal.tasks.requeue_pending_jobs", "schedule": timedelta(minutes=10)},


    "portfolio-weekly-digest": {"task": "portal.tasks.weekly_digest", "schedule": crontab(day_of_week="mon", hour=7, minute=0)},
    "adr-stale-reminders": {"task": "adr.tasks.send_stale_adr_reminders", "schedule": crontab(hour=7, minute=0, day_of_week="mon")},
}

# Portal rules.
PORTAL_BASE_CURRENCY = os.environ.get("PORTAL_BASE_CURRENCY", "EUR")
# Ledger: a project in run is underwater when its cost over this many complete months exceeds its value.
LEDGER_UNDERWATER_WINDOW_MONTHS = int(os.environ.get("LEDGER_UNDERWATER_WINDOW_MONTHS", "3"))
LEDGER_FOCUS_TAG_KEY = os.environ.get("LEDGER_FOCUS_TAG_KEY", "ml-project")
# A FOCUS upload larger than this is refused next to the field (files stream to disk, not memory).
LEDGER_FOCUS_MAX_UPLOAD_MB = int(os.environ.get("LEDGER_FOCUS_MAX_UPLOAD_MB", "200"))
PORTAL_DEFAULT_WEEKLY_HOURS = 35
PORTAL_HEARTBEAT_STALE_AFTER = timedelta(minutes=5)
# Toil share of a team's capacity: at the cap it is an alert, from the warning level a warning.
TOIL_SHARE_CAP = float(os.environ.get("TOIL_SHARE_CAP", "0.5"))
TOIL_SHARE_WARNING = float(os.environ.get("TOIL_SHARE_WARNING", str(1 / 3)))


# A proposed decision older than this is listed as stale and in the weekly reminder.
ADR_STALE_AFTER_DAYS = int(os.environ.get("ADR_STALE_AFTER_DAYS", "14"))
# ADR imports: the files of one upload together, and what a zip may hold once unpacked (zip bombs).
ADR_IMPORT_MAX_UPLOAD_MB = int(os.environ.get("ADR_IMPORT_MAX_UPLOAD_MB", "10"))
ADR_IMPORT_MAX_UNZIPPED_MB = int(os.environ.get("ADR_IMPORT_MAX_UNZIPPED_MB", "50"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"refusals_on_one_line": {"()": "portal.logs.RefusalsOnOneLine"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.request": {"filters": ["refusals_on_one_line"]}},
}

# The JSON API (portal/api/): page size of its lists, and the hourly purge of stored idempotent responses.
NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_PER_PAGE_SIZE = 200
CELERY_BEAT_SCHEDULE["idempotency-purge"] = {"task": "portal.tasks.idempotency_purge", "schedule": timedelta(hours=1)}
