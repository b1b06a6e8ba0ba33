from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from vangnet.demo.bulk import load_bulk
from vangnet.demo.organisations import create_organisations, create_users


class Command(BaseCommand):
    help = ("Bulk-load many synthetic cases fast (benchmarks, big demos): cases with signals, involvements, "
            "status history, events and consents, written with bulk inserts.")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--cases", type=int, default=10_000,
                            help="How many cases to create (default 10000)")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args: Any, **options: Any) -> None:
        create_users(create_organisations())
        started = time.perf_counter()
        verbosity = options["verbosity"]

        def progress(done: int, total: int) -> None:
            if verbosity > 1 or done == total:
                self.stdout.write(f"  {done}/{total} cases ({time.perf_counter() - started:.1f} s)")

        created = load_bulk(options["cases"], seed=options["seed"], progress=progress)
        elapsed = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(f"Created {created} cases in {elapsed:.1f} s."))
