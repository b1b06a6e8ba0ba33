"""The tamper-evident processing log: the hash chain, anchors, verification, roles and the bypasses of issue 17.

Bypasses replayed (as the table owner, who can do anything): insert into the purge window and delete a recent
entry; the same and re-insert an altered copy; disable the trigger and change an entry; set
``session_replication_role = replica`` and change or delete. Each must be *detected* by verification. As the
application's own role each must be *refused* by PostgreSQL.
"""

from __future__ import annotations

import itertools
import secrets
import threading
import uuid

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, connections, transaction

from vangnet.audit import chain
from vangnet.audit.models import ChainAnchor, ChainHead, ProcessingLogEntry
from vangnet.audit.services import log_processing

LOG = "audit_processinglogentry"
WINDOW = "audit_processing_log_purge_window"
postgres_only = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="needs PostgreSQL")


def close_purge_window() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {WINDOW}")  # noqa: S608


def write_entries(actor, n: int = 12) -> list[ProcessingLogEntry]:
    return [log_processing("case_management", "read", actor=actor, subject=f"PS{i:04d}", fields=["status"])
            for i in range(n)]


def kinds(report) -> set[str]:
    return {f.kind for f in report.findings}


@pytest.fixture
def entries(cast):
    close_purge_window()
    return write_entries(cast.coordinator)


def test_entries_are_chained_in_order_and_verify_clean(entries):
    seqs = [e.seq for e in entries]
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))
    for previous, entry in itertools.pairwise(entries):
        assert entry.prev_hash == previous.entry_hash
    head = ChainHead.objects.get(pk=1)
    assert (head.seq, head.entry_hash) == (entries[-1].seq, entries[-1].entry_hash)
    report = chain.verify()
    assert report.ok, report.findings
    assert report.checked >= len(entries)
    call_command("verify_processing_log")


def test_the_hash_depends_on_the_key(entries, settings):
    settings.PROCESSING_LOG_HMAC_KEY = "another key"
    assert kinds(chain.verify()) == {"alteration"}


def _raw(sql: str, params: list | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])


def _owner_disables_update_trigger() -> None:
    if connection.vendor == "postgresql":
        _raw("SET CONSTRAINTS ALL IMMEDIATE")  # (deferred foreign-key checks of this transaction's inserts)
        _raw(f"ALTER TABLE {LOG} DISABLE TRIGGER processing_log_no_update")
    else:
        _raw("DROP TRIGGER processing_log_no_update")


def test_bypass_purge_window_then_delete_a_recent_entry_is_detected(entries):
    _raw(f"INSERT INTO {WINDOW} (opened_by) VALUES ('attacker')")  # noqa: S608
    _raw(f"DELETE FROM {LOG} WHERE id = %s", [entries[5].id.hex if connection.vendor == "sqlite" else entries[5].id])  # noqa: S608
    report = chain.verify()
    assert "deletion" in kinds(report)
    assert any(f.seq == entries[5].seq for f in report.findings)
    with pytest.raises(CommandError, match="NOT intact"):
        call_command("verify_processing_log")


def test_bypass_delete_and_reinsert_an_altered_copy_is_detected(entries):
    victim = entries[4]
    _raw(f"INSERT INTO {WINDOW} (opened_by) VALUES ('attacker')")  # noqa: S608
    ProcessingLogEntry.objects.filter(pk=victim.pk)._raw_delete(connection.alias)
    close_purge_window()
    # the attacker copies every column, chain columns included, and changes one
    victim.actor_label = "someone-else"
    victim._state.adding = True
    victim.save(force_insert=True)  # same seq, same hashes, altered content
    report = chain.verify()
    assert kinds(report) == {"alteration"}
    assert [f.seq for f in report.findings] == [victim.seq]


def test_bypass_disable_the_trigger_as_owner_and_alter_is_detected(entries):
    _owner_disables_update_trigger()
    ProcessingLogEntry.objects.filter(pk=entries[2].pk).update(subject_pseudonym="PSXXXX")
    report = chain.verify()
    assert kinds(report) == {"alteration"}
    assert report.findings[0].seq == entries[2].seq


def test_recomputing_hashes_without_the_key_is_detected(entries):
    """An attacker who alters an entry and recomputes the chain with a guessed key is still caught."""
    _owner_disables_update_trigger()
    target = ProcessingLogEntry.objects.get(pk=entries[3].pk)
    target.fields = "nothing"
    forged = __import__("hmac").new(b"guess", target.prev_hash.encode() + b"|" + chain.canonical(target),
                                    "sha256").hexdigest()
    ProcessingLogEntry.objects.filter(pk=target.pk).update(fields="nothing", entry_hash=forged)
    assert "alteration" in kinds(chain.verify())


