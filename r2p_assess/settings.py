"""Settings for R2P Assess, read from the environment.

Local defaults just work (SQLite, console email, DEBUG off). `DJANGO_ENV=production`
refuses to start without a secret key and allowed hosts, and turns on the HTTPS settings
that `manage.py check --deploy` asks for. A malformed value stops start-up with a message
naming the variable, rather than being read as something it does not say.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from r2p_assess.safety import unsafe_production_settings

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    truthy, falsy = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}
    if value.lower() in truthy:
        return True
    if value.lower() in falsy:
        return False
    raise ImproperlyConfigured(
        f"{name}={value!r} is not a boolean: use one of 1/0, true/false, yes/no, on/off."
    )


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DJANGO_ENV = env_str("DJANGO_ENV", "development")
if DJANGO_ENV not in {"development", "production"}:
    raise ImproperlyConfigured(
        f"DJANGO_ENV={DJANGO_ENV!r} is not known: use 'development' or 'production'."
    )
PRODUCTION = DJANGO_ENV == "production"

DEBUG = env_bool("DJANGO_DEBUG", default=False)

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost"])
if PRODUCTION:
    if not SECRET_KEY:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_ENV=production.")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set when DJANGO_ENV=production.")
    if DEBUG:
        raise ImproperlyConfigured("DJANGO_DEBUG must be off when DJANGO_ENV=production.")
elif not SECRET_KEY:
    # Only ever used on a developer's machine: production refuses to start without a key.
    SECRET_KEY = "django-insecure-local-development-key-not-for-production-use"

INSTALLED_APPS = [
    # Django's admin, on a site that asks for the second factor (r2p_assess/admin_site.py).
    "r2p_assess.admin_site.R2PAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "assessments",
    # Last, as it asks: a deleted source's file (its row removed, or its assessment) is
    # deleted once that is committed, never before.
    "django_cleanup.apps.CleanupConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "r2p_assess.middleware.IdleSessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The language the person chose, never the browser's alone (after the user is known).
    "assessments.middleware.LanguageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "r2p_assess.middleware.AbsoluteSessionMiddleware",
    "r2p_assess.middleware.HtmxSignedOutMiddleware",
    "r2p_assess.middleware.PrivatePagesMiddleware",
    "assessments.middleware.SecondFactorMiddleware",
    "assessments.middleware.TimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "assessments.middleware.AssessmentLockedMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "r2p_assess.middleware.ReportingEndpointsMiddleware",
    # Last, as django-axes asks: it turns a lockout raised by authentication into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "r2p_assess.urls"
WSGI_APPLICATION = "r2p_assess.wsgi.application"

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
                "assessments.context_processors.language_suggestion",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60 if PRODUCTION else 0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Two editors saving at once: writers take the lock when their transaction begins
    # (IMMEDIATE) and wait up to 20 s for it, instead of failing with "database is locked"
    # halfway through; WAL lets pages be read meanwhile.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # First, so that it refuses a locked-out pair before any password is checked; AxesBackend
    # (rather than the standalone one) also loads users, which force_login and login() need.
    "axes.backends.AxesBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
# Two-factor authentication (django-otp): the name authenticator apps show.
OTP_TOTP_ISSUER = "R2P Assess"
# The admin lists devices (to see who has one, or delete a lost one) but never shows a secret,
# a QR code or a recovery code: an administrator must not be able to copy someone's factor.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# A save whose CSRF token no longer matches (signed out, or in again elsewhere) is told so
# plainly, and the page keeps what was typed.
CSRF_FAILURE_VIEW = "assessments.views.csrf_failure"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# An account/IP pair is locked after five failed logins, for an hour.
AXES_FAILURE_LIMIT = 5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = timedelta(hours=env_int("AXES_COOLOFF_HOURS", 1))
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# Each failure is also logged, so that assessments/throttles.py can count them per account.
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_CLIENT_IP_CALLABLE = "assessments.throttles.client_ip"
# How many proxies of our own stand in front of the app (the load balancer: 1); only what
# they add to X-Forwarded-For is trusted. 0: the connecting address is the client's.
TRUSTED_PROXY_COUNT = env_int("DJANGO_TRUSTED_PROXY_COUNT", 0)
# An account is locked from anywhere after this many failures in an hour.
ACCOUNT_FAILURES = env_int("ACCOUNT_FAILURES_PER_HOUR", 20)
# Reset emails: per address, and per asking IP, in an hour.
RESETS_PER_EMAIL = env_int("PASSWORD_RESETS_PER_EMAIL_PER_HOUR", 3)
RESETS_PER_IP = env_int("PASSWORD_RESETS_PER_IP_PER_HOUR", 10)

# Sessions end after a period without activity (r2p_assess.middleware renews them).
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_TIMEOUT_SECONDS", 8 * 60 * 60)

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("fr", _("French")),
    ("es", _("Spanish")),
    ("ar", _("Arabic")),
    ("ru", _("Russian")),
    ("zh-hans", _("Chinese")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates in each language's own format (Django's), English's as UN documents write them.
FORMAT_MODULE_PATH = ["r2p_assess.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# collectstatic is for production; elsewhere whitenoise serves the source folders (below).
STATIC_ROOT = BASE_DIR / "staticfiles" if PRODUCTION else None
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT") or BASE_DIR / "media")
# Stored reports (and, later, evidence) are readable by the app's own user only.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Files (stored reports, later evidence) in S3-compatible object storage when a bucket is
# named: private objects, handed out by the app after its access check, never by their URL.
# Several app servers then share them; otherwise they are on this machine's disk.
if _bucket := env_str("DJANGO_S3_BUCKET"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": _bucket,
            "endpoint_url": env_str("DJANGO_S3_ENDPOINT_URL") or None,
            "region_name": env_str("DJANGO_S3_REGION") or None,
            "access_key": env_str("DJANGO_S3_ACCESS_KEY_ID") or None,
            "secret_key": env_str("DJANGO_S3_SECRET_ACCESS_KEY") or None,
            "location": env_str("DJANGO_S3_PREFIX"),
            "default_acl": "private",
            "file_overwrite": False,
        },
    }
# Outside production whitenoise serves straight from the source folders: no collectstatic.
WHITENOISE_USE_FINDERS = not PRODUCTION

# Work off the request path (assessments/tasks.py): a queue in the database, which
# `manage.py db_worker` works through. Tasks are rows written in the same transaction as the
# change that asked for them.
# Each process's own memory: the parts of pages kept per revision (presenters.kept_as) hold a
# country's answers, which must not sit in a cache shared beyond the app's processes.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": 500},
    }
}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# A report is rendered once its assessment has been quiet this many seconds (rendering.py), in
# a child process stopped after REPORT_RENDER_TIME_LIMIT seconds.
REPORT_RENDER_DELAY = env_int("REPORT_RENDER_DELAY_SECONDS", 3)
REPORT_RENDER_TIME_LIMIT = env_int("REPORT_RENDER_TIME_LIMIT_SECONDS", 120)
REPORT_RENDER_IN_CHILD = True

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
# A mail server that does not answer must not hold a request for long (notifications.py).
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT_SECONDS", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "R2P Assess <no-reply@localhost>")
# Where links in emails point: emails are sent outside any request, so the address is set here.
SITE_URL = env_str("DJANGO_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# A password-reset link stays valid an hour; an invitation's (assessments/tokens.py) a week.
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT_SECONDS", 60 * 60)
INVITATION_TIMEOUT = env_int("INVITATION_TIMEOUT_SECONDS", 7 * 24 * 60 * 60)
# However active, a session ends this long after signing in (the idle limit is beside it).
SESSION_ABSOLUTE_LIFETIME = env_int("SESSION_ABSOLUTE_LIFETIME_SECONDS", 7 * 24 * 60 * 60)
# A request's form fields may take this much (a section's notes are well under 200 KB); file
# uploads are streamed to disk and limited by the proxy (README "Production").
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 1024 * 1024)

# All JavaScript lives in static files, so scripts never need 'unsafe-inline'.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Where browsers report what the policy refused, if anywhere: `report-to` names an endpoint
# of the Reporting-Endpoints header (r2p_assess.middleware); `report-uri` is for browsers
# without the Reporting API. (Not a CSP_ name: django-csp 4 takes those for its old format.)
REPORTING_ENDPOINTS = {}
if _report_uri := env_str("DJANGO_CSP_REPORT_URI"):
    REPORTING_ENDPOINTS["csp"] = _report_uri
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["report-to"] = "csp"
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["report-uri"] = [_report_uri]
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
# A load balancer's health check asks each app server directly, over plain HTTP (TLS ends at
# the proxy), and takes a redirect for a failure: /healthz answers it where the SSL redirect
# would send every other page to HTTPS.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "WARNING")},
}

# SQLite in production only on purpose (one machine's disk; see README "Production").
ALLOW_SQLITE = env_bool("DJANGO_ALLOW_SQLITE", default=False)
if PRODUCTION:
    _problems = unsafe_production_settings(
        email_backend=EMAIL_BACKEND,
        database_engine=DATABASES["default"]["ENGINE"],
        allow_sqlite=ALLOW_SQLITE,
        allowed_hosts=ALLOWED_HOSTS,
        secret_key=SECRET_KEY,
    )
    if _problems:
        raise ImproperlyConfigured(
            "DJANGO_ENV=production refuses to start: "
            + "; ".join(f"{variable} {why}" for variable, why in _problems)
            + "."
        )
