"""Blocking, field comparison and Fellegi-Sunter scoring on encodings only.

The pipeline works on an :class:`EncodedBatch`, a columnar (numpy) view of many
:class:`~vangnet.linkage.encoding.RecordEncoding` values:

1. :func:`candidate_pairs` joins records that share any keyed blocking key (keys are
   opaque 64-bit values; oversized blocks are skipped and counted).
2. :func:`compare_levels` turns every candidate pair into a vector of comparison
   *levels*: Dice bands for the first and last name (taking the better of straight and
   swapped order, lifted by the order-insensitive full-name filter), a birth-date
   agreement level from the keyed date-part tokens, and agree/disagree for gender and
   nationality.  ``-1`` marks a missing value (weight 0).
3. :class:`MatchModel` sums log2(m/u) weights per level (Fellegi-Sunter) plus the prior
   log-odds and turns the total into a match probability; :func:`fit_model` estimates
   m, u and the prior by expectation maximisation on the candidate pairs (no labels).
4. :class:`Thresholds` map probabilities to ``same`` / ``review`` / ``different``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np
import numpy.typing as npt

from vangnet.linkage.encoding import BIRTH_PARTS, IncompatibleEncodingError, RecordEncoding
from vangnet.linkage.similarity import and_popcount_pairs, pack_filters, popcount_rows

__all__ = [
    "BlockingStats",
    "Decision",
    "EncodedBatch",
    "FieldModel",
    "FilterColumn",
    "MatchModel",
    "Thresholds",
    "candidate_pairs",
    "compare_levels",
    "estimate_model",
    "fit_model",
]

IntArray = npt.NDArray[np.int64]
U64 = npt.NDArray[np.uint64]

#: Dice cut-offs for the similarity bands of name and extra fields (highest level first; below -> 0).
DICE_BANDS: tuple[float, ...] = (0.94, 0.87, 0.79, 0.70, 0.58)
#: Full-name Dice at or above which the first/last similarities are lifted to it.
FULL_NAME_LIFT = 0.86
#: Birth-date levels.
BIRTH_LEVELS = ("disagree", "year only", "year (partial dates)", "year-month", "two of three", "exact")


class Decision(StrEnum):
    """Classification of a pair of records."""

    SAME = "same"
    REVIEW = "review"
    DIFFERENT = "different"


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Match-probability thresholds: ``>= same`` -> same person, ``>= review`` -> review."""

    same: float = 0.4
    review: float = 0.1
    #: Mean match probability over all pairs across two clusters needed to merge them.
    support: float = 0.3

    def __post_init__(self) -> None:
        if not 0.0 <= self.review <= self.same <= 1.0:
            raise ValueError("thresholds must satisfy 0 <= review <= same <= 1")
        if not 0.0 <= self.support <= self.same:
            raise ValueError("the cluster support must be between 0 and the 'same' threshold")

    def classify(self, probability: float) -> Decision:
        """The decision for one probability."""
        if probability >= self.same:
            return Decision.SAME
        if probability >= self.review:
            return Decision.REVIEW
        return Decision.DIFFERENT


# --------------------------------------------------------------------------- columnar batch


@dataclass(slots=True)
class FilterColumn:
    """One Bloom-filter field of a batch: packed words, popcounts and presence flags."""

    words: U64
    counts: npt.NDArray[np.int32]
    present: npt.NDArray[np.bool_]

    @classmethod
    def build(cls, values: Sequence[bytes | None]) -> FilterColumn:
        words = pack_filters(values)
        present = np.fromiter((v is not None for v in values), dtype=bool, count=len(values))
        return cls(words, popcount_rows(words), present)


def _tok(value: bytes | None) -> int:
    return 0 if value is None else int.from_bytes(value[:8], "little")


