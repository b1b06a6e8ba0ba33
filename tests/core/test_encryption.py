"""Identifying fields are encrypted at rest, and the keys rotate."""

from __future__ import annotations

from cryptography.fernet import Fernet
from django.db import connection

from vangnet.core import crypto
from vangnet.core.rotation import rotate_all
from vangnet.signals.models import Signal, SignalDraft


def raw_row(table: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return " ".join(str(v) for v in cursor.fetchone())


def test_database_holds_no_identifying_value_in_the_clear(registered_signal):
    row = raw_row("signals_signal", registered_signal.pk)
    for clear in ("Olumide", "Adeyemi", "1999-04-12", "window brothel"):
        assert clear not in row
    signal = Signal.objects.get(pk=registered_signal.pk)
    assert (signal.given_names, signal.family_name) == ("Olumide", "Adeyemi")
    assert signal.birth_date.isoformat() == "1999-04-12"


def test_drafts_are_encrypted_too(cast):
    draft = SignalDraft.objects.create(owner=cast.reporter, data={"person": {"family_name": ["Ionescu"]}})
    assert "Ionescu" not in raw_row("signals_signaldraft", draft.pk)
    assert SignalDraft.objects.get(pk=draft.pk).data["person"]["family_name"] == ["Ionescu"]


def test_key_rotation_reencrypts_everything_under_the_new_key(registered_signal, settings):
    old_key = settings.ENCRYPTION_KEYS[0]
    new_key = Fernet.generate_key().decode()
    settings.ENCRYPTION_KEYS = [new_key, old_key]
    counts = rotate_all()
    assert counts["signals.Signal"] == 1
    assert rotate_all()["signals.Signal"] == 0  # idempotent
    settings.ENCRYPTION_KEYS = [new_key]  # the old key is gone: data still readable
    signal = Signal.objects.get(pk=registered_signal.pk)
    assert signal.family_name == "Adeyemi"
    settings.ENCRYPTION_KEYS = [old_key]  # and unreadable with only the old key
    try:
        Signal.objects.get(pk=registered_signal.pk)
    except crypto.DecryptionError:
        pass
    else:
        raise AssertionError("data encrypted under the new key was readable with the old key only")
