"""Linking signals to persons: encode where the name is, cluster, and apply human decisions.

One write path: ``relink`` rebuilds the linkage index from the stored encodings and decisions and
writes the cluster ids, the persons' keys on cases and the review queue, and only what changed. It runs
after new signals (a background task per signal; a burst of signals shares one run, see ``link_signal``)
and after every decision. The task worker keeps its index between tasks and adds a new signal to it
(``LinkageIndex.add``, about 75 ms of CPU at 42,000 encodings); it rebuilds from all encodings (about 11 s
there) after a start, a decision, a rotation, an erasure, or when another process linked in between.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext_noop

from vangnet.audit.models import Action
from vangnet.audit.services import deferred_log, log_processing
from vangnet.cases.models import Case, CaseEvent
from vangnet.cases.services import add_event
from vangnet.linkage import HumanDecision, LinkageIndex, PersonRecord, RecordEncoder, RecordEncoding, Thresholds
from vangnet.linkage.matching import waterfall
from vangnet.persons.models import LinkageState, MatchDecision, PossibleMatch, SignalEncoding
from vangnet.signals.models import Signal


def encoder(secret: str | None = None) -> RecordEncoder:
    return RecordEncoder((secret or settings.PSEUDONYMISATION_SECRET).encode("utf-8"))


def thresholds() -> Thresholds:
    return Thresholds(same=settings.LINKAGE_SAME_THRESHOLD, review=settings.LINKAGE_REVIEW_THRESHOLD,
                      support=min(settings.LINKAGE_CLUSTER_SUPPORT, settings.LINKAGE_SAME_THRESHOLD))


def record_id(signal: Signal) -> str:
    return f"s{signal.pk}"


def encode_signal(signal: Signal, *, enc: RecordEncoder | None = None) -> SignalEncoding | None:
    """Compute and store the encoding of an identified signal (anonymous signals cannot be linked)."""
    if not signal.is_identified or not (signal.given_names or signal.family_name):
        return None
    encoding = (enc or encoder()).encode(PersonRecord(
        record_id(signal), signal.given_names or None, signal.family_name or None,
        signal.birth_date.isoformat() if signal.birth_date else (str(signal.birth_year) if signal.birth_year else None),
        signal.gender if signal.gender != "unknown" else None,
        signal.nationality_id,
    ))
    stored, _created = SignalEncoding.objects.update_or_create(
        signal=signal, defaults={"record_id": encoding.record_id, "encoding": encoding.to_json(),
                                 "key_id": encoding.key_id, "cluster_id": encoding.record_id})
    log_processing("record_linkage_pseudonymisation", Action.CREATE, subject=signal.case, obj=stored,
                   fields=["given_names", "family_name", "birth_date", "gender", "nationality"])
    return stored


def decisions_in_force() -> list[HumanDecision]:
    latest: dict[tuple[str, str], bool | None] = {}
    for row in MatchDecision.objects.order_by("decided_at", "pk").values_list("record_a", "record_b", "same"):
        latest[(row[0], row[1])] = row[2]
    return [HumanDecision(a, b, same) for (a, b), same in latest.items() if same is not None]


def _is_current(row: SignalEncoding, enc: RecordEncoder) -> bool:
    return row.key_id == enc.key_id and f'"scheme":"{enc.config.scheme}"' in row.encoding


def reencode_stale(enc: RecordEncoder | None = None) -> int:
    """Re-encode every encoding made under another secret or scheme from its signal (after a secret
    rotation or an encoding upgrade); the record ids, and so the human decisions, stay."""
    enc = enc or encoder()
    count = 0
    for row in SignalEncoding.objects.select_related("signal__case").order_by("pk"):
        if not _is_current(row, enc):
            encode_signal(row.signal, enc=enc)
            count += 1
    return count


def build_index(enc: RecordEncoder | None = None) -> tuple[LinkageIndex, list[SignalEncoding]]:
    enc = enc or encoder()
    rows = list(SignalEncoding.objects.order_by("pk"))
    current = [r for r in rows if _is_current(r, enc)]
    encodings = [RecordEncoding.from_json(r.encoding) for r in current]
    known = {r.record_id for r in current}
    decisions = [d for d in decisions_in_force() if d.a in known and d.b in known]
    return LinkageIndex.build(encodings, decisions, thresholds=thresholds()), current


def evidence_for(index: LinkageIndex, link: Any) -> dict[str, Any]:
    """The per-field evidence waterfall of a link, without values: prior, one step per field, total."""
    steps, total, probability = waterfall(index.model.for_fields(link.fields), link.levels)
    return {"steps": [{"field": s.field, "level": s.level, "label": s.label, "weight": round(s.weight, 2)}
                      for s in steps],
            "total": round(total, 2), "probability": round(probability, 4)}


def relink(enc: RecordEncoder | None = None) -> dict[str, int]:
    """Recompute clusters, persons' keys on cases and the review queue from all encodings.

    One transaction; the processing log entries of any re-encoding in it are chained at its end, so the log's
    chain head (which every request that logs needs) is not locked while thousands of signals re-encode."""
    with transaction.atomic(), deferred_log():
        return _relink(enc)


def _relink(enc: RecordEncoder | None) -> dict[str, int]:
    global _CACHE
    _CACHE = None
    enc = enc or encoder()
    reencoded = reencode_stale(enc)
    index, rows = build_index(enc)
    # Only what changed is written, one UPDATE per destination cluster: a new signal moves a handful of rows,
    # not the tens of thousands a national registry holds.
    moves: dict[str, list[int]] = {}
    for row in rows:
        cluster = index.cluster_id(row.record_id)
        if row.cluster_id != cluster:
            moves.setdefault(cluster, []).append(row.pk)
    _write_clusters(moves, case_ids=None)
    _refresh_review_queue(index)
    _CACHE = _CachedIndex(index=index, generation=None, key_id=enc.key_id, scheme=enc.config.scheme,
                          decisions=MatchDecision.objects.count(), thresholds=thresholds(),
                          records={row.record_id: row.pk for row in rows},
                          max_pk=max((row.pk for row in rows), default=0), key_sum=sum(row.pk for row in rows))
    return {"encodings": len(rows), "clusters": len(index.clusters()),
            "changed": sum(len(pks) for pks in moves.values()),
            "review": PossibleMatch.objects.count(), "reencoded": reencoded}


def _write_clusters(moves: dict[str, list[int]], case_ids: Collection[int] | None) -> None:
    """Store new cluster ids (``moves``: cluster id -> encoding pks) and bring the persons' keys of the
    cases in ``case_ids`` (None: every case) in line: a case's key is the cluster of its oldest encoded
    signal. Only rows that differ are written."""
    for cluster, pks in moves.items():
        SignalEncoding.objects.filter(pk__in=pks).update(cluster_id=cluster)
    encodings = SignalEncoding.objects.order_by("signal__submitted_at", "pk")
    if case_ids is not None:
        encodings = encodings.filter(signal__case_id__in=case_ids)
    case_keys: dict[int, tuple[str, str]] = {}
    for case_id, cluster, person_key in encodings.values_list("signal__case_id", "cluster_id",
                                                              "signal__case__person_key"):
        case_keys.setdefault(case_id, (cluster, person_key))
    rekeyed: dict[str, list[int]] = {}
    for case_id, (cluster, person_key) in case_keys.items():
        if cluster != person_key:
            rekeyed.setdefault(cluster, []).append(case_id)
    for cluster, ids in rekeyed.items():
        Case.objects.filter(pk__in=ids).update(person_key=cluster)


@dataclass
class _CachedIndex:
    """The last index this process built or extended, kept between tasks of the task worker so a new signal
    is added to it (``LinkageIndex.add``) instead of rebuilding from every stored encoding."""

    index: LinkageIndex
    generation: int | None  # the linkage generation it reflects (None: not known, do not extend)
    key_id: str
    scheme: str
    decisions: int
    thresholds: Thresholds
    records: dict[str, int]  # record id -> SignalEncoding pk
    max_pk: int = 0  # the highest SignalEncoding pk in the index
    key_sum: int = 0  # the sum of the pks in the index (with the count, shows a removed or late row)


_CACHE: _CachedIndex | None = None


def _forget_cached_index() -> None:
    global _CACHE
    _CACHE = None


def _relink_incrementally(state: LinkageState) -> dict[str, int] | None:
    """Add the encodings the cached index lacks to it and write what changed; None when the cache cannot be
    trusted (another process relinked, a decision, another secret or scheme, an encoding was removed or
    re-encoded) and a full relink is needed."""
    cache = _CACHE
    enc = encoder()
    if (cache is None or cache.generation != state.linked_generation or cache.key_id != enc.key_id
            or cache.scheme != enc.config.scheme or cache.thresholds != thresholds()
            or cache.decisions != MatchDecision.objects.count()):
        return None
    # What was stored since: rows above the highest key the index holds. A removed row, or one that committed
    # after a row with a higher key, shows in the count and the sum of the keys (keys are never reused), and
    # then the index is rebuilt. Two aggregates instead of reading every record id (about 20 ms at 43,000).
    new = list(SignalEncoding.objects.filter(pk__gt=cache.max_pk).order_by("pk"))
    stored = SignalEncoding.objects.aggregate(n=Count("pk"), keys=Sum("pk"))
    if (stored["n"] != len(cache.records) + len(new) or (stored["keys"] or 0) != cache.key_sum + sum(r.pk for r in new)
            or any(row.record_id in cache.records or not _is_current(row, enc) for row in new)):
        return None
    changed: dict[str, str] = {}
    for row in new:
        changed.update(cache.index.add(RecordEncoding.from_json(row.encoding)).changed)
        cache.records[row.record_id] = row.pk
        cache.max_pk, cache.key_sum = max(cache.max_pk, row.pk), cache.key_sum + row.pk
    # only records whose stored cluster differs (a new row was stored with its own record id as cluster id)
    stored_clusters = dict(SignalEncoding.objects.filter(record_id__in=list(changed))
                           .values_list("record_id", "cluster_id"))
    moves: dict[str, list[int]] = {}
    for rid, cluster in changed.items():
        if stored_clusters.get(rid) != cluster:
            moves.setdefault(cluster, []).append(cache.records[rid])
    cases = set(SignalEncoding.objects.filter(record_id__in=list(changed)).values_list("signal__case_id", flat=True))
    _write_clusters(moves, case_ids=cases)
    _refresh_review_queue(cache.index)
    return {"encodings": len(cache.records), "added": len(new), "changed": sum(len(p) for p in moves.values())}


def _refresh_review_queue(index: LinkageIndex) -> None:
    """Make the stored review queue equal the index's: remove pairs no longer in doubt, add new ones, update
    the score of the others (a pair keeps its ``found_at``: how long it has waited for a human)."""
    wanted = {(link.a, link.b): link for link in index.review_queue()}
    stored = {(a, b): (pk, p) for pk, a, b, p in
              PossibleMatch.objects.values_list("pk", "record_a", "record_b", "probability")}
    gone = [pk for pair, (pk, _p) in stored.items() if pair not in wanted]
    if gone:
        PossibleMatch.objects.filter(pk__in=gone).delete()
    PossibleMatch.objects.bulk_create([
        PossibleMatch(record_a=a, record_b=b, probability=link.probability, evidence=evidence_for(index, link))
        for (a, b), link in wanted.items() if (a, b) not in stored
    ])
    for pair, (pk, probability) in stored.items():
        link = wanted.get(pair)
        if link is not None and link.probability != probability:  # the same score has the same evidence
            PossibleMatch.objects.filter(pk=pk).update(probability=link.probability,
                                                       evidence=evidence_for(index, link))


def partition() -> set[frozenset[str]]:
    """The current clusters as sets of record ids (for comparing before and after a rotation)."""
    groups: dict[str, set[str]] = {}
    for rid, cluster in SignalEncoding.objects.values_list("record_id", "cluster_id"):
        groups.setdefault(cluster, set()).add(rid)
    return {frozenset(g) for g in groups.values()}


def rotate_secret(new_secret: str) -> dict[str, int]:
    """Re-encode every signal under ``new_secret`` and re-cluster with it; human decisions are kept
    (they refer to record ids). Returns counts, including how many records changed cluster. One transaction,
    with its processing log entries chained at the end (see :func:`relink`)."""
    with transaction.atomic(), deferred_log():
        return _rotate_secret(new_secret)


def _rotate_secret(new_secret: str) -> dict[str, int]:
    if len(new_secret.encode("utf-8")) < 16:
        raise ValueError("The new pseudonymisation secret must be at least 16 bytes")
    if new_secret == settings.PSEUDONYMISATION_SECRET:
        raise ValueError("The new pseudonymisation secret equals the current one")
    if new_secret in settings.ENCRYPTION_KEYS:
        raise ValueError("The pseudonymisation secret must differ from every encryption key")
    new = encoder(new_secret)
    before = partition()
    list(SignalEncoding.objects.select_for_update().values_list("pk", flat=True))  # lock during the rotation
    reencoded = reencode_stale(new)
    result = relink(new)
    after = partition()
    moved = sum(len(g) for g in after - before)
    log_processing("record_linkage_pseudonymisation", Action.UPDATE, fields=["encoding", "key_id"],
                   changes={"key_id": {"old": encoder().key_id, "new": new.key_id}})
    return {"reencoded": reencoded, "clusters": result["clusters"], "records_in_changed_clusters": moved}


def link_signal(signal_id: int) -> None:
    """Encode one new signal and re-cluster. Idempotent: an encoded signal is left alone.

    Encoding and re-clustering are two steps: the encoding raises the linkage generation in its own
    transaction, and the relink is skipped when a run that started after it already covered it (a burst of
    signals, or several workers, costs one relink, not one per signal)."""
    if SignalEncoding.objects.filter(signal_id=signal_id).exists():
        return
    signal = Signal.objects.select_related("case").filter(pk=signal_id).first()
    if signal is None:
        return
    with transaction.atomic():
        if encode_signal(signal) is None:
            return
        generation = _next_generation()
    relink_up_to(generation)


def _state() -> LinkageState:
    """The linkage state row, locked until the end of the caller's transaction."""
    LinkageState.objects.get_or_create(pk=1)
    return LinkageState.objects.select_for_update().get(pk=1)


