"""Existence and identifiability checks, done *before* fitting.

For sparse capture data the maximum-likelihood estimate (MLE) of a log-linear model may not exist:
the likelihood keeps increasing as some parameters go to minus infinity, and a naive fit returns a
huge or meaningless dark figure.  Chan, Silverman & Vincent (2021, JASA 116:1297-1306) show that
this happens routinely with non-overlapping lists.  Following them and Fienberg & Rinaldo (2012,
Ann. Statist. 40:996-1023) we check two conditions:

*Identifiability.*  The design matrix over the ``2**k - 1`` observable histories must have full
column rank; otherwise different parameters give the same expected counts.  (For a hierarchical
model this fails exactly when the model contains the interaction of all ``k`` lists.)

*Existence.*  Write ``P`` for the observable histories with a positive count and ``Z`` for those
with count zero.  Along a direction ``d`` the Poisson log-likelihood
``sum_h y_h x_h'b - exp(x_h'b)`` stays bounded as ``b -> b + s d, s -> infinity`` exactly when
``x_h'd = 0`` for ``h`` in ``P`` and ``x_h'd <= 0`` for ``h`` in ``Z``.  So the MLE exists iff no
such ``d`` has ``x_h'd < 0`` for some ``h`` in ``Z``.  We decide this with a small linear program:
with ``N`` a basis of the null space of ``X_P`` and ``M = X_Z N``, maximise ``sum u`` subject to
``M c + u <= 0``, ``0 <= u <= 1``.  A positive optimum proves non-existence, and the histories with
``u > 0`` are those whose fitted count would be forced to zero (the "facial set").  If ``X_P``
already has full column rank there is no such ``d`` and no program is needed: this fast path covers
most models.  The simplest case is a term whose lists are never observed together (e.g. a
two-way interaction between two lists that never overlap): its sufficient statistic is 0 and its
parameter would be minus infinity.

Chan et al. go on to define an *extended* MLE in which such parameters are set to minus infinity
and the histories containing them are removed.  We report whether that extended estimate would
exist and be identifiable (it explains, e.g., why the full two-way model on their Artificial_3 data
is not identifiable), but the library itself only fits models whose ordinary MLE exists: a term
estimated at minus infinity should be dropped from the model instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from vangnet.estimation.fitting import design_matrix, superset_sums
from vangnet.estimation.models import Model, bits
from vangnet.estimation.table import CaptureTable

_NULL_TOL = 1e-9
_LP_TOL = 1e-7


@dataclass(frozen=True)
class ModelCheck:
    """Diagnosis of a model on a table (see the module docstring for the definitions)."""

    model: Model
    lists: tuple[str, ...]
    exists: bool
    identifiable: bool
    infinite_terms: tuple[int, ...]
    boundary_cells: tuple[int, ...]
    extended_exists: bool
    extended_identifiable: bool
    n_params: int
    rank: int

    @property
    def ok(self) -> bool:
        """True when the model can be fitted: the MLE exists and the model is identifiable."""
        return self.exists and self.identifiable

    def message(self) -> str:
        """A plain-English explanation (empty string when :attr:`ok`)."""
        if self.ok:
            return ""
        names = self.lists
        k = len(names)
        parts: list[str] = []
        spec = self.model.spec
        if not self.identifiable:
            parts.append(
                f"Model {spec} is not identifiable: it has {self.n_params} parameters but the "
                f"{(1 << k) - 1} observable capture histories only determine {self.rank} of them "
                "(a model with the interaction of all lists can never be fitted)."
            )
        if not self.exists:
            if self.infinite_terms:
                descr = []
                for t in self.infinite_terms:
                    members = [names[j] for j in bits(t)]
                    if len(members) == 1:
                        descr.append(f"nobody is on list {members[0]}")
                    else:
                        descr.append(f"nobody observed is on lists {_and(members)} together")
                labels = _and([":".join(names[j] for j in bits(t)) for t in self.infinite_terms])
                noun = "term" if len(self.infinite_terms) == 1 else "terms"
                parts.append(
                    f"The maximum-likelihood estimate for model {spec} does not exist: {'; '.join(descr)}, "
                    f"so the {labels} {noun} would be estimated as minus infinity. "
                    f"Drop {labels} from the model."
                )
                if not self.extended_identifiable:
                    parts.append(
                        "Even with those terms set to minus infinity (the extended estimate of Chan, "
                        "Silverman & Vincent 2021) the remaining model is not identifiable."
                    )
                elif not self.extended_exists:
                    parts.append(
                        "Even with those terms set to minus infinity (the extended estimate of Chan, "
                        "Silverman & Vincent 2021) the estimate would still not exist."
                    )
            else:
                cells = ", ".join(_history(c, k) for c in self.boundary_cells)
                what = (
                    f"capture history {cells}, which is"
                    if len(self.boundary_cells) == 1
                    else f"capture histories {cells}, which are"
                )
                parts.append(
                    f"The maximum-likelihood estimate for model {spec} does not exist: the data are on the "
                    f"boundary of the model (the fitted count of {what} 0 in the table, would have to be "
                    "exactly 0, which needs infinite parameters). Choose a simpler model."
                )
        return " ".join(parts)


def _and(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _history(mask: int, k: int) -> str:
    return "".join("1" if (mask >> j) & 1 else "0" for j in range(k))


def _rank(a: np.ndarray) -> int:
    if a.size == 0:
        return 0
    return int(np.linalg.matrix_rank(a))


def boundary_directions(x_pos: np.ndarray, x_zero: np.ndarray) -> np.ndarray | None:
    """Solve the existence linear program.

    Returns ``None`` if the MLE exists, else a boolean vector over the zero cells marking those whose
    fitted value would be forced to 0.
    """
    p = x_pos.shape[1]
    if x_pos.shape[0] > 0:
        _, s, vt = np.linalg.svd(x_pos, full_matrices=True)
        rank = int(np.sum(s > _NULL_TOL * max(1.0, s[0] if s.size else 1.0)))
    else:
        vt = np.eye(p)
        rank = 0
    null = vt[rank:].T
    if null.shape[1] == 0 or x_zero.shape[0] == 0:
        return None
    m = x_zero @ null
    m[np.abs(m) < 1e-12] = 0.0
    if not m.any():
        return None
    nz, r = m.shape
    cost = np.concatenate([np.zeros(r), -np.ones(nz)])
    a_ub = np.hstack([m, np.eye(nz)])
    bounds = [(None, None)] * r + [(0.0, 1.0)] * nz
    from scipy.optimize import linprog  # slow import: only when needed

    res = linprog(cost, A_ub=a_ub, b_ub=np.zeros(nz), bounds=bounds, method="highs")
    if res.status != 0:  # pragma: no cover - HiGHS solves these tiny bounded programs
        raise RuntimeError(f"existence linear program failed: {res.message}")
    u = res.x[r:]
    if -res.fun <= _LP_TOL:
        return None
    return u > 1e-6


def _exists(x: np.ndarray, cells: np.ndarray, positive: np.ndarray) -> tuple[bool, tuple[int, ...]]:
    """Strict existence on the given observable ``cells`` (indices) with positivity flags."""
    pos = cells[positive[cells]]
    zero = cells[~positive[cells]]
    xp = x[pos]
    if _rank(xp) == x.shape[1]:
        return True, ()
    face = boundary_directions(xp, x[zero])
    if face is None:
        return True, ()
    return False, tuple(int(c) for c in zero[face])


def check_model(table: CaptureTable, model: Model) -> ModelCheck:
    """Check whether ``model`` can be fitted to ``table`` (MLE exists and model identifiable)."""
    return check_counts(table.counts, model, table.lists)


def check_counts(counts: np.ndarray, model: Model, lists: Sequence[str] | None = None) -> ModelCheck:
    """:func:`check_model` on a raw count vector indexed by history mask."""
    k = model.n_lists
    names = tuple(lists) if lists is not None else tuple(chr(65 + j) for j in range(k))
    terms = model.terms
    y = np.asarray(counts, dtype=float)
    x_all = design_matrix(k, terms)
    cells = np.arange(1, 1 << k)
    rank = _rank(x_all[cells])
    identifiable = rank == len(terms)
    positive = y > 0
    nstar = superset_sums(np.where(positive, 1.0, 0.0), k)[terms]
    infinite = tuple(int(t) for t, n in zip(terms, nstar, strict=True) if n == 0 and t != 0)
    if infinite:
        keep = np.array([not any((int(c) & t) == t for t in infinite) for c in cells])
        ext_cells = cells[keep]
        ext_cols = np.array([t not in infinite for t in terms])
        x_ext = x_all[:, ext_cols]
        ext_ident = _rank(x_ext[ext_cells]) == int(ext_cols.sum())
        ext_exists, ext_face = _exists(x_ext, ext_cells, positive) if ext_cells.size else (False, ())
        boundary = tuple(int(c) for c in cells[~keep]) + ext_face
        return ModelCheck(
            model, names, False, identifiable, infinite, boundary, ext_exists, ext_ident, len(terms), rank
        )
    exists, face = _exists(x_all, cells, positive)
    return ModelCheck(model, names, exists, identifiable, (), face, exists, identifiable, len(terms), rank)


class ExistenceCache:
    """Fast, memoised ``ok`` test for many (model, data pattern) pairs, as needed in bootstraps and
    model searches.  The answer depends only on which histories are positive (and, for extended
    fits, which are excluded), so it is cached on those patterns."""

    def __init__(self, n_lists: int) -> None:
        self.n_lists = n_lists
        self._cells = np.arange(1, 1 << n_lists)
        self._cache: dict[tuple[bytes, bytes, tuple[int, ...]], bool] = {}
        self._ident: dict[tuple[bytes, tuple[int, ...]], bool] = {}
        self.lp_calls = 0

    def ok(
        self,
        positive: np.ndarray,
        terms: tuple[int, ...],
        pattern: bytes | None = None,
        excluded: np.ndarray | None = None,
    ) -> bool:
        """Whether the model with (finite) parameter masks ``terms`` can be fitted when ``positive``
        marks the histories with a positive count and ``excluded`` (optional) the histories removed
        because they contain a term fixed at minus infinity."""
        exc_key = b"" if excluded is None else np.packbits(excluded).tobytes()
        key = (pattern if pattern is not None else np.packbits(positive).tobytes(), exc_key, terms)
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        result = self._compute(positive, terms, excluded, exc_key)
        self._cache[key] = result
        return result

    def _compute(
        self, positive: np.ndarray, terms: tuple[int, ...], excluded: np.ndarray | None, exc_key: bytes
    ) -> bool:
        k = self.n_lists
        if (1 << k) - 1 in terms:
            return False
        cells = self._cells if excluded is None else self._cells[~excluded[self._cells]]
        pos_cells = cells[positive[cells]]
        t = np.asarray(terms, dtype=np.int64)
        # a term never observed (zero sufficient statistic) -> parameter at minus infinity
        contains = (pos_cells[:, None] & t[None, :]) == t[None, :]
        if not contains.any(axis=0).all():
            return False
        xp = contains.astype(float)
        if xp.shape[0] >= xp.shape[1] and _rank(xp) == xp.shape[1]:
            return True
        ident = self._ident.get((exc_key, terms))
        if ident is None:
            xr = ((cells[:, None] & t[None, :]) == t[None, :]).astype(float)
            ident = _rank(xr) == t.size
            self._ident[(exc_key, terms)] = ident
        if not ident:
            return False
        zero_cells = cells[~positive[cells]]
        xz = ((zero_cells[:, None] & t[None, :]) == t[None, :]).astype(float)
        self.lp_calls += 1
        return boundary_directions(xp, xz) is None
