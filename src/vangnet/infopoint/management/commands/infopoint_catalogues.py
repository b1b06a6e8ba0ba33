from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from vangnet.infopoint.catalogues import build


class Command(BaseCommand):
    help = "Write the public pages' catalogues (locale/<lang>/) from infopoint/data/languages/*.yaml, or --check."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--check", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        stale = build(check=options["check"])
        if options["check"] and stale:
            raise CommandError("out of date (run manage.py infopoint_catalogues): " + ", ".join(stale))
        self.stdout.write("\n".join(stale) if stale else "catalogues are up to date")
