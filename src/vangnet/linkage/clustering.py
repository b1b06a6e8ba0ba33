"""Clustering of records into persons: supported merges, hard conflicts, human overrides.

* A ``same`` link between two records only merges their clusters when the *clusters*
  support it: the mean match probability over every pair across the two clusters
  (pairs that were not scored, or scored below the review threshold, count as 0) must
  reach ``support`` (average linkage), and no pair across them may be a **hard
  conflict**: two full dates of birth that share at most one of year/month/day (and are
  not a day/month swap), or two different recorded sexes.  One strong pair can no
  longer chain two large clusters of common names together.

* Records are numbered in insertion order; the **oldest member is the root** of its
  cluster, so a cluster's id (the oldest member's record id) never changes unless the
  cluster merges into an older one or a human splits it.
* Automatic ``same`` links merge clusters; ``review`` links never do.
* A human ``same`` decision merges regardless of the score; a human ``different``
  decision is a cannot-link constraint: no automatic link may ever put the two records
  in one cluster.
* Merges are processed in a canonical order: human ``same`` links first, then automatic
  links by the insertion index of their newer record, strongest first.  Incremental
  additions follow exactly this order, so adding records only merges clusters.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import numpy.typing as npt
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

__all__ = [
    "ConstrainedUnionFind",
    "DecisionConflictError",
    "Signature",
    "cluster_roots",
    "hard_conflict",
    "merge_if_supported",
]

#: Per-record hard-conflict signature: keyed tokens (0 = missing) of the full birth date,
#: year-month, month-day, year-day, the day/month-swapped date, and the gender.
Signature = tuple[int, int, int, int, int, int]


def hard_conflict(x: Signature, y: Signature) -> bool:
    """Do two records contradict each other on a field that does not vary for a person?"""
    if x[5] and y[5] and x[5] != y[5]:
        return True
    if x[0] and y[0]:
        return not (
            x[0] == y[0]
            or x[1] == y[1]
            or x[2] == y[2]
            or x[3] == y[3]
            or (x[4] != 0 and x[4] == y[0])
            or (y[4] != 0 and y[4] == x[0])
        )
    return False


def merge_if_supported(
    uf: ConstrainedUnionFind,
    a: int,
    b: int,
    pair_p: dict[tuple[int, int], float],
    signatures: Mapping[int, Signature] | list[Signature],
    support: float,
) -> int | None:
    """Merge the clusters of ``a`` and ``b`` when the clusters support it (see module doc).

    Returns the absorbed root, or ``None`` (already together, hard conflict, too little
    support, or a cannot-link).
    """
    ra, rb = uf.find(a), uf.find(b)
    if ra == rb:
        return None
    ma, mb = uf.members[ra], uf.members[rb]
    total = 0.0
    get = pair_p.get
    for x in ma:
        sx = signatures[x]
        for y in mb:
            if hard_conflict(sx, signatures[y]):
                return None
            total += get((x, y) if x < y else (y, x), 0.0)
    if total < support * len(ma) * len(mb) - 1e-12:
        return None
    return uf.union(ra, rb)



class DecisionConflictError(ValueError):
    """A human ``same`` decision contradicts an earlier ``different`` decision."""


class ConstrainedUnionFind:
    """Union-find whose root is always the oldest (smallest index) member, with cannot-links."""

    def __init__(self, n: int = 0) -> None:
        self.parent: list[int] = list(range(n))
        self.members: dict[int, list[int]] = {i: [i] for i in range(n)}
        self.cannot: dict[int, set[int]] = {}

    def __len__(self) -> int:
        return len(self.parent)

    def add(self) -> int:
        """Add a singleton; returns its index."""
        idx = len(self.parent)
        self.parent.append(idx)
        self.members[idx] = [idx]
        return idx

    def find(self, x: int) -> int:
        """Root (oldest member) of ``x``'s cluster."""
        parent = self.parent
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    def forbid(self, a: int, b: int) -> None:
        """Record a cannot-link between records ``a`` and ``b``."""
        self.cannot.setdefault(a, set()).add(b)
        self.cannot.setdefault(b, set()).add(a)

    def allow(self, a: int, b: int) -> None:
        """Remove a cannot-link between ``a`` and ``b`` (if any)."""
        self.cannot.get(a, set()).discard(b)
        self.cannot.get(b, set()).discard(a)

    def conflicts(self, a: int, b: int) -> bool:
        """Would merging the clusters of ``a`` and ``b`` join a cannot-link pair?"""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        small, other = (ra, rb) if len(self.members[ra]) <= len(self.members[rb]) else (rb, ra)
        for x in self.members[small]:
            for y in self.cannot.get(x, ()):
                if self.find(y) == other:
                    return True
        return False

    def union(self, a: int, b: int, *, check: bool = True) -> int | None:
        """Merge the clusters of ``a`` and ``b``; returns the absorbed (younger) root.

        Returns ``None`` when they already share a cluster or, with ``check``, when the
        merge would violate a cannot-link.
        """
        ra, rb = self.find(a), self.find(b)
        if ra == rb or (check and self.cannot and self.conflicts(ra, rb)):
            return None
        old, young = (ra, rb) if ra < rb else (rb, ra)
        self.parent[young] = old
        self.members[old].extend(self.members.pop(young))
        return young

    def reset(self, nodes: Iterable[int]) -> None:
        """Make every node in ``nodes`` (a union of whole clusters) a singleton again."""
        for x in nodes:
            self.parent[x] = x
            self.members[x] = [x]

    def roots(self) -> npt.NDArray[np.int64]:
        """Root of every record."""
        return np.array([self.find(i) for i in range(len(self.parent))], dtype=np.int64)


def cluster_roots(n: int, i: npt.ArrayLike, j: npt.ArrayLike) -> npt.NDArray[np.int64]:
    """Connected components of ``n`` records under links ``(i, j)``; each record's root is
    the smallest index in its component (fast path without constraints, via scipy)."""
    ii = np.asarray(i, dtype=np.int64)
    jj = np.asarray(j, dtype=np.int64)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    graph = coo_matrix((np.ones(len(ii), dtype=np.int8), (ii, jj)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    first = np.full(labels.max() + 1, n, dtype=np.int64)
    np.minimum.at(first, labels, np.arange(n, dtype=np.int64))
    return first[labels]
