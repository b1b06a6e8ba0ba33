"""Encrypted backups of the PostgreSQL database, and restore into an empty database with a check.

Backup: one REPEATABLE READ transaction exports its snapshot; the row count of every table and a digest of
the processing log are taken in that transaction, and ``pg_dump --format=custom --snapshot=...`` dumps
exactly the same state. The dump is encrypted in 1 MiB chunks with Fernet under ``VANGNET_BACKUP_KEY``
(kept apart from the database, the backups and the encryption keys). Each chunk carries its index and
a last-chunk flag inside the encryption, so a reordered or cut-off file is refused.

File layout::

    b"VANGNET-BACKUP-1\\n"
    4-byte length + Fernet token of the manifest (JSON)
    repeated: 4-byte length + Fernet token of (8-byte index, 1-byte last flag, chunk)

Restore: refuses a target that holds any table, decrypts to a private temporary file, checks its
SHA-256 against the manifest, runs ``pg_restore``, then compares every table's row count and the
processing log digest with the manifest.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import shutil
import struct
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import psycopg
from cryptography.fernet import Fernet, InvalidToken
from psycopg import sql

MAGIC = b"VANGNET-BACKUP-1\n"
CHUNK = 1024 * 1024
LOG_TABLE = "audit_processinglogentry"
#: pg_dump/pg_restore must not wait forever on a lock; a backup of a large registry takes minutes.
TOOL_TIMEOUT = 6 * 60 * 60


class BackupError(Exception):
    pass


@dataclass(frozen=True)
class Target:
    """Where to connect: libpq keywords (host, port, dbname, user, password)."""

    host: str
    port: str
    dbname: str
    user: str
    password: str

    @classmethod
    def from_settings(cls, db: dict[str, Any]) -> Target:
        if db.get("ENGINE") != "django.db.backends.postgresql":
            raise BackupError("Backup and restore work with PostgreSQL only (DATABASE_URL=postgres://...).")
        return cls(host=str(db.get("HOST") or "localhost"), port=str(db.get("PORT") or "5432"),
                   dbname=str(db["NAME"]), user=str(db.get("USER") or ""), password=str(db.get("PASSWORD") or ""))

    @classmethod
    def from_url(cls, url: str) -> Target:
        import dj_database_url

        return cls.from_settings(dj_database_url.parse(url))

    def connect(self, **kwargs: Any) -> psycopg.Connection[Any]:
        return psycopg.connect(host=self.host, port=self.port, dbname=self.dbname, user=self.user,
                               password=self.password or None, **kwargs)

    def env(self) -> dict[str, str]:
        """Connection for the client tools through the environment: the password never shows in ``ps``."""
        env = {**os.environ, "PGHOST": self.host, "PGPORT": self.port, "PGDATABASE": self.dbname,
               "PGUSER": self.user}
        if self.password:
            env["PGPASSWORD"] = self.password
        return env


def fernet(key: str) -> Fernet:
    if not key:
        raise BackupError("VANGNET_BACKUP_KEY is not set. Generate one with `manage.py backup --generate-key` "
                          "and keep it apart from the backups.")
    try:
        return Fernet(key.encode())
    except (ValueError, TypeError) as exc:
        raise BackupError("VANGNET_BACKUP_KEY must be a url-safe base64 encoded 32-byte key") from exc


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client-<server major>)")
    return path


# --- what the database holds ----------------------------------------------------------------------


def tables(cursor: psycopg.Cursor[Any]) -> list[str]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    return [row[0] for row in cursor.fetchall()]


def row_counts(cursor: psycopg.Cursor[Any]) -> dict[str, int]:
    counts = {}
    for table in tables(cursor):
        cursor.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table)))
        counts[table] = int(cursor.fetchone()[0])  # type: ignore[index]
    return counts


def log_digest(cursor: psycopg.Cursor[Any]) -> dict[str, Any]:
    """Count, newest entry and an MD5 over every entry's id, time, activity, action and subject, in order:
    a restored log must be the same log, not only the same number of rows."""
    cursor.execute(
        sql.SQL("SELECT count(*), max(at), md5(coalesce(string_agg("
                "id::text || '|' || at::text || '|' || activity_id::text || '|' || action || '|' || subject_pseudonym,"
                " ',' ORDER BY at, id), '')) FROM {}").format(sql.Identifier(LOG_TABLE))
    )
    count, newest, digest = cursor.fetchone()  # type: ignore[misc]
    return {"entries": int(count), "newest": newest.isoformat() if newest else None, "md5": digest}


# --- the encrypted file ---------------------------------------------------------------------------


def _write_token(out: IO[bytes], token: bytes) -> None:
    out.write(struct.pack(">I", len(token)))
    out.write(token)


def _read_token(handle: IO[bytes]) -> bytes | None:
    head = handle.read(4)
    if not head:
        return None
    if len(head) != 4:
        raise BackupError("The backup file is cut off.")
    (length,) = struct.unpack(">I", head)
    token = handle.read(length)
    if len(token) != length:
        raise BackupError("The backup file is cut off.")
    return token


def encrypt_file(plain: IO[bytes], out: IO[bytes], manifest: dict[str, Any], f: Fernet) -> None:
    out.write(MAGIC)
    _write_token(out, f.encrypt(json.dumps(manifest, sort_keys=True).encode()))
    index = 0
    chunk = plain.read(CHUNK)
    while True:
        following = plain.read(CHUNK)
        last = not following
        _write_token(out, f.encrypt(struct.pack(">QB", index, 1 if last else 0) + chunk))
        if last:
            break
        chunk, index = following, index + 1


def read_manifest(handle: IO[bytes], f: Fernet) -> dict[str, Any]:
    if handle.read(len(MAGIC)) != MAGIC:
        raise BackupError("This is not a Vangnet backup file.")
    token = _read_token(handle)
    if token is None:
        raise BackupError("The backup file is cut off.")
    try:
        return dict(json.loads(f.decrypt(token)))
    except InvalidToken as exc:
        raise BackupError("The backup cannot be decrypted with VANGNET_BACKUP_KEY (wrong key or changed file).") \
            from exc


def decrypt_chunks(handle: IO[bytes], f: Fernet) -> Iterator[bytes]:
    expected = 0
    while True:
        token = _read_token(handle)
        if token is None:
            raise BackupError("The backup file is cut off (the last part is missing).")
        try:
            plain = f.decrypt(token)
        except InvalidToken as exc:
            raise BackupError("A part of the backup was changed or belongs to another backup.") from exc
        index, last = struct.unpack(">QB", plain[:9])
        if index != expected:
            raise BackupError("The parts of the backup are out of order.")
        yield plain[9:]
        if last:
            if handle.read(1):
                raise BackupError("The backup file has data after its last part.")
            return
        expected += 1


# --- backup ---------------------------------------------------------------------------------------


def backup(source: Target, destination: Path, key: str) -> dict[str, Any]:
    """Dump ``source`` into the encrypted file ``destination``; return the manifest."""
    f = fernet(key)
    pg_dump = tool("pg_dump")
    destination.parent.mkdir(parents=True, exist_ok=True)
    with source.connect(autocommit=False) as conn, conn.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
        snapshot, server_version = cursor.fetchone()  # type: ignore[misc]
        counts = row_counts(cursor)
        digest = log_digest(cursor) if LOG_TABLE in counts else None
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, id")
        migrations: dict[str, str] = {}
        for app, name in cursor.fetchall():
            migrations[app] = name
        with tempfile.TemporaryDirectory(prefix="vangnet-backup-") as tmp:
            os.chmod(tmp, 0o700)
            dump_path = Path(tmp) / "dump"
            with dump_path.open("wb") as dump:
                result = subprocess.run(  # noqa: S603 (fixed argument list, no shell)
                    [pg_dump, "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}"],
                    stdout=dump, stderr=subprocess.PIPE, env=source.env(), timeout=TOOL_TIMEOUT, check=False,
                )
            if result.returncode != 0:
                raise BackupError(f"pg_dump failed: {result.stderr.decode(errors='replace').strip()[-500:]}")
            sha = hashlib.sha256()
            with dump_path.open("rb") as dump:
                for block in iter(lambda: dump.read(CHUNK), b""):
                    sha.update(block)
            manifest = {
                "format": 1, "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
                "database": source.dbname, "server_version": server_version, "tables": counts,
                "processing_log": digest, "migrations": migrations, "dump_sha256": sha.hexdigest(),
                "dump_bytes": dump_path.stat().st_size,
            }
            partial = destination.with_name(destination.name + ".partial")
            with dump_path.open("rb") as plain, partial.open("wb") as out:
                os.chmod(partial, 0o600)
                encrypt_file(plain, out, manifest, f)
            partial.replace(destination)
    return manifest


# --- restore --------------------------------------------------------------------------------------


def assert_empty(target: Target) -> None:
    try:
        with target.connect(autocommit=True) as conn, conn.cursor() as cursor:
            existing = tables(cursor)
    except psycopg.OperationalError as exc:
        raise BackupError(f"Cannot connect to the target database {target.dbname!r}: create it first "
                          f"(createdb {target.dbname}).") from exc
    if existing:
        raise BackupError(f"The target database {target.dbname!r} is not empty ({len(existing)} tables). "
                          "Restore only into a new, empty database.")


def verify(target: Target, manifest: dict[str, Any]) -> list[str]:
    """Compare the restored database with the manifest; return the differences (empty: identical)."""
    problems = []
    with target.connect(autocommit=True) as conn, conn.cursor() as cursor:
        counts = row_counts(cursor)
        digest = log_digest(cursor) if LOG_TABLE in counts else None
    expected = manifest["tables"]
    for table in sorted(set(expected) | set(counts)):
        if expected.get(table) != counts.get(table):
            problems.append(f"{table}: {counts.get(table)} rows, the backup had {expected.get(table)}")
    if digest != manifest.get("processing_log"):
        problems.append("the processing log differs from the one in the backup")
    return problems


def restore(backup_file: Path, target: Target, key: str) -> dict[str, Any]:
    """Restore ``backup_file`` into the empty database ``target`` and verify it. Returns the manifest."""
    f = fernet(key)
    pg_restore = tool("pg_restore")
    assert_empty(target)
    with backup_file.open("rb") as handle:
        manifest = read_manifest(handle, f)
        with tempfile.TemporaryDirectory(prefix="vangnet-restore-") as tmp:
            os.chmod(tmp, 0o700)
            dump_path = Path(tmp) / "dump"
            sha = hashlib.sha256()
            with dump_path.open("wb") as dump:
                for part in decrypt_chunks(handle, f):
                    sha.update(part)
                    dump.write(part)
            if sha.hexdigest() != manifest["dump_sha256"]:
                raise BackupError("The decrypted dump does not match its checksum.")
            jobs = str(max(1, min(4, os.cpu_count() or 1)))
            result = subprocess.run(  # noqa: S603 (fixed argument list, no shell)
                [pg_restore, "--no-owner", "--no-privileges", "--exit-on-error", f"--jobs={jobs}",
                 f"--dbname={target.dbname}", str(dump_path)],
                capture_output=True, env=target.env(), timeout=TOOL_TIMEOUT, check=False,
            )
            if result.returncode != 0:
                raise BackupError(f"pg_restore failed: {result.stderr.decode(errors='replace').strip()[-500:]}")
    problems = verify(target, manifest)
    if problems:
        raise BackupError("The restored database differs from the backup: " + "; ".join(problems[:10]))
    return manifest
