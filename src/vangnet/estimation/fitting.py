"""Maximum-likelihood fitting of Poisson log-linear models to capture-history tables.

The counts ``y_h`` of the ``2**k - 1`` observable histories are modelled as independent Poisson
variables with ``log E[y_h] = x_h' beta``, where ``x_h`` has a 1 for the intercept and for every
model term whose lists are all in ``h``.  The all-zero history shares only the intercept, so the
fitted dark figure is ``exp(beta_0)`` and the population estimate is ``n + exp(beta_0)``
(Fienberg 1972; Bishop, Fienberg & Holland 1975, ch. 6).

The likelihood is maximised by Newton's method (for the canonical log link this is the same as
iteratively reweighted least squares) with step halving.  Because every design entry is the
indicator "term is a subset of history", the Fisher information ``X' diag(mu) X`` has entries
``sum of mu over histories containing t_i | t_j``: one *superset-sum* transform of ``mu`` (``k``
vectorised passes) gives all of them.  That makes one Newton step cost ``O(k 2^k + p^2)`` instead of
``O(2^k p^2)``, and the same code fits a whole batch of tables or models at once (bootstrap
replicates, all candidate models of a search) with a leading batch dimension.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy.special import gammaln

from vangnet.estimation.errors import NotEstimableError
from vangnet.estimation.models import Model
from vangnet.estimation.table import CaptureTable

_EXP_CLIP = 700.0


def superset_sums(values: np.ndarray, n_lists: int) -> np.ndarray:
    """For every mask ``m`` (last axis), the sum of ``values[..., c]`` over all ``c`` containing ``m``."""
    out = np.array(values, dtype=float, copy=True)
    lead = out.shape[:-1]
    for j in range(n_lists):
        view = out.reshape(*lead, -1, 2, 1 << j)
        view[..., 0, :] += view[..., 1, :]
    return out


@lru_cache(maxsize=512)
def _design(n_lists: int, terms: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Design matrix over all ``2**k`` histories (row 0 = dark cell) and the union index ``t_i | t_j``."""
    cells = np.arange(1 << n_lists, dtype=np.int64)
    t = np.asarray(terms, dtype=np.int64)
    x = ((cells[:, None] & t[None, :]) == t[None, :]).astype(float)
    union = t[:, None] | t[None, :]
    x.setflags(write=False)
    union.setflags(write=False)
    return x, union


def design_matrix(n_lists: int, terms: np.ndarray | tuple[int, ...]) -> np.ndarray:
    """The 0/1 design matrix over all ``2**k`` histories (row ``c`` = history mask ``c``)."""
    return _design(n_lists, tuple(int(t) for t in terms))[0]


def subset_sums(values: np.ndarray, n_lists: int) -> np.ndarray:
    """For every mask ``m`` (last axis), the sum of ``values[..., t]`` over all ``t`` contained in ``m``.

    Applied to coefficients placed at their term masks this gives the linear predictor of every
    history: ``eta[c] = sum of beta_t over terms t inside c``.
    """
    out = np.array(values, dtype=float, copy=True)
    lead = out.shape[:-1]
    for j in range(n_lists):
        view = out.reshape(*lead, -1, 2, 1 << j)
        view[..., 1, :] += view[..., 0, :]
    return out


@dataclass
class BatchFit:
    """Result of :func:`newton_batch` (one row per table/model in the batch)."""

    beta: np.ndarray  # (B, P); inactive parameters are 0
    mu: np.ndarray  # (B, 2**k); mu[:, 0] = exp(beta_0) (the dark-cell prediction)
    loglik: np.ndarray  # (B,) full Poisson log-likelihood over the fitted cells
    converged: np.ndarray  # (B,) bool
    iterations: int