@dataclass(slots=True)
class EncodedBatch:
    """Columnar, numpy view of many encodings (one scheme and key) for vectorised matching.

    Build it with :meth:`from_encodings`; benchmarks may also construct it directly.
    ``block_keys``/``block_rows`` list every (keyed blocking key, row) pair.
    """

    ids: list[str]
    scheme: str
    key_id: str
    first: FilterColumn
    last: FilterColumn
    full: FilterColumn
    birth: U64
    gender: U64
    nationality: U64
    block_keys: U64
    block_rows: IntArray
    extra: dict[str, FilterColumn] = field(default_factory=dict)
    #: Per record: how many records up to and including this one (in batch order) carry
    #: the same full name (keyed); 0 when unknown.  Drives the term-frequency band.
    name_count: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    #: ``salt="year_band"``: the offset-band filters (``first``, ``last``, ``full``,
    #: ``extra:NAME``) and the two keyed band tokens per record, shape ``(n, 2)``; empty
    #: for other schemes.
    banded: dict[str, FilterColumn] = field(default_factory=dict)
    bands: U64 = field(default_factory=lambda: np.zeros((0, 2), dtype=np.uint64))
    #: Keyed "first sound + last sound" token per record in its first year band (0 = none),
    #: and for records without a birth year the set of those tokens for every band.
    name_sound: U64 = field(default_factory=lambda: np.zeros(0, dtype=np.uint64))
    undated_sounds: dict[int, frozenset[int]] = field(default_factory=dict)
    #: The same for the exact full-name tokens.
    name_exact: U64 = field(default_factory=lambda: np.zeros(0, dtype=np.uint64))
    undated_exacts: dict[int, frozenset[int]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def from_encodings(cls, encodings: Sequence[RecordEncoding]) -> EncodedBatch:
        """Stack encodings; raises :class:`IncompatibleEncodingError` on mixed secrets/schemes."""
        if not encodings:
            raise ValueError("no encodings")
        scheme, key_id = encodings[0].scheme, encodings[0].key_id
        for e in encodings:
            if e.scheme != scheme or e.key_id != key_id:
                raise IncompatibleEncodingError(
                    f"encoding {e.record_id!r} was made with another secret or scheme"
                )
        n = len(encodings)
        birth = np.zeros((n, len(BIRTH_PARTS)), dtype=np.uint64)
        for r, e in enumerate(encodings):
            for c, part in enumerate(BIRTH_PARTS):
                token = e.birth.get(part)
                if token is not None:
                    birth[r, c] = _tok(token)
        keys: list[int] = []
        rows: list[int] = []
        for r, e in enumerate(encodings):
            for k in e.blocking:
                keys.append(_tok(k))
                rows.append(r)
        extra_names = sorted({name for e in encodings for name in e.extra})
        banded: dict[str, FilterColumn] = {}
        bands = np.zeros((0, 2), dtype=np.uint64)
        if any(e.bands for e in encodings):
            bands = np.array([[_tok(b) for b in (e.bands or (None, None))] for e in encodings], dtype=np.uint64)
            for name in ("first", "last", "full", *(f"extra:{x}" for x in extra_names)):
                banded[name] = FilterColumn.build([e.banded.get(name) for e in encodings])
        return cls(
            ids=[e.record_id for e in encodings],
            scheme=scheme,
            key_id=key_id,
            first=FilterColumn.build([e.first for e in encodings]),
            last=FilterColumn.build([e.last for e in encodings]),
            full=FilterColumn.build([e.full for e in encodings]),
            birth=birth,
            gender=np.array([_tok(e.gender) for e in encodings], dtype=np.uint64),
            nationality=np.array([_tok(e.nationality) for e in encodings], dtype=np.uint64),
            block_keys=np.array(keys, dtype=np.uint64),
            block_rows=np.array(rows, dtype=np.int64),
            extra={name: FilterColumn.build([e.extra.get(name) for e in encodings]) for name in extra_names},
            name_count=running_counts(np.array([_tok(e.name_key) for e in encodings], dtype=np.uint64)),
            banded=banded,
            bands=bands,
            name_sound=np.array([_tok(e.name_sounds[0] if e.name_sounds else None) for e in encodings],
                                dtype=np.uint64),
            undated_sounds={
                r: frozenset(_tok(t) for t in e.name_sounds)
                for r, e in enumerate(encodings)
                if len(e.name_sounds) > 1 or (e.name_sounds and "y" not in e.birth)
            },
            name_exact=np.array([_tok(e.name_exacts[0] if e.name_exacts else None) for e in encodings],
                                dtype=np.uint64),
            undated_exacts={
                r: frozenset(_tok(t) for t in e.name_exacts)
                for r, e in enumerate(encodings)
                if len(e.name_exacts) > 1 or (e.name_exacts and "y" not in e.birth)
            },
        )

    def signatures(self, rows: npt.ArrayLike | None = None) -> dict[int, tuple[int, int, int, int, int, int]]:
        """Hard-conflict signature of the given records (all by default), by record index
        (see :func:`~vangnet.linkage.clustering.hard_conflict`)."""
        idx = np.arange(len(self)) if rows is None else np.unique(np.asarray(rows, dtype=np.int64))
        cols = [BIRTH_PARTS.index(p) for p in ("ymd", "ym", "md", "yd", "swap")]
        table = np.concatenate([self.birth[idx][:, cols], self.gender[idx][:, None]], axis=1)
        return dict(zip(idx.tolist(), map(tuple, table.tolist()), strict=True))  # type: ignore[arg-type]

    def hard_conflicts(self, i: npt.ArrayLike, j: npt.ArrayLike) -> npt.NDArray[np.bool_]:
        """Vectorised :func:`~vangnet.linkage.clustering.hard_conflict` for pairs (i, j)."""
        ii, jj = np.asarray(i, dtype=np.intp), np.asarray(j, dtype=np.intp)
        gi, gj = self.gender[ii], self.gender[jj]
        out = (gi != 0) & (gj != 0) & (gi != gj)
        ymd, ym, md, yd, swap = (BIRTH_PARTS.index(p) for p in ("ymd", "ym", "md", "yd", "swap"))
        bi, bj = self.birth[ii], self.birth[jj]
        full = (bi[:, ymd] != 0) & (bj[:, ymd] != 0)
        agree = (
            (bi[:, ymd] == bj[:, ymd]) | (bi[:, ym] == bj[:, ym]) | (bi[:, md] == bj[:, md])
            | (bi[:, yd] == bj[:, yd]) | ((bi[:, swap] != 0) & (bi[:, swap] == bj[:, ymd]))
            | ((bj[:, swap] != 0) & (bj[:, swap] == bi[:, ymd]))
        )  # fmt: skip
        return out | (full & ~agree)

    @property
    def field_names(self) -> tuple[str, ...]:
        """Names of the comparisons this batch yields, in level-matrix column order."""
        return (
            "first", "last", "birth", "gender", "nationality", "frequency", *(f"extra:{n}" for n in self.extra)
        )  # fmt: skip


def running_counts(keys: U64) -> IntArray:
    """For each row, the number of rows up to and including it with the same (non-zero) key."""
    n = len(keys)
    out = np.zeros(n, dtype=np.int64)
    if n == 0:
        return out
    order = np.lexsort((np.arange(n), keys))
    k = keys[order]
    start = np.concatenate(([True], k[1:] != k[:-1]))
    group_start = np.maximum.accumulate(np.where(start, np.arange(n), 0))
    out[order] = np.arange(n) - group_start + 1
    out[keys == 0] = 0
    return out


#: Upper bounds of the term-frequency bands (records with the same full name so far):
#: band 0 = at most 2, band 1 = up to 6, band 2 = up to 15, band 3 = more.
FREQUENCY_BANDS: tuple[int, ...] = (2, 6, 15)


def _frequency_levels(
    batch: EncodedBatch, i: npt.NDArray[np.intp], j: npt.NDArray[np.intp], names_agree: npt.NDArray[np.bool_]
) -> npt.NDArray[np.int8]:
    if len(batch.name_count) != len(batch):
        return np.full(len(i), -1, dtype=np.int8)
    count = np.maximum(np.take(batch.name_count, i), np.take(batch.name_count, j))
    level = np.searchsorted(np.asarray(FREQUENCY_BANDS), count, side="left").astype(np.int8)
    level[~names_agree | (count == 0)] = -1
    return level


# --------------------------------------------------------------------------- blocking


@dataclass(frozen=True, slots=True)
class BlockingStats:
    """What blocking did: number of candidate pairs and blocks skipped for being too large."""

    pairs: int
    blocks: int
    skipped_blocks: int
    skipped_pairs: int


def _pairs_within_groups(starts: IntArray, sizes: IntArray) -> tuple[IntArray, IntArray]:
    """All index pairs (a < b) inside each contiguous group [start, start+size)."""
    if len(sizes) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    # Element positions and how many later elements of its group each one pairs with.
    pos = np.repeat(starts, sizes) + (np.arange(sizes.sum()) - np.repeat(np.cumsum(sizes) - sizes, sizes))
    ends = np.repeat(starts + sizes, sizes)
    counts = ends - pos - 1
    total = int(counts.sum())
    left = np.repeat(pos, counts)
    offsets = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)
    return left, left + 1 + offsets


