"""A frequency-alignment attack on stored encodings, to measure what they give away.

This is the attack family of Kuzu et al. (2011) and Christen et al. (2017/2018): an attacker
who holds the stored encodings (a leaked database, not the secret) and a public list of
names with their frequencies groups encodings that are identical, ranks the groups by size
and assigns the most frequent name to the largest group, the second to the second, and so
on.  The re-identification rate is the share of records whose group got their true name.

With ``by_year`` the attacker first splits the encodings by the keyed birth-year token
(which is deterministic) and aligns within each year, using per-year name frequencies:
the strongest version against year-salted encodings.

Used by ``benchmarks/bench_multicultural.py`` and reported in ``docs/linkage.md``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence

from vangnet.linkage.encoding import RecordEncoding

__all__ = ["frequency_alignment"]


def frequency_alignment(
    encodings: Sequence[RecordEncoding],
    true_values: Sequence[str],
    public: Sequence[tuple[str, str]],
    *,
    field: Callable[[RecordEncoding], bytes | None],
    buckets: Sequence[str] | None = None,
    similar: float | None = None,
) -> dict[str, float]:
    """Re-identification rate of a frequency-alignment attack on one encoded field.

    ``true_values[k]`` is the clear value behind ``encodings[k]`` (only used to score the
    attack); ``public`` lists ``(year, value)`` pairs of a population the attacker knows
    (e.g. a public register), from which it takes the frequencies.  With ``buckets``
    the attacker splits by birth year and aligns within each year; we hand it the true
    year of each record (it could align the deterministic keyed year tokens by frequency
    too), an upper bound on its power.  ``buckets`` may be any such label per record
    (birth year, nationality, both): the public list then gives ``(bucket, value)`` pairs.
    With ``similar`` (a Dice value) the attacker first
    undoes the bit-flip noise: filters of records that share a stored blocking key and
    whose filters have at least that Dice similarity count as one value.
    """
    values: list[bytes | None] = [field(e) for e in encodings]
    if similar is not None:
        values = _merge_similar(encodings, values, similar)
    groups: dict[tuple[str, bytes], list[int]] = defaultdict(list)
    for k, value in enumerate(values):
        if value is None:
            continue
        label = buckets[k] if buckets is not None else ""
        groups[(label, value)].append(k)
    freq: dict[str, Counter[str]] = defaultdict(Counter)
    for label, clear in public:
        freq[label if buckets is not None else ""][clear] += 1
    by_bucket: dict[str, list[list[int]]] = defaultdict(list)
    for (label, _), members in groups.items():
        by_bucket[label].append(members)
    hits = attacked = 0
    for label, items in by_bucket.items():
        ranked = [name for name, _ in freq.get(label, Counter()).most_common()]
        items.sort(key=lambda members: -len(members))
        for rank, members in enumerate(items):
            attacked += len(members)
            if rank < len(ranked):
                hits += sum(1 for k in members if true_values[k] == ranked[rank])
    return {
        "records": float(attacked),
        "groups": float(len(groups)),
        "reidentified": float(hits),
        "rate": hits / attacked if attacked else 0.0,
    }


def _merge_similar(
    encodings: Sequence[RecordEncoding], values: list[bytes | None], threshold: float
) -> list[bytes | None]:
    """Replace each filter by a representative of its group of near-identical filters (the
    attacker uses the stored blocking keys to find pairs; it holds no secret)."""
    import numpy as np
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    from vangnet.linkage.matching import EncodedBatch, FilterColumn, candidate_pairs
    from vangnet.linkage.similarity import popcount_rows

    batch = EncodedBatch.from_encodings(encodings)
    i, j, _ = candidate_pairs(batch, max_block_size=5000)
    column = FilterColumn.build(values)
    inter = popcount_rows(np.bitwise_and(column.words[i], column.words[j]))
    total = column.counts[i] + column.counts[j]
    ok = column.present[i] & column.present[j] & (total > 0)
    dice = np.zeros(len(i))
    dice[ok] = 2.0 * inter[ok] / total[ok]
    keep = dice >= threshold
    n = len(values)
    graph = coo_matrix((np.ones(int(keep.sum())), (i[keep], j[keep])), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    return [None if v is None else int(labels[k]).to_bytes(8, "little") for k, v in enumerate(values)]
