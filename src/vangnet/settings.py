"""Vangnet settings: one module, every value from the environment with a documented default.

The defaults make a safe local demo (SQLite, debug on, development keys). A production
deployment sets ``VANGNET_ENV=production`` and real secrets; the system checks in
``vangnet.core.checks`` refuse to run production with development keys.
See ``docs/settings.md`` for the full list.
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import dj_database_url
import django

BASE_DIR = Path(__file__).resolve().parent
REPO_DIR = BASE_DIR.parent.parent


# --- small typed env helpers ------------------------------------------------------------------


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


# --- environment --------------------------------------------------------------------------------

#: development | test | production. Production refuses development secrets (see core.checks).
VANGNET_ENV = env_str("VANGNET_ENV", "development")
DEBUG = env_bool("VANGNET_DEBUG", VANGNET_ENV == "development")

DEV_SECRET_KEY = "dev-only-insecure-secret-key-never-use-in-production"  # noqa: S105
SECRET_KEY = env_str("VANGNET_SECRET_KEY", DEV_SECRET_KEY)

#: Fernet keys (url-safe base64, 32 bytes), comma separated. The first encrypts; all decrypt, so a
#: new key is rotated in by putting it first and running ``manage.py rotate_encryption_keys``.
DEV_ENCRYPTION_KEY = "ZGV2LW9ubHktZW5jcnlwdGlvbi1rZXktMzItYnl0ZXM="  # b64("dev-only-encryption-key-32-bytes")
ENCRYPTION_KEYS = env_list("VANGNET_ENCRYPTION_KEYS", [DEV_ENCRYPTION_KEY])

#: Secret for pseudonyms and linkage encodings. Held apart from the database and from the
#: encryption keys: a registry that leaks cannot recompute or reverse the pseudonyms.
DEV_PSEUDONYMISATION_SECRET = "dev-only-pseudonymisation-secret"  # noqa: S105
PSEUDONYMISATION_SECRET = env_str("VANGNET_PSEUDONYMISATION_SECRET", DEV_PSEUDONYMISATION_SECRET)
# Linkage key custody (issue 10): the secret may live in a file on a secrets mount outside the
# database host (e.g. /run/secrets/vangnet-pseudonymisation); the file wins over the variable.
PSEUDONYMISATION_SECRET_FILE = env_str("VANGNET_PSEUDONYMISATION_SECRET_FILE", "")
if PSEUDONYMISATION_SECRET_FILE:
    try:
        with open(PSEUDONYMISATION_SECRET_FILE, encoding="utf-8") as _secret_file:
            PSEUDONYMISATION_SECRET = _secret_file.read().strip()
    except OSError as _exc:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            f"VANGNET_PSEUDONYMISATION_SECRET_FILE: cannot read {PSEUDONYMISATION_SECRET_FILE}: {_exc.strerror}"
        ) from None
    if len(PSEUDONYMISATION_SECRET.encode("utf-8")) < 16:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("VANGNET_PSEUDONYMISATION_SECRET_FILE: the secret must be at least 16 bytes")

#: Key of the processing log's hash chain (HMAC-SHA256). Keep it apart from the database and from the other
#: secrets: whoever can write the log table but lacks this key cannot forge a valid chain.
DEV_PROCESSING_LOG_HMAC_KEY = "dev-only-processing-log-chain-key"
PROCESSING_LOG_HMAC_KEY = env_str("VANGNET_PROCESSING_LOG_KEY", DEV_PROCESSING_LOG_HMAC_KEY)

ALLOWED_HOSTS = env_list("VANGNET_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("VANGNET_CSRF_TRUSTED_ORIGINS", [])

# --- applications -------------------------------------------------------------------------------

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "rest_framework",
    "drf_spectacular",
    "django_tasks_db",
    "axes",
    # Vangnet, one app per capability
    "vangnet.core",
    "vangnet.regions",
    "vangnet.accounts",
    "vangnet.audit",
    "vangnet.cases",
    "vangnet.signals",
    "vangnet.triage",
    "vangnet.shelters",
    "vangnet.sharing",
    "vangnet.procedures",
    "vangnet.persons",
    "vangnet.notifications",
    "vangnet.statistics",
    "vangnet.controls",
    "vangnet.infopoint",
    "vangnet.administration",  # issue 15: the functional administrator's screens
    "vangnet.lifecycle",
    "vangnet.ops",
    "vangnet.web",
    "vangnet.api",
    "vangnet.demo",
]

MIDDLEWARE = [
    "vangnet.core.hostile.HostileInputMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "vangnet.audit.middleware.ProcessingContextMiddleware",
    "vangnet.web.middleware.MethodNotAllowedPageMiddleware",  # issue 15: no blank page for a form-only URL
    "vangnet.core.security.SessionIdleTimeoutMiddleware",
    "vangnet.accounts.middleware.MfaMiddleware",
    "vangnet.core.security.NoStoreMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "vangnet.urls"
WSGI_APPLICATION = "vangnet.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
# Indexes with INCLUDE columns (index-only worklist counts on PostgreSQL) are plain indexes on SQLite, the
# demo's database; Django warns about that once per database alias.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

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
                "vangnet.web.context_processors.navigation",
            ],
        },
    },
]
FORM_RENDERER = "vangnet.web.forms.VangnetFormRenderer"

# --- database -----------------------------------------------------------------------------------

DEFAULT_DATABASE_URL = f"sqlite:///{REPO_DIR / 'var' / 'vangnet.sqlite3'}"
if "DATABASE_URL" not in os.environ:
    (REPO_DIR / "var").mkdir(exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", DEFAULT_DATABASE_URL), conn_max_age=env_int("VANGNET_DB_CONN_MAX_AGE", 0)
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the demo's web server and task worker share one file.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- background tasks (Django Tasks, database-backed worker: ``manage.py db_worker``) ----------

# --- e-mail ---------------------------------------------------------------------------------------

#: The address people use to reach Vangnet; links in e-mails start with it.
VANGNET_BASE_URL = env_str("VANGNET_BASE_URL", "http://127.0.0.1:8000")
_EMAIL_BACKEND = env_str("VANGNET_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
_EMAIL_OPTIONS = {
    "host": env_str("VANGNET_EMAIL_HOST", "localhost"),
    "port": env_int("VANGNET_EMAIL_PORT", 25),
    "username": env_str("VANGNET_EMAIL_HOST_USER", ""),
    "password": env_str("VANGNET_EMAIL_HOST_PASSWORD", ""),
    "use_tls": env_bool("VANGNET_EMAIL_USE_TLS", False),
}
if django.VERSION >= (6, 1):
    MAILERS = {"default": {"BACKEND": _EMAIL_BACKEND, "OPTIONS": _EMAIL_OPTIONS if "smtp" in _EMAIL_BACKEND else {}}}
else:  # Django 5.2 LTS
    EMAIL_BACKEND = _EMAIL_BACKEND
    EMAIL_HOST, EMAIL_PORT = _EMAIL_OPTIONS["host"], _EMAIL_OPTIONS["port"]
    EMAIL_HOST_USER, EMAIL_HOST_PASSWORD = _EMAIL_OPTIONS["username"], _EMAIL_OPTIONS["password"]
    EMAIL_USE_TLS = _EMAIL_OPTIONS["use_tls"]
DEFAULT_FROM_EMAIL = env_str("VANGNET_DEFAULT_FROM_EMAIL", "Vangnet <noreply@vangnet.example>")

TASKS = {
    "default": {
        "BACKEND": env_str("VANGNET_TASKS_BACKEND", "django_tasks_db.backend.DatabaseBackend"),
    }
}

# --- authentication and sessions ----------------------------------------------------------------

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = env_int("VANGNET_SESSION_SECONDS", 8 * 60 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# --- language and time --------------------------------------------------------------------------

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", "Nederlands"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Amsterdam"
USE_TZ = True
# issue 15 (language and consistency): one date format per language, in vangnet/formats/<lang>/formats.py
FORMAT_MODULE_PATH = ["vangnet.formats"]
# issue 15 (public pages in more languages): the languages of the information point and the question form
# (the staff UI stays nl/en); and where the quick-exit button leaves to
INFOPOINT_LANGUAGES = env_list("VANGNET_INFOPOINT_LANGUAGES",
                               ["nl", "en", "ro", "pl", "bg", "uk", "vi", "es", "pt", "ar", "ti"])
INFOPOINT_QUICK_EXIT_URL = env_str("VANGNET_INFOPOINT_QUICK_EXIT_URL", "https://www.buienradar.nl/")
# issue 15 (ADR 0006): a reporting organisation keeps a receipt of a closed case this many days, then loses it
REPORTER_RECEIPT_DAYS_AFTER_CLOSING = env_int("VANGNET_REPORTER_RECEIPT_DAYS_AFTER_CLOSING", 90)

# --- static files -------------------------------------------------------------------------------

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("VANGNET_STATIC_ROOT", str(REPO_DIR / "staticfiles")))

# --- REST API -----------------------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["vangnet.api.authentication.OrganisationTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "vangnet.api.problems.problem_exception_handler",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Vangnet API",
    "DESCRIPTION": (
        "Submit signals of possible human trafficking from an organisation's own system. "
        "Errors are RFC 9457 problem details (application/problem+json)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {"YesNoUnknownEnum": "vangnet.signals.models.YesNoUnknown"},
}

# --- logging ------------------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("VANGNET_LOG_LEVEL", "WARNING")},
}

# --- domain settings ----------------------------------------------------------------------------

#: Linkage thresholds on the match probability: at or above SAME two signals are one person; between
#: REVIEW and SAME the pair waits for the national coordinator.
LINKAGE_SAME_THRESHOLD = float(env_str("VANGNET_LINKAGE_SAME_THRESHOLD", "0.4"))
LINKAGE_REVIEW_THRESHOLD = float(env_str("VANGNET_LINKAGE_REVIEW_THRESHOLD", "0.1"))
# Linkage clustering (issue 10): mean match probability across two clusters needed to merge them.
LINKAGE_CLUSTER_SUPPORT = float(env_str("VANGNET_LINKAGE_CLUSTER_SUPPORT", "0.3"))

#: How many rows the worklists show per page.
WORKLIST_PAGE_SIZE = env_int("VANGNET_WORKLIST_PAGE_SIZE", 25)

#: How long a reserved shelter place is held for the shelter's answer, per urgency (hours).
PLACEMENT_HOLD_HOURS = {
    "acute": env_int("VANGNET_PLACEMENT_HOLD_HOURS_ACUTE", 4),
    "urgent": env_int("VANGNET_PLACEMENT_HOLD_HOURS_URGENT", 24),
    "regular": env_int("VANGNET_PLACEMENT_HOLD_HOURS_REGULAR", 72),
}

# --- procedures and deadlines (issue 12) ------------------------------------------------------------

#: How many days before a procedure deadline its reminder goes out (in-app and e-mail).
VANGNET_DEADLINE_REMINDER_DAYS = env_int("VANGNET_DEADLINE_REMINDER_DAYS", 5)
#: Secret for the organisations' calendar-feed URLs; empty: derived from SECRET_KEY. Change it to revoke all.
VANGNET_CALENDAR_FEED_SECRET = env_str("VANGNET_CALENDAR_FEED_SECRET", "")

# --- the daily deadline reminder run (vangnet.procedures.tasks) -------------------------------------

#: Local hour at which the daily deadline reminder task runs (``manage.py schedule_tasks`` starts it).
VANGNET_DEADLINE_REMINDER_HOUR = env_int("VANGNET_DEADLINE_REMINDER_HOUR", 7)

# --- a coordinator's day (issue 15 A): notifications UI, hold reminders ----------------------------

#: How often the header's notification badge asks for the unread count (seconds; htmx polling).
NOTIFICATIONS_POLL_SECONDS = env_int("VANGNET_NOTIFICATIONS_POLL_SECONDS", 30)
#: A held shelter place is reminded to the shelter this many minutes before the hold lapses.
PLACEMENT_HOLD_REMINDER_MINUTES = env_int("VANGNET_PLACEMENT_HOLD_REMINDER_MINUTES", 60)
#: Attachments on a case: the largest file (bytes), and the virus scanner: "clamd" (ClamAV daemon at
#: VANGNET_CLAMD_ADDRESS), "none" (stored marked "not checked for viruses"), or a dotted class path.
ATTACHMENT_MAX_BYTES = env_int("VANGNET_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
CLAMD_ADDRESS = env_str("VANGNET_CLAMD_ADDRESS", "")
ATTACHMENT_SCANNER = env_str("VANGNET_ATTACHMENT_SCANNER", "clamd" if CLAMD_ADDRESS else "none")

# --- data lifecycle and operations (issue 11: vangnet.lifecycle, vangnet.ops) ---------------------

#: Local hour at which the daily retention task runs (``manage.py retention --schedule`` starts it).
RETENTION_HOUR = env_int("VANGNET_RETENTION_HOUR", 3)
#: Fernet key that encrypts backups (``manage.py backup``). Keep it apart from the database, the backups
#: and VANGNET_ENCRYPTION_KEYS; without it a backup cannot be read.
BACKUP_KEY = env_str("VANGNET_BACKUP_KEY", "")
#: Keys that may decrypt but never encrypt: the first phase of a key rotation
#: (docs/runbooks/encryption-keys.md). Comma separated, like VANGNET_ENCRYPTION_KEYS.
DECRYPTION_ONLY_KEYS = env_list("VANGNET_DECRYPTION_ONLY_KEYS", [])
#: /metrics (Prometheus): a bearer token, and/or the client addresses allowed without one.
METRICS_TOKEN = env_str("VANGNET_METRICS_TOKEN", "")
METRICS_ALLOWED_IPS = env_list("VANGNET_METRICS_ALLOWED_IPS", ["127.0.0.1", "::1"])
#: /readyz fails when no task worker has been seen for this many seconds (0: do not check the worker).
WORKER_HEARTBEAT_MAX_AGE = env_int("VANGNET_WORKER_HEARTBEAT_MAX_AGE", 300)
#: "json" writes one JSON object per log line, with the trace id (for log collectors); "text" is plain.
LOG_FORMAT = env_str("VANGNET_LOG_FORMAT", "text")
MIDDLEWARE.insert(1, "vangnet.ops.metrics.MetricsMiddleware")  # right after the hostile-input guard
if LOG_FORMAT == "json":
    LOGGING["formatters"] = {"json": {"()": "vangnet.ops.logging.JsonFormatter"}}
    LOGGING["handlers"] = {"console": {"class": "logging.StreamHandler", "formatter": "json"}}
# --- security hardening (issue 17: hostile input, login, headers, tamper-evident log) -----------

#: Bodies above this many bytes are refused with 413 (Django's own limit, applied before any view).
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("VANGNET_MAX_BODY_BYTES", 2_621_440)
#: JSON nested deeper than this is refused with 400 before it is parsed.
VANGNET_MAX_JSON_DEPTH = env_int("VANGNET_MAX_JSON_DEPTH", 32)

#: How many reverse proxies in front of Vangnet append to X-Forwarded-For. 0: the client is REMOTE_ADDR
#: (no proxy; the header is ignored). N: the client is the N-th address from the right in the header.
VANGNET_TRUSTED_PROXY_COUNT = env_int("VANGNET_TRUSTED_PROXY_COUNT", 0)

# Login throttling and lockout (django-axes): 10 failures in 15 minutes per account OR per address lock
# further attempts (HTTP 429) until the attempts expire or the functional admin lifts the lock.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = env_int("VANGNET_LOGIN_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("VANGNET_LOGIN_LOCKOUT_MINUTES", 15))
AXES_USE_ATTEMPT_EXPIRATION = True
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_LOCKOUT_CALLABLE = "vangnet.accounts.views.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "vangnet.core.clientip.client_ip"
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False

# Sessions: an idle timeout besides the absolute lifetime (VANGNET_SESSION_SECONDS).
VANGNET_SESSION_IDLE_SECONDS = env_int("VANGNET_SESSION_IDLE_SECONDS", 30 * 60)

# Security log alerts: this many failed logins, lockouts or refused case accesses within the window notify
# the functional administrators (notification kind "security_alert").
VANGNET_SECURITY_ALERT_THRESHOLD = env_int("VANGNET_SECURITY_ALERT_THRESHOLD", 20)
VANGNET_SECURITY_ALERT_WINDOW_MINUTES = env_int("VANGNET_SECURITY_ALERT_WINDOW_MINUTES", 15)

#: API tokens expire after this many days unless the administrator chooses a shorter time.
VANGNET_API_TOKEN_MAX_DAYS = env_int("VANGNET_API_TOKEN_MAX_DAYS", 365)

# HTTPS and headers. Behind a TLS-terminating proxy set VANGNET_PROXY_SSL_HEADER=true (the proxy must
# set X-Forwarded-Proto and strip it from clients). Production refuses to start without HTTPS settings.
_PRODUCTION = VANGNET_ENV == "production"
SECURE_SSL_REDIRECT = env_bool("VANGNET_SSL_REDIRECT", _PRODUCTION)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("VANGNET_PROXY_SSL_HEADER", False) else None
SECURE_HSTS_SECONDS = env_int("VANGNET_HSTS_SECONDS", 31_536_000 if _PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("VANGNET_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("VANGNET_HSTS_PRELOAD", _PRODUCTION)
SECURE_REDIRECT_EXEMPT = [r"^health/?$"]
SESSION_COOKIE_SECURE = env_bool("VANGNET_SECURE_COOKIES", _PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_NAME = "__Host-vangnet_session" if SESSION_COOKIE_SECURE else "vangnet_session"
CSRF_COOKIE_NAME = "__Host-vangnet_csrf" if SESSION_COOKIE_SECURE else "vangnet_csrf"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
#: Content-Security-Policy (Django's own, 6.0+): no inline script or style except with the per-request nonce.
try:
    from django.utils.csp import CSP
except ImportError:  # Django 5.2 LTS has no CSP support: there the policy is not sent
    from enum import StrEnum

    class CSP(StrEnum):  # type: ignore[no-redef]
        SELF = "'self'"
        NONE = "'none'"
        NONCE = "'nonce'"
else:
    MIDDLEWARE.insert(MIDDLEWARE.index("axes.middleware.AxesMiddleware"),
                      "django.middleware.csp.ContentSecurityPolicyMiddleware")
    TEMPLATES[0]["OPTIONS"]["context_processors"].append(  # type: ignore[index]
        "django.template.context_processors.csp")
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
#: Browser features Vangnet never uses (sent as Permissions-Policy by vangnet.core.security).
VANGNET_PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
    "payment=(), usb=(), interest-cohort=(), browsing-topics=()"
)

#: Every this many processing log entries an anchor of the hash chain is stored (0: only by command).
PROCESSING_LOG_ANCHOR_EVERY = env_int("VANGNET_PROCESSING_LOG_ANCHOR_EVERY", 1000)
#: Where ``manage.py anchor_processing_log`` appends anchors outside the database (empty: print only).
PROCESSING_LOG_ANCHOR_FILE = env_str("VANGNET_PROCESSING_LOG_ANCHOR_FILE", "")

#: Two-step verification (TOTP) for every role. On by default in production, which refuses to start with it
#: off; elsewhere users may enrol themselves and the pages show a banner that it is not required.
VANGNET_MFA_REQUIRED = env_bool("VANGNET_MFA_REQUIRED", VANGNET_ENV == "production")
TEMPLATES[0]["OPTIONS"]["context_processors"].append(  # type: ignore[index]
    "vangnet.accounts.context_processors.security")

# --- federated login with OpenID Connect (issue 17) ------------------------------------------------------
# The identity providers themselves are per organisation, in the database (administration → login services).

#: Seconds Vangnet waits for a provider's discovery, token and key endpoints before it gives up.
VANGNET_OIDC_TIMEOUT_SECONDS = env_int("VANGNET_OIDC_TIMEOUT_SECONDS", 10)
#: how long a provider's discovery document and key set are kept between logins (per process)
VANGNET_OIDC_METADATA_TTL_SECONDS = env_int("VANGNET_OIDC_METADATA_TTL_SECONDS", 3600)
#: Clock difference allowed when checking an ID token's exp/iat (seconds).
VANGNET_OIDC_CLOCK_SKEW_SECONDS = env_int("VANGNET_OIDC_CLOCK_SKEW_SECONDS", 60)

# --- passkeys (WebAuthn) as the second step (issue 17) ---------------------------------------------------

#: The WebAuthn relying party id (a registrable domain, e.g. vangnet.example); empty: the host of VANGNET_BASE_URL.
#: Passkeys are bound to it: changing it makes every registered passkey unusable.
VANGNET_WEBAUTHN_RP_ID = env_str("VANGNET_WEBAUTHN_RP_ID", "")
#: The origin browsers show for Vangnet (https://host[:port]); empty: scheme and host of VANGNET_BASE_URL.
VANGNET_WEBAUTHN_ORIGIN = env_str("VANGNET_WEBAUTHN_ORIGIN", "")
