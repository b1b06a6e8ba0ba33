from __future__ import annotations

import datetime
import time
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from vangnet.lifecycle.backup import BackupError, Target, backup


class Command(BaseCommand):
    help = ("Back up the PostgreSQL database: pg_dump (custom format) of one consistent snapshot, with row counts "
            "and a processing-log digest, encrypted with VANGNET_BACKUP_KEY.")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--output", help="File to write (default: var/backups/vangnet-<time>.backup)")
        parser.add_argument("--generate-key", action="store_true", help="Print a new backup key and stop.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["generate_key"]:
            self.stdout.write(Fernet.generate_key().decode())
            return
        stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
        output = Path(options["output"] or settings.REPO_DIR / "var" / "backups" / f"vangnet-{stamp}.backup")
        started = time.perf_counter()
        try:
            manifest = backup(Target.from_settings(connection.settings_dict), output, settings.BACKUP_KEY)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["tables"].values())
        log = manifest["processing_log"] or {}
        self.stdout.write(f"backup written to {output}: {len(manifest['tables'])} tables, {rows} rows, "
                          f"{log.get('entries', 0)} processing log entries, {time.perf_counter() - started:.1f} s")
