from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from vangnet.audit.chain import anchor_now


class Command(BaseCommand):
    help = ("Store an anchor of the processing log's hash chain and write it out of the database (one JSON line "
            "to stdout and to VANGNET_PROCESSING_LOG_ANCHOR_FILE). Run it periodically, e.g. hourly, and keep the "
            "lines somewhere the database's administrators cannot change.")

    def handle(self, *args: Any, **options: Any) -> None:
        anchor = anchor_now()
        if anchor is None:
            self.stdout.write("the processing log is empty; no anchor")
            return
        line = json.dumps({"seq": anchor.seq, "hash": anchor.entry_hash, "at": anchor.at.isoformat(),
                           "mac": anchor.mac})
        if settings.PROCESSING_LOG_ANCHOR_FILE:
            with Path(settings.PROCESSING_LOG_ANCHOR_FILE).open("a", encoding="utf-8") as handle:
                handle.write(line + "\n")
        self.stdout.write(line)
