"""Backup and restore: the encrypted file format (any database), and a real backup, drop, restore and
verify on PostgreSQL (marker ``postgres``)."""

from __future__ import annotations

import io
import os
import re
import shutil
import struct
from pathlib import Path

import psycopg
import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from tests.lifecycle.helpers import new_signal
from vangnet.core import crypto
from vangnet.lifecycle import backup as bk

KEY = Fernet.generate_key().decode()


def encrypted(data: bytes, manifest: dict | None = None, key: str = KEY) -> bytes:
    out = io.BytesIO()
    bk.encrypt_file(io.BytesIO(data), out, manifest or {"dump_sha256": "x"}, Fernet(key.encode()))
    return out.getvalue()


def decrypted(blob: bytes, key: str = KEY) -> tuple[dict, bytes]:
    handle = io.BytesIO(blob)
    f = Fernet(key.encode())
    manifest = bk.read_manifest(handle, f)
    return manifest, b"".join(bk.decrypt_chunks(handle, f))


@pytest.mark.parametrize("size", [0, 10, bk.CHUNK, bk.CHUNK * 2 + 7])
def test_the_file_round_trips(size) -> None:
    data = os.urandom(size)
    manifest, plain = decrypted(encrypted(data, {"tables": {"a": 1}}))
    assert plain == data and manifest == {"tables": {"a": 1}}


def test_the_file_reveals_nothing_without_the_key() -> None:
    blob = encrypted(b"Olumide Adeyemi " * 100)
    assert b"Adeyemi" not in blob
    with pytest.raises(bk.BackupError, match="cannot be decrypted"):
        decrypted(blob, key=Fernet.generate_key().decode())


def split(blob: bytes) -> tuple[bytes, list[bytes]]:
    """Header (magic + manifest token) and the chunk records."""
    pos = len(bk.MAGIC)
    (n,) = struct.unpack(">I", blob[pos:pos + 4])
    header_end = pos + 4 + n
    records, pos = [], header_end
    while pos < len(blob):
        (n,) = struct.unpack(">I", blob[pos:pos + 4])
        records.append(blob[pos:pos + 4 + n])
        pos += 4 + n
    return blob[:header_end], records


def test_a_cut_off_reordered_or_changed_file_is_refused() -> None:
    blob = encrypted(os.urandom(bk.CHUNK * 3))
    header, records = split(blob)
    assert len(records) == 3
    with pytest.raises(bk.BackupError, match="cut off"):
        decrypted(header + b"".join(records[:2]))
    with pytest.raises(bk.BackupError, match="out of order"):
        decrypted(header + records[1] + records[0] + records[2])
    changed = bytearray(blob)
    changed[-10] ^= 0x01
    with pytest.raises(bk.BackupError, match="changed"):
        decrypted(bytes(changed))
    with pytest.raises(bk.BackupError, match="not a Vangnet backup"):
        decrypted(b"PGDMP" + blob)


def test_without_a_key_or_on_sqlite_the_commands_explain(settings, tmp_path) -> None:
    settings.BACKUP_KEY = ""
    with pytest.raises(bk.BackupError, match="VANGNET_BACKUP_KEY"):
        bk.fernet("")
    with pytest.raises(bk.BackupError, match="PostgreSQL only"):
        bk.Target.from_settings({"ENGINE": "django.db.backends.sqlite3", "NAME": "x"})
    out = io.StringIO()
    call_command("backup", "--generate-key", stdout=out)
    Fernet(out.getvalue().strip().encode())  # a valid key


# --- PostgreSQL: back up, drop, restore, verify ---------------------------------------------------


def restore_db_name() -> str:
    """Next to the source database: test_vangnet_i11 -> vangnet_i11_restore (CI: vangnet_ci_restore)."""
    return re.sub(r"^test_", "", connection.settings_dict["NAME"]) + "_restore"


def admin_connection(source: bk.Target) -> psycopg.Connection:
    return psycopg.connect(host=source.host, port=source.port, dbname="postgres", user=source.user,
                           password=source.password or None, autocommit=True)


def recreate(source: bk.Target, name: str) -> None:
    with admin_connection(source) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop(source: bk.Target, name: str) -> None:
    with admin_connection(source) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_backup_drop_restore_and_verify(cast, settings, tmp_path: Path) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL=postgres://…)")
    if shutil.which("pg_dump") is None and not os.environ.get("CI"):
        pytest.skip("needs pg_dump/pg_restore (Debian: postgresql-client)")
    settings.BACKUP_KEY = KEY
    signal = new_signal(cast.reporter)
    source = bk.Target.from_settings(connection.settings_dict)
    name = restore_db_name()
    target = bk.Target(source.host, source.port, name, source.user, source.password)
    url = f"postgres://{source.user}@{source.host}:{source.port}/{name}"
    path = tmp_path / "vangnet.backup"
    try:
        call_command("backup", "--output", str(path), stdout=io.StringIO())
        assert path.stat().st_mode & 0o777 == 0o600
        assert b"Adeyemi" not in path.read_bytes() and b"PGDMP" not in path.read_bytes()

        recreate(source, name)  # drop whatever was there, start from an empty database
        out = io.StringIO()
        call_command("restore", str(path), "--target", url, stdout=out)
        assert "verified" in out.getvalue()
        with target.connect(autocommit=True) as conn:
            token = conn.execute("SELECT family_name FROM signals_signal WHERE id = %s", [signal.pk]).fetchone()[0]
            log_rows = conn.execute("SELECT count(*) FROM audit_processinglogentry").fetchone()[0]
        assert crypto.decrypt(token) == "Adeyemi", "the restored data decrypt with the application keys"
        assert log_rows > 0

        with pytest.raises(CommandError, match="not empty"):
            call_command("restore", str(path), "--target", url, stdout=io.StringIO())

        recreate(source, name)
        settings.BACKUP_KEY = Fernet.generate_key().decode()
        with pytest.raises(CommandError, match="cannot be decrypted"):
            call_command("restore", str(path), "--target", url, stdout=io.StringIO())
    finally:
        drop(source, name)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_verify_finds_a_missing_row_and_a_changed_log(cast, settings, tmp_path: Path) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL=postgres://…)")
    if shutil.which("pg_dump") is None and not os.environ.get("CI"):
        pytest.skip("needs pg_dump/pg_restore (Debian: postgresql-client)")
    new_signal(cast.reporter)
    source = bk.Target.from_settings(connection.settings_dict)
    name = restore_db_name()
    target = bk.Target(source.host, source.port, name, source.user, source.password)
    path = tmp_path / "vangnet.backup"
    try:
        manifest = bk.backup(source, path, KEY)
        recreate(source, name)
        bk.restore(path, target, KEY)
        assert bk.verify(target, manifest) == []
        with target.connect(autocommit=True) as conn:
            conn.execute("DELETE FROM signals_signal_languages")
        wrong_counts = {**manifest, "processing_log": {**manifest["processing_log"], "md5": "0" * 32}}
        problems = bk.verify(target, wrong_counts)
        assert any(p.startswith("signals_signal_languages:") for p in problems)
        assert "the processing log differs from the one in the backup" in problems
    finally:
        drop(source, name)
