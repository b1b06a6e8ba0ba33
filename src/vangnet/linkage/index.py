"""Batch deduplication and the incremental :class:`LinkageIndex`.

:func:`deduplicate` is the vectorised path (blocking -> comparison -> scoring ->
clustering) for many encodings at once; :class:`LinkageIndex` keeps encodings,
links, human decisions and clusters in memory and accepts new records one by one
(the Django side rebuilds it from stored encodings and decisions with
:meth:`LinkageIndex.build`).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from vangnet.linkage.clustering import (
    ConstrainedUnionFind,
    DecisionConflictError,
    Signature,
    cluster_roots,
    merge_if_supported,
)
from vangnet.linkage.encoding import IncompatibleEncodingError, RecordEncoding
from vangnet.linkage.matching import (
    BlockingStats,
    Decision,
    EncodedBatch,
    MatchModel,
    Thresholds,
    candidate_pairs,
    compare_levels,
    estimate_model,
)

__all__ = ["AddResult", "DedupResult", "HumanDecision", "Link", "LinkageIndex", "deduplicate", "score_pairs"]


@dataclass(frozen=True, slots=True)
class HumanDecision:
    """A reviewer's verdict on a pair of records; it overrides the score."""

    a: str
    b: str
    same: bool


@dataclass(frozen=True, slots=True)
class Link:
    """A scored pair of records (``a`` older than ``b``); ``levels[k]`` is the comparison
    level of ``fields[k]`` (-1 = missing on one side)."""

    a: str
    b: str
    probability: float
    decision: Decision
    levels: tuple[int, ...] = ()
    fields: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ScoredPairs:
    """Candidate pairs of a batch with their comparison levels and probabilities."""

    i: npt.NDArray[np.int64]
    j: npt.NDArray[np.int64]
    levels: npt.NDArray[np.int8]
    probability: npt.NDArray[np.float64]
    model: MatchModel
    stats: BlockingStats


def score_pairs(
    batch: EncodedBatch,
    *,
    model: MatchModel | None = None,
    fit: bool = False,
    max_block_size: int = 1000,
    groups: npt.ArrayLike | None = None,
    workers: int = 1,
) -> ScoredPairs:
    """Block, compare and score a batch; with ``fit`` the model is first estimated from the
    batch itself (:func:`~vangnet.linkage.matching.estimate_model`, no labels)."""
    i, j, stats = candidate_pairs(batch, max_block_size=max_block_size, groups=groups)
    levels = compare_levels(batch, i, j, workers=workers)
    names = batch.field_names
    if fit:
        model = estimate_model(batch, groups=groups, start=model)
    else:
        model = (model or MatchModel.default(names)).for_fields(names)
    return ScoredPairs(i, j, levels, model.probability(levels), model, stats)


@dataclass(slots=True)
class DedupResult:
    """Outcome of :func:`deduplicate`: a cluster root per record and the kept links."""

    ids: list[str]
    roots: npt.NDArray[np.int64]
    pairs: ScoredPairs
    thresholds: Thresholds

    @property
    def cluster_ids(self) -> list[str]:
        """Cluster id (oldest member's record id) of every record, in input order."""
        ids = self.ids
        return [ids[r] for r in self.roots.tolist()]

    @property
    def n_clusters(self) -> int:
        """Number of distinct clusters."""
        return len(np.unique(self.roots))

    def links(self, decision: Decision = Decision.SAME) -> list[Link]:
        """Pairs whose score alone gives ``decision`` (human overrides not applied)."""
        p = self.pairs.probability
        if decision is Decision.SAME:
            mask = p >= self.thresholds.same
        elif decision is Decision.REVIEW:
            mask = (p >= self.thresholds.review) & (p < self.thresholds.same)
        else:
            mask = p < self.thresholds.review
        out = []
        for k in np.flatnonzero(mask).tolist():
            a, b = int(self.pairs.i[k]), int(self.pairs.j[k])
            out.append(
                Link(
                    self.ids[a],
                    self.ids[b],
                    float(p[k]),
                    decision,
                    tuple(int(x) for x in self.pairs.levels[k]),
                    self.pairs.model.field_names,
                )
            )
        return out


