from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from vangnet.core.rotation import rotate_all


class Command(BaseCommand):
    help = ("Re-encrypt all identifying fields under the first key of VANGNET_ENCRYPTION_KEYS. Put the new key "
            "first, keep the old one after it, run this, then remove the old key.")

    def handle(self, *args: Any, **options: Any) -> None:
        for label, count in rotate_all().items():
            self.stdout.write(f"{label}: {count} rows re-encrypted")
