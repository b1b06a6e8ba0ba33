from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from vangnet.lifecycle.backup import BackupError, Target, restore


class Command(BaseCommand):
    help = ("Restore an encrypted backup into an EMPTY PostgreSQL database and check every table's row count and "
            "the processing log against the backup.")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("backup_file")
        parser.add_argument("--target", help="postgres:// URL of the empty database (default: DATABASE_URL)")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["backup_file"])
        if not path.is_file():
            raise CommandError(f"No backup file at {path}")
        started = time.perf_counter()
        try:
            target = (Target.from_url(options["target"]) if options["target"]
                      else Target.from_settings(connection.settings_dict))
            connection.close()  # never hold a connection to the database being restored
            manifest = restore(path, target, settings.BACKUP_KEY)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        log = manifest["processing_log"] or {}
        self.stdout.write(f"restored into {target.dbname} and verified: {len(manifest['tables'])} tables, "
                          f"{sum(manifest['tables'].values())} rows, {log.get('entries', 0)} processing log "
                          f"entries; {time.perf_counter() - started:.1f} s")