def candidate_pairs(
    batch: EncodedBatch,
    *,
    max_block_size: int = 1000,
    groups: npt.ArrayLike | None = None,
) -> tuple[IntArray, IntArray, BlockingStats]:
    """Unique candidate pairs ``(i, j)`` with ``i < j`` sharing at least one blocking key.

    Blocks with more than ``max_block_size`` records are skipped (counted in the stats).
    With ``groups`` (one label per record) only pairs from different groups are kept
    (two-dataset linkage).
    """
    keys = batch.block_keys
    rows = batch.block_rows
    n = len(batch)
    if len(keys) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, BlockingStats(0, 0, 0, 0)
    order = np.argsort(keys, kind="stable")
    k = keys[order]
    r = rows[order]
    boundary = np.flatnonzero(np.concatenate(([True], k[1:] != k[:-1])))
    sizes = np.diff(np.append(boundary, len(k)))
    big = sizes > max_block_size
    multi = (sizes >= 2) & ~big
    skipped_pairs = int((sizes[big] * (sizes[big] - 1) // 2).sum())
    a, b = _pairs_within_groups(boundary[multi].astype(np.int64), sizes[multi].astype(np.int64))
    i, j = r[a], r[b]
    code = np.minimum(i, j) * n + np.maximum(i, j)
    del a, b, i, j
    code.sort()  # sort-based de-duplication is much faster than np.unique's hashing here
    if len(code):
        code = code[np.concatenate(([True], code[1:] != code[:-1]))]
    code = code[code // n != code % n]  # a record listed twice under one key
    i, j = code // n, code % n
    if groups is not None:
        g = np.asarray(groups)
        cross = g[i] != g[j]
        i, j = i[cross], j[cross]
    stats = BlockingStats(
        pairs=len(i), blocks=int(multi.sum()), skipped_blocks=int(big.sum()), skipped_pairs=skipped_pairs
    )
    return i.astype(np.int64), j.astype(np.int64), stats


# --------------------------------------------------------------------------- comparison levels


@dataclass(slots=True)
class _Side:
    """One side of the candidate pairs of a filter field: the batch's words (not copied; the
    Dice kernel reads the rows in place) and per pair its row, popcount and presence."""

    words: U64
    rows: npt.NDArray[np.intp]
    counts: npt.NDArray[np.int32]
    present: npt.NDArray[np.bool_]


def _gather(f: FilterColumn, rows: npt.NDArray[np.intp]) -> _Side:
    # np.take is several times faster than fancy indexing for row gathers.
    return _Side(f.words, rows, np.take(f.counts, rows), np.take(f.present, rows))


def _take(f: _Side, sub: npt.NDArray[np.intp]) -> _Side:
    return _Side(f.words, f.rows[sub], f.counts[sub], f.present[sub])


def _inter(a: _Side, b: _Side) -> npt.NDArray[np.int32]:
    """Popcount of ``a & b`` per pair (compiled kernel; numpy gathers without it)."""
    return and_popcount_pairs(a.words, b.words, a.rows, b.rows)


def _dice(a: _Side, b: _Side) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.bool_]]:
    """Dice of the pairs of two sides."""
    inter = _inter(a, b)
    total = a.counts + b.counts
    present = a.present & b.present
    sim = np.zeros(len(total), dtype=np.float32)
    ok = present & (total > 0)
    sim[ok] = 2.0 * inter[ok] / total[ok]
    return sim, present


#: Similarity given to a name whose shorter form is contained in the longer one.
CONTAINED_LEVEL = 0.87
#: Name level (Dice band) given to both names of a pair that can only compare sound keys.
SOUND_LEVEL = len(DICE_BANDS) - 1
#: Least number of set bits of the shorter filter for containment to count.
_CONTAINED_MIN_BITS = 60


def _contained(a: _Side, b: _Side) -> npt.NDArray[np.bool_]:
    """The shorter filter's bits lie (almost) all inside the longer one's."""
    inter = _inter(a, b)
    small = np.minimum(a.counts, b.counts)
    return a.present & b.present & (small >= _CONTAINED_MIN_BITS) & (inter >= 0.8 * small) & (a.counts != b.counts)


def _bands(sim: npt.NDArray[np.float32], present: npt.NDArray[np.bool_]) -> npt.NDArray[np.int8]:
    level = np.zeros(len(sim), dtype=np.int8)
    for rank, cut in enumerate(reversed(DICE_BANDS), start=1):
        level[sim >= cut] = rank
    level[~present] = -1
    return level


def _birth_levels(birth: U64, i: npt.NDArray[np.intp], j: npt.NDArray[np.intp]) -> npt.NDArray[np.int8]:
    y, ym, md, yd, ymd, swap = range(len(BIRTH_PARTS))
    bi, bj = np.take(birth, i, axis=0), np.take(birth, j, axis=0)
    hi, hj = bi != 0, bj != 0
    eq = (bi == bj) & hi & hj
    both_y = hi[:, y] & hj[:, y]
    both_m = hi[:, ym] & hj[:, ym]
    both_d = hi[:, ymd] & hj[:, ymd]
    swapped = ((bi[:, swap] == bj[:, ymd]) & hi[:, swap] & hj[:, ymd]) | (
        (bj[:, swap] == bi[:, ymd]) & hj[:, swap] & hi[:, ymd]
    )
    level = np.full(len(i), -1, dtype=np.int8)
    level[both_y] = 0
    # Year precision only on at least one side.
    only_y = both_y & ~both_m
    level[only_y & eq[:, y]] = 2
    # Month precision in common, not both full.
    month = both_m & ~both_d
    level[month & eq[:, y]] = 1
    level[month & eq[:, ym]] = 3
    # Both full dates.
    level[both_d & eq[:, y]] = 1
    two = eq[:, ym] | eq[:, md] | eq[:, yd] | swapped
    level[both_d & two] = 4
    level[both_d & eq[:, ymd]] = 5
    return level


def _token_levels(tokens: U64, i: npt.NDArray[np.intp], j: npt.NDArray[np.intp]) -> npt.NDArray[np.int8]:
    ti, tj = np.take(tokens, i), np.take(tokens, j)
    level = (ti == tj).astype(np.int8)
    level[(ti == 0) | (tj == 0)] = -1
    return level


def _shared_band(
    batch: EncodedBatch, i: npt.NDArray[np.intp], j: npt.NDArray[np.intp]
) -> npt.NDArray[np.int8] | None:
    """Per pair under ``salt="year_band"``: 0 = compare the first-band filters, 1 = the
    offset-band filters, -1 = no band in common (names not comparable); ``None`` otherwise."""
    if len(batch.bands) != len(batch) or len(batch) == 0:
        return None
    bi, bj = np.take(batch.bands, i, axis=0), np.take(batch.bands, j, axis=0)
    out = np.full(len(i), -1, dtype=np.int8)
    out[(bi[:, 1] == bj[:, 1]) & (bi[:, 1] != 0)] = 1
    out[(bi[:, 0] == bj[:, 0]) & (bi[:, 0] != 0)] = 0
    return out


def _shared_token(
    tokens: U64,
    undated: dict[int, frozenset[int]],
    i: npt.NDArray[np.intp],
    j: npt.NDArray[np.intp],
    mask: npt.NDArray[np.bool_],
) -> npt.NDArray[np.bool_]:
    """Pairs (within ``mask``) that share a name token; a record without a birth year carries
    the token of every year band, so it is checked against the dated record's band."""
    ti, tj = np.take(tokens, i), np.take(tokens, j)
    out = mask & (ti == tj) & (ti != 0)
    for k in np.flatnonzero(mask & ~out).tolist():
        a, b = int(i[k]), int(j[k])
        if b in undated:
            a, b = b, a
        if a in undated and b not in undated and tokens[b] != 0:
            out[k] = int(tokens[b]) in undated[a]
    return out


def _gather_band(
    batch: EncodedBatch, name: str, column: FilterColumn, rows: npt.NDArray[np.intp], band: npt.NDArray[np.int8] | None
) -> _Side:
    """Rows of a filter field, taken from the band each pair shares (absent where none). Without bands the
    kernel reads the batch's rows in place; with them the pairs' rows are gathered from the two filters."""
    first = _gather(column, rows)
    if band is None:
        return first
    other = _gather(batch.banded[name], rows)
    use = band == 1
    words = np.where(use[:, None], np.take(other.words, rows, axis=0), np.take(first.words, rows, axis=0))
    return _Side(
        np.ascontiguousarray(words),
        np.arange(len(rows), dtype=np.intp),
        np.where(use, other.counts, first.counts),
        np.where(use, other.present, first.present) & (band >= 0),
    )


def _compare_chunk(batch: EncodedBatch, i: npt.NDArray[np.intp], j: npt.NDArray[np.intp]) -> np.ndarray:
    band = _shared_band(batch, i, j)
    fi, fj = _gather_band(batch, "first", batch.first, i, band), _gather_band(batch, "first", batch.first, j, band)
    li, lj = _gather_band(batch, "last", batch.last, i, band), _gather_band(batch, "last", batch.last, j, band)
    ff, pff = _dice(fi, fj)
    ll, pll = _dice(li, lj)
    cf, cl = _contained(fi, fj), _contained(li, lj)
    straight = np.where(pff, ff, 0) + np.where(pll, ll, 0)
    # Crossed order (first vs last) only where the straight order is not already good.
    fl = np.zeros_like(ff)
    lf = np.zeros_like(ff)
    pfl = np.zeros_like(pff)
    plf = np.zeros_like(pff)
    low = np.flatnonzero(straight < 1.7)
    if len(low):
        fl[low], pfl[low] = _dice(_take(fi, low), _take(lj, low))
        lf[low], plf[low] = _dice(_take(li, low), _take(fj, low))
    del fi, fj, li, lj
    full, pfull = _dice(
        _gather_band(batch, "full", batch.full, i, band), _gather_band(batch, "full", batch.full, j, band)
    )
    crossed = np.where(pfl, fl, 0) + np.where(plf, lf, 0)
    swap = crossed > straight + 0.1
    contained_f = np.where(swap, False, cf)
    contained_l = np.where(swap, False, cl)
    # Symmetric in (i, j): the better crossed similarity counts for the given name, the
    # weaker one for the (more informative) family name.
    both = pfl & plf
    first = np.where(swap, np.where(both, np.maximum(fl, lf), np.where(pfl, fl, lf)), ff)
    p_first = np.where(swap, pfl | plf, pff)
    last = np.where(swap, np.where(both, np.minimum(fl, lf), 0), ll)
    p_last = np.where(swap, both, pll)
    lift = pfull & (full >= FULL_NAME_LIFT)
    first = np.where(lift & p_first, np.maximum(first, full), first)
    last = np.where(lift & p_last, np.maximum(last, full), last)
    # Per-token family names: when every bigram of the shorter name occurs in the longer
    # one ("Santos" in "Carvalho Santos", "Lan" in "Thi Lan"), count it as a close match.
    first = np.where(p_first & (first < CONTAINED_LEVEL) & contained_f, CONTAINED_LEVEL, first)
    last = np.where(p_last & (last < CONTAINED_LEVEL) & contained_l, CONTAINED_LEVEL, last)
    first_levels, last_levels = _bands(first, p_first), _bands(last, p_last)
    if band is not None and len(batch.name_sound) == len(batch):
        # Salted names cannot compare when one side has no birth year: the shared sound key
        # of both names (a blocking key) is the name evidence then, counted as a close match.
        year = BIRTH_PARTS.index("y")
        no_year = (np.take(batch.birth[:, year], i) == 0) | (np.take(batch.birth[:, year], j) == 0)
        across = (band < 0) & no_year
        sound = _shared_token(batch.name_sound, batch.undated_sounds, i, j, across)
        exact = _shared_token(batch.name_exact, batch.undated_exacts, i, j, across & sound)
        first_levels[sound] = SOUND_LEVEL
        last_levels[sound] = SOUND_LEVEL
        first_levels[exact] = len(DICE_BANDS)
        last_levels[exact] = len(DICE_BANDS)
    top = len(DICE_BANDS) - 1
    columns = [
        first_levels,
        last_levels,
        _birth_levels(batch.birth, i, j),
        _token_levels(batch.gender, i, j),
        _token_levels(batch.nationality, i, j),
        _frequency_levels(batch, i, j, (first_levels >= top) & (last_levels >= top)),
    ]
    for name, filters in batch.extra.items():
        key = "extra:" + name
        columns.append(
            _bands(*_dice(_gather_band(batch, key, filters, i, band), _gather_band(batch, key, filters, j, band)))
        )
    return np.stack(columns, axis=1)


def compare_levels(
    batch: EncodedBatch,
    i: npt.ArrayLike,
    j: npt.ArrayLike,
    *,
    chunk_size: int = 200_000,
    workers: int = 1,
) -> npt.NDArray[np.int8]:
    """Comparison levels, shape ``(pairs, len(batch.field_names))``; ``-1`` = missing."""
    ii = np.asarray(i, dtype=np.intp)
    jj = np.asarray(j, dtype=np.intp)
    n_fields = len(batch.field_names)
    out = np.empty((len(ii), n_fields), dtype=np.int8)
    starts = range(0, len(ii), chunk_size)

    def run(start: int) -> None:
        stop = start + chunk_size
        out[start:stop] = _compare_chunk(batch, ii[start:stop], jj[start:stop])

    if workers > 1 and len(ii) > chunk_size:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(run, starts))
    else:
        for start in starts:
            run(start)
    return out