def test_inserted_entries_outside_the_chain_are_detected(entries):
    ProcessingLogEntry.objects.create(trace_id="f" * 32, actor_label="ghost", activity=entries[0].activity,
                                      legal_basis=entries[0].legal_basis, action="read")
    report = chain.verify()
    assert kinds(report) == {"insertion"}


def test_inserted_entry_with_a_forged_position_is_detected(entries):
    last = entries[-1]
    ProcessingLogEntry.objects.create(trace_id="f" * 32, actor_label="ghost", activity=last.activity,
                                      legal_basis=last.legal_basis, action="read", seq=last.seq + 1,
                                      prev_hash=last.entry_hash, entry_hash=secrets.token_hex(32))
    assert "alteration" in kinds(chain.verify())


def test_tail_deletion_is_detected_by_the_head_and_by_anchors(entries):
    anchor = chain.anchor_now()
    assert anchor.seq == entries[-1].seq
    _raw(f"INSERT INTO {WINDOW} (opened_by) VALUES ('attacker')")  # noqa: S608
    ProcessingLogEntry.objects.filter(seq__gte=entries[-3].seq)._raw_delete(connection.alias)
    assert "deletion" in kinds(chain.verify())
    # the attacker also rewinds the head: the anchor still shows the tail was removed
    ChainHead.objects.filter(pk=1).update(seq=entries[-4].seq, entry_hash=entries[-4].entry_hash)
    report = chain.verify()
    assert "deletion" in kinds(report)
    assert any("tail" in f.detail for f in report.findings)


def test_forged_anchor_is_detected(entries):
    ChainAnchor.objects.create(seq=entries[1].seq, entry_hash=entries[1].entry_hash, mac="0" * 64)
    assert "anchor" in kinds(chain.verify())


def test_periodic_anchors_are_written(cast, settings):
    close_purge_window()
    settings.PROCESSING_LOG_ANCHOR_EVERY = 5
    written = write_entries(cast.coordinator, 11)
    anchored = set(ChainAnchor.objects.values_list("seq", flat=True))
    assert {s for s in (e.seq for e in written) if s % 5 == 0} <= anchored
    assert chain.verify().ok


def test_anchor_command_writes_outside_the_database(entries, tmp_path, settings, capsys):
    settings.PROCESSING_LOG_ANCHOR_FILE = str(tmp_path / "anchors.jsonl")
    call_command("anchor_processing_log")
    line = (tmp_path / "anchors.jsonl").read_text().strip()
    assert f'"seq": {entries[-1].seq}' in line and entries[-1].entry_hash in line


# --- PostgreSQL: the owner's bypasses are detected; the application's role is refused ------------------------


@postgres_only
def test_bypass_session_replication_role_replica_is_detected(entries):
    _raw("SET session_replication_role = replica")
    try:
        ProcessingLogEntry.objects.filter(pk=entries[6].pk).update(action="delete")
        ProcessingLogEntry.objects.filter(pk=entries[7].pk)._raw_delete(connection.alias)
    finally:
        _raw("SET session_replication_role = DEFAULT")
    assert kinds(chain.verify()) == {"alteration", "deletion"}


@pytest.fixture
def app_role(db):
    """Roles made by ``manage.py database_roles`` (inside the test's transaction, so they vanish after it)."""
    from vangnet.audit.roles import role_statements

    suffix = uuid.uuid4().hex[:8]
    app, purge = f"vn_test_app_{suffix}", f"vn_test_purge_{suffix}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_database(), current_user")
        database, owner = cursor.fetchone()
        for statement in role_statements(app, purge, database, owner):
            cursor.cursor.execute(statement)
    return app, purge


def _refused_as(role: str, sql: str, params: list | None = None) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f'SET LOCAL ROLE "{role}"')
            cursor.execute(sql, params or [])
    except DatabaseError:
        return True
    return False


@postgres_only
def test_application_role_cannot_use_any_bypass(entries, app_role):
    app, _purge = app_role
    victim = str(entries[3].id)
    refused = {
        "update": _refused_as(app, f"UPDATE {LOG} SET action = 'x' WHERE id = %s", [victim]),  # noqa: S608
        "delete": _refused_as(app, f"DELETE FROM {LOG} WHERE id = %s", [victim]),  # noqa: S608
        "truncate": _refused_as(app, f"TRUNCATE {LOG}"),
        "open purge window": _refused_as(app, f"INSERT INTO {WINDOW} (opened_by) VALUES ('x')"),  # noqa: S608
        "disable trigger": _refused_as(app, f"ALTER TABLE {LOG} DISABLE TRIGGER processing_log_no_update"),
        "replica": _refused_as(app, "SET session_replication_role = replica"),
        "drop trigger": _refused_as(app, f"DROP TRIGGER processing_log_no_update ON {LOG}"),
        "change anchors": _refused_as(app, "DELETE FROM audit_chainanchor"),
    }
    assert all(refused.values()), refused
    # and it can still do its work: append to the log, read it
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f'SET LOCAL ROLE "{app}"')
        log_processing("case_management", "read", subject="PS9999")
        cursor.execute(f"SELECT COUNT(*) FROM {LOG}")  # noqa: S608
        assert cursor.fetchone()[0] == len(entries) + 1
    assert chain.verify().ok


