"""Pavilion's one settings module, driven by environment variables.

Every setting has a safe development default. In production set at least
``PAVILION_SECRET_KEY``, ``PAVILION_DEBUG=false``, ``PAVILION_ALLOWED_HOSTS``,
``DATABASE_URL`` (PostgreSQL) and ``REDIS_URL``. See docs/deploy.md.
"""

import contextlib
import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

SRC_DIR = Path(__file__).resolve().parent
BASE_DIR = SRC_DIR.parent.parent
VAR_DIR = Path(os.environ.get("PAVILION_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("PAVILION_DEBUG", True)
SECRET_KEY = os.environ.get("PAVILION_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("PAVILION_SECRET_KEY must be set when PAVILION_DEBUG is false.")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("PAVILION_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("PAVILION_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "ninja",
    "pavilion.core.apps.BackgroundTasksConfig",  # django_tasks_db, named for staff
    "pavilion.core",
    "pavilion.pages",
    "pavilion.programme",
    "pavilion.registration",
    "pavilion.networking",
    "pavilion.membership",
    "pavilion.applications",
    "pavilion.billing",
    "pavilion.enquiries",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "pavilion.urls"
WSGI_APPLICATION = "pavilion.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SRC_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "pavilion.core.context_processors.site",
            ],
        },
    },
]

# SQLite under var/ is the embedded default; production names PostgreSQL.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'pavilion.sqlite3'}",
        conn_max_age=int(os.environ.get("PAVILION_DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# SQLite: writers take the lock when their transaction begins and wait up to 20 s
# for another writer; WAL mode lets the worker and the site read meanwhile.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL;",
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = SQLITE_OPTIONS
DATABASES["default"]["TEST"] = {"NAME": os.environ.get("PAVILION_TEST_DB_NAME") or None}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "pavilion",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ja", _("Japanese"))]
LOCALE_PATHS = [SRC_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

PRIVATE_ROOT = Path(os.environ.get("PAVILION_PRIVATE_ROOT", VAR_DIR / "private"))

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [SRC_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Applicants' documents and invoice PDFs: on disk outside MEDIA_ROOT, never
    # served as static files; views check who asks before streaming them.
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_ROOT), "base_url": None},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
with contextlib.suppress(OSError):  # WhiteNoise expects the folder; collectstatic fills it.
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"

LOGIN_URL = "admin:login"

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("PAVILION_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

DEFAULT_FROM_EMAIL = os.environ.get("PAVILION_FROM_EMAIL", "Pavilion <noreply@localhost>")

# Mail, configured the Django 6.1 way (MAILERS; the EMAIL_* settings are deprecated).
# Without PAVILION_EMAIL_HOST mail is printed to the console of the process that
# sends it (the worker); with it, mail goes out through that SMTP server. The test
# runner swaps every mailer for the in-memory one (django.core.mail.outbox).
# Code does not send mail itself: it calls pavilion.core.mail.mail_enqueue().
_email_tls_modes = {  # PAVILION_EMAIL_TLS → SMTP backend options, default port
    "starttls": ({"use_tls": True}, 587),
    "ssl": ({"use_ssl": True}, 465),
    "off": ({}, 25),
}
_email_host = os.environ.get("PAVILION_EMAIL_HOST", "").strip()
if _email_host:
    _tls = os.environ.get("PAVILION_EMAIL_TLS", "starttls").strip().lower()
    if _tls not in _email_tls_modes:
        raise RuntimeError("PAVILION_EMAIL_TLS must be one of: starttls, ssl, off.")
    _tls_options, _default_port = _email_tls_modes[_tls]
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _email_host,
                "port": int(os.environ.get("PAVILION_EMAIL_PORT") or _default_port),
                "username": os.environ.get("PAVILION_EMAIL_USER", ""),
                "password": os.environ.get("PAVILION_EMAIL_PASSWORD", ""),
                # A slow server holds up the worker for at most this long per message.
                "timeout": float(os.environ.get("PAVILION_EMAIL_TIMEOUT", "20")),
                **_tls_options,
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}

# Background tasks (django.tasks). The queue is a table in the database
# (django-tasks-db); `manage.py db_worker` runs what is queued. See docs/deploy.md.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}
# Seconds to wait before each new attempt at a message the SMTP server refused
# for now (4xx, disconnection, timeout): three retries, then the message fails.
PAVILION_MAIL_RETRY_DELAYS = [
    int(delay) for delay in env_list("PAVILION_MAIL_RETRY_DELAYS", "60,300,1800")
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("PAVILION_LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own console handler would print every line twice beside the root's.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # One line per message sent, deferred or failed, whatever the general level.
        "pavilion.mail": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# The site's public address, for links in e-mails (no trailing slash).
PAVILION_SITE_URL = os.environ.get("PAVILION_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# The site's name as it appears in page titles and mail; both languages.
PAVILION_SITE_NAME = {
    "en": os.environ.get("PAVILION_SITE_NAME_EN", "Pavilion"),
    "ja": os.environ.get("PAVILION_SITE_NAME_JA", "パビリオン"),
}