# --------------------------------------------------------------------------- Fellegi-Sunter model


def _field_levels(name: str) -> int:
    if name in ("first", "last") or name.startswith("extra:"):
        return len(DICE_BANDS) + 1
    if name == "birth":
        return len(BIRTH_LEVELS)
    if name == "frequency":
        return len(FREQUENCY_BANDS) + 1
    return 2


@dataclass(frozen=True, slots=True)
class FieldModel:
    """m and u probabilities per comparison level of one field (level 0 first)."""

    name: str
    m: tuple[float, ...]
    u: tuple[float, ...]

    def weights(self) -> npt.NDArray[np.float64]:
        """log2(m/u) per level."""
        return np.log2(np.asarray(self.m)) - np.log2(np.asarray(self.u))


_DEFAULT_FIELDS: dict[str, FieldModel] = {
    # Counted from labelled candidate pairs of the multicultural generator
    # (vangnet.linkage.testset, seeds 101 and 102, 12,000 persons each; never an evaluation
    # seed) with ``labelled_model``; gender/nationality disagreement for matches floored at
    # 1 % / 3 % and every probability at 0.2 %, because real registrations contain errors
    # the generator does not make.  ``estimate_model`` re-estimates all but "frequency".
    "first": FieldModel(
        "first", (0.0052, 0.0184, 0.0185, 0.0049, 0.0868, 0.8662), (0.2092, 0.0961, 0.0363, 0.0082, 0.0723, 0.5779)
    ),
    "last": FieldModel(
        "last", (0.008, 0.025, 0.0287, 0.0083, 0.1452, 0.7846), (0.2581, 0.088, 0.0361, 0.0038, 0.0767, 0.5373)
    ),
    "birth": FieldModel(
        "birth", (0.0116, 0.002, 0.1968, 0.002, 0.1172, 0.6704), (0.9191, 0.0449, 0.0077, 0.002, 0.0153, 0.0111)
    ),
    "gender": FieldModel("gender", (0.0099, 0.9901), (0.1718, 0.8282)),
    "nationality": FieldModel("nationality", (0.0291, 0.9709), (0.0581, 0.9419)),
    # Term-frequency bands (full name shared by at most 2, 6, 15 or more records so far),
    # only when both names agree closely: rare names count more, common ones less.
    "frequency": FieldModel("frequency", (0.2064, 0.3668, 0.2581, 0.1687), (0.0579, 0.1608, 0.2863, 0.495)),
}
#: Share of matches among candidate pairs in the same training data.
DEFAULT_PRIOR = 0.0359
_DEFAULT_EXTRA = ((0.05, 0.03, 0.04, 0.06, 0.12, 0.70), (0.80, 0.08, 0.05, 0.03, 0.02, 0.02))


