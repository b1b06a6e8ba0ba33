from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from vangnet.audit.roles import role_statements


class Command(BaseCommand):
    help = ("Set up (or print) the PostgreSQL roles and grants: an application role that may only INSERT and "
            "SELECT processing log rows, and a purge role for the retention purge. Run as the tables' owner "
            "after `migrate`; run it again after later migrations. Set passwords with ALTER ROLE yourself.")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--app-role", default="vangnet_app")
        parser.add_argument("--purge-role", default="vangnet_purge")
        parser.add_argument("--apply", action="store_true", help="Execute the statements (default: print them).")

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("Database roles need PostgreSQL.")
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_database(), current_user")
            database, owner = cursor.fetchone()
            statements = role_statements(options["app_role"], options["purge_role"], database, owner)
            raw = cursor.cursor if hasattr(cursor, "cursor") else cursor
            for statement in statements:
                self.stdout.write(statement.as_string(raw.connection) + ";")
            if options["apply"]:
                with transaction.atomic():
                    for statement in statements:
                        raw.execute(statement)
                self.stdout.write(self.style.SUCCESS(f"roles {options['app_role']} and {options['purge_role']} "
                                                     f"set up on {database} (owner {owner})"))