def newton_batch(
    counts: np.ndarray,
    n_lists: int,
    terms: np.ndarray | tuple[int, ...],
    active: np.ndarray | None = None,
    beta0: np.ndarray | None = None,
    *,
    include_dark: bool = False,
    excluded: np.ndarray | None = None,
    max_iter: int = 200,
    tol: float = 1e-6,
) -> BatchFit:
    """Fit Poisson log-linear models to a batch of tables by damped Newton iterations.

    ``counts`` is ``(B, 2**k)`` (column 0 is the dark cell: ignored unless ``include_dark``, in
    which case it is treated as an observed count — used by the profile likelihood).  ``terms`` is
    the universe of parameter masks (intercept first); ``active`` ``(B, P)`` selects the parameters of
    each row's model (default: all).  Inactive parameters stay at 0.  ``excluded`` ``(B, 2**k)`` marks
    histories whose expected count is fixed at 0 (those containing a term set to minus infinity in an
    extended fit); they must have count 0.  Rows are grouped by their
    number of parameters and fitted with compact designs (:func:`newton_compact`).  The caller must
    have checked that each MLE exists; otherwise the affected rows report ``converged = False``.
    """
    y = np.atleast_2d(np.asarray(counts, dtype=float))
    nb = y.shape[0]
    universe = np.asarray(terms, dtype=np.int64)
    npar = universe.size
    act = (
        np.ones((nb, npar), dtype=bool)
        if active is None
        else np.asarray(active, dtype=bool).reshape(nb, npar)
    )
    act = act.copy()
    act[:, 0] = True
    b0 = None if beta0 is None else np.asarray(beta0, dtype=float).reshape(nb, npar)
    exc = None if excluded is None else np.asarray(excluded, dtype=bool).reshape(y.shape)
    beta = np.zeros((nb, npar))
    mu = np.zeros_like(y)
    ll = np.zeros(nb)
    conv = np.zeros(nb, dtype=bool)
    iters = 0
    counts_p = act.sum(axis=1)
    for p in np.unique(counts_p):
        rows = np.nonzero(counts_p == p)[0]
        cols = np.nonzero(act[rows])[1].reshape(rows.size, p)  # column indices, ascending
        tb = universe[cols]
        start = None if b0 is None else np.take_along_axis(b0[rows], cols, axis=1)
        cb, cmu, cll, cconv, it = newton_compact(
            y[rows],
            n_lists,
            tb,
            start,
            include_dark=include_dark,
            excluded=None if exc is None else exc[rows],
            max_iter=max_iter,
            tol=tol,
        )
        sub = np.zeros((rows.size, npar))
        np.put_along_axis(sub, cols, cb, axis=1)
        beta[rows] = sub
        mu[rows] = cmu
        ll[rows] = cll
        conv[rows] = cconv
        iters = max(iters, it)
    return BatchFit(beta=beta, mu=mu, loglik=ll, converged=conv, iterations=iters)