@dataclass(frozen=True, slots=True)
class MatchModel:
    """Fellegi-Sunter model: per-field level weights plus the prior match probability.

    ``prior`` is the probability that a *candidate pair* (after blocking) is a match.
    """

    fields: tuple[FieldModel, ...]
    prior: float = DEFAULT_PRIOR
    #: Apply :meth:`no_date_weight` (off by default: on the development seeds it raised the
    #: F1 of "date missing" from 0.00 to 0.26 but cost 0.04 pairwise precision overall).
    no_date_rule: bool = False

    @classmethod
    def default(
        cls, field_names: Sequence[str] = ("first", "last", "birth", "gender", "nationality", "frequency")
    ) -> MatchModel:
        """Shipped parameters for the given comparison fields."""
        out = []
        for name in field_names:
            fm = _DEFAULT_FIELDS.get(name)
            if fm is None:
                if not name.startswith("extra:"):
                    raise ValueError(f"unknown comparison field {name!r}")
                fm = FieldModel(name, *_DEFAULT_EXTRA)
            out.append(fm)
        return cls(tuple(out))

    @property
    def field_names(self) -> tuple[str, ...]:
        """The comparison fields, in level-matrix column order."""
        return tuple(f.name for f in self.fields)

    def for_fields(self, field_names: Sequence[str]) -> MatchModel:
        """This model restricted/extended (with defaults) to ``field_names``."""
        known = {f.name: f for f in self.fields}
        default = MatchModel.default([n for n in field_names if n not in known])
        extra = {f.name: f for f in default.fields}
        return MatchModel(tuple(known.get(n) or extra[n] for n in field_names), self.prior, self.no_date_rule)

    def weight_table(self) -> npt.NDArray[np.float64]:
        """``(fields, max_levels + 1)`` table of log2(m/u); the last column (missing) is 0."""
        width = max(len(f.m) for f in self.fields) + 1
        table = np.zeros((len(self.fields), width))
        for r, f in enumerate(self.fields):
            table[r, : len(f.m)] = f.weights()
        return table

    def match_weight(self, levels: npt.NDArray[np.int8]) -> npt.NDArray[np.float64]:
        """Total match weight (log2 odds, prior included) of each row of ``levels``."""
        if levels.shape[1] != len(self.fields):
            raise ValueError("level matrix does not match the model's fields")
        table = self.weight_table()
        idx = np.where(levels < 0, table.shape[1] - 1, levels).astype(np.intp)
        total = table[np.arange(len(self.fields))[None, :], idx].sum(axis=1)
        return total + self.no_date_weight(levels) + math.log2(self.prior / (1.0 - self.prior))

    def no_date_weight(self, levels: npt.NDArray[np.int8]) -> npt.NDArray[np.float64]:
        """Evidence that stands in for a missing date of birth (issue 10): when one side has
        no date, both names agree exactly (top level), the full name is rare (frequency band
        0) and sex and nationality are recorded on both sides and agree, the pair gets the
        weight of an agreeing birth year ("year (partial dates)").  Anything less (a common
        name, a missing or different sex or nationality, a near-miss name) gets nothing, and
        hard conflicts still forbid the merge in clustering."""
        names = self.field_names
        out = np.zeros(len(levels))
        if not self.no_date_rule or not {"first", "last", "birth", "gender", "nationality", "frequency"} <= set(names):
            return out
        col = {n: levels[:, names.index(n)] for n in ("first", "last", "birth", "gender", "nationality", "frequency")}
        top = len(DICE_BANDS)
        rule = (
            (col["birth"] < 0) & (col["first"] == top) & (col["last"] == top) & (col["frequency"] == 0)
            & (col["gender"] == 1) & (col["nationality"] == 1)
        )  # fmt: skip
        birth = self.fields[names.index("birth")].weights()
        out[rule] = max(0.0, float(birth[BIRTH_LEVELS.index("year (partial dates)")]))
        return out

    def probability(self, levels: npt.NDArray[np.int8]) -> npt.NDArray[np.float64]:
        """Posterior match probability of each row of ``levels``."""
        w = self.match_weight(levels)
        return 1.0 / (1.0 + np.exp2(-np.clip(w, -60, 60)))

    def explain(self, levels: Sequence[int]) -> dict[str, float]:
        """Per-field weight contributions of one level vector (for the review UI)."""
        table = self.weight_table()
        return {
            f.name: (0.0 if lev < 0 else float(table[r, lev]))
            for r, (f, lev) in enumerate(zip(self.fields, levels, strict=True))
        }

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable parameters."""
        return {
            "prior": self.prior,
            "no_date_rule": self.no_date_rule,
            "fields": [{"name": f.name, "m": list(f.m), "u": list(f.u)} for f in self.fields],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> MatchModel:
        """Inverse of :meth:`to_dict`."""
        try:
            fields = tuple(
                FieldModel(str(f["name"]), tuple(map(float, f["m"])), tuple(map(float, f["u"])))
                for f in data["fields"]
            )
            return cls(fields, float(data["prior"]), bool(data.get("no_date_rule", False)))
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"malformed match model: {exc}") from exc


def _level_counts(levels: np.ndarray, n_levels: int, weights: np.ndarray) -> np.ndarray:
    present = levels >= 0
    return np.bincount(levels[present], weights=weights[present], minlength=n_levels)[:n_levels]


def fit_model(
    levels: npt.NDArray[np.int8],
    field_names: Sequence[str],
    *,
    start: MatchModel | None = None,
    fix_u: bool = False,
    max_iter: int = 100,
    tol: float = 1e-6,
    smoothing: float = 0.5,
    log: Callable[[str], None] | None = None,
) -> MatchModel:
    """Estimate m, u (unless ``fix_u``) and the prior by EM on candidate-pair levels.

    This is the classic two-class latent model with conditional independence; it uses
    no labels.  ``smoothing`` adds pseudo-counts so no level gets probability 0.
    """
    model = (start or MatchModel.default(field_names)).for_fields(field_names)
    if len(levels) == 0:
        return model
    n_levels = [len(f.m) for f in model.fields]
    prior = model.prior
    m = [np.asarray(f.m, dtype=float) for f in model.fields]
    u = [np.asarray(f.u, dtype=float) for f in model.fields]
    # Collapse identical level vectors: EM then runs over distinct patterns with counts.
    patterns, counts = np.unique(levels, axis=0, return_counts=True)
    counts = counts.astype(float)
    for it in range(max_iter):
        log_m = np.zeros(len(patterns))
        log_u = np.zeros(len(patterns))
        for c in range(len(n_levels)):
            col = patterns[:, c]
            ok = col >= 0
            log_m[ok] += np.log(m[c][col[ok]])
            log_u[ok] += np.log(u[c][col[ok]])
        a = math.log(prior) + log_m
        b = math.log(1 - prior) + log_u
        post = 1.0 / (1.0 + np.exp(np.clip(b - a, -700, 700)))
        wm = post * counts
        wu = (1 - post) * counts
        new_prior = float(wm.sum() / counts.sum())
        new_prior = min(max(new_prior, 1e-6), 1 - 1e-6)
        delta = abs(new_prior - prior)
        for c in range(len(n_levels)):
            cm = _level_counts(patterns[:, c], n_levels[c], wm) + smoothing
            new_m = cm / cm.sum()
            delta = max(delta, float(np.abs(new_m - m[c]).max()))
            m[c] = new_m
            if not fix_u:
                cu = _level_counts(patterns[:, c], n_levels[c], wu) + smoothing
                new_u = cu / cu.sum()
                delta = max(delta, float(np.abs(new_u - u[c]).max()))
                u[c] = new_u
        prior = new_prior
        if log is not None:
            log(f"EM iteration {it + 1}: prior={prior:.5f} delta={delta:.2e}")
        if delta < tol:
            break
    fields = tuple(
        f  # the term-frequency weights are shipped, not estimated
        if f.name == "frequency"
        else FieldModel(f.name, tuple(float(x) for x in m[c]), tuple(float(x) for x in u[c]))
        for c, f in enumerate(model.fields)
    )
    return MatchModel(fields, prior)


def _frequencies(levels: np.ndarray, n_levels: int, smoothing: float) -> np.ndarray:
    col = levels[levels >= 0]
    counts = np.bincount(col, minlength=n_levels)[:n_levels] + smoothing
    return counts / counts.sum()


def _random_pairs(
    n: int, count: int, rng: np.random.Generator, groups: np.ndarray | None
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    i = rng.integers(0, n, count)
    j = rng.integers(0, n, count)
    keep = i != j
    if groups is not None:
        keep &= groups[i] != groups[j]
    return i[keep].astype(np.intp), j[keep].astype(np.intp)


def _same_token_pairs(
    tokens: U64, rng: np.random.Generator, groups: np.ndarray | None, limit: int
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp], int]:
    """Pairs of records sharing a (non-zero) token; returns a sample and the exact total."""
    rows = np.flatnonzero(tokens != 0)
    order = rows[np.argsort(tokens[rows], kind="stable")]
    k = tokens[order]
    boundary = np.flatnonzero(np.concatenate(([True], k[1:] != k[:-1])))
    sizes = np.diff(np.append(boundary, len(k)))
    multi = sizes >= 2
    a, b = _pairs_within_groups(boundary[multi].astype(np.int64), sizes[multi].astype(np.int64))
    i, j = order[a], order[b]
    if groups is not None:
        cross = groups[i] != groups[j]
        i, j = i[cross], j[cross]
    total = len(i)
    if total > limit:
        pick = rng.choice(total, limit, replace=False)
        i, j = i[pick], j[pick]
    return i.astype(np.intp), j.astype(np.intp), total


def _session_em(
    levels: np.ndarray, fields: list[int], m: list[np.ndarray], u: list[np.ndarray], max_iter: int, tol: float
) -> tuple[list[np.ndarray], float]:
    """EM for m (u fixed) over the given columns only; returns new m's and the session prior."""
    patterns, counts = np.unique(levels[:, fields], axis=0, return_counts=True)
    counts = counts.astype(float)
    prior = 0.5
    m = [x.copy() for x in m]
    for _ in range(max_iter):
        log_m = np.zeros(len(patterns))
        log_u = np.zeros(len(patterns))
        for c, f in enumerate(fields):
            col = patterns[:, c]
            ok = col >= 0
            log_m[ok] += np.log(m[f][col[ok]])
            log_u[ok] += np.log(u[f][col[ok]])
        a = math.log(prior) + log_m
        b = math.log(1 - prior) + log_u
        post = 1.0 / (1.0 + np.exp(np.clip(b - a, -700, 700)))
        wm = post * counts
        new_prior = min(max(float(wm.sum() / counts.sum()), 1e-6), 1 - 1e-6)
        delta = abs(new_prior - prior)
        for c, f in enumerate(fields):
            cm = _level_counts(patterns[:, c], len(m[f]), wm) + 0.5
            new = cm / cm.sum()
            delta = max(delta, float(np.abs(new - m[f]).max()))
            m[f] = new
        prior = new_prior
        if delta < tol:
            break
    return m, prior