def _next_generation() -> int:
    state = _state()
    state.generation += 1
    state.save(update_fields=["generation"])
    return state.generation


def relink_up_to(generation: int) -> bool:
    """Re-cluster unless a run has already covered ``generation``; True when this call re-clustered.

    The state row is locked for the run, so every encoding that raised the generation up to the one read
    here has committed and is seen by the relink. The run extends this process's cached index when it can
    and rebuilds from all encodings otherwise."""
    if _CACHE is None or _CACHE.key_id != encoder().key_id or _CACHE.scheme != encoder().config.scheme:
        # a rebuild is coming: re-encode what an older secret or scheme made first, each signal in its own
        # short transaction, rather than inside the locked run below
        reencode_stale()
    with transaction.atomic():
        state = _state()
        if state.linked_generation >= generation:
            return False
        seen = state.generation
        try:
            if _relink_incrementally(state) is None:
                relink()
        except BaseException:
            _forget_cached_index()  # it may hold records this rolled-back run never stored
            raise
        state.linked_generation, state.linked_at = seen, timezone.now()
        state.save(update_fields=["linked_generation", "linked_at"])
        if _CACHE is not None:
            _CACHE.generation = seen
    return True


def link_all() -> dict[str, int]:
    """Encode every identified signal that has no encoding yet, then cluster once (demo, migrations)."""
    enc = encoder()
    for signal in Signal.objects.filter(is_identified=True, encoding__isnull=True).select_related("case"):
        encode_signal(signal, enc=enc)
    return relink()