def _canonical_order(i: np.ndarray, j: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Newer record's index ascending, then probability descending, then older index."""
    return np.lexsort((np.minimum(i, j), -p, np.maximum(i, j)))


def _replay(
    uf: ConstrainedUnionFind,
    human_same: Iterable[tuple[int, int]],
    auto_i: np.ndarray,
    auto_j: np.ndarray,
    auto_p: np.ndarray,
    pair_p: dict[tuple[int, int], float],
    signatures: Mapping[int, Signature] | list[Signature],
    support: float,
    progress: Callable[[int, int], None] | None = None,
) -> None:
    """Human ``same`` links first (must-links), then automatic links in canonical order,
    each merging only when the two clusters support it."""
    for a, b in human_same:
        if uf.find(a) != uf.find(b) and uf.union(a, b) is None:
            raise DecisionConflictError("a 'same' decision joins records decided 'different'")
    order = _canonical_order(auto_i, auto_j, auto_p).tolist()
    ii, jj = auto_i.tolist(), auto_j.tolist()
    total = len(order)
    for step, k in enumerate(order):
        merge_if_supported(uf, ii[k], jj[k], pair_p, signatures, support)
        if progress is not None and step % 100_000 == 0:
            progress(step, total)


def _pair_table(i: np.ndarray, j: np.ndarray, p: np.ndarray) -> dict[tuple[int, int], float]:
    lo, hi = np.minimum(i, j).tolist(), np.maximum(i, j).tolist()
    return dict(zip(zip(lo, hi, strict=True), p.tolist(), strict=True))


def deduplicate(
    encodings: Sequence[RecordEncoding] | EncodedBatch,
    *,
    model: MatchModel | None = None,
    thresholds: Thresholds | None = None,
    decisions: Sequence[HumanDecision] = (),
    fit: bool = False,
    max_block_size: int = 1000,
    workers: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> DedupResult:
    """Cluster encodings into persons (blocking + comparison + scoring + union-find).

    Human ``decisions`` override scores (``same`` = must-link, ``different`` =
    cannot-link).  ``same`` links merge clusters only with enough support from the
    whole clusters and no hard conflict (:func:`~vangnet.linkage.clustering.merge_if_supported`);
    each cluster is named by its oldest (first in input order) member.  ``progress(done,
    total)`` is called now and then while clustering.
    """
    batch = encodings if isinstance(encodings, EncodedBatch) else EncodedBatch.from_encodings(encodings)
    thresholds = thresholds or Thresholds()
    scored = score_pairs(batch, model=model, fit=fit, max_block_size=max_block_size, workers=workers)
    same = scored.probability >= thresholds.same
    kept = scored.probability >= thresholds.review
    n = len(batch)
    pos = {rid: k for k, rid in enumerate(batch.ids)}
    uf = ConstrainedUnionFind(n)
    human_same = []
    for d in decisions:
        try:
            a, b = pos[d.a], pos[d.b]
        except KeyError as exc:
            raise KeyError(f"decision about unknown record {exc.args[0]!r}") from None
        if d.same:
            human_same.append((a, b))
        else:
            uf.forbid(a, b)
    si, sj, sp = scored.i[same], scored.j[same], scored.probability[same]
    # Fast path, same result: a component of exactly two records joined by one 'same' link
    # (and untouched by human decisions) merges unless the pair is a hard conflict, because
    # the support of two singletons is the link's own probability (>= same >= support).
    component = cluster_roots(n, si, sj)
    size = np.bincount(component, minlength=n)
    simple = size[component[si]] == 2
    if decisions:
        touched = np.zeros(n, dtype=bool)
        for d in decisions:
            touched[pos[d.a]] = touched[pos[d.b]] = True
        simple &= ~touched[si] & ~touched[sj]
    ok = simple & ~batch.hard_conflicts(si, sj)
    for a, b in zip(si[ok].tolist(), sj[ok].tolist(), strict=True):
        uf.union(a, b)
    rest = ~simple
    pair_p = _pair_table(scored.i[kept], scored.j[kept], scored.probability[kept])
    _replay(
        uf,
        human_same,
        si[rest],
        sj[rest],
        sp[rest],
        pair_p,
        batch.signatures(np.concatenate([si[rest], sj[rest], [x for pair in human_same for x in pair]])),
        thresholds.support,
        progress,
    )
    return DedupResult(batch.ids, uf.roots(), scored, thresholds)


@dataclass(frozen=True, slots=True)
class AddResult:
    """What adding one record did.

    ``changed`` maps every record whose cluster id changed (including the new record)
    to its new cluster id; ``links`` are the new record's ``same`` and ``review`` links.
    """

    record_id: str
    cluster_id: str
    links: tuple[Link, ...] = ()
    changed: dict[str, str] = field(default_factory=dict)


def _signature(encoding: RecordEncoding) -> Signature:
    def tok(value: bytes | None) -> int:
        return 0 if value is None else int.from_bytes(value[:8], "little")

    b = encoding.birth
    return (
        tok(b.get("ymd")),
        tok(b.get("ym")),
        tok(b.get("md")),
        tok(b.get("yd")),
        tok(b.get("swap")),
        tok(encoding.gender),
    )


class LinkageIndex:
    """In-memory, incremental linkage state: encodings, links, human decisions, clusters.

    Adding a record only ever merges clusters; only :meth:`decide` can split one.
    A cluster's id is its oldest member's record id.
    """

    def __init__(
        self,
        model: MatchModel | None = None,
        thresholds: Thresholds | None = None,
        *,
        max_block_size: int = 1000,
    ) -> None:
        self.model = model or MatchModel.default()
        self.thresholds = thresholds or Thresholds()
        self.max_block_size = max_block_size
        self._encodings: list[RecordEncoding] = []
        self._pos: dict[str, int] = {}
        self._postings: dict[bytes, list[int]] = {}
        self._uf = ConstrainedUnionFind()
        self._auto: dict[tuple[int, int], float] = {}  # automatic 'same' links
        self._links: dict[tuple[int, int], Link] = {}  # 'same' and 'review' links
        self._human: dict[tuple[int, int], bool] = {}
        self._adj: dict[int, set[int]] = {}
        self._pair_p: dict[tuple[int, int], float] = {}  # every link >= review
        self._signatures: list[Signature] = []
        self._name_counts: list[int] = []  # term-frequency count of each record on arrival
        self._name_seen: dict[bytes, int] = {}
        self._scheme: tuple[str, str] | None = None

    # -- queries

    def __len__(self) -> int:
        return len(self._encodings)

    def __contains__(self, record_id: object) -> bool:
        return record_id in self._pos

    def _index(self, record_id: str) -> int:
        try:
            return self._pos[record_id]
        except KeyError:
            raise KeyError(f"unknown record {record_id!r}") from None

    def cluster_id(self, record_id: str) -> str:
        """The cluster id (oldest member's record id) of a record."""
        return self._encodings[self._uf.find(self._index(record_id))].record_id

    def members(self, cluster_id: str) -> list[str]:
        """Record ids in a cluster, oldest first."""
        root = self._uf.find(self._index(cluster_id))
        return [self._encodings[k].record_id for k in sorted(self._uf.members[root])]

    def clusters(self) -> dict[str, list[str]]:
        """All clusters: cluster id -> member record ids (oldest first)."""
        return {
            self._encodings[root].record_id: [self._encodings[k].record_id for k in sorted(members)]
            for root, members in sorted(self._uf.members.items())
        }

    def review_queue(self) -> list[Link]:
        """Pairs a human should look at: ``review`` links, and ``same`` links blocked by a
        ``different`` decision elsewhere, between records still in different clusters and
        not yet decided by a human; most probable first."""
        out = [
            link
            for key, link in self._links.items()
            if key not in self._human and self._uf.find(key[0]) != self._uf.find(key[1])
        ]
        return sorted(out, key=lambda link: -link.probability)

    def decisions(self) -> list[HumanDecision]:
        """The human decisions currently in force, in the order they were made."""
        enc = self._encodings
        return [HumanDecision(enc[a].record_id, enc[b].record_id, s) for (a, b), s in self._human.items()]

    def explain(self, link: Link) -> dict[str, float]:
        """Per-field match-weight contributions of a link (for the review screen)."""
        return self.model.for_fields(link.fields).explain(link.levels)

    # -- scoring

    def _check(self, encoding: RecordEncoding) -> None:
        if self._scheme is None:
            self._scheme = (encoding.scheme, encoding.key_id)
        elif (encoding.scheme, encoding.key_id) != self._scheme:
            raise IncompatibleEncodingError(
                f"encoding {encoding.record_id!r} was made with another secret or scheme than this index"
            )

    def _candidates(self, encoding: RecordEncoding) -> list[int]:
        found: set[int] = set()
        for key in encoding.blocking:
            posting = self._postings.get(key)
            if posting is not None and len(posting) < self.max_block_size:
                found.update(posting)
        return sorted(found)

    def score(self, encoding: RecordEncoding) -> list[Link]:
        """Score a (new) encoding against the index without adding it; best first."""
        self._check(encoding)
        cands = self._candidates(encoding)
        if not cands:
            return []
        batch = EncodedBatch.from_encodings([encoding, *(self._encodings[c] for c in cands)])
        # Term-frequency counts as they were when each record arrived (as in the batch path).
        batch.name_count = np.array(
            [self._name_count_for(encoding), *(self._name_counts[c] for c in cands)], dtype=np.int64
        )
        j = np.arange(1, len(cands) + 1)
        levels = compare_levels(batch, np.zeros(len(cands), dtype=np.intp), j)
        probs = self.model.for_fields(batch.field_names).probability(levels)
        links = [
            Link(
                self._encodings[c].record_id,
                encoding.record_id,
                float(p),
                self.thresholds.classify(float(p)),
                tuple(int(x) for x in lev),
                batch.field_names,
            )
            for c, p, lev in zip(cands, probs.tolist(), levels, strict=True)
        ]
        return sorted(links, key=lambda link: -link.probability)

    # -- updates

    def _register(self, encoding: RecordEncoding) -> int:
        if encoding.record_id in self._pos:
            raise ValueError(f"record {encoding.record_id!r} is already in the index")
        idx = self._uf.add()
        self._name_counts.append(self._name_count_for(encoding))
        if encoding.name_key is not None:
            self._name_seen[encoding.name_key] = self._name_seen.get(encoding.name_key, 0) + 1
        self._encodings.append(encoding)
        self._signatures.append(_signature(encoding))
        self._pos[encoding.record_id] = idx
        for key in encoding.blocking:
            self._postings.setdefault(key, []).append(idx)
        return idx

    def _add_auto(self, a: int, b: int, probability: float) -> None:
        self._auto[(a, b)] = probability
        self._adj.setdefault(a, set()).add(b)
        self._adj.setdefault(b, set()).add(a)

    def _cluster_snapshot(self, nodes: Iterable[int]) -> dict[int, int]:
        return {x: self._uf.find(x) for x in nodes}

    def _changes(self, before: dict[int, int]) -> dict[str, str]:
        enc = self._encodings
        out = {}
        for x, old_root in before.items():
            new_root = self._uf.find(x)
            if new_root != old_root:
                out[enc[x].record_id] = enc[new_root].record_id
        return out

    def add(self, encoding: RecordEncoding) -> AddResult:
        """Score a new record against the index, store it and merge it into clusters."""
        links = [link for link in self.score(encoding) if link.decision is not Decision.DIFFERENT]
        idx = self._register(encoding)
        changed: dict[str, str] = {}
        for link in links:
            a = self._pos[link.a]
            self._links[(a, idx)] = link
            self._pair_p[(a, idx)] = link.probability
        for link in links:  # best first: the canonical order for one new record
            if link.decision is not Decision.SAME:
                continue
            a = self._pos[link.a]
            self._add_auto(a, idx, link.probability)
            ra, rb = self._uf.find(a), self._uf.find(idx)
            if ra == rb:
                continue
            before = self._cluster_snapshot(self._uf.members[ra] + self._uf.members[rb])
            if self._merge(a, idx) is not None:
                changed.update(self._changes(before))
        changed[encoding.record_id] = ""
        changed = {rid: self.cluster_id(rid) for rid in changed}
        return AddResult(encoding.record_id, changed[encoding.record_id], tuple(links), changed)

    def _name_count_for(self, encoding: RecordEncoding) -> int:
        """Records so far with the same full name, this one included (0 = no name)."""
        if encoding.name_key is None:
            return 0
        return self._name_seen.get(encoding.name_key, 0) + 1

    def _merge(self, a: int, b: int) -> int | None:
        return merge_if_supported(self._uf, a, b, self._pair_p, self._signatures, self.thresholds.support)

    def add_many(self, encodings: Iterable[RecordEncoding]) -> list[AddResult]:
        """Add records one after the other (same result as repeated :meth:`add`)."""
        return [self.add(e) for e in encodings]

    @classmethod
    def build(
        cls,
        encodings: Sequence[RecordEncoding],
        decisions: Sequence[HumanDecision] = (),
        *,
        model: MatchModel | None = None,
        thresholds: Thresholds | None = None,
        max_block_size: int = 1000,
        workers: int = 1,
    ) -> LinkageIndex:
        """Rebuild an index from stored encodings (oldest first) and decisions, vectorised."""
        index = cls(model, thresholds, max_block_size=max_block_size)
        for e in encodings:
            index._check(e)
            index._register(e)
        if not encodings:
            return index
        batch = EncodedBatch.from_encodings(encodings)
        scored = score_pairs(batch, model=index.model, max_block_size=max_block_size, workers=workers)
        th = index.thresholds
        for k in np.flatnonzero(scored.probability >= th.review).tolist():
            a, b = int(scored.i[k]), int(scored.j[k])
            p = float(scored.probability[k])
            decision = th.classify(p)
            index._pair_p[(a, b)] = p
            index._links[(a, b)] = Link(
                batch.ids[a],
                batch.ids[b],
                p,
                decision,
                tuple(int(x) for x in scored.levels[k]),
                batch.field_names,
            )
            if decision is Decision.SAME:
                index._add_auto(a, b, p)
        for d in decisions:
            key = index._key(d.a, d.b)
            index._human[key] = d.same
        index._rebuild(range(len(encodings)))
        return index

    @classmethod
    def for_lookup(cls, encodings: Sequence[RecordEncoding], *, model: MatchModel | None = None,
                   thresholds: Thresholds | None = None) -> LinkageIndex:
        """An index of stored encodings for :meth:`score` only (search); no linking is done."""
        index = cls(model, thresholds)
        for e in encodings:
            index._check(e)
            index._register(e)
        return index

    def _key(self, a_id: str, b_id: str) -> tuple[int, int]:
        a, b = self._index(a_id), self._index(b_id)
        if a == b:
            raise ValueError("a decision needs two different records")
        return (a, b) if a < b else (b, a)

    def _component(self, seeds: Iterable[int]) -> set[int]:
        human_adj: dict[int, set[int]] = {}
        for (a, b), same in self._human.items():
            if same:
                human_adj.setdefault(a, set()).add(b)
                human_adj.setdefault(b, set()).add(a)
        seen = set(seeds)
        queue = deque(seen)
        while queue:
            x = queue.popleft()
            for y in self._adj.get(x, set()) | human_adj.get(x, set()):
                if y not in seen:
                    seen.add(y)
                    queue.append(y)
        return seen

    def _rebuild(self, nodes: Iterable[int]) -> None:
        node_set = set(nodes)
        uf = self._uf
        uf.reset(node_set)
        for x in node_set:
            uf.cannot.pop(x, None)
        for (a, b), same in self._human.items():
            if not same:
                uf.forbid(a, b)
        human_same = [(a, b) for (a, b), s in self._human.items() if s and a in node_set and b in node_set]
        edges = [(a, b, p) for (a, b), p in self._auto.items() if a in node_set and b in node_set]
        ai = np.array([e[0] for e in edges], dtype=np.int64)
        aj = np.array([e[1] for e in edges], dtype=np.int64)
        ap = np.array([e[2] for e in edges], dtype=np.float64)
        _replay(uf, human_same, ai, aj, ap, self._pair_p, self._signatures, self.thresholds.support)

    def decide(self, a_id: str, b_id: str, same: bool) -> dict[str, str]:
        """Record a human decision on a pair and re-cluster the affected records.

        Returns the records whose cluster id changed (record id -> new cluster id).
        A ``same`` decision that would join records decided ``different`` raises
        :class:`DecisionConflictError` and leaves the index unchanged.
        """
        key = self._key(a_id, b_id)
        previous = self._human.pop(key, None)
        self._human[key] = bool(same)
        return self._apply_decision_change(key, previous)

    def forget_decision(self, a_id: str, b_id: str) -> dict[str, str]:
        """Withdraw a human decision; the pair is scored automatically again."""
        key = self._key(a_id, b_id)
        previous = self._human.pop(key, None)
        if previous is None:
            return {}
        return self._apply_decision_change(key, previous)

    def _apply_decision_change(self, key: tuple[int, int], previous: bool | None) -> dict[str, str]:
        nodes = self._component(key)
        for x in list(nodes):
            nodes.update(self._uf.members[self._uf.find(x)])
        before = self._cluster_snapshot(nodes)
        try:
            self._rebuild(nodes)
        except DecisionConflictError:
            self._human.pop(key, None)
            if previous is not None:
                self._human[key] = previous
            self._rebuild(nodes)
            raise
        return self._changes(before)
