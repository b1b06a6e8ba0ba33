"""Linking signals to persons: encode where the name is, cluster, and apply human decisions.

One write path: ``relink`` rebuilds the linkage index from the stored encodings and decisions and
writes the cluster ids, the persons' keys on cases and the review queue. It runs after every new
signal (a background task) and after every decision. At national scale it would keep the index in
memory between runs (``LinkageIndex.add``); the rebuild is vectorised and takes well under a second
for tens of thousands of encodings (benchmarks/bench_linkage.py).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_noop

from vangnet.audit.models import Action
from vangnet.audit.services import log_processing
from vangnet.cases.models import Case, CaseEvent
from vangnet.cases.services import add_event
from vangnet.linkage import HumanDecision, LinkageIndex, PersonRecord, RecordEncoder, RecordEncoding, Thresholds
from vangnet.persons.models import MatchDecision, PossibleMatch, SignalEncoding
from vangnet.signals.models import Signal


def encoder() -> RecordEncoder:
    return RecordEncoder(settings.PSEUDONYMISATION_SECRET.encode("utf-8"))


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


def build_index() -> tuple[LinkageIndex, list[SignalEncoding]]:
    rows = list(SignalEncoding.objects.order_by("pk"))
    key_id = encoder().key_id
    current = [r for r in rows if r.key_id == key_id]
    encodings = [RecordEncoding.from_json(r.encoding) for r in current]
    known = {r.record_id for r in current}
    decisions = [d for d in decisions_in_force() if d.a in known and d.b in known]
    thresholds = Thresholds(same=settings.LINKAGE_SAME_THRESHOLD, review=settings.LINKAGE_REVIEW_THRESHOLD)
    return LinkageIndex.build(encodings, decisions, thresholds=thresholds), current


@transaction.atomic
def relink() -> dict[str, int]:
    """Recompute clusters, persons' keys on cases and the review queue from all encodings."""
    index, rows = build_index()
    changed = 0
    for row in rows:
        cluster = index.cluster_id(row.record_id)
        if row.cluster_id != cluster:
            SignalEncoding.objects.filter(pk=row.pk).update(cluster_id=cluster)
            changed += 1
    # a case's person key is the cluster of its oldest encoded signal
    case_keys: dict[int, str] = {}
    for case_id, cluster in (SignalEncoding.objects.order_by("signal__submitted_at", "pk")
                             .values_list("signal__case_id", "cluster_id")):
        case_keys.setdefault(case_id, cluster)
    for case_id, cluster in case_keys.items():
        Case.objects.filter(pk=case_id).exclude(person_key=cluster).update(person_key=cluster)
    PossibleMatch.objects.all().delete()
    PossibleMatch.objects.bulk_create([
        PossibleMatch(record_a=link.a, record_b=link.b, probability=link.probability,
                      evidence={k: round(v, 2) for k, v in index.explain(link).items()})
        for link in index.review_queue()
    ])
    return {"encodings": len(rows), "clusters": len(index.clusters()), "changed": changed,
            "review": PossibleMatch.objects.count()}


def link_signal(signal_id: int) -> None:
    """Encode one new signal and re-cluster. Idempotent: an encoded signal is left alone."""
    if SignalEncoding.objects.filter(signal_id=signal_id).exists():
        return
    signal = Signal.objects.select_related("case").filter(pk=signal_id).first()
    if signal is not None and encode_signal(signal) is not None:
        relink()


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
    with transaction.atomic():
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