def estimate_model(
    batch: EncodedBatch,
    *,
    groups: npt.ArrayLike | None = None,
    start: MatchModel | None = None,
    u_pairs: int = 400_000,
    session_limit: int = 300_000,
    max_iter: int = 200,
    tol: float = 1e-6,
    seed: int = 0,
) -> MatchModel:
    """Unsupervised estimate of the model from the batch itself (no labels).

    Like Splink's workflow: u from random pairs (almost all non-matches); m by EM in two
    sessions that each leave out the field they condition on, so blocking does not
    correlate the fields: pairs with the same full birth date (estimates the name, gender,
    nationality and extra m's) and pairs whose first and last names both agree closely
    (estimates the birth-date m's).  The prior for a candidate pair follows from the
    number of matches implied by the birth-date session.
    """
    rng = np.random.default_rng(seed)
    g = None if groups is None else np.asarray(groups)
    names = batch.field_names
    model = (start or MatchModel.default(names)).for_fields(names)
    n_levels = [len(f.m) for f in model.fields]
    n = len(batch)
    ri, rj = _random_pairs(n, u_pairs, rng, g)
    if len(ri) == 0:
        return model
    rl = compare_levels(batch, ri, rj)
    u = [_frequencies(rl[:, c], n_levels[c], 0.5) for c in range(len(names))]
    m = [np.asarray(f.m, dtype=float) for f in model.fields]
    birth = names.index("birth")
    # Session 1: same full birth date -> everything but the date.
    ai, aj, total_same_date = _same_token_pairs(
        batch.birth[:, BIRTH_PARTS.index("ymd")], rng, g, session_limit
    )
    prior_a = None
    if len(ai) >= 50:
        la = compare_levels(batch, ai, aj)
        others = [c for c in range(len(names)) if c != birth]
        m, prior_a = _session_em(la, others, m, u, max_iter, tol)
    # Session 2: both names agree closely -> the date (and gender, nationality).
    i, j, _ = candidate_pairs(batch, groups=g)
    if len(i):
        cand = compare_levels(batch, i, j)
        top = len(DICE_BANDS)
        strong = (cand[:, 0] >= top - 1) & (cand[:, 1] >= top - 1)
        if strong.sum() >= 50:
            m_b, _ = _session_em(cand[strong], [birth], m, u, max_iter, tol)
            m[birth] = m_b[birth]
    # Prior: matches implied by session 1 spread over all comparable pairs, then the
    # enrichment of the candidate pairs follows from Bayes' rule at prediction time.
    if g is None:
        all_pairs = n * (n - 1) / 2
    else:
        _, counts = np.unique(g, return_counts=True)
        all_pairs = (counts.sum() ** 2 - (counts**2).sum()) / 2
    prior = model.prior
    if prior_a is not None and all_pairs > 0:
        matches = prior_a * total_same_date / max(m[birth][-1], 1e-6)
        prior = min(max(matches / all_pairs, 1e-12), 0.5)
    fields = tuple(
        f  # the term-frequency weights are shipped, not estimated
        if f.name == "frequency"
        else FieldModel(f.name, tuple(float(x) for x in m[c]), tuple(float(x) for x in u[c]))
        for c, f in enumerate(model.fields)
    )
    return MatchModel(fields, prior)


