from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from vangnet.api.openapi import COMMITTED, drift, generate


class Command(BaseCommand):
    help = "Write openapi.yaml from the code, or --check that the committed one is up to date."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--check", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["check"]:
            diff = drift()
            if diff:
                self.stdout.write(diff)
                raise CommandError("openapi.yaml is out of date: run `python3 dev.py manage openapi`")
            self.stdout.write("openapi.yaml matches the code")
            return
        COMMITTED.write_text(generate(), encoding="utf-8")
        self.stdout.write(f"wrote {COMMITTED}")
