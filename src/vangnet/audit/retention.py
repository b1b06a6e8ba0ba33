"""Retention: delete processing log entries older than their retention period.

The only legitimate delete on the log. It opens the database's purge window inside one transaction,
deletes, and closes the window again, so the append-only triggers stay in force for everything else.
It deletes a prefix of the hash chain (every entry up to the first one still within the period) and
records a ``purge`` anchor there, so ``verify_processing_log`` resumes the chain from that point.
In production it runs under its own database role (``manage.py database_roles``).
"""

from __future__ import annotations

import datetime

from django.db import connection, transaction
from django.utils import timezone

from vangnet.audit.chain import anchor_mac
from vangnet.audit.models import ChainAnchor, ProcessingLogEntry

WINDOW_TABLE = "audit_processing_log_purge_window"


def purge_older_than(days: int, *, opened_by: str = "retention") -> int:
    return purge_before(timezone.now() - datetime.timedelta(days=days), opened_by=opened_by)


def purge_before(cutoff: datetime.datetime, *, opened_by: str = "retention") -> int:
    """Delete the entries logged before ``cutoff`` (the retention schedule in vangnet.lifecycle calls this)."""
    with transaction.atomic(), connection.cursor() as cursor:
        first_kept = ProcessingLogEntry.objects.filter(at__gte=cutoff, seq__isnull=False).order_by("seq").first()
        old = ProcessingLogEntry.objects.filter(seq__isnull=False, at__lt=cutoff)
        if first_kept is not None:
            old = old.filter(seq__lt=first_kept.seq)
        last = old.order_by("-seq").first()
        if last is None:
            return 0
        cursor.execute(f"INSERT INTO {WINDOW_TABLE} (opened_by) VALUES (%s)", [opened_by])  # noqa: S608
        deleted = ProcessingLogEntry.objects.filter(seq__lte=last.seq)._raw_delete(connection.alias)
        ChainAnchor.objects.get_or_create(seq=last.seq, kind="purge", defaults={
            "entry_hash": last.entry_hash, "mac": anchor_mac(last.seq, last.entry_hash or "", "purge")})
        cursor.execute(f"DELETE FROM {WINDOW_TABLE}")  # noqa: S608
    return int(deleted or 0)