def newton_compact(
    counts: np.ndarray,
    n_lists: int,
    terms: np.ndarray,
    beta0: np.ndarray | None = None,
    *,
    include_dark: bool = False,
    excluded: np.ndarray | None = None,
    max_iter: int = 200,
    tol: float = 1e-6,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, int]:
    """Newton fits for a batch where row ``b`` has parameter masks ``terms[b]`` (``(B, p)``, or ``(p,)``
    shared by all rows; intercept first).

    Returns coefficients ``(B, p)``, fitted means ``(B, 2**k)`` (entry 0 = ``exp(beta_0)``),
    log-likelihoods, convergence flags and the number of iterations.  Iterations stop once the
    largest step is below ``tol`` (relative to the coefficients); Newton's quadratic convergence
    leaves an error of order ``tol**2``.
    """
    y = np.array(np.atleast_2d(counts), dtype=float)
    nb, ncell = y.shape
    t = np.asarray(terms, dtype=np.int64)
    if t.ndim == 1:
        t = np.broadcast_to(t, (nb, t.size))
    t = t.reshape(nb, -1)
    p = t.shape[1]
    shared = nb == 1 or bool((t == t[0]).all())
    keep: np.ndarray | None = None
    if excluded is not None:
        exc = np.asarray(excluded, dtype=bool).reshape(nb, ncell)
        if exc.any():
            keep = ~exc
            keep[:, 0] = include_dark
            y[~keep] = 0.0
    if not include_dark:
        y[:, 0] = 0.0
    start = 0 if include_dark else 1
    t0 = t[0]
    union0 = (t0[:, None] | t0[None, :]).ravel()
    union = (t[:, :, None] | t[:, None, :]).reshape(nb, p * p)
    index_cache: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}

    def indices(idx: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Flat gather indices (terms, unions, scatter offsets) for the rows ``idx``."""
        hit = index_cache.get(idx.size)
        if hit is None:
            off = (np.arange(idx.size, dtype=np.int64) * ncell)[:, None]
            hit = (t[idx] + off, union[idx] + off, off)
            index_cache.clear()
            index_cache[idx.size] = hit
        return hit

    def gather(s: np.ndarray, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if shared:
            return s[:, t0], s[:, union0].reshape(idx.size, p, p)
        it_, iu, _ = indices(idx)
        flat = s.ravel()
        return flat[it_], flat[iu].reshape(idx.size, p, p)

    sy = superset_sums(y, n_lists)
    sy = sy[:, t0] if shared else np.take_along_axis(sy, t, axis=1)

    if beta0 is None:
        # least squares on log(y + 1/2): X'X has entries "number of fitted cells containing t_i | t_j"
        popc = np.zeros(ncell, dtype=np.int64)
        for j in range(n_lists):
            popc += (np.arange(ncell) >> j) & 1
        ncontain = (1 << (n_lists - popc)).astype(float)
        if not include_dark:
            ncontain[0] -= 1.0
        gram = ncontain[union].reshape(nb, p, p)
        z = np.log(y + 0.5)
        if not include_dark:
            z[:, 0] = 0.0
        sz = superset_sums(z, n_lists)
        rhs = sz[:, t0] if shared else np.take_along_axis(sz, t, axis=1)
        beta = _solve(gram, rhs)
    else:
        beta = np.array(beta0, dtype=float).reshape(nb, p)

    def evaluate(b: np.ndarray, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        m = idx.size
        coef = np.zeros((m, ncell))
        if shared:
            coef[:, t0] = b
        else:
            coef.ravel()[indices(idx)[0]] = b
        eta = np.minimum(subset_sums(coef, n_lists), _EXP_CLIP)
        mu = np.exp(eta)
        if keep is not None:
            mu *= keep[idx]
        if not include_dark:
            mu[:, 0] = 0.0
        ll = np.einsum("ij,ij->i", y[idx], eta) - mu.sum(axis=1)
        return mu, ll

    todo = np.arange(nb)
    mu, ll = evaluate(beta, todo)
    converged = np.zeros(nb, dtype=bool)
    it = 0
    for it in range(1, max_iter + 1):  # noqa: B007
        if todo.size == 0:
            break
        b = beta[todo]
        g_s, h = gather(superset_sums(mu[todo], n_lists), todo)
        step = _solve(h, sy[todo] - g_s)
        ll_old = ll[todo]
        new_b = b + step
        new_mu, new_ll = evaluate(new_b, todo)
        bad = ~(new_ll >= ll_old - 1e-12 * np.abs(ll_old))
        factor = np.ones(todo.size)
        halvings = 0
        while bad.any() and halvings < 50:
            halvings += 1
            factor[bad] *= 0.5
            nb_idx = np.nonzero(bad)[0]
            trial = b[nb_idx] + factor[nb_idx, None] * step[nb_idx]
            sub = todo[nb_idx]
            if shared:
                tmu, tll = evaluate(trial, sub)
            else:
                tmu, tll = _evaluate_rows(
                    trial, t[sub], y[sub], None if keep is None else keep[sub], n_lists, include_dark
                )
            new_b[nb_idx] = trial
            new_mu[nb_idx] = tmu
            new_ll[nb_idx] = tll
            bad[nb_idx] = ~(tll >= ll_old[nb_idx] - 1e-12 * np.abs(ll_old[nb_idx]))
        beta[todo] = new_b
        mu[todo] = new_mu
        ll[todo] = new_ll
        size = np.max(np.abs(factor[:, None] * step), axis=1)
        done = (size < tol * np.maximum(1.0, np.max(np.abs(new_b), axis=1))) | (
            (np.abs(new_ll - ll_old) < 1e-13 * np.maximum(1.0, np.abs(new_ll))) & (size < 1e-4)
        )
        converged[todo[done]] = True
        todo = todo[~done]
    full_ll = ll - gammaln(y[:, start:] + 1.0).sum(axis=1)
    mu_out = mu.copy()
    mu_out[:, 0] = np.exp(np.minimum(beta[:, 0], _EXP_CLIP))
    ok = converged & np.isfinite(beta).all(axis=1)
    return beta, mu_out, full_ll, ok, it


def _evaluate_rows(
    b: np.ndarray, t: np.ndarray, y: np.ndarray, keep: np.ndarray | None, n_lists: int, include_dark: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Means and kernel log-likelihoods for rows with their own terms (used by step halving)."""
    m, ncell = y.shape
    coef = np.zeros((m, ncell))
    np.put_along_axis(coef, t, b, axis=1)
    eta = np.minimum(subset_sums(coef, n_lists), _EXP_CLIP)
    mu = np.exp(eta)
    if keep is not None:
        mu *= keep
    if not include_dark:
        mu[:, 0] = 0.0
    return mu, np.einsum("ij,ij->i", y, eta) - mu.sum(axis=1)


def _solve(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    try:
        return np.linalg.solve(a, b[..., None])[..., 0]
    except np.linalg.LinAlgError:
        out = np.empty_like(b)
        for i in range(a.shape[0]):
            out[i] = np.linalg.lstsq(a[i], b[i], rcond=None)[0]
        return out


def information_matrix(
    mu: np.ndarray, n_lists: int, terms: np.ndarray, include_dark: bool = False
) -> np.ndarray:
    """Fisher information ``X' diag(mu) X`` over the observable cells (plus the dark cell if asked)."""
    m = np.array(mu, dtype=float, copy=True)
    if not include_dark:
        m[0] = 0.0
    s = superset_sums(m, n_lists)
    t = np.asarray(terms, dtype=np.int64)
    return s[t[:, None] | t[None, :]]


@dataclass(frozen=True, eq=False)
class FitResult:
    """A fitted log-linear model.

    ``fitted[c]`` is the fitted expected count of history ``c``; ``fitted[0]`` is the estimated
    dark figure ``exp(beta_0)``.  ``terms`` are the parameter masks of ``coefficients`` (intercept
    first).  ``covariance`` is the inverse Fisher information (the "unscaled" covariance of R's
    ``glm``), used for the Wald interval.  In an *extended* fit, ``infinite_terms`` lists the model
    terms estimated at minus infinity (never observed); the histories containing them have fitted
    count 0 and those terms are not in ``terms``.
    """

    table: CaptureTable
    model: Model
    terms: np.ndarray
    coefficients: np.ndarray
    covariance: np.ndarray
    fitted: np.ndarray
    loglik: float
    converged: bool
    iterations: int
    infinite_terms: tuple[int, ...] = ()

    @property
    def dark_figure(self) -> float:
        """Estimated number of people on no list."""
        return float(self.fitted[0])

    @property
    def total(self) -> float:
        """Estimated total population: observed plus dark figure."""
        return self.table.observed + self.dark_figure

    @property
    def n_params(self) -> int:
        """Number of model parameters with intercept (terms at minus infinity included, as in the
        R package MultipleSystemsEstimation)."""
        return self.model.n_params

    @property
    def se_log_dark(self) -> float:
        """Standard error of ``log(dark figure)`` (= of the intercept)."""
        return float(math.sqrt(self.covariance[0, 0]))

    @property
    def deviance(self) -> float:
        """Residual deviance over the ``2**k - 1`` observable cells."""
        y = self.table.counts[1:].astype(float)
        mu = self.fitted[1:]
        with np.errstate(divide="ignore", invalid="ignore"):
            term = np.where(y > 0, y * np.log(y / mu), 0.0)
        return float(2.0 * np.sum(term - (y - mu)))

    @property
    def aic(self) -> float:
        """Akaike information criterion ``2p - 2 loglik`` (Poisson likelihood, all parameters counted)."""
        return 2.0 * self.n_params - 2.0 * self.loglik

    @property
    def bic(self) -> float:
        """Bayesian information criterion ``p log(n) - 2 loglik`` with ``n`` the number of people observed."""
        return self.n_params * math.log(self.table.observed) - 2.0 * self.loglik

    def excluded_cells(self) -> np.ndarray | None:
        """Boolean mask of histories fixed at 0 by terms at minus infinity (``None`` if there are none)."""
        return excluded_cells(self.table.n_lists, self.infinite_terms)


def excluded_cells(n_lists: int, infinite_terms: tuple[int, ...] | list[int]) -> np.ndarray | None:
    """Histories containing at least one of ``infinite_terms`` (``None`` if there are none)."""
    if not infinite_terms:
        return None
    cells = np.arange(1 << n_lists, dtype=np.int64)
    t = np.asarray(infinite_terms, dtype=np.int64)
    return ((cells[:, None] & t[None, :]) == t[None, :]).any(axis=1)


def split_terms(counts: np.ndarray, n_lists: int, terms: np.ndarray) -> tuple[np.ndarray, tuple[int, ...]]:
    """Split parameter masks into those observed in the data and those never observed (zero
    sufficient statistic, i.e. estimated at minus infinity in an extended fit)."""
    seen = superset_sums((np.asarray(counts) > 0).astype(float), n_lists)[terms] > 0
    seen[0] = True
    return terms[seen], tuple(int(t) for t in terms[~seen])


def fit_model(
    table: CaptureTable,
    model: Model,
    *,
    check: bool = True,
    extended: bool = False,
    beta0: np.ndarray | None = None,
) -> FitResult:
    """Fit ``model`` to ``table`` by maximum likelihood.

    With ``check=True`` (the default) the existence of the MLE and the identifiability of the model
    are verified first (:func:`vangnet.estimation.checks.check_model`); if either fails a
    :class:`~vangnet.estimation.errors.NotEstimableError` explains why, instead of returning an
    infinite or meaningless estimate.  With ``extended=True`` terms that no observed person exhibits
    are set to minus infinity (the extended MLE of Chan, Silverman & Vincent 2021) instead of making
    the fit fail; the other conditions are still checked.
    """
    if model.n_lists != table.n_lists:
        raise NotEstimableError(f"The model is for {model.n_lists} lists but the table has {table.n_lists}.")
    k = table.n_lists
    terms = model.terms
    infinite: tuple[int, ...] = ()
    if extended:
        terms, infinite = split_terms(table.counts, k, terms)
    if check:
        from vangnet.estimation.checks import check_model

        diagnosis = check_model(table, model)
        fine = diagnosis.ok or (extended and diagnosis.extended_exists and diagnosis.extended_identifiable)
        if not fine:
            raise NotEstimableError(diagnosis.message(), diagnosis)
    excl = excluded_cells(k, infinite)
    bf = newton_batch(
        table.counts[None, :],
        k,
        terms,
        beta0=None if beta0 is None else beta0[None, :],
        excluded=None if excl is None else excl[None, :],
    )
    mu = bf.mu[0]
    info = information_matrix(np.where(excl, 0.0, mu) if excl is not None else mu, k, terms)
    try:
        cov = np.linalg.inv(info)
    except np.linalg.LinAlgError:
        cov = np.linalg.pinv(info)
    if not bf.converged[0] or not np.isfinite(bf.beta[0]).all():
        raise NotEstimableError(
            f"The fit of model {model.spec} did not converge; the estimate would not be reliable."
        )
    return FitResult(
        table=table,
        model=model,
        terms=terms,
        coefficients=bf.beta[0],
        covariance=cov,
        fitted=mu,
        loglik=float(bf.loglik[0]),
        converged=bool(bf.converged[0]),
        iterations=bf.iterations,
        infinite_terms=infinite,
    )
