"""Write the registry's capture-history table in the estimation CSV format (``vangnet estimate FILE.csv``).

The file holds unsuppressed counts of persons per combination of lists: it is input for the estimate,
not a table to publish.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from vangnet.audit.models import Action
from vangnet.audit.services import log_processing
from vangnet.signals.models import ExploitationForm
from vangnet.statistics.capture import capture_histories
from vangnet.statistics.selectors import Filters


def parse_years(value: str) -> tuple[int, int]:
    match = re.fullmatch(r"\s*(\d{4})\s*(?:-\s*(\d{4})\s*)?", value)
    if not match:
        raise CommandError(f"--years must look like 2022-2026 or 2024, not {value!r}.")
    start = int(match.group(1))
    end = int(match.group(2) or start)
    if start > end:
        raise CommandError(f"--years: {start} comes after {end}.")
    return start, end


class Command(BaseCommand):
    help = "Write the capture histories of identified persons (lists = groups of reporting organisation types) " \
           "as a CSV that 'vangnet estimate' reads."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--years", required=True, help="year range of registration, e.g. 2022-2026")
        parser.add_argument("--form", default="", help="only signals naming this form of exploitation (code)")
        parser.add_argument("file", help="the CSV file to write ('-' for standard output)")

    def handle(self, *args: Any, **options: Any) -> None:
        start, end = parse_years(options["years"])
        form = options["form"]
        if form and not ExploitationForm.objects.filter(code=form, parent__isnull=True).exists():
            raise CommandError(f"Unknown form of exploitation {form!r}.")
        capture = capture_histories(Filters(year_from=start, year_to=end, form=form))
        if options["file"] == "-":
            capture.write_csv(self.stdout)
        else:
            with Path(options["file"]).open("w", encoding="utf-8", newline="") as fh:
                capture.write_csv(fh)
        log_processing("statistics_anonymised", Action.EXPORT,
                       fields=["submitted_at", "reporting_organisation", "cluster_id", "forms"])
        if options["file"] != "-":
            codes, rows = capture.rows()
            self.stdout.write(f"{capture.observed} identified persons on {len(codes)} lists ({', '.join(codes)}), "
                              f"{len(rows)} capture histories written to {options['file']}.")
            if capture.empty_lists():
                self.stdout.write("Left out (nobody on them): " + ", ".join(x.code for x in capture.empty_lists()))
            self.stdout.write(f"{capture.anonymous_signals} anonymous signals are not in the table (they cannot "
                              "be linked across lists).")