def labelled_model(
    levels: npt.NDArray[np.int8],
    is_match: npt.NDArray[np.bool_],
    field_names: Sequence[str],
    *,
    smoothing: float = 0.5,
) -> MatchModel:
    """m, u and the prior counted from labelled candidate pairs (how the shipped default
    is made, on generated data of a training seed that is never used for evaluation)."""
    if len(levels) != len(is_match) or levels.shape[1] != len(field_names):
        raise ValueError("levels, labels and field names do not fit together")
    out = []
    for c, name in enumerate(field_names):
        k = _field_levels(name)
        m = _frequencies(levels[is_match, c], k, smoothing)
        u = _frequencies(levels[~is_match, c], k, smoothing)
        out.append(FieldModel(name, tuple(float(x) for x in m), tuple(float(x) for x in u)))
    prior = float(np.clip(is_match.mean() if len(is_match) else 0.09, 1e-6, 0.5))
    return MatchModel(tuple(out), prior)


#: Readable (English) name of every comparison level, per field kind; the Django side
#: translates them.  ``-1`` is "missing on one side".
LEVEL_LABELS: dict[str, tuple[str, ...]] = {
    "name": ("different", "some similarity", "similar", "close", "very close", "same or nearly the same"),
    "birth": (
        "different",
        "same year only (other parts differ)",
        "same year (one date is year-only)",
        "same year and month",
        "two of day, month and year (or day and month swapped)",
        "same date",
    ),
    "token": ("different", "same"),
    "frequency": ("rare name", "fairly rare name", "common name", "very common name"),
}


