from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from vangnet.audit.context import processing_context
from vangnet.lifecycle import retention
from vangnet.lifecycle.schedule import schedule


class Command(BaseCommand):
    help = ("Apply the retention schedule (lifecycle/data/retention.yaml): anonymise or delete what has expired. "
            "--dry-run only reports; --schedule plans the daily task instead.")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Report what would go; change nothing.")
        parser.add_argument("--as-of", help="Count the periods back from this date (YYYY-MM-DD) instead of now.")
        parser.add_argument("--schedule", action="store_true", help="Enqueue the daily retention task.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["schedule"]:
            from vangnet.lifecycle.tasks import next_run_after, schedule_next

            planned = schedule_next()
            when = timezone.localtime(next_run_after()).isoformat(timespec="minutes")
            self.stdout.write(f"next retention run planned at {when}" if planned
                              else "a retention run is already planned")
            return
        now = None
        if options["as_of"]:
            try:
                day = datetime.date.fromisoformat(options["as_of"])
            except ValueError as exc:
                raise CommandError("--as-of takes a date as YYYY-MM-DD") from exc
            now = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
        now = now or timezone.now()
        sched = schedule()
        if options["dry_run"]:
            self.stdout.write(f"Retention schedule {sched.version}, dry run as of {now:%Y-%m-%d %H:%M}")
            for row in retention.report(now, sched):
                count = row.count if row.state == "ok" else row.state.replace("_", " ")
                self.stdout.write(f"  {row.category.code:<22} {row.category.action:<10} "
                                  f"before {row.cutoff:%Y-%m-%d}: {count}")
            return
        from vangnet.lifecycle.services import remind_due_requests

        with processing_context(actor_label="system:retention-command"):
            record = retention.run(now, triggered_by="command", sched=sched)
            reminded = remind_due_requests()
        for code, value in record.counts.items():
            self.stdout.write(f"  {code:<22} {value}")
        self.stdout.write(f"  {'reminders sent':<22} {reminded}")
        failed = [code for code, value in record.counts.items() if value == retention.FAILED]
        if failed:
            raise CommandError(f"retention failed for: {', '.join(failed)} (see the log)")
