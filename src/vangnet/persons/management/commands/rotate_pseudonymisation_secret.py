"""``manage.py rotate_pseudonymisation_secret --new-secret-file PATH``: re-encode every signal under a new
pseudonymisation secret, keeping clusters and human decisions. See docs/runbooks/pseudonymisation-secret.md."""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vangnet.audit.context import processing_context
from vangnet.persons import services


class Command(BaseCommand):
    help = ("Re-encode every signal's linkage encoding under a new pseudonymisation secret and re-cluster. "
            "Stop the web and task workers first; afterwards point VANGNET_PSEUDONYMISATION_SECRET_FILE at the "
            "new secret and start them again (docs/runbooks/pseudonymisation-secret.md).")

    def add_arguments(self, parser: CommandParser) -> None:
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--new-secret-file", help="file holding the new secret (recommended)")
        source.add_argument("--new-secret-env", metavar="VARIABLE",
                            help="name of an environment variable holding the new secret")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["new_secret_file"]:
            try:
                with open(options["new_secret_file"], encoding="utf-8") as fh:
                    secret = fh.read().strip()
            except OSError as exc:
                raise CommandError(f"Cannot read {options['new_secret_file']}: {exc.strerror or exc}") from exc
        else:
            secret = os.environ.get(options["new_secret_env"], "").strip()
            if not secret:
                raise CommandError(f"The environment variable {options['new_secret_env']} is empty or not set")
        try:
            with processing_context(actor_label="system:rotate_pseudonymisation_secret"):
                result = services.rotate_secret(secret)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"re-encoded: {result['reencoded']} signals; clusters: {result['clusters']}; "
                          f"records in clusters that changed: {result['records_in_changed_clusters']}")
        if result["records_in_changed_clusters"]:
            self.stdout.write(self.style.WARNING(
                "Some clusters changed (the key-derived noise differs under the new secret). "
                "Check the review queue."))
        self.stdout.write(self.style.SUCCESS(
            "Done. Now set VANGNET_PSEUDONYMISATION_SECRET_FILE to the new secret's file and restart."))
