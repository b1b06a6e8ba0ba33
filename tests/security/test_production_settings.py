"""Production refuses unsafe settings in every entry point (WSGI, ASGI, manage.py, the task worker)."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet
from django.conf import settings

ENTRY_POINTS = {
    "wsgi": [sys.executable, "-c", "from vangnet.wsgi import application"],
    "asgi": [sys.executable, "-c", "from vangnet.asgi import application"],
    "manage.py migrate": [sys.executable, "manage.py", "migrate", "--plan"],
    "task worker": [sys.executable, "manage.py", "db_worker"],
}


def good_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VANGNET_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update({
        "VANGNET_ENV": "production",
        "VANGNET_SECRET_KEY": secrets.token_urlsafe(60),
        "VANGNET_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "VANGNET_PSEUDONYMISATION_SECRET": secrets.token_urlsafe(48),
        "VANGNET_PROCESSING_LOG_KEY": secrets.token_urlsafe(48),
        "VANGNET_ALLOWED_HOSTS": "vangnet.example.nl",
        "VANGNET_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "VANGNET_CLAMD_ADDRESS": "unix:/run/clamav/clamd.ctl",  # production scans attachments for viruses
        "DJANGO_SETTINGS_MODULE": "vangnet.settings",
    })
    return env


def run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, env=env, cwd=settings.REPO_DIR, capture_output=True, text=True, timeout=60,  # noqa: S603
                          check=False)


UNSAFE = {
    "development secret key": {"VANGNET_SECRET_KEY": None},
    "development encryption key": {"VANGNET_ENCRYPTION_KEYS": None},
    "development pseudonymisation secret": {"VANGNET_PSEUDONYMISATION_SECRET": None},
    "development log key": {"VANGNET_PROCESSING_LOG_KEY": None},
    "debug on": {"VANGNET_DEBUG": "true"},
    "no https": {"VANGNET_SSL_REDIRECT": "false"},
    "cookies over http": {"VANGNET_SECURE_COOKIES": "false"},
    "no hsts": {"VANGNET_HSTS_SECONDS": "0"},
    "any host": {"VANGNET_ALLOWED_HOSTS": "*"},
}


@pytest.mark.parametrize("entry", list(ENTRY_POINTS))
def test_every_entry_point_refuses_missing_secrets(entry):
    env = {k: v for k, v in good_env().items()
           if k not in ("VANGNET_SECRET_KEY", "VANGNET_ENCRYPTION_KEYS", "VANGNET_PSEUDONYMISATION_SECRET")}
    result = run(ENTRY_POINTS[entry], env)
    assert result.returncode != 0
    assert "refuses to run in production" in result.stderr
    assert "VANGNET_SECRET_KEY" in result.stderr


@pytest.mark.parametrize("case", list(UNSAFE))
def test_wsgi_refuses_each_unsafe_setting(case):
    env = good_env()
    for name, value in UNSAFE[case].items():
        if value is None:
            env.pop(name)
        else:
            env[name] = value
    result = run(ENTRY_POINTS["wsgi"], env)
    assert result.returncode != 0, case
    assert "refuses to run in production" in result.stderr


def test_safe_production_settings_load_and_check_deploy_is_clean():
    env = good_env()
    assert run(ENTRY_POINTS["wsgi"], env).returncode == 0
    assert run(ENTRY_POINTS["asgi"], env).returncode == 0
    result = run([sys.executable, "manage.py", "check", "--deploy"], env)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_behind_a_tls_proxy_the_proxy_header_replaces_the_redirect():
    env = good_env() | {"VANGNET_SSL_REDIRECT": "false", "VANGNET_PROXY_SSL_HEADER": "true"}
    assert run(ENTRY_POINTS["wsgi"], env).returncode == 0
