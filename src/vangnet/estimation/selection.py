"""Model selection: SparseMSE-style stepwise, AIC/BIC over all hierarchical models, or a fixed model.

**Stepwise** (Chan, Silverman & Vincent 2021; R package SparseMSE, ``stepwisefit``).  Start from
the main-effects model.  For every two-way interaction ``i:j`` not yet in the model, the number
``n*_ij`` of people on both lists (whatever their other lists) is, under the current model, Poisson
with mean ``lambda*_ij`` = the sum of the fitted counts of the histories containing ``i`` and ``j``.
Its p-value is ``min(P(X <= n*), P(X >= n*))`` for ``X ~ Poisson(lambda*)``.  Candidates whose
enlarged model fails the existence/identifiability check get p-value 1 — in particular a pair of
lists that never overlap is never added.  The candidate with the smallest p-value (the first in
the order 1:2, 1:3, ..., (k-1):k on ties) is added if that p-value is below ``pthresh`` (default
0.02); otherwise the search stops.  (SparseMSE itself may add a non-overlapping pair through its
extended-MLE device; with the default threshold that never happens on the published data sets.)

**Information criteria.**  All hierarchical models with interactions of order at most
``max_order`` are enumerated, leaving out terms that no observed person exhibits (their
parameters would be minus infinity) and the all-lists interaction (never identifiable).  Every
model passing the existence check is fitted — in batches, with a shared design — and ranked by
``AIC = 2p - 2 log L`` or ``BIC = p log(n) - 2 log L`` (Poisson log-likelihood over the observable
histories, ``p`` counting the intercept, ``n`` the number of people observed; this is the BIC of
Silverman, Chan & Vincent 2024 and of Rcapture's ``closedpMS.t``).

All three strategies are also available as *selectors* working on a batch of count vectors at once,
which the bootstrap uses to redo the model choice in every replicate.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np
from scipy.special import pdtr, pdtrc

from vangnet.estimation.checks import ExistenceCache, check_model
from vangnet.estimation.errors import ModelError, NotEstimableError
from vangnet.estimation.fitting import FitResult, fit_model, newton_batch, superset_sums
from vangnet.estimation.models import Model, bits, term_key
from vangnet.estimation.table import CaptureTable

MAX_MODELS = 250_000
_CHUNK = 2048


def pair_terms(n_lists: int) -> list[int]:
    """Two-way interaction masks in SparseMSE order: 1:2, 1:3, ..., 1:k, 2:3, ..."""
    return [(1 << i) | (1 << j) for i in range(n_lists) for j in range(i + 1, n_lists)]


@dataclass(frozen=True)
class Step:
    """One accepted step of the stepwise search."""

    term: int
    p_value: float
    observed_overlap: int
    expected_overlap: float


@dataclass(frozen=True)
class RankedModel:
    """A model of an information-criterion search with its estimate and criterion value."""

    model: Model
    total: float
    criterion: float


@dataclass(frozen=True, eq=False)
class Selection:
    """Outcome of a model selection: the chosen fit and how it was chosen."""

    method: str
    fit: FitResult
    steps: tuple[Step, ...] = ()
    ranking: tuple[RankedModel, ...] = ()
    n_models: int = 0
    n_skipped: int = 0
    options: dict[str, object] = field(default_factory=dict)

    @property
    def model(self) -> Model:
        """The selected model."""
        return self.fit.model


# ====================================================================== stepwise
def _stepwise_batch(
    counts: np.ndarray,
    n_lists: int,
    pthresh: float,
    cache: ExistenceCache,
    record: bool = False,
    extended: bool = False,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[list[Step]]]:
    """Run the stepwise search on every row of ``counts`` in lock step.

    Returns totals (NaN where even the main-effects model cannot be fitted), the active-parameter
    masks over the universe ``[intercept, main effects, all pairs]``, the fitted coefficients, and
    (if ``record``) the accepted steps of each row.  With ``extended`` a pair of lists that never
    overlap may be added as a term at minus infinity (SparseMSE's device), if the extended estimate
    exists and is identifiable.
    """
    y = np.atleast_2d(np.asarray(counts, dtype=float))
    nb, ncell = y.shape
    k = n_lists
    pairs = pair_terms(k)
    universe = np.array([0, *(1 << j for j in range(k)), *pairs], dtype=np.int64)
    npar = universe.size
    active = np.zeros((nb, npar), dtype=bool)
    active[:, : k + 1] = True
    positive = y > 0
    patterns = [np.packbits(positive[b]).tobytes() for b in range(nb)]
    base = tuple(int(t) for t in universe[: k + 1])
    ok = np.array([cache.ok(positive[b], base, patterns[b]) for b in range(nb)], dtype=bool)
    beta = np.zeros((nb, npar))
    mu = np.zeros_like(y)
    totals = np.full(nb, np.nan)
    rows = np.nonzero(ok)[0]
    history: list[list[Step]] = [[] for _ in range(nb)]
    if rows.size == 0:
        return totals, active, beta, history
    bf = newton_batch(y[rows], k, universe, active[rows])
    beta[rows] = bf.beta
    mu[rows] = bf.mu
    good = np.zeros(nb, dtype=bool)
    good[rows] = bf.converged
    nstar_all = superset_sums(y, k)[:, pairs]
    cells = np.arange(ncell, dtype=np.int64)
    pair_arr = np.asarray(pairs, dtype=np.int64)
    in_pair = (cells[None, :] & pair_arr[:, None]) == pair_arr[:, None]  # (npairs, cells)
    excluded = np.zeros((nb, ncell), dtype=bool)
    running = np.nonzero(good)[0]
    while running.size:
        lam = superset_sums(mu[running], k)[:, pairs]
        nstar = nstar_all[running]
        lower = pdtr(nstar, lam)
        upper = np.where(nstar >= 1, pdtrc(np.maximum(nstar - 1, 0), lam), 1.0)
        pval = np.minimum(lower, upper)
        pval[active[running, k + 1 :]] = np.inf
        chosen_rows: list[int] = []
        chosen_cols: list[int] = []
        for r, b in enumerate(running):
            order = np.argsort(pval[r], kind="stable")
            finite = [
                int(t)
                for t, a, j in zip(universe, active[b], range(npar), strict=True)
                if a and (j <= k or nstar_all[b, j - k - 1] > 0)
            ]
            for j in order:
                pj = pval[r, j]
                if not pj < pthresh:
                    break
                if nstar[r, j] > 0 or not extended:
                    terms = tuple(sorted([*finite, int(pairs[j])], key=_param_key))
                    fine = cache.ok(positive[b], terms, patterns[b], excluded[b] if extended else None)
                else:
                    terms = tuple(finite)
                    fine = cache.ok(positive[b], terms, patterns[b], excluded[b] | in_pair[j])
                if fine:
                    chosen_rows.append(int(b))
                    chosen_cols.append(k + 1 + int(j))
                    if record:
                        history[b].append(Step(int(pairs[j]), float(pj), int(nstar[r, j]), float(lam[r, j])))
                    break
        if not chosen_rows:
            break
        cr = np.array(chosen_rows)
        cc = np.array(chosen_cols)
        active[cr, cc] = True
        zero_pair = nstar_all[cr, cc - k - 1] == 0
        if zero_pair.any():
            excluded[cr[zero_pair]] |= in_pair[cc[zero_pair] - k - 1]
        fitted_act = active[cr].copy()
        fitted_act[:, k + 1 :] &= nstar_all[cr] > 0
        bf = newton_batch(y[cr], k, universe, fitted_act, beta0=beta[cr], excluded=excluded[cr])
        beta[cr] = bf.beta
        mu[cr] = bf.mu
        failed = cr[~bf.converged]
        good[failed] = False
        running = cr[bf.converged]
    totals[good] = y[good, 1:].sum(axis=1) + np.exp(beta[good, 0])
    return totals, active, beta, history


def _param_key(t: int) -> tuple[int, tuple[int, ...]]:
    return (0, ()) if t == 0 else term_key(t)


def stepwise(table: CaptureTable, pthresh: float = 0.02, *, extended: bool = False) -> Selection:
    """Select a model by SparseMSE's stepwise rule (see the module docstring) and fit it.

    With ``extended=True`` a pair of lists that never overlap can enter the model as a term at minus
    infinity, exactly as in SparseMSE (whose ``checkident`` accepts such models); by default such pairs
    are not candidates.
    """
    if not 0.0 <= pthresh <= 1.0:
        raise ModelError(f"The p-value threshold must be between 0 and 1, got {pthresh}.")
    k = table.n_lists
    cache = ExistenceCache(k)
    totals, active, _, history = _stepwise_batch(
        table.counts[None, :], k, pthresh, cache, record=True, extended=extended
    )
    if not np.isfinite(totals[0]):
        diagnosis = check_model(table, Model.main_effects(k))
        raise NotEstimableError(
            "Even the simplest model (main effects only) cannot be fitted. " + diagnosis.message(), diagnosis
        )
    pairs = pair_terms(k)
    chosen = [t for t, a in zip(pairs, active[0, k + 1 :], strict=True) if a]
    model = Model.from_terms(k, chosen)
    fit = fit_model(table, model, check=False, extended=extended)
    return Selection(
        "stepwise", fit, steps=tuple(history[0]), options={"pthresh": pthresh, "extended": extended}
    )


# ====================================================================== enumeration
def enumerate_models(
    n_lists: int, max_order: int = 2, allowed: set[int] | None = None, limit: int = MAX_MODELS
) -> list[tuple[int, ...]]:
    """All hierarchical models (as sorted interaction tuples) with terms of order <= ``max_order``.

    Only terms in ``allowed`` are used (default: all); the interaction of all lists is never used
    (not identifiable).  Raises :class:`ModelError` if there would be more than ``limit`` models.
    """
    k = n_lists
    full = (1 << k) - 1
    top = min(max_order, k - 1)
    by_order: dict[int, list[int]] = {}
    for r in range(2, top + 1):
        cand = [sum(1 << j for j in c) for c in combinations(range(k), r)]
        by_order[r] = sorted(
            [t for t in cand if t != full and (allowed is None or t in allowed)], key=term_key
        )
    out: list[tuple[int, ...]] = []

    def extend(prefix: list[int], chosen_prev: set[int], r: int) -> None:
        if r > top:
            out.append(tuple(prefix))
            if len(out) > limit:
                raise ModelError(
                    f"More than {limit:,} models would have to be fitted; lower the maximum order or use "
                    "the stepwise method."
                )
            return
        if r == 2:
            cands = by_order.get(2, [])
        else:
            cands = [t for t in by_order.get(r, []) if all((t & ~(1 << j)) in chosen_prev for j in bits(t))]
        n = len(cands)
        for subset_mask in range(1 << n):
            chosen = [cands[i] for i in range(n) if (subset_mask >> i) & 1]
            extend(prefix + chosen, set(chosen), r + 1)

    extend([], set(), 2)
    return out


def _universe(n_lists: int, interactions: Sequence[Sequence[int]]) -> np.ndarray:
    terms: set[int] = set()
    for inter in interactions:
        terms.update(inter)
    return np.array([0, *(1 << j for j in range(n_lists)), *sorted(terms, key=term_key)], dtype=np.int64)


def _masks(universe: np.ndarray, interactions: Sequence[Sequence[int]], n_lists: int) -> np.ndarray:
    index = {int(t): i for i, t in enumerate(universe)}
    masks = np.zeros((len(interactions), universe.size), dtype=bool)
    masks[:, : n_lists + 1] = True
    for m, inter in enumerate(interactions):
        for t in inter:
            masks[m, index[t]] = True
    return masks


def models_ok(
    positive: np.ndarray,
    n_lists: int,
    universe: np.ndarray,
    masks: np.ndarray,
    cache: ExistenceCache,
    extended: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised existence/identifiability test of many models on one positivity pattern.

    Returns ``ok`` per model and the masks of the parameters that are actually fitted (with
    ``extended``, terms never observed are dropped and set to minus infinity; without it a model using
    such a term fails).  If the design restricted to the positive histories has full column rank
    the MLE exists; rank deficiency is detected for all models together from the null space of the
    universe design, and only those models go to the linear program.
    """
    cells = np.arange(1, 1 << n_lists)
    pos_cells = cells[positive[cells]]
    xp = ((pos_cells[:, None] & universe[None, :]) == universe[None, :]).astype(float)
    seen = xp.any(axis=0)
    seen[0] = True
    if extended:
        finite = masks & seen[None, :]
        ok = np.ones(masks.shape[0], dtype=bool)
    else:
        finite = masks
        ok = ~(masks & ~seen[None, :]).any(axis=1)
    full = (1 << n_lists) - 1
    sat = np.nonzero(universe == full)[0]
    if sat.size:
        ok &= ~finite[:, sat[0]]
    if not ok.any():
        return ok, finite
    if xp.shape[0] > 0:
        _, sv, vt = np.linalg.svd(xp, full_matrices=True)
        rank = int(np.sum(sv > 1e-9 * max(1.0, sv[0])))
    else:
        vt = np.eye(universe.size)
        rank = 0
    null = vt[rank:].T  # (P, r)
    r = null.shape[1]
    if r == 0:
        return ok, finite
    idx = np.nonzero(ok)[0]
    outer = (null[:, :, None] * null[:, None, :]).reshape(universe.size, r * r)
    gram = ((~finite[idx]).astype(float) @ outer).reshape(idx.size, r, r)
    lam_min = np.linalg.eigvalsh(gram)[:, 0]
    deficient = lam_min < 1e-9
    pattern = np.packbits(positive).tobytes()
    all_cells = np.arange(1 << n_lists, dtype=np.int64)
    for i in idx[deficient]:
        terms = tuple(int(t) for t in universe[finite[i]])
        excl = None
        if extended:
            inf_terms = universe[masks[i] & ~finite[i]]
            if inf_terms.size:
                excl = ((all_cells[:, None] & inf_terms[None, :]) == inf_terms[None, :]).any(axis=1)
        ok[i] = cache.ok(positive, terms, pattern, excl)
    return ok, finite


def _excluded_rows(n_lists: int, universe: np.ndarray, infinite: np.ndarray) -> np.ndarray | None:
    """Cells containing any of each row's infinite terms ``(rows, 2**k)``; ``None`` if no row has one."""
    if not infinite.any():
        return None
    cells = np.arange(1 << n_lists, dtype=np.int64)
    contains = ((cells[None, :] & universe[:, None]) == universe[:, None]).astype(float)  # (P, C)
    return (infinite.astype(float) @ contains) > 0


def _fit_many(
    counts: np.ndarray,
    n_lists: int,
    universe: np.ndarray,
    masks: np.ndarray,
    beta0: np.ndarray | None = None,
    excluded: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fit the rows ``(counts[i], masks[i])`` (``counts`` may have a single row shared by all) in chunks of
    models of equal size; return log-likelihoods, coefficients (universe layout) and convergence flags."""
    n = masks.shape[0]
    ll = np.full(n, np.nan)
    beta = np.zeros((n, universe.size))
    conv = np.zeros(n, dtype=bool)
    y = np.atleast_2d(counts)
    shared = y.shape[0] != n
    order = np.argsort(masks.sum(axis=1), kind="stable")
    for lo in range(0, n, _CHUNK):
        rows = order[lo : lo + _CHUNK]
        yy = np.broadcast_to(y[0], (rows.size, y.shape[1])) if shared else y[rows]
        bf = newton_batch(
            yy,
            n_lists,
            universe,
            masks[rows],
            None if beta0 is None else beta0[rows],
            excluded=None if excluded is None else excluded[rows],
        )
        ll[rows] = bf.loglik
        beta[rows] = bf.beta
        conv[rows] = bf.converged
    return ll, beta, conv


def _criterion(
    criterion: str, loglik: np.ndarray, n_params: np.ndarray, n_obs: np.ndarray | float
) -> np.ndarray:
    if criterion == "aic":
        return 2.0 * n_params - 2.0 * loglik
    return n_params * np.log(n_obs) - 2.0 * loglik


def _rank(
    table: CaptureTable,
    interactions: Sequence[tuple[int, ...]],
    criterion: str,
    extended: bool,
    cache: ExistenceCache,
) -> list[RankedModel]:
    """Fit the given models (those that pass the checks) and return them ranked by the criterion."""
    k = table.n_lists
    universe = _universe(k, interactions)
    masks = _masks(universe, interactions, k)
    ok, finite = models_ok(table.counts > 0, k, universe, masks, cache, extended)
    idx = np.nonzero(ok)[0]
    if idx.size == 0:
        return []
    excl = _excluded_rows(k, universe, masks[idx] & ~finite[idx])
    ll, beta, conv = _fit_many(table.counts[None, :].astype(float), k, universe, finite[idx], excluded=excl)
    n_params = masks[idx].sum(axis=1)
    crit = _criterion(criterion, ll, n_params, float(table.observed))
    crit[~conv] = np.inf
    order = np.argsort(crit, kind="stable")
    totals = table.observed + np.exp(beta[:, 0])
    return [
        RankedModel(Model(k, tuple(interactions[idx[i]])), float(totals[i]), float(crit[i]))
        for i in order
        if np.isfinite(crit[i])
    ]


def _neighbours(model: tuple[int, ...], candidates: Sequence[int]) -> list[tuple[int, ...]]:
    """Hierarchical models one term away: add a candidate whose sub-terms are all in, or drop a term
    that no other term contains."""
    present = set(model)
    out: list[tuple[int, ...]] = []
    for t in candidates:
        if t in present:
            if not any(u != t and (u & t) == t for u in present):
                out.append(tuple(sorted(present - {t}, key=term_key)))
        else:
            subs = [t & ~(1 << j) for j in bits(t)]
            if all(len(bits(u)) < 2 or u in present for u in subs):
                out.append(tuple(sorted(present | {t}, key=term_key)))
    return out


def _local_search(
    table: CaptureTable, criterion: str, max_order: int, extended: bool, starts: Sequence[tuple[int, ...]]
) -> tuple[list[RankedModel], int]:
    """Best-improvement search over the hierarchical models, one term added or dropped at a time, from
    each start; every neighbourhood is fitted as one batch.  Returns the ranking of every model fitted
    and how many were fitted."""
    k = table.n_lists
    full = (1 << k) - 1
    nstar = superset_sums((table.counts > 0).astype(float), k)
    candidates = [
        t
        for r in range(2, min(max_order, k - 1) + 1)
        for t in (sum(1 << j for j in c) for c in combinations(range(k), r))
        if t != full and (extended or nstar[t] > 0)
    ]
    cache = ExistenceCache(k)
    seen: dict[tuple[int, ...], RankedModel | None] = {}

    def evaluate(models: list[tuple[int, ...]]) -> None:
        new = [m for m in dict.fromkeys(models) if m not in seen]
        if not new:
            return
        ranked = {r.model.interactions: r for r in _rank(table, new, criterion, extended, cache)}
        for m in new:
            seen[m] = ranked.get(tuple(Model(k, m).interactions))

    for start in starts:
        current = tuple(sorted(start, key=term_key))
        evaluate([current])
        if seen.get(current) is None:
            continue
        while True:
            nbrs = _neighbours(current, candidates)
            evaluate(nbrs)
            best = min(
                (seen[m] for m in nbrs if seen.get(m) is not None),
                key=lambda r: r.criterion,  # type: ignore[union-attr]
                default=None,
            )
            cur = seen[current]
            assert cur is not None
            if best is None or best.criterion >= cur.criterion - 1e-9:
                break
            current = tuple(best.model.interactions)
    ranking = sorted((r for r in seen.values() if r is not None), key=lambda r: r.criterion)
    return ranking, len(seen)


def select_by_ic(
    table: CaptureTable,
    criterion: str = "bic",
    max_order: int = 2,
    *,
    extended: bool = False,
    limit: int = MAX_MODELS,
    search: str = "auto",
) -> Selection:
    """Fit every hierarchical model up to ``max_order`` that passes the existence check and choose the
    one with the smallest AIC or BIC.

    By default models using a term that no observed person exhibits are left out (their MLE does not
    exist).  With ``extended=True`` they are fitted with that term at minus infinity, as in the R
    package MultipleSystemsEstimation (then ``p`` still counts that term).

    ``search``: ``"all"`` fits every model (refused beyond ``limit``); ``"local"`` is a
    best-improvement search (one term added or dropped at a time) started from the stepwise model and
    from the main-effects model; ``"auto"`` (default) fits all models when there are at most
    ``limit`` and searches locally otherwise (e.g. 8 lists in extended mode: 2^28 models).  A local
    search finds a local minimum of the criterion, which need not be the global one; the selection's
    ``options["search"]`` says which search was used.
    """
    criterion = criterion.lower()
    if criterion not in {"aic", "bic"}:
        raise ModelError(f"Unknown criterion {criterion!r}; use 'aic' or 'bic'.")
    if search not in {"auto", "all", "local"}:
        raise ModelError(f"Unknown search {search!r}; use 'auto', 'all' or 'local'.")
    k = table.n_lists
    if max_order < 1:
        raise ModelError("The maximum order must be at least 1 (main effects).")
    nstar = superset_sums((table.counts > 0).astype(float), k)
    allowed = None if extended else {t for t in range(1, 1 << k) if nstar[t] > 0 and len(bits(t)) >= 2}
    used = "all"
    interactions: list[tuple[int, ...]] = []
    if search != "local":
        try:
            interactions = enumerate_models(k, max_order, allowed, limit)
        except ModelError:
            if search == "all":
                raise
            used = "local"
    else:
        used = "local"
    cache = ExistenceCache(k)
    if used == "all":
        ranking = _rank(table, interactions, criterion, extended, cache)
        n_models = len(interactions)
    else:
        starts: list[tuple[int, ...]] = [()]
        with suppress(NotEstimableError):
            starts.insert(0, tuple(stepwise(table, extended=extended).model.interactions))
        ranking, n_models = _local_search(table, criterion, max_order, extended, starts)
    if not ranking:
        diagnosis = check_model(table, Model.main_effects(k))
        raise NotEstimableError("No model can be fitted to this table. " + diagnosis.message(), diagnosis)
    best = ranking[0].model
    fit = fit_model(table, best, check=False, extended=extended)
    return Selection(
        criterion,
        fit,
        ranking=tuple(ranking),
        n_models=n_models,
        n_skipped=n_models - len(ranking),
        options={"max_order": max_order, "extended": extended, "search": used},
    )


def select_fixed(table: CaptureTable, model: Model, *, extended: bool = False) -> Selection:
    """Fit a user-given model (after the existence/identifiability check).

    With ``extended=True`` a term that nobody observed exhibits is set to minus infinity instead of
    making the fit fail (the extended MLE of Chan, Silverman & Vincent 2021).
    """
    return Selection("fixed", fit_model(table, model, extended=extended), options={"extended": extended})


# ====================================================================== batch selectors
class Selector:
    """Re-runs a selection strategy on a batch of count vectors (rows of a ``(B, 2**k)`` array).

    :meth:`select` returns the population estimates (NaN where no model could be fitted) and, per
    row, the selected model's SparseMSE specification (or ``""``).
    """

    n_lists: int

    def select(self, counts: np.ndarray) -> tuple[np.ndarray, list[str]]:  # pragma: no cover - interface
        raise NotImplementedError


class FixedSelector(Selector):
    """Always the same model (refitted; a replicate where its MLE does not exist gives NaN)."""

    def __init__(self, model: Model, start: np.ndarray | None = None, extended: bool = False) -> None:
        self.model = model
        self.n_lists = model.n_lists
        self.start = start
        self.extended = extended
        self.cache = ExistenceCache(model.n_lists)

    def select(self, counts: np.ndarray) -> tuple[np.ndarray, list[str]]:
        y = np.atleast_2d(np.asarray(counts, dtype=float))
        if self.extended:
            return self._select_extended(y)
        k = self.n_lists
        terms = tuple(int(t) for t in self.model.terms)
        positive = y > 0
        ok = np.array([self.cache.ok(positive[b], terms) for b in range(y.shape[0])], dtype=bool)
        totals = np.full(y.shape[0], np.nan)
        idx = np.nonzero(ok)[0]
        if idx.size:
            start = None
            if self.start is not None and len(self.start) == len(terms):
                start = np.broadcast_to(self.start, (idx.size, len(terms)))
            bf = newton_batch(y[idx], k, self.model.terms, beta0=start)
            tot = y[idx, 1:].sum(axis=1) + np.exp(bf.beta[:, 0])
            totals[idx] = np.where(bf.converged, tot, np.nan)
        spec = self.model.spec
        return totals, [spec if np.isfinite(t) else "" for t in totals]

    def _select_extended(self, y: np.ndarray) -> tuple[np.ndarray, list[str]]:
        """Replicate by replicate: which terms are at minus infinity depends on the replicate's zeros."""
        lists = tuple(f"L{j + 1}" for j in range(self.n_lists))
        totals = np.full(y.shape[0], np.nan)
        for b in range(y.shape[0]):
            table = CaptureTable(lists, y[b].astype(np.int64))
            try:
                totals[b] = fit_model(table, self.model, extended=True).total
            except NotEstimableError:
                continue
        spec = self.model.spec
        return totals, [spec if np.isfinite(t) else "" for t in totals]


class StepwiseSelector(Selector):
    """The stepwise rule, run in lock step over the batch."""

    def __init__(self, n_lists: int, pthresh: float = 0.02, extended: bool = False) -> None:
        self.n_lists = n_lists
        self.pthresh = pthresh
        self.extended = extended
        self.cache = ExistenceCache(n_lists)

    def select(self, counts: np.ndarray) -> tuple[np.ndarray, list[str]]:
        totals, active, _, _ = _stepwise_batch(
            counts, self.n_lists, self.pthresh, self.cache, extended=self.extended
        )
        pairs = pair_terms(self.n_lists)
        specs = []
        for b in range(active.shape[0]):
            if not np.isfinite(totals[b]):
                specs.append("")
                continue
            chosen = [t for t, a in zip(pairs, active[b, self.n_lists + 1 :], strict=True) if a]
            specs.append(Model.from_terms(self.n_lists, chosen).spec)
        return totals, specs


class ICSelector(Selector):
    """AIC/BIC choice among fixed candidate models (e.g. the ``top`` models of the original data)."""

    def __init__(
        self,
        n_lists: int,
        criterion: str,
        models: Sequence[Model],
        starts: np.ndarray | None = None,
        extended: bool = False,
    ) -> None:
        self.n_lists = n_lists
        self.criterion = criterion
        self.models = list(models)
        self.extended = extended
        inters = [m.interactions for m in self.models]
        self.universe = _universe(n_lists, inters)
        self.masks = _masks(self.universe, inters, n_lists)
        self.n_params = self.masks.sum(axis=1)
        self.starts = starts
        self.cache = ExistenceCache(n_lists)

    @classmethod
    def from_selection(cls, selection: Selection, top: int | None = None) -> ICSelector:
        """Candidates: the ``top`` best models of an information-criterion search (all if ``None``)."""
        ranking = selection.ranking if top is None else selection.ranking[:top]
        models = [r.model for r in ranking]
        k = selection.fit.table.n_lists
        extended = bool(selection.options.get("extended", False))
        sel = cls(k, selection.method, models, extended=extended)
        # warm starts: each candidate's coefficients on the original data
        y0 = selection.fit.table.counts
        ok, finite = models_ok(y0 > 0, k, sel.universe, sel.masks, sel.cache, extended)
        excl = _excluded_rows(k, sel.universe, sel.masks & ~finite)
        _, beta, conv = _fit_many(y0[None, :].astype(float), k, sel.universe, finite, excluded=excl)
        sel.starts = np.where((conv & ok)[:, None], beta, 0.0)
        return sel

    def select(self, counts: np.ndarray) -> tuple[np.ndarray, list[str]]:
        y = np.atleast_2d(np.asarray(counts, dtype=float))
        nb = y.shape[0]
        nm = len(self.models)
        positive = y > 0
        groups: dict[bytes, list[int]] = {}
        for b in range(nb):
            groups.setdefault(np.packbits(positive[b]).tobytes(), []).append(b)
        pair_m: list[np.ndarray] = []
        pair_b: list[np.ndarray] = []
        pair_fin: list[np.ndarray] = []
        for rows in groups.values():
            ok, finite = models_ok(
                positive[rows[0]], self.n_lists, self.universe, self.masks, self.cache, self.extended
            )
            ms = np.nonzero(ok)[0]
            if ms.size == 0:
                continue
            rr = np.asarray(rows)
            pair_m.append(np.repeat(ms, rr.size))
            pair_b.append(np.tile(rr, ms.size))
            pair_fin.append(np.repeat(finite[ms], rr.size, axis=0))
        crit = np.full((nm, nb), np.inf)
        dark = np.full((nm, nb), np.nan)
        if pair_m:
            mi = np.concatenate(pair_m)
            bi = np.concatenate(pair_b)
            fin = np.concatenate(pair_fin)
            start = None if self.starts is None else np.where(fin, self.starts[mi], 0.0)
            excl = _excluded_rows(self.n_lists, self.universe, self.masks[mi] & ~fin)
            ll, beta, conv = _fit_many(y[bi], self.n_lists, self.universe, fin, start, excl)
            nobs = y[bi, 1:].sum(axis=1)
            c = _criterion(self.criterion, ll, self.n_params[mi], nobs)
            c[~conv] = np.inf
            crit[mi, bi] = c
            dark[mi, bi] = np.exp(beta[:, 0])
        best = np.argmin(crit, axis=0)
        finite_best = np.isfinite(crit[best, np.arange(nb)])
        totals = np.where(finite_best, y[:, 1:].sum(axis=1) + dark[best, np.arange(nb)], np.nan)
        specs = [self.models[best[b]].spec if finite_best[b] else "" for b in range(nb)]
        return totals, specs


def selector_for(selection: Selection, top: int | None = None) -> Selector:
    """The batch selector that repeats the strategy that produced ``selection``."""
    k = selection.fit.table.n_lists
    extended = bool(selection.options.get("extended", False))
    if selection.method == "stepwise":
        pthresh = selection.options.get("pthresh", 0.02)
        return StepwiseSelector(k, float(pthresh) if isinstance(pthresh, (int, float)) else 0.02, extended)
    if selection.method in {"aic", "bic"}:
        return ICSelector.from_selection(selection, top)
    return FixedSelector(selection.model, selection.fit.coefficients, extended)
