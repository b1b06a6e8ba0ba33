"""Write the open-data file: one row per person in the CTDC data standard, k-anonymous on
yearOfRegistration, gender, ageBroad and citizenship; optionally the Eurostat victims table.

    manage.py export_open_data --k 11 --out persons.csv [--years 2022-2026] [--eurostat eurostat.csv]
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from vangnet.audit.models import Action
from vangnet.audit.services import log_processing
from vangnet.statistics.management.commands.export_capture_histories import parse_years
from vangnet.statistics.opendata import eurostat_victims, open_data, person_records, write_csv

EUROSTAT_COLUMNS = ("TIME_PERIOD", "GEO", "SEX", "AGE", "CITIZEN", "EXPLOIT", "OBS_VALUE")


class Command(BaseCommand):
    help = "Write one k-anonymous row per person (CTDC column names) and, optionally, the Eurostat victims table."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--k", type=int, required=True, help="every quasi-identifier combination occurs >= k times")
        parser.add_argument("--out", required=True, help="the CSV file to write")
        parser.add_argument("--years", default="", help="year range of registration, e.g. 2022-2026 (default: all)")
        parser.add_argument("--max-suppression", type=float, default=0.05,
                            help="share of persons that may be suppressed instead of generalising further (0-1)")
        parser.add_argument("--eurostat", default="", help="also write the Eurostat victims table to this CSV")

    def handle(self, *args: Any, **options: Any) -> None:
        k = options["k"]
        if k < 2:
            raise CommandError("--k must be 2 or more (k = 1 publishes every person as they are).")
        if not 0 <= options["max_suppression"] <= 1:
            raise CommandError("--max-suppression must be between 0 and 1.")
        year_from = year_to = None
        if options["years"]:
            year_from, year_to = parse_years(options["years"])
        rows, report = open_data(k, year_from=year_from, year_to=year_to,
                                 max_suppression=options["max_suppression"])
        out = Path(options["out"])
        try:
            with out.open("w", encoding="utf-8", newline="") as fh:
                write_csv(rows, fh)
            if options["eurostat"]:
                with Path(options["eurostat"]).open("w", encoding="utf-8", newline="") as fh:
                    write_csv(eurostat_victims(person_records(year_from, year_to)), fh, EUROSTAT_COLUMNS)
        except OSError as exc:
            raise CommandError(f"Cannot write the file: {exc.strerror} ({exc.filename})") from exc
        log_processing("statistics_anonymised", Action.EXPORT,
                       fields=["submitted_at", "age_at_signal", "gender", "nationality", "forms", "cluster_id"])
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(f"Written to {out}.")
