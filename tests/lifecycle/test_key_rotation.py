"""Encryption-key rotation in phases, so a running server never meets a value it cannot decrypt
(docs/runbooks/encryption-keys.md)."""

from __future__ import annotations

from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.db import connection
from django.urls import reverse

from tests.lifecycle.helpers import new_signal
from vangnet.core import crypto
from vangnet.core.rotation import rotate_all
from vangnet.lifecycle.checks import key_rotation_check
from vangnet.signals.models import Signal

pytestmark = pytest.mark.django_db

OLD = Fernet.generate_key().decode()
NEW = Fernet.generate_key().decode()


def phase(settings: Any, encrypt: list[str], decrypt_only: list[str] = ()) -> None:  # type: ignore[assignment]
    settings.ENCRYPTION_KEYS = list(encrypt)
    settings.DECRYPTION_ONLY_KEYS = list(decrypt_only)


def stored_token(signal: Signal) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT family_name FROM signals_signal WHERE id = %s", [signal.pk])
        return cursor.fetchone()[0]


def test_decrypt_only_keys_never_encrypt(settings) -> None:
    phase(settings, [OLD], [NEW])
    token = crypto.encrypt("Adeyemi")
    Fernet(OLD.encode()).decrypt(token.encode())  # written under the old key
    phase(settings, [OLD])
    assert crypto.decrypt(token) == "Adeyemi"


def test_rolling_rotation_never_gives_a_500(cast, settings, client) -> None:
    phase(settings, [OLD])                              # before: every server has the old key
    before = new_signal(cast.reporter)

    phase(settings, [OLD], [NEW])                       # phase 1: the new key, decrypt-only, on every server
    client.force_login(cast.reporter)
    assert client.get(reverse("cases:detail", args=[before.case.reference])).status_code == 200

    phase(settings, [NEW, OLD])                         # phase 2: one server already encrypts with the new key
    during = new_signal(cast.reporter, family_name="Nieuwe-Sleutel")
    assert Fernet(NEW.encode()).decrypt(stored_token(during).encode()) == b"Nieuwe-Sleutel"

    phase(settings, [OLD], [NEW])                       # ... while another still runs the phase-1 settings
    page = client.get(reverse("cases:detail", args=[during.case.reference]))
    assert page.status_code == 200 and "Nieuwe-Sleutel" in page.content.decode()

    phase(settings, [NEW, OLD])                         # phase 3: re-encrypt everything under the new key
    counts = rotate_all()
    assert counts["signals.Signal"] >= 1
    phase(settings, [NEW])                              # phase 4: the old key is gone
    for signal in Signal.objects.all():
        assert signal.family_name in {"Adeyemi", "Nieuwe-Sleutel"}
    assert client.get(reverse("cases:detail", args=[before.case.reference])).status_code == 200


def test_skipping_phase_1_is_what_broke_servers(cast, settings) -> None:
    """Why the runbook insists on phase 1: a server with only the old key cannot read a new-key value."""
    phase(settings, [NEW, OLD])
    signal = new_signal(cast.reporter)
    phase(settings, [OLD])
    with pytest.raises(crypto.DecryptionError):
        Signal.objects.get(pk=signal.pk)


def test_the_check_refuses_a_bad_decrypt_only_key(settings) -> None:
    phase(settings, [OLD], ["not-a-key"])
    assert [p.id for p in key_rotation_check(None)] == ["vangnet.lifecycle.E003"]
    phase(settings, [OLD], [OLD])
    assert [p.id for p in key_rotation_check(None)] == ["vangnet.lifecycle.W001"]
    phase(settings, [OLD], [NEW])
    settings.BACKUP_KEY = NEW
    assert [p.id for p in key_rotation_check(None)] == ["vangnet.lifecycle.E004"]
    settings.BACKUP_KEY = Fernet.generate_key().decode()
    assert key_rotation_check(None) == []
