"""Retention: delete processing log entries older than their retention period.

The only legitimate delete on the log. It opens the database's purge window inside one transaction,
deletes, and closes the window again, so the append-only triggers stay in force for everything else.
"""

from __future__ import annotations

import datetime

from django.db import connection, transaction
from django.utils import timezone

from vangnet.audit.models import ProcessingLogEntry

WINDOW_TABLE = "audit_processing_log_purge_window"


def purge_older_than(days: int, *, opened_by: str = "retention") -> int:
    return purge_before(timezone.now() - datetime.timedelta(days=days), opened_by=opened_by)


def purge_before(cutoff: datetime.datetime, *, opened_by: str = "retention") -> int:
    """Delete the entries logged before ``cutoff`` (the retention schedule in vangnet.lifecycle calls this)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {WINDOW_TABLE} (opened_by) VALUES (%s)", [opened_by])  # noqa: S608
        deleted = ProcessingLogEntry.objects.filter(at__lt=cutoff)._raw_delete(connection.alias)
        cursor.execute(f"DELETE FROM {WINDOW_TABLE}")  # noqa: S608
    return int(deleted or 0)
