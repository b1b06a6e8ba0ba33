"""Production refuses to start with unsafe settings, in every entry point.

``CoreConfig.ready()`` calls ``refuse_unsafe_settings()`` whenever ``VANGNET_ENV=production``; ``ready()``
runs in every process that sets Django up — the WSGI and ASGI applications, every ``manage.py`` command and
the task worker (``manage.py db_worker``) — so none of them serves or processes anything with a development
secret, DEBUG on, or without HTTPS. The same list is a system check (``vangnet.E003``) for other environments
run with ``--deploy``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def unsafe_settings() -> list[str]:
    """Every reason the current settings are not fit for production (empty when they are)."""
    problems: list[str] = []
    if settings.SECRET_KEY == settings.DEV_SECRET_KEY or len(settings.SECRET_KEY) < 50:
        problems.append("VANGNET_SECRET_KEY is the development key or shorter than 50 characters")
    if not settings.ENCRYPTION_KEYS or settings.DEV_ENCRYPTION_KEY in settings.ENCRYPTION_KEYS:
        problems.append("VANGNET_ENCRYPTION_KEYS is missing or holds the development key")
    if settings.PSEUDONYMISATION_SECRET == settings.DEV_PSEUDONYMISATION_SECRET:
        problems.append("VANGNET_PSEUDONYMISATION_SECRET is the development secret")
    log_key = getattr(settings, "PROCESSING_LOG_HMAC_KEY", None)
    if log_key is not None and log_key == getattr(settings, "DEV_PROCESSING_LOG_HMAC_KEY", None):
        problems.append("VANGNET_PROCESSING_LOG_KEY is the development key")
    if log_key is not None and log_key in (settings.SECRET_KEY, settings.PSEUDONYMISATION_SECRET):
        problems.append("VANGNET_PROCESSING_LOG_KEY must differ from the other secrets")
    if settings.DEBUG:
        problems.append("DEBUG is on (VANGNET_DEBUG)")
    if "*" in settings.ALLOWED_HOSTS:
        problems.append("VANGNET_ALLOWED_HOSTS allows every host")
    if not (settings.SECURE_SSL_REDIRECT or settings.SECURE_PROXY_SSL_HEADER):
        problems.append("no HTTPS: set VANGNET_SSL_REDIRECT or, behind a TLS proxy, VANGNET_PROXY_SSL_HEADER")
    if not settings.SESSION_COOKIE_SECURE or not settings.CSRF_COOKIE_SECURE:
        problems.append("cookies are not HTTPS-only (VANGNET_SECURE_COOKIES)")
    if settings.SECURE_HSTS_SECONDS < 31_536_000:
        problems.append("HSTS is off or shorter than a year (VANGNET_HSTS_SECONDS)")
    if getattr(settings, "VANGNET_MFA_REQUIRED", True) is False:
        problems.append("two-step verification is switched off (VANGNET_MFA_REQUIRED)")
    return problems


def refuse_unsafe_settings() -> None:
    if settings.VANGNET_ENV != "production":
        return
    problems = unsafe_settings()
    if problems:
        raise ImproperlyConfigured(
            "Vangnet refuses to run in production with unsafe settings:\n- " + "\n- ".join(problems)
            + "\nSee docs/settings.md."
        )
