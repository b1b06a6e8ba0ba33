"""The processing log: one entry per processing, append-only in the database."""

from __future__ import annotations

import datetime

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from vangnet.audit.models import AppendOnlyError, ProcessingLogEntry
from vangnet.audit.retention import purge_older_than


def close_purge_window() -> None:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_processing_log_purge_window")


def test_registration_logs_signal_and_case_with_pseudonym_and_basis(registered_signal, cast):
    entries = ProcessingLogEntry.objects.filter(subject_pseudonym=registered_signal.case.pseudonym)
    by_activity = {(e.activity.code, e.action) for e in entries}
    assert ("signal_registration", "create") in by_activity
    assert ("case_management", "create") in by_activity
    entry = entries.get(activity__code="signal_registration")
    assert entry.actor == cast.reporter
    assert entry.organisation == cast.reporter.organisation
    assert entry.legal_basis == entry.activity.legal_basis
    assert "family_name" in entry.fields
    assert len({e.trace_id for e in entries}) == 1  # one trace for the one action


def test_log_never_holds_the_name(registered_signal):
    for entry in ProcessingLogEntry.objects.all():
        text = f"{entry.fields} {entry.changes} {entry.actor_label} {entry.subject_pseudonym}"
        assert "Adeyemi" not in text and "Olumide" not in text


def test_reading_a_case_is_logged(registered_signal, cast, logged_in):
    case = registered_signal.case
    logged_in(cast.coordinator).get(f"/cases/{case.reference}/")
    entry = ProcessingLogEntry.objects.filter(activity__code="case_management", action="read").get()
    assert entry.actor == cast.coordinator
    assert entry.subject_pseudonym == case.pseudonym
    assert "identity" in entry.fields


def test_a_refused_read_is_not_logged_as_a_read(registered_signal, cast, logged_in):
    logged_in(cast.outsider).get(f"/cases/{registered_signal.case.reference}/")
    assert not ProcessingLogEntry.objects.filter(action="read", subject_pseudonym=registered_signal.case.pseudonym)


def test_status_change_logs_old_and_new(registered_signal, cast, logged_in):
    logged_in(cast.coordinator).post(f"/cases/{registered_signal.case.reference}/status/", {"to_status": "in_triage"})
    entry = ProcessingLogEntry.objects.get(activity__code="case_management", action="update")
    assert entry.changes["status"] == {"old": "new", "new": "in_triage"}


def test_python_refuses_changes(registered_signal):
    entry = ProcessingLogEntry.objects.first()
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()


def test_database_refuses_update_and_delete(registered_signal):
    close_purge_window()
    for statement in ("UPDATE audit_processinglogentry SET actor_label = 'x'",
                      "DELETE FROM audit_processinglogentry"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    with pytest.raises(DatabaseError), transaction.atomic():
        ProcessingLogEntry.objects.all().delete()
    assert ProcessingLogEntry.objects.filter(actor_label="x").count() == 0
    assert ProcessingLogEntry.objects.count() > 0


def test_retention_purge_is_the_only_delete(cast):
    from vangnet.audit.chain import append, verify
    from vangnet.audit.models import ProcessingActivity
    from vangnet.audit.services import log_processing

    close_purge_window()
    activity = ProcessingActivity.objects.get(code="case_management")
    # entries from long ago, written as if then (they are the start of the chain)
    for _ in range(2):
        append(ProcessingLogEntry(
            trace_id="0" * 32, actor_label="system", activity=activity, legal_basis=activity.legal_basis,
            action="read", at=timezone.now() - datetime.timedelta(days=3000)))
    log_processing("case_management", "read", actor=cast.coordinator)
    before = ProcessingLogEntry.objects.count()
    assert purge_older_than(2000) == 2
    assert ProcessingLogEntry.objects.count() == before - 2
    assert verify().ok  # the chain resumes at the purge anchor
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM audit_processing_log_purge_window")
        assert cursor.fetchone()[0] == 0  # the window closed again
    with pytest.raises(DatabaseError), transaction.atomic():
        ProcessingLogEntry.objects.all().delete()
