from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from vangnet.audit.context import processing_context
from vangnet.demo.chain import create_chain
from vangnet.demo.controls import create_controls
from vangnet.demo.generator import DemoGenerator
from vangnet.demo.organisations import DEMO_PASSWORD, create_organisations, create_users
from vangnet.demo.procedures import create_demo_procedures
from vangnet.demo.shelters import create_shelter_locations, place_demo_cases
from vangnet.persons.services import link_all
from vangnet.signals.models import Signal


class Command(BaseCommand):
    help = "Load the synthetic demo: organisations across the country, users of every role, and signals."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--signals", type=int, default=600, help="How many signals to generate (default 600)")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--if-empty", action="store_true", help="Only generate signals when there are none")

    def handle(self, *args: Any, **options: Any) -> None:
        orgs = create_organisations()
        logins = create_users(orgs)
        create_shelter_locations(orgs)
        if options["if_empty"] and Signal.objects.exists():
            self.stdout.write("Signals exist already; not generating more.")
        else:
            result = DemoGenerator(seed=options["seed"]).run(signals=options["signals"])
            self.stdout.write(f"Generated {result.signals} signals ({result.repeat_persons} repeat reports "
                              "under spelling variants).")
            with processing_context(actor_label="system:demo"):
                linked = link_all()
            self.stdout.write(f"Linked {linked['encodings']} identified signals into {linked['clusters']} persons; "
                              f"{linked['review']} pairs wait for review.")
            placed = place_demo_cases()
            self.stdout.write(f"Placed {placed['admitted']} persons in a shelter; {placed['back_in_care']} placed "
                              "cases without a fitting place went back to \"in care\".")
            self.stdout.write(f"Started {create_demo_procedures(orgs)} demo procedures with deadlines.")
            with processing_context(actor_label="system:demo"):
                steps = create_chain(options["seed"])
            self.stdout.write(f"Recorded {steps} steps of the legal track (police reports, OM decisions, verdicts).")
        with processing_context(actor_label="system:demo"):
            controls = create_controls(options["seed"])
        if controls:
            self.stdout.write(f"Registered {controls} prostitution controls.")
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for login in logins:
            self.stdout.write(f"  {login.username:<20} {login.role:<28} {login.organisation}  — {login.note}")