def level_label(field_name: str, level: int) -> str:
    """English label of one comparison level (``"missing"`` for -1)."""
    if level < 0:
        return "missing"
    if field_name in ("first", "last") or field_name.startswith("extra:"):
        kind = "name"
    elif field_name in ("birth", "frequency"):
        kind = field_name
    else:
        kind = "token"
    labels = LEVEL_LABELS[kind]
    return labels[level] if level < len(labels) else str(level)


@dataclass(frozen=True, slots=True)
class WaterfallStep:
    """One bar of a match-weight waterfall: the field, its level and its weight (log2)."""

    field: str
    level: int
    label: str
    weight: float


def waterfall(model: MatchModel, levels: Sequence[int]) -> tuple[list[WaterfallStep], float, float]:
    """Per-field evidence of one pair, Splink-style: the prior, one step per field, the
    total weight and the probability.  Returns ``(steps, total_weight, probability)``;
    the first step is the prior (field ``"prior"``)."""
    table = model.weight_table()
    prior = math.log2(model.prior / (1.0 - model.prior))
    steps = [WaterfallStep("prior", -1, "starting odds", prior)]
    total = prior
    for r, (f, lev) in enumerate(zip(model.fields, levels, strict=True)):
        w = 0.0 if lev < 0 else float(table[r, lev])
        total += w
        steps.append(WaterfallStep(f.name, int(lev), level_label(f.name, int(lev)), w))
    bonus = float(model.no_date_weight(np.asarray([levels], dtype=np.int8))[0])
    if bonus:
        total += bonus
        steps.append(WaterfallStep("no_date", 1, "no date: rare exact name, same sex and nationality", bonus))
    probability = 1.0 / (1.0 + 2.0 ** (-max(min(total, 60.0), -60.0)))
    return steps, total, probability