def decide(record_a: str, record_b: str, *, same: bool | None, actor: Any, note: str = "") -> MatchDecision:
    """Record a human decision (or withdraw one with ``same=None``) and re-cluster."""
    a, b = sorted((record_a, record_b))
    rows = {r.record_id: r for r in SignalEncoding.objects.filter(record_id__in=[a, b]).select_related("signal__case")}
    if len(rows) != 2:
        raise SignalEncoding.DoesNotExist("Both signals must have an encoding")
    with transaction.atomic(), deferred_log():  # the relink below takes seconds at national scale
        decision = MatchDecision.objects.create(record_a=a, record_b=b, same=same, note=note[:500], decided_by=actor)
        summary = {True: gettext_noop("The national coordination centre decided that this signal concerns a person "
                                      "known from another signal."),
                   False: gettext_noop("The national coordination centre decided that this signal concerns another "
                                       "person than a similar signal."),
                   None: gettext_noop("The national coordination centre withdrew an earlier decision about the same "
                                      "person.")}
        for row in rows.values():
            add_event(row.signal.case, CaseEvent.Kind.LINKAGE, summary[same], {}, actor=actor,
                      organisation=actor.organisation)
            log_processing("record_linkage_pseudonymisation", Action.UPDATE, subject=row.signal.case, obj=decision,
                           fields=["cluster_id"], changes={"decision": {"old": None, "new": same}})
        relink()
    return decision