@postgres_only
def test_purge_role_can_only_purge(entries, app_role):
    _app, purge = app_role
    assert _refused_as(purge, f"UPDATE {LOG} SET action = 'x'")  # noqa: S608
    columns = ("at, trace_id, actor_label, activity_id, legal_basis_id, action, subject_pseudonym, object_type, "
               "object_id, fields, changes")
    assert _refused_as(purge, f"INSERT INTO {LOG} (id, {columns}) SELECT gen_random_uuid(), {columns} "  # noqa: S608
                              f"FROM {LOG} LIMIT 1")
    assert _refused_as(purge, "DELETE FROM accounts_user")
    # deleting without opening the window is still refused by the trigger
    assert _refused_as(purge, f"DELETE FROM {LOG}")  # noqa: S608


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_chaining_is_correct_under_concurrent_writers(cast):
    threads, per_thread = 8, 25
    errors: list[BaseException] = []
    barrier = threading.Barrier(threads)

    def work() -> None:
        try:
            barrier.wait()
            for i in range(per_thread):
                with transaction.atomic():
                    log_processing("case_management", "read", actor=cast.coordinator, subject=f"PC{i:04d}")
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert not errors, errors
    seqs = list(ProcessingLogEntry.objects.filter(seq__isnull=False).order_by("seq").values_list("seq", flat=True))
    assert len(seqs) >= threads * per_thread
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))
    report = chain.verify()
    assert report.ok, report.findings[:5]


def test_deferred_entries_are_written_in_order_at_the_end_of_the_block(cast):
    close_purge_window()
    before = ProcessingLogEntry.objects.count()
    with transaction.atomic(), chain.deferred():
        first = log_processing("case_management", "read", actor=cast.coordinator, subject="PD0001")
        with chain.deferred():  # nested: adds to the outer block
            second = log_processing("case_management", "read", actor=cast.coordinator, subject="PD0002")
        assert ProcessingLogEntry.objects.count() == before  # nothing written (or locked) yet
    assert ProcessingLogEntry.objects.count() == before + 2
    stored = ProcessingLogEntry.objects.filter(pk__in=[first.pk, second.pk]).order_by("seq")
    assert [e.subject_pseudonym for e in stored] == ["PD0001", "PD0002"]
    assert stored[1].seq == stored[0].seq + 1 and stored[1].prev_hash == stored[0].entry_hash
    assert chain.verify().ok


def test_a_deferred_block_that_fails_or_rolls_back_writes_nothing(cast):
    close_purge_window()
    before = ProcessingLogEntry.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic(), chain.deferred():
        log_processing("case_management", "read", actor=cast.coordinator, subject="PD0003")
        raise RuntimeError("the change fails")
    with transaction.atomic(), chain.deferred():
        log_processing("case_management", "read", actor=cast.coordinator, subject="PD0004")
        transaction.set_rollback(True)
    assert ProcessingLogEntry.objects.count() == before
    assert chain.verify().ok


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_long_deferred_write_does_not_hold_up_other_log_writers(cast):
    """While one transaction is busy after logging (deferred), another request's entry is chained at once;
    without deferral it would wait for the first transaction to commit."""
    logged, release, done = threading.Event(), threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def long_write() -> None:
        try:
            with transaction.atomic(), chain.deferred():
                log_processing("case_management", "create", actor=cast.coordinator, subject="PL0001")
                logged.set()
                release.wait(10)
        except BaseException as exc:
            errors.append(exc)
        finally:
            done.set()
            connections.close_all()

    writer = threading.Thread(target=long_write)
    writer.start()
    assert logged.wait(10)
    other = threading.Thread(target=lambda: (log_processing("case_management", "read", actor=cast.coordinator,
                                                            subject="PL0002"), connections.close_all()))
    other.start()
    other.join(5)
    finished_while_the_write_was_open = not other.is_alive() and not done.is_set()
    release.set()
    writer.join(10)
    other.join(10)
    assert not errors, errors
    assert finished_while_the_write_was_open
    order = list(ProcessingLogEntry.objects.filter(subject_pseudonym__in=["PL0001", "PL0002"])
                 .order_by("seq").values_list("subject_pseudonym", flat=True))
    assert order == ["PL0002", "PL0001"]  # chained in commit order
    assert chain.verify().ok
