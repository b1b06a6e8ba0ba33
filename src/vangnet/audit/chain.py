"""The processing log's hash chain: every entry is chained to the previous one by an HMAC.

``entry_hash = HMAC-SHA256(key, prev_hash | canonical(entry))`` with the key ``PROCESSING_LOG_HMAC_KEY``
kept apart from the database. Appending locks the single chain-head row (``SELECT … FOR UPDATE``) in the
same transaction as the insert, so concurrent writers get consecutive positions and chain in commit order.
Long write transactions wrap their work in :func:`deferred`, so the head is locked only just before commit.
Every ``PROCESSING_LOG_ANCHOR_EVERY`` entries an anchor (position + hash, MAC'd) is stored; anchors are
also exported out of the database by ``manage.py anchor_processing_log``.

``verify()`` walks the chain and reports:
- *deletion*: a gap in the positions, a missing tail (the head or an anchor points past the last entry);
- *alteration*: an entry whose HMAC no longer matches its content;
- *insertion*: an entry outside the chain (no position) or with a forged hash (same check as alteration,
  reported with the link to its predecessor broken).
The retention purge deletes a prefix of the chain and records a ``purge`` anchor where the chain resumes.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC
from typing import Any

from django.conf import settings
from django.db import transaction

GENESIS = "0" * 64


def _key() -> bytes:
    return settings.PROCESSING_LOG_HMAC_KEY.encode("utf-8")


def canonical(entry: Any) -> bytes:
    """The entry's content as stable bytes (every column except the chain's own hash)."""
    values = [
        entry.seq, str(entry.id), entry.at.astimezone(UTC).isoformat(), entry.trace_id,
        entry.actor_id, entry.actor_label, entry.organisation_id, entry.activity_id, entry.legal_basis_id,
        entry.action, entry.subject_pseudonym, entry.object_type, entry.object_id, entry.fields, entry.changes,
    ]
    return json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode()


def entry_mac(prev_hash: str, entry: Any) -> str:
    return hmac.new(_key(), prev_hash.encode() + b"|" + canonical(entry), hashlib.sha256).hexdigest()


def anchor_mac(seq: int, entry_hash: str, kind: str) -> str:
    return hmac.new(_key(), f"anchor|{kind}|{seq}|{entry_hash}".encode(), hashlib.sha256).hexdigest()


_deferred: ContextVar[list[Any] | None] = ContextVar("vangnet_deferred_log_entries", default=None)


def append(entry: Any) -> Any:
    """Chain and insert ``entry`` (an unsaved ProcessingLogEntry); inside :func:`deferred` it is kept and
    chained when that block ends."""
    buffer = _deferred.get()
    if buffer is not None:
        buffer.append(entry)
        return entry
    return append_many([entry])[0]


def append_many(entries: list[Any]) -> list[Any]:
    """Chain and insert ``entries`` in order, locking the chain head once."""
    from vangnet.audit.models import ChainAnchor, ChainHead

    if not entries:
        return entries
    # no savepoint inside a caller's transaction: an entry that cannot be written fails that whole transaction
    with transaction.atomic(savepoint=False):
        head = ChainHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            ChainHead.objects.get_or_create(pk=1)
            head = ChainHead.objects.select_for_update().get(pk=1)
        seq, prev_hash = head.seq, head.entry_hash
        every = settings.PROCESSING_LOG_ANCHOR_EVERY
        for entry in entries:
            seq += 1
            entry.seq, entry.prev_hash = seq, prev_hash
            entry.entry_hash = entry_mac(entry.prev_hash, entry)
            entry.save(force_insert=True)
            prev_hash = entry.entry_hash
            if every and seq % every == 0:
                ChainAnchor.objects.create(seq=seq, entry_hash=entry.entry_hash,
                                           mac=anchor_mac(seq, entry.entry_hash, "periodic"))
        ChainHead.objects.filter(pk=1).update(seq=seq, entry_hash=prev_hash)
    return entries


@contextmanager
def deferred() -> Iterator[None]:
    """Inside a write transaction: keep the entries logged in this block and chain them when it ends, just
    before the transaction commits.

    Chaining locks the chain head until commit, so every other request that logs waits meanwhile. A write
    that logs at its start and then works for a while (registering a signal: case, triage, consent) would
    hold that lock the whole time; deferred, it holds it for the last few statements only. The entries are
    still written in the same transaction as the change they record. Nested blocks add to the outermost
    one. When the block raises, or the transaction is already marked for rollback, nothing is written: the
    change is not made either. (Entries logged inside an inner savepoint that rolls back while the outer
    block goes on are written all the same; write paths using this do not catch errors half-way.)
    """
    if _deferred.get() is not None:
        yield
        return
    buffer: list[Any] = []
    token = _deferred.set(buffer)
    try:
        yield
    finally:
        _deferred.reset(token)
    connection = transaction.get_connection()
    if not (connection.in_atomic_block and connection.needs_rollback):
        append_many(buffer)


def anchor_now(kind: str = "periodic") -> Any:
    """Store (and return) an anchor at the current head; None when the log is empty."""
    from vangnet.audit.models import ChainAnchor, ChainHead

    with transaction.atomic():
        head = ChainHead.objects.select_for_update().filter(pk=1).first()
        if head is None or head.seq == 0:
            return None
        anchor, _created = ChainAnchor.objects.get_or_create(
            seq=head.seq, kind=kind, defaults={"entry_hash": head.entry_hash,
                                               "mac": anchor_mac(head.seq, head.entry_hash, kind)})
        return anchor


@dataclass
class Finding:
    kind: str  # deletion | alteration | insertion | anchor
    seq: int | None
    detail: str


@dataclass
class Report:
    checked: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings

    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for finding in self.findings:
            counts[finding.kind] = counts.get(finding.kind, 0) + 1
        return counts


def _entries() -> Iterator[Any]:
    from vangnet.audit.models import ProcessingLogEntry

    return ProcessingLogEntry.objects.filter(seq__isnull=False).order_by("seq").iterator(chunk_size=2000)


def verify() -> Report:
    """Walk the whole chain; report every deletion, alteration and insertion found."""
    from vangnet.audit.models import ChainAnchor, ChainHead, ProcessingLogEntry

    report = Report()
    anchors = list(ChainAnchor.objects.order_by("seq"))
    for anchor in anchors:
        if not hmac.compare_digest(anchor.mac, anchor_mac(anchor.seq, anchor.entry_hash, anchor.kind)):
            report.findings.append(Finding("anchor", anchor.seq, "anchor was forged or changed"))
    purges = [a for a in anchors if a.kind == "purge"]
    start = purges[-1] if purges else None
    expected_seq = (start.seq + 1) if start else 1
    prev_hash = start.entry_hash if start else GENESIS
    anchor_hashes = {a.seq: a.entry_hash for a in anchors if a.kind == "periodic"}
    seen: set[int] = set()
    last_seq = expected_seq - 1
    for entry in _entries():
        if start and entry.seq <= start.seq:
            report.findings.append(Finding("insertion", entry.seq, "entry before the last retention purge"))
            continue
        report.checked += 1
        seen.add(entry.seq)
        if entry.seq != expected_seq:
            report.findings.append(Finding(
                "deletion", expected_seq, f"entries {expected_seq}..{entry.seq - 1} are missing"))
            prev_hash = entry.prev_hash  # resynchronise after the gap
        if entry.prev_hash != prev_hash:
            report.findings.append(Finding("insertion", entry.seq, "link to the previous entry is broken"))
        if not hmac.compare_digest(entry.entry_hash, entry_mac(entry.prev_hash, entry)):
            report.findings.append(Finding("alteration", entry.seq, "content does not match its hash"))
        if entry.seq in anchor_hashes and anchor_hashes[entry.seq] != entry.entry_hash:
            report.findings.append(Finding("alteration", entry.seq, "entry differs from its anchor"))
        prev_hash = entry.entry_hash
        expected_seq = entry.seq + 1
        last_seq = entry.seq
    for seq in sorted(anchor_hashes):
        if seq > last_seq and (start is None or seq > start.seq):
            report.findings.append(Finding("deletion", seq, f"anchored entry {seq} is missing (tail removed)"))
    head = ChainHead.objects.filter(pk=1).first()
    if head is not None and head.seq > last_seq and head.seq not in anchor_hashes:
        report.findings.append(Finding("deletion", last_seq + 1, f"entries {last_seq + 1}..{head.seq} are missing"))
    outside = ProcessingLogEntry.objects.filter(seq__isnull=True).count()
    if outside:
        report.findings.append(Finding("insertion", None, f"{outside} entries outside the chain"))
    return report
