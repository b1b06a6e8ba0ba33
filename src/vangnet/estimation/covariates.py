"""Multiple systems estimation with covariates (year, age group, gender, form of exploitation...).

The Dutch estimates of the number of victims (van Dijk, van der Heijden, van Gestel & Cruyff, 2017;
UNODC/WODC 2017, 2019) come from Poisson log-linear models fitted to a table with one cell per
*capture history* and *covariate combination*.  Write ``h`` for the history (the set of lists a
person is on) and ``z = (z_1, ..., z_m)`` for the covariate levels.  The expected count is

    log E[y(h, z)] = b0 + sum_c g_c(z_c) + sum_{j in h} (b_j + sum_{c in C_j} d_jc(z_c))
                     + sum_{pairs {i,j} in h, in model} b_ij + [covariate x covariate terms]

* ``g_c`` are the *covariate main effects* (always in the model): they let the population size differ
  by stratum;
* ``d_jc`` are *list-by-covariate interactions*: the chance of being on list ``j`` differs by the
  level of covariate ``c`` (e.g. the police registers more men);
* ``b_ij`` are list-by-list interactions, as without covariates.

Covariates use treatment coding (the first level is the reference), as R's ``glm`` does with
default contrasts, so coefficients can be compared one to one with R.  The all-zero history of
every covariate combination is unobserved; its fitted count is the dark figure of that stratum.
Estimates are reported per stratum (every covariate combination), per level of each covariate
(e.g. per year, summed over the other covariates) and in total.

A model is a set of two-factor *terms* beyond the main effects, written ``[A:B, A:year]``: a pair of
lists or a list and a covariate (or two covariates).  A *family* declares which terms the search may
use, in *blocks* that enter or leave together (by default: every pair of lists is a block, and every
covariate interacting with all lists is one block).  Searches: all models of the family ranked by
AIC or BIC, or a stepwise search (forward and backward by the criterion, like R's ``step``).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy.special import chdtri, gammaln, ndtri
from threadpoolctl import threadpool_limits

from vangnet.estimation.checks import boundary_directions
from vangnet.estimation.errors import EstimationError, ModelError, NotEstimableError, TableError
from vangnet.estimation.table import read_csv_rows

MAX_LISTS = 10
MAX_CELLS = 200_000
MAX_MODELS = 65_536
_COUNT_NAMES = ("count", "counts", "freq", "frequency", "n")

Term = tuple[str, ...]
Progress = Callable[[int, int], None]


# ============================================================================ table
@dataclass(frozen=True, eq=False)
class CovariateTable:
    """Counts per capture history and covariate combination.

    ``counts`` has shape ``(2**k, L_1, ..., L_m)``; history mask ``h`` (list ``j`` = bit ``j``) first,
    then one axis per covariate; ``counts[0, ...]`` (nobody seen) is always 0.
    """

    lists: tuple[str, ...]
    covariates: tuple[str, ...]
    levels: tuple[tuple[str, ...], ...]
    counts: np.ndarray = field(repr=False)
    name: str = ""

    @property
    def n_lists(self) -> int:
        return len(self.lists)

    @property
    def observed(self) -> int:
        """People seen on at least one list."""
        return int(self.counts.sum())

    @property
    def strata_shape(self) -> tuple[int, ...]:
        return tuple(len(lv) for lv in self.levels)

    @property
    def n_strata(self) -> int:
        return int(np.prod(self.strata_shape, dtype=np.int64)) if self.levels else 1

    def flat(self) -> np.ndarray:
        """Counts as a vector over cells ``c = h * S + s`` (``s`` = stratum in C order)."""
        return self.counts.reshape(-1).astype(float)

    def observed_by(self, covariate: str | None = None) -> dict[str, int]:
        """People seen, per level of ``covariate`` (or in total under the key ``"total"``)."""
        if covariate is None:
            return {"total": self.observed}
        c = self._cov_index(covariate)
        axes = tuple(i for i in range(self.counts.ndim) if i != c + 1)
        sums = self.counts.sum(axis=axes)
        return {lv: int(v) for lv, v in zip(self.levels[c], sums, strict=True)}

    def _cov_index(self, covariate: str) -> int:
        try:
            return self.covariates.index(covariate)
        except ValueError:
            raise ModelError(
                f"Unknown covariate {covariate!r}; the table has {', '.join(self.covariates) or 'none'}."
            ) from None

    def collapse(self, keep: Sequence[str]) -> CovariateTable:
        """The same table summed over every covariate not in ``keep``."""
        idx = [self._cov_index(c) for c in keep]
        drop = tuple(i + 1 for i in range(len(self.covariates)) if i not in idx)
        counts = self.counts.sum(axis=drop) if drop else self.counts
        order = sorted(range(len(idx)), key=lambda i: idx[i])
        kept = [idx[i] for i in order]
        return CovariateTable(
            self.lists,
            tuple(self.covariates[i] for i in kept),
            tuple(self.levels[i] for i in kept),
            counts,
            self.name,
        )

    def select(self, covariate: str, level: str) -> CovariateTable:
        """The sub-table of one level of ``covariate`` (that covariate removed)."""
        c = self._cov_index(covariate)
        if level not in self.levels[c]:
            raise ModelError(f"Covariate {covariate!r} has no level {level!r}.")
        counts = np.take(self.counts, self.levels[c].index(level), axis=c + 1)
        return CovariateTable(
            self.lists,
            self.covariates[:c] + self.covariates[c + 1 :],
            self.levels[:c] + self.levels[c + 1 :],
            counts,
            f"{self.name} {covariate}={level}".strip(),
        )

    def with_counts(self, flat: np.ndarray) -> CovariateTable:
        return CovariateTable(
            self.lists, self.covariates, self.levels, np.asarray(flat).reshape(self.counts.shape), self.name
        )

    def to_rows(self) -> list[dict[str, object]]:
        """One row per non-empty cell: list columns, covariate columns, count."""
        out: list[dict[str, object]] = []
        for idx in zip(*np.nonzero(self.counts), strict=True):
            row: dict[str, object] = {name: (int(idx[0]) >> j) & 1 for j, name in enumerate(self.lists)}
            for c, cov in enumerate(self.covariates):
                row[cov] = self.levels[c][int(idx[c + 1])]
            row["count"] = int(self.counts[idx])
            out.append(row)
        return out

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_records(
        cls,
        records: Iterable[Mapping[str, object]],
        lists: Sequence[str],
        covariates: Sequence[str],
        *,
        count_column: str = "count",
        levels: Mapping[str, Sequence[str]] | None = None,
        name: str = "",
        first_line: int = 1,
    ) -> CovariateTable:
        """Validate and build a table from one mapping per row (history, covariate levels, count).

        Levels are sorted (numerically when they are all whole numbers) unless ``levels`` gives the
        order; the first level is the reference of treatment coding.  Errors name the row.
        """
        lists = tuple(str(x) for x in lists)
        covariates = tuple(str(x) for x in covariates)
        if len(lists) < 2:
            raise TableError("At least 2 lists are needed.")
        if len(lists) > MAX_LISTS:
            raise TableError(f"At most {MAX_LISTS} lists can be used with covariates, found {len(lists)}.")
        clash = set(lists) & set(covariates)
        if clash:
            raise TableError(f"{', '.join(sorted(clash))} is both a list and a covariate.")
        rows: list[tuple[str, int, tuple[str, ...], int]] = []
        for i, rec in enumerate(records):
            label = f"line {i + first_line}"
            mask = 0
            for j, name_j in enumerate(lists):
                if name_j not in rec:
                    raise TableError(f"{label}: the list column {name_j!r} is missing.")
                bit = _parse_bit(rec[name_j])
                if bit is None:
                    raise TableError(f"{label}: list {name_j!r} must be 0 or 1, found {_show(rec[name_j])}.")
                mask |= bit << j
            zs: list[str] = []
            for cov in covariates:
                value = rec.get(cov)
                text = "" if value is None else str(value).strip()
                if not text:
                    raise TableError(f"{label}: covariate {cov!r} is empty.")
                zs.append(text)
            count = _parse_count(rec.get(count_column), label)
            if mask == 0:
                if count:
                    raise TableError(
                        f"{label}: a row with no list marked would be people seen by nobody; "
                        "that number is what is estimated and cannot be given."
                    )
                continue
            rows.append((label, mask, tuple(zs), count))
        if not rows:
            raise TableError("The table has no rows.")
        lv: list[tuple[str, ...]] = []
        for c, cov in enumerate(covariates):
            seen = {r[2][c] for r in rows}
            if levels is not None and cov in levels:
                order = tuple(str(x) for x in levels[cov])
                missing = seen - set(order)
                if missing:
                    raise TableError(f"Covariate {cov!r} has levels not declared: {', '.join(sorted(missing))}.")
            else:
                order = tuple(sorted(seen, key=_level_key))
            lv.append(order)
        shape = (1 << len(lists), *(len(x) for x in lv))
        if int(np.prod(shape, dtype=np.int64)) > MAX_CELLS:
            raise TableError(
                f"The table would have {int(np.prod(shape, dtype=np.int64)):,} cells; at most {MAX_CELLS:,} "
                "are supported. Use fewer lists or coarser covariate groups."
            )
        counts = np.zeros(shape, dtype=np.int64)
        where: dict[tuple[int, tuple[str, ...]], str] = {}
        for label, mask, levels_row, count in rows:
            key = (mask, levels_row)
            if key in where:
                raise TableError(f"{label}: the same history and covariates as {where[key]}.")
            where[key] = label
            counts[(mask, *(lv[c].index(z) for c, z in enumerate(levels_row)))] = count
        if counts.sum() == 0:
            raise TableError("Nobody is observed on any list.")
        return cls(lists, covariates, tuple(lv), counts, name)


def read_covariate_table(
    path: str | Path,
    covariates: Sequence[str],
    *,
    count_column: str | None = None,
    levels: Mapping[str, Sequence[str]] | None = None,
) -> CovariateTable:
    """Read a CSV with one 0/1 column per list, the covariate columns and a count column."""
    p = Path(path)
    header, body = read_csv_rows(p)
    for cov in covariates:
        if cov not in header:
            raise TableError(f"The covariate column {cov!r} is not in the table.")
    rest = [h for h in header if h not in covariates]
    if count_column is None:
        lower = {h.lower(): h for h in rest}
        count_column = next((lower[c] for c in _COUNT_NAMES if c in lower), rest[-1] if rest else "")
    if count_column not in rest:
        raise TableError(f"The count column {count_column!r} is not in the table.")
    lists = [h for h in rest if h != count_column]
    records = []
    for _line_no, row in body:
        records.append(dict(zip(header, row, strict=True)))
    first = body[0][0] if body else 2
    return CovariateTable.from_records(
        records, lists, covariates, count_column=count_column, levels=levels, name=p.stem, first_line=first
    )


def _level_key(text: str) -> tuple[int, float, str]:
    try:
        return (0, float(int(text)), text)
    except ValueError:
        return (1, 0.0, text)


def _show(value: object) -> str:
    return repr(value.strip()) if isinstance(value, str) else repr(value)


def _parse_bit(value: object) -> int | None:
    text = str(value).strip() if value is not None else ""
    if text in {"0", "0.0"}:
        return 0
    if text in {"1", "1.0"}:
        return 1
    return None


def _parse_count(value: object, label: str) -> int:
    try:
        number = float(str(value).strip())
    except (TypeError, ValueError):
        raise TableError(f"{label}: the count must be a whole number, found {_show(value)}.") from None
    if not math.isfinite(number) or number != math.floor(number):
        raise TableError(f"{label}: the count must be a whole number of people, found {_show(value)}.")
    if number < 0:
        raise TableError(f"{label}: the count cannot be negative, found {_show(value)}.")
    return int(number)


# ============================================================================ models
@dataclass(frozen=True)
class CovariateModel:
    """Main effects of every list and covariate plus the two-factor ``terms`` (sorted name pairs)."""

    terms: frozenset[Term]

    def spec(self, table: CovariateTable) -> str:
        order = {n: i for i, n in enumerate(table.lists + table.covariates)}
        items = sorted(self.terms, key=lambda t: tuple(order[x] for x in t))
        return "[" + ", ".join(":".join(t) for t in items) + "]"

    def __or__(self, other: Iterable[Term]) -> CovariateModel:
        return CovariateModel(self.terms | frozenset(other))

    def __sub__(self, other: Iterable[Term]) -> CovariateModel:
        return CovariateModel(self.terms - frozenset(other))


def parse_covariate_model(spec: str | Iterable[str], table: CovariateTable) -> CovariateModel:
    """Parse ``"[A:B, A:year]"`` (or a list of ``"A:B"`` strings) against the table's factor names.

    ``A:*`` is shorthand for list A with every covariate, ``*:year`` for every list with ``year``.
    """
    if isinstance(spec, str):
        text = spec.strip()
        if text.startswith("[") and text.endswith("]"):
            text = text[1:-1]
        parts = [p.strip() for p in text.replace(";", ",").split(",") if p.strip()]
    else:
        parts = [str(p).strip() for p in spec]
    factors = table.lists + table.covariates
    terms: set[Term] = set()
    for part in parts:
        names = [x.strip() for x in part.split(":")]
        if len(names) != 2:
            raise ModelError(f"{part!r}: a term joins exactly two names with a colon, e.g. {factors[0]}:{factors[1]}.")
        a, b = names
        if a == "*" and b in table.covariates:
            terms.update(_term(x, b, table) for x in table.lists)
        elif b == "*" and a in table.lists:
            terms.update(_term(a, c, table) for c in table.covariates)
        else:
            terms.add(_term(a, b, table))
    return CovariateModel(frozenset(terms))


def _term(a: str, b: str, table: CovariateTable) -> Term:
    factors = table.lists + table.covariates
    for x in (a, b):
        if x not in factors:
            raise ModelError(f"Unknown name {x!r} in the model; the table has {', '.join(factors)}.")
    if a == b:
        raise ModelError(f"{a}:{b} joins a name with itself.")
    order = {n: i for i, n in enumerate(factors)}
    return tuple(sorted((a, b), key=order.__getitem__))  # type: ignore[return-value]


@dataclass(frozen=True)
class Family:
    """The models a search may consider: ``required`` terms always, plus any union of ``blocks``."""

    required: frozenset[Term]
    blocks: tuple[frozenset[Term], ...]
    labels: tuple[str, ...]

    @property
    def size(self) -> int:
        return 1 << len(self.blocks)

    def model(self, chosen: Iterable[int]) -> CovariateModel:
        terms = set(self.required)
        for b in chosen:
            terms |= self.blocks[b]
        return CovariateModel(frozenset(terms))


def default_family(
    table: CovariateTable,
    *,
    list_pairs: bool = True,
    list_covariate: str = "block",
    covariate_pairs: str = "required",
    required: Iterable[str] = (),
) -> Family:
    """The declared family of a search.

    * every pair of lists is an optional block (``list_pairs``);
    * ``list_covariate``: ``"block"`` = for every covariate, the interactions with all lists form one
      block; ``"each"`` = every list-by-covariate pair is its own block; ``"none"`` = not considered;
    * ``covariate_pairs``: ``"required"`` (default: the strata sizes are modelled freely in two
      covariates at a time), ``"block"`` (each pair optional) or ``"none"``;
    * ``required``: extra terms always in the model (``"A:B"`` strings).
    """
    if list_covariate not in {"block", "each", "none"}:
        raise ModelError("list_covariate must be 'block', 'each' or 'none'.")
    if covariate_pairs not in {"required", "block", "none"}:
        raise ModelError("covariate_pairs must be 'required', 'block' or 'none'.")
    req = set(parse_covariate_model(list(required), table).terms)
    blocks: list[frozenset[Term]] = []
    labels: list[str] = []

    def add(terms: set[Term], label: str) -> None:
        terms -= req
        if terms:
            blocks.append(frozenset(terms))
            labels.append(label)

    if list_pairs:
        for a, b in itertools.combinations(table.lists, 2):
            add({(a, b)}, f"{a}:{b}")
    for cov in table.covariates:
        if list_covariate == "block":
            add({_term(x, cov, table) for x in table.lists}, f"*:{cov}")
        elif list_covariate == "each":
            for x in table.lists:
                add({_term(x, cov, table)}, f"{x}:{cov}")
    for a, b in itertools.combinations(table.covariates, 2):
        if covariate_pairs == "required":
            req.add((a, b))
        elif covariate_pairs == "block":
            add({(a, b)}, f"{a}:{b}")
    return Family(frozenset(req), tuple(blocks), tuple(labels))


# ============================================================================ design
class Design:
    """Design matrices of one table: a column block per factor and term, cached."""

    def __init__(self, table: CovariateTable) -> None:
        self.table = table
        k = table.n_lists
        shape = table.strata_shape
        n_strata = table.n_strata
        hist = np.repeat(np.arange(1 << k), n_strata)
        grid = np.indices(shape).reshape(len(shape), -1).T if shape else np.zeros((1, 0), dtype=int)
        strata = np.tile(grid, (1 << k, 1))
        self.n_cells = hist.size
        self.n_strata = n_strata
        self.indicators: dict[str, np.ndarray] = {}
        for j, name in enumerate(table.lists):
            self.indicators[name] = ((hist >> j) & 1).astype(float)[:, None]
        for c, name in enumerate(table.covariates):
            levels = len(table.levels[c])
            z = strata[:, c]
            self.indicators[name] = (z[:, None] == np.arange(1, levels)[None, :]).astype(float)
        self.observed = hist > 0
        self.dark = ~self.observed
        self.stratum = np.tile(np.arange(n_strata), 1 << k)
        self._blocks: dict[Term, np.ndarray] = {}
        self.y = table.flat()

    def block(self, term: Term) -> np.ndarray:
        if term not in self._blocks:
            if len(term) == 1:
                self._blocks[term] = self.indicators[term[0]]
            else:
                a, b = (self.indicators[t] for t in term)
                self._blocks[term] = (a[:, :, None] * b[:, None, :]).reshape(a.shape[0], -1)
        return self._blocks[term]

    def columns(self, model: CovariateModel) -> tuple[np.ndarray, list[str]]:
        """Full design (all cells) and column names, in R's order: intercept, main effects, terms."""
        t = self.table
        order = {n: i for i, n in enumerate(t.lists + t.covariates)}
        mains: list[Term] = [(x,) for x in t.lists + t.covariates]
        terms = sorted(model.terms, key=lambda tt: tuple(order[x] for x in tt))
        blocks = [np.ones((self.n_cells, 1))]
        names = ["(Intercept)"]
        for term in mains + terms:
            blocks.append(self.block(term))
            names.extend(self._names(term))
        return np.hstack(blocks), names

    def _names(self, term: Term) -> list[str]:
        t = self.table
        parts: list[list[str]] = []
        for x in term:
            if x in t.lists:
                parts.append([x])
            else:
                c = t.covariates.index(x)
                parts.append([f"{x}{lv}" for lv in t.levels[c][1:]])
        return [":".join(p) for p in itertools.product(*parts)]


# ============================================================================ fitting
@dataclass(frozen=True, eq=False)
class CovariateFit:
    """A fitted model: coefficients, their covariance, fitted counts of every cell (dark ones too)."""

    table: CovariateTable
    model: CovariateModel
    names: tuple[str, ...]
    beta: np.ndarray
    cov: np.ndarray
    mu: np.ndarray
    loglik: float
    iterations: int
    x: np.ndarray = field(repr=False)

    @property
    def n_params(self) -> int:
        return int(self.beta.size)

    @property
    def aic(self) -> float:
        return 2.0 * self.n_params - 2.0 * self.loglik

    @property
    def bic(self) -> float:
        """``p log n - 2 log L``, ``n`` = people observed (as the estimation module without covariates)."""
        return self.n_params * math.log(self.table.observed) - 2.0 * self.loglik

    def criterion(self, name: str) -> float:
        return self.aic if name == "aic" else self.bic

    @property
    def deviance(self) -> float:
        d = design_for(self.table)
        y = self.table.flat()[d.observed]
        m = self.mu[d.observed]
        with np.errstate(divide="ignore", invalid="ignore"):
            term = np.where(y > 0, y * np.log(y / m), 0.0)
        return float(2.0 * np.sum(term - (y - m)))

    def dark_by_stratum(self) -> np.ndarray:
        """Fitted dark figure of every stratum, shape ``table.strata_shape``."""
        d = design_for(self.table)
        return self.mu[d.dark].reshape(self.table.strata_shape or (1,))

    @property
    def dark_figure(self) -> float:
        return float(self.dark_by_stratum().sum())

    @property
    def total(self) -> float:
        return self.table.observed + self.dark_figure

    def groups(self, covariate: str | None) -> dict[str, np.ndarray]:
        """Boolean masks over strata (flattened) for each level of ``covariate`` (or the total)."""
        t = self.table
        if covariate is None:
            return {"total": np.ones(t.n_strata, dtype=bool)}
        c = t._cov_index(covariate)
        grid = np.indices(t.strata_shape).reshape(len(t.strata_shape), -1)
        return {lv: grid[c] == i for i, lv in enumerate(t.levels[c])}

    def group_estimate(self, mask: np.ndarray) -> tuple[float, float, np.ndarray]:
        """Observed, dark figure and the gradient of the dark figure (delta method) for a stratum set."""
        d = design_for(self.table)
        cells = np.nonzero(d.dark)[0][mask]
        mu0 = self.mu[cells]
        grad = mu0 @ self.x[cells]
        obs_cells = d.observed & mask[d.stratum]
        return float(self.table.flat()[obs_cells].sum()), float(mu0.sum()), grad


_DESIGNS: dict[int, tuple[CovariateTable, Design]] = {}


def design_for(table: CovariateTable) -> Design:
    """One :class:`Design` per table object (small LRU keyed by identity)."""
    hit = _DESIGNS.get(id(table))
    if hit is not None and hit[0] is table:
        return hit[1]
    if len(_DESIGNS) > 32:
        _DESIGNS.clear()
    d = Design(table)
    _DESIGNS[id(table)] = (table, d)
    return d


def check_covariate_model(table: CovariateTable, model: CovariateModel, y: np.ndarray | None = None) -> None:
    """Raise :class:`NotEstimableError` when the model is not identifiable or its MLE does not exist."""
    d = design_for(table)
    x, _ = d.columns(model)
    yy = d.y if y is None else y
    xo = x[d.observed]
    if np.linalg.matrix_rank(xo) < x.shape[1]:
        raise NotEstimableError(
            f"Model {model.spec(table)} is not identifiable: it has more parameters than the table can "
            "tell apart (some covariate level or list combination never occurs). Use fewer terms."
        )
    pos = yy[d.observed] > 0
    if np.linalg.matrix_rank(xo[pos]) == x.shape[1]:
        return
    face = boundary_directions(xo[pos], xo[~pos])
    if face is None:
        return
    raise NotEstimableError(
        f"Model {model.spec(table)} cannot be estimated from this table: {int(face.sum())} empty cells "
        "would have to be fitted as exactly 0 (some lists never meet within a covariate group). "
        "Drop the terms that involve those lists or groups, or merge small groups."
    )


def _newton(
    x: np.ndarray, y: np.ndarray, beta0: np.ndarray | None, *, max_iter: int = 100, tol: float = 1e-10
) -> tuple[np.ndarray, np.ndarray, int]:
    """Poisson log-linear MLE by Newton's method with step halving. Returns beta, information, iterations."""
    p = x.shape[1]
    if beta0 is None:
        z = np.log(y + 0.5)
        beta, *_ = np.linalg.lstsq(x * np.sqrt(y + 0.5)[:, None], z * np.sqrt(y + 0.5), rcond=None)
    else:
        beta = beta0.copy()
    eta = np.clip(x @ beta, -700.0, 700.0)
    mu = np.exp(eta)
    ll = float(y @ eta - mu.sum())
    info = np.eye(p)
    for it in range(1, max_iter + 1):
        grad = x.T @ (y - mu)
        info = (x * mu[:, None]).T @ x
        try:
            step = np.linalg.solve(info, grad)
        except np.linalg.LinAlgError:
            step = np.linalg.lstsq(info, grad, rcond=None)[0]
        t = 1.0
        for _ in range(40):
            nb = beta + t * step
            neta = np.clip(x @ nb, -700.0, 700.0)
            nmu = np.exp(neta)
            nll = float(y @ neta - nmu.sum())
            if nll >= ll - 1e-12 * abs(ll):
                break
            t *= 0.5
        change = nll - ll
        beta, eta, mu, ll = nb, neta, nmu, nll
        if abs(change) < tol * (1.0 + abs(ll)) and float(np.max(np.abs(t * step))) < 1e-7:
            info = (x * mu[:, None]).T @ x
            return beta, info, it
    raise NotEstimableError("The fit did not converge; the maximum-likelihood estimate may not exist.")


def fit_covariate_model(
    table: CovariateTable,
    model: CovariateModel | str,
    *,
    y: np.ndarray | None = None,
    start: np.ndarray | None = None,
    check: bool = True,
) -> CovariateFit:
    """Fit ``model`` by maximum likelihood (checked first unless ``check=False``)."""
    mod = parse_covariate_model(model, table) if isinstance(model, str) else model
    d = design_for(table)
    yy = d.y if y is None else np.asarray(y, dtype=float)
    if check:
        check_covariate_model(table, mod, yy)
    x, names = d.columns(mod)
    xo = x[d.observed]
    yo = yy[d.observed]
    beta, info, its = _newton(xo, yo, start)
    try:
        cov = np.linalg.inv(info)
    except np.linalg.LinAlgError:  # pragma: no cover - identifiability was checked
        raise NotEstimableError(f"Model {mod.spec(table)} is not identifiable for this table.") from None
    mu = np.exp(np.clip(x @ beta, -700.0, 700.0))
    eta_o = np.log(np.maximum(mu[d.observed], 1e-300))
    loglik = float(yo @ eta_o - mu[d.observed].sum() - gammaln(yo + 1.0).sum())
    fit_table = table if y is None else table.with_counts(yy.astype(np.int64))
    if y is not None:
        _DESIGNS[id(fit_table)] = (fit_table, d)
    return CovariateFit(fit_table, mod, tuple(names), beta, cov, mu, loglik, its, x)


# ============================================================================ selection
@dataclass(frozen=True)
class RankedCovariateModel:
    model: CovariateModel
    spec: str
    criterion: float
    total: float
    n_params: int


@dataclass(frozen=True, eq=False)
class CovariateSelection:
    fit: CovariateFit
    method: str
    criterion: str
    family: Family
    ranking: tuple[RankedCovariateModel, ...] = ()
    n_models: int = 0
    n_skipped: int = 0
    path: tuple[str, ...] = ()


def select_covariate_model(
    table: CovariateTable,
    method: str = "bic",
    *,
    family: Family | None = None,
    model: CovariateModel | str | None = None,
    criterion: str | None = None,
    y: np.ndarray | None = None,
) -> CovariateSelection:
    """Choose a model: ``"aic"``/``"bic"`` over all models of ``family``, ``"stepwise"`` (by BIC unless
    ``criterion`` says ``"aic"``) or ``"fixed"`` (``model``)."""
    with threadpool_limits(limits=1, user_api="blas"):
        return _select_covariate_model(table, method.lower(), family, model, criterion, y)


def _select_covariate_model(
    table: CovariateTable,
    method: str,
    family: Family | None,
    model: CovariateModel | str | None,
    criterion: str | None,
    y: np.ndarray | None,
) -> CovariateSelection:
    fam = family if family is not None else default_family(table)
    if method == "fixed":
        if model is None:
            raise ModelError("The fixed method needs a model, e.g. [A:B, A:year].")
        fit = fit_covariate_model(table, model, y=y)
        return CovariateSelection(fit, "fixed", criterion or "bic", fam)
    if model is not None:
        raise ModelError(f"A model was given but the method is {method!r}; use method 'fixed' to fit it.")
    if method in {"aic", "bic"}:
        return _search_all(table, fam, method, y)
    if method == "stepwise":
        return _stepwise(table, fam, criterion or "bic", y)
    raise ModelError(f"Unknown method {method!r}; use stepwise, aic, bic or fixed.")


class _Fitter:
    """Fits models of one table with warm starts and a cache of models known not to be estimable."""

    def __init__(self, table: CovariateTable, y: np.ndarray | None) -> None:
        self.table = table
        self.d = design_for(table)
        self.y = self.d.y if y is None else np.asarray(y, dtype=float)
        self.yo = self.y[self.d.observed]
        self.fits: dict[frozenset[Term], tuple[float, float, int, np.ndarray, list[str]] | None] = {}
        self.bad: list[frozenset[Term]] = []
        self.good: list[frozenset[Term]] = []

    def ok(self, model: CovariateModel) -> bool:
        terms = model.terms
        if any(b <= terms for b in self.bad):
            return False
        if any(terms <= g for g in self.good):
            return True
        try:
            check_covariate_model(self.table, model, self.y)
        except NotEstimableError:
            self.bad.append(terms)
            return False
        self.good.append(terms)
        return True

    def fit(
        self, model: CovariateModel, parent: frozenset[Term] | None = None
    ) -> tuple[float, float, int, np.ndarray, list[str]] | None:
        """(loglik, total, p, beta, names) or None when the model is not estimable."""
        if model.terms in self.fits:
            return self.fits[model.terms]
        if not self.ok(model):
            self.fits[model.terms] = None
            return None
        x, names = self.d.columns(model)
        start = None
        if parent is not None and self.fits.get(parent) is not None:
            pfit = self.fits[parent]
            assert pfit is not None
            pos = {n: i for i, n in enumerate(pfit[4])}
            start = np.array([pfit[3][pos[n]] if n in pos else 0.0 for n in names])
        xo = x[self.d.observed]
        try:
            beta, _, _ = _newton(xo, self.yo, start, tol=1e-9)
        except NotEstimableError:
            self.fits[model.terms] = None
            return None
        eta = np.clip(xo @ beta, -700.0, 700.0)
        ll = float(self.yo @ eta - np.exp(eta).sum() - gammaln(self.yo + 1.0).sum())
        dark = float(np.exp(np.clip(x[self.d.dark] @ beta, -700.0, 700.0)).sum())
        out = (ll, float(self.yo.sum()) + dark, int(beta.size), beta, names)
        self.fits[model.terms] = out
        return out

    def crit(self, res: tuple[float, float, int, np.ndarray, list[str]], name: str) -> float:
        ll, _, p, _, _ = res
        n = float(self.yo.sum())
        return 2.0 * p - 2.0 * ll if name == "aic" else p * math.log(n) - 2.0 * ll


def _search_all(table: CovariateTable, fam: Family, crit: str, y: np.ndarray | None) -> CovariateSelection:
    if fam.size > MAX_MODELS:
        raise ModelError(
            f"The declared family has {fam.size:,} models; at most {MAX_MODELS:,} are searched one by one. "
            "Use the stepwise method, or group terms into fewer blocks."
        )
    f = _Fitter(table, y)
    nb = len(fam.blocks)
    # Existence is monotone: if the largest model of the family can be estimated, so can every
    # model inside it (a direction that breaks a small model also breaks a larger one).
    f.ok(fam.model(range(nb)))
    ranking: list[RankedCovariateModel] = []
    skipped = 0
    # Enumerate in order of growing size so that every model's parent (one block fewer) is fitted first.
    for size in range(nb + 1):
        for chosen in itertools.combinations(range(nb), size):
            mod = fam.model(chosen)
            parent = fam.model(chosen[:-1]).terms if chosen else None
            res = f.fit(mod, parent)
            if res is None:
                skipped += 1
                continue
            ranking.append(RankedCovariateModel(mod, mod.spec(table), f.crit(res, crit), res[1], res[2]))
    if not ranking:
        raise NotEstimableError("No model of the declared family can be estimated from this table.")
    ranking.sort(key=lambda r: r.criterion)
    best = fit_covariate_model(table, ranking[0].model, y=y, check=False)
    return CovariateSelection(best, crit, crit, fam, tuple(ranking), fam.size, skipped)


def _stepwise(table: CovariateTable, fam: Family, crit: str, y: np.ndarray | None) -> CovariateSelection:
    f = _Fitter(table, y)
    chosen: set[int] = set()
    current = fam.model(())
    res = f.fit(current)
    if res is None:
        raise NotEstimableError(f"The smallest model {current.spec(table)} cannot be estimated from this table.")
    score = f.crit(res, crit)
    path = [f"start {current.spec(table)}: {crit.upper()} {score:.2f}"]
    while True:
        best: tuple[float, int, bool] | None = None
        for b in range(len(fam.blocks)):
            trial = chosen ^ {b}
            mod = fam.model(sorted(trial))
            r = f.fit(mod, current.terms if b not in chosen else None)
            if r is None:
                continue
            s = f.crit(r, crit)
            if s < score - 1e-9 and (best is None or s < best[0]):
                best = (s, b, b not in chosen)
        if best is None:
            break
        score, b, added = best
        chosen ^= {b}
        current = fam.model(sorted(chosen))
        path.append(f"{'add' if added else 'drop'} {fam.labels[b]}: {crit.upper()} {score:.2f}")
    fit = fit_covariate_model(table, current, y=y, check=False)
    ranking = sorted(
        (
            RankedCovariateModel(CovariateModel(t), CovariateModel(t).spec(table), f.crit(r, crit), r[1], r[2])
            for t, r in f.fits.items()
            if r is not None
        ),
        key=lambda r: r.criterion,
    )
    return CovariateSelection(fit, "stepwise", crit, fam, tuple(ranking), len(f.fits), 0, tuple(path))


# ============================================================================ intervals
def wald_group(fit: CovariateFit, mask: np.ndarray, level: float) -> tuple[float, float, float, float]:
    """Observed, estimate and a Wald interval on the log dark figure of a set of strata."""
    obs, dark, grad = fit.group_estimate(mask)
    var = float(grad @ fit.cov @ grad)
    se = math.sqrt(max(var, 0.0)) / dark if dark > 0 else 0.0
    z = float(ndtri(0.5 + level / 2.0))
    return obs, obs + dark, obs + dark * math.exp(-z * se), obs + dark * math.exp(z * se)


def profile_group(
    fit: CovariateFit, mask: np.ndarray, level: float, *, upper_factor: float = 20.0
) -> tuple[float, float]:
    """Profile-likelihood interval for ``observed + dark figure`` of a set of strata.

    For a target dark figure ``D`` the Poisson likelihood is maximised subject to
    ``sum of fitted dark cells = D``; the intercept is in every cell, so the constraint is solved for
    it and the other coefficients are free.  The interval is where twice the drop in log-likelihood
    stays below ``chi2_1(level)``.  An end that is not reached within ``D / upper_factor`` ..
    ``D * upper_factor`` is reported as 0 (lower, i.e. the observed number) or infinity (upper).
    """
    from scipy.optimize import brentq, minimize  # slow import: only when needed

    d = design_for(fit.table)
    xo = fit.x[d.observed][:, 1:]
    yo = fit.table.flat()[d.observed]
    dark_cells = np.nonzero(d.dark)[0][mask]
    xz = fit.x[dark_cells][:, 1:]
    obs, dark_hat, _ = fit.group_estimate(mask)
    ll_hat = float(yo @ np.log(np.maximum(fit.mu[d.observed], 1e-300)) - fit.mu[d.observed].sum())
    cut = float(chdtri(1.0, 1.0 - level)) / 2.0
    state = {"b": fit.beta[1:].copy()}

    def parts(b: np.ndarray, t: float) -> tuple[float, np.ndarray, np.ndarray]:
        a = xz @ b
        amax = float(a.max())
        w = np.exp(a - amax)
        lse = amax + math.log(float(w.sum()))
        w /= w.sum()
        b0 = t - lse
        eta = np.clip(b0 + xo @ b, -700.0, 700.0)
        mu = np.exp(eta)
        return float(yo @ eta - mu.sum()), mu, w

    def neg(b: np.ndarray, t: float) -> tuple[float, np.ndarray]:
        ll, mu, w = parts(b, t)
        xbar = w @ xz
        g = (yo - mu) @ (xo - xbar)
        return -ll, -g

    def hess(b: np.ndarray, t: float) -> np.ndarray:
        _, mu, w = parts(b, t)
        xbar = w @ xz
        xc = xo - xbar
        h = (xc * mu[:, None]).T @ xc
        dz = xz - xbar
        covw = (dz * w[:, None]).T @ dz
        return np.asarray(h + float((yo - mu).sum()) * covw)

    def drop(dk: float) -> float:
        t = math.log(dk)
        res = minimize(neg, state["b"], args=(t,), jac=True, hess=hess, method="trust-exact")
        state["b"] = res.x
        return ll_hat - float(-res.fun) - cut

    base = fit.beta[1:].copy()

    def end(direction: float) -> float:
        state["b"] = base.copy()
        lo = dark_hat
        step = 1.25
        prev = lo
        for _ in range(60):
            cur = prev * (step if direction > 0 else 1.0 / step)
            if cur > dark_hat * upper_factor or cur < dark_hat / upper_factor:
                return math.inf if direction > 0 else 0.0
            if drop(cur) > 0:
                keep = state["b"].copy()
                a, b = (prev, cur) if direction > 0 else (cur, prev)
                root = float(brentq(drop, a, b, xtol=1e-6 * dark_hat, rtol=1e-10))
                state["b"] = keep
                return root
            prev = cur
            step = min(step * 1.3, 2.0)
        return math.inf if direction > 0 else 0.0  # pragma: no cover

    hi = end(+1.0)
    lo = end(-1.0)
    return obs + lo, obs + hi


# ============================================================================ estimate
@dataclass(frozen=True)
class GroupEstimate:
    group: str
    level: str
    observed: int
    estimate: float
    ci_low: float
    ci_high: float


@dataclass(frozen=True, eq=False)
class CovariateEstimate:
    """Estimates per stratum group and in total, with their intervals."""

    selection: CovariateSelection
    ci_method: str
    level: float
    rows: tuple[GroupEstimate, ...]
    replicates: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def fit(self) -> CovariateFit:
        return self.selection.fit

    @property
    def total(self) -> GroupEstimate:
        return next(r for r in self.rows if r.group == "total")

    def by(self, covariate: str) -> list[GroupEstimate]:
        return [r for r in self.rows if r.group == covariate]

    def to_dict(self) -> dict[str, object]:
        sel = self.selection
        return {
            "table": sel.fit.table.name,
            "lists": list(sel.fit.table.lists),
            "covariates": {c: list(lv) for c, lv in zip(sel.fit.table.covariates, sel.fit.table.levels, strict=True)},
            "method": sel.method,
            "criterion": sel.criterion,
            "model": sel.fit.model.spec(sel.fit.table),
            "loglik": sel.fit.loglik,
            "aic": sel.fit.aic,
            "bic": sel.fit.bic,
            "ci_method": self.ci_method,
            "ci_level": self.level,
            "estimates": [
                {
                    "group": r.group,
                    "level": r.level,
                    "observed": r.observed,
                    "estimate": r.estimate,
                    "ci_low": r.ci_low if math.isfinite(r.ci_low) else None,
                    "ci_high": r.ci_high if math.isfinite(r.ci_high) else None,
                }
                for r in self.rows
            ],
            "models_considered": sel.n_models,
            "top_models": [{"model": r.spec, sel.criterion: r.criterion, "estimate": r.total} for r in sel.ranking[:5]],
            "path": list(sel.path),
        }

    def summary(self) -> str:
        pct = round(self.level * 100)
        t = self.fit.table
        lines = [
            f"Population estimate with covariates {', '.join(t.covariates)} ({t.n_lists} lists: {', '.join(t.lists)})",
            f"Model {self.fit.model.spec(t)} chosen by {self.selection.method}"
            + (f" ({self.selection.criterion.upper()})" if self.selection.method != "fixed" else ""),
            "",
            f"{'group':<24}{'observed':>10}{'estimate':>12}   {pct}% interval ({self.ci_method})",
        ]
        for r in self.rows:
            label = "total" if r.group == "total" else f"{r.group}={r.level}"
            lines.append(f"{label:<24}{r.observed:>10,}{r.estimate:>12,.0f}   {_fmt(r.ci_low)} to {_fmt(r.ci_high)}")
        return "\n".join(lines)


def _fmt(x: float) -> str:
    return f"{x:,.0f}" if math.isfinite(x) else "unbounded"


def estimate_covariates(
    table: CovariateTable,
    method: str = "bic",
    *,
    family: Family | None = None,
    model: CovariateModel | str | None = None,
    criterion: str | None = None,
    ci: str = "wald",
    level: float = 0.95,
    by: Sequence[str] | None = None,
    nboot: int = 200,
    seed: int | np.random.SeedSequence | None = None,
    bootstrap_kind: str = "parametric",
    reselect: bool = True,
    progress: Progress | None = None,
) -> CovariateEstimate:
    """Estimate per level of each covariate in ``by`` (default: all) and in total.

    ``ci``: ``"wald"`` (log dark figure, delta method), ``"profile"`` (profile likelihood),
    ``"bootstrap"`` (percentile; ``parametric`` Poisson draws from the fit or ``nonparametric``
    resampling of the people seen; the model is chosen again in every replicate when ``reselect``)
    or ``"none"``.
    """
    if not 0.0 < level < 1.0:
        raise EstimationError(f"The confidence level must be between 0 and 1, got {level}.")
    if ci not in {"wald", "profile", "bootstrap", "none"}:
        raise EstimationError(f"Unknown interval method {ci!r}; use wald, profile, bootstrap or none.")
    # Small dense matrices: one BLAS thread is several times faster than many competing ones.
    with threadpool_limits(limits=1, user_api="blas"):
        return _estimate_covariates(
            table,
            method,
            family,
            model,
            criterion,
            ci,
            level,
            by,
            nboot,
            seed,
            bootstrap_kind,
            reselect,
            progress,
        )


def _estimate_covariates(
    table: CovariateTable,
    method: str,
    family: Family | None,
    model: CovariateModel | str | None,
    criterion: str | None,
    ci: str,
    level: float,
    by: Sequence[str] | None,
    nboot: int,
    seed: int | np.random.SeedSequence | None,
    bootstrap_kind: str,
    reselect: bool,
    progress: Progress | None,
) -> CovariateEstimate:
    sel = _select_covariate_model(table, method.lower(), family, model, criterion, None)
    fit = sel.fit
    groups: list[tuple[str, str, np.ndarray]] = [("total", "", np.ones(table.n_strata, dtype=bool))]
    for cov in table.covariates if by is None else by:
        for lv, m in fit.groups(cov).items():
            groups.append((cov, lv, m))
    rows: list[GroupEstimate] = []
    reps: dict[str, np.ndarray] = {}
    boot = None
    if ci == "bootstrap":
        boot = _bootstrap(sel, groups, nboot, seed, bootstrap_kind, reselect, progress)
    for i, (g, lv, m) in enumerate(groups):
        obs, est, lo, hi = wald_group(fit, m, level)
        if ci == "profile":
            lo, hi = profile_group(fit, m, level)
        elif ci == "none":
            lo, hi = math.nan, math.nan
        elif boot is not None:
            col = boot[:, i]
            col = col[np.isfinite(col)]
            if col.size == 0:
                raise EstimationError("No bootstrap replicate could be estimated.")
            lo, hi = (float(v) for v in np.quantile(col, [0.5 - level / 2.0, 0.5 + level / 2.0]))
            reps[f"{g}={lv}" if lv else g] = boot[:, i]
        rows.append(GroupEstimate(g, lv, round(obs), est, lo, hi))
    label = "bootstrap-percentile" if ci == "bootstrap" else ci
    return CovariateEstimate(sel, label, level, tuple(rows), reps)


TOP_BOOTSTRAP = 20


def _best_of(table: CovariateTable, models: list[CovariateModel], criterion: str, y: np.ndarray) -> CovariateFit:
    best: CovariateFit | None = None
    for m in models:
        try:
            f = fit_covariate_model(table, m, y=y)
        except EstimationError:
            continue
        if best is None or f.criterion(criterion) < best.criterion(criterion):
            best = f
    if best is None:
        raise NotEstimableError("None of the candidate models can be fitted to this replicate.")
    return best


def _bootstrap(
    sel: CovariateSelection,
    groups: list[tuple[str, str, np.ndarray]],
    nboot: int,
    seed: int | np.random.SeedSequence | None,
    kind: str,
    reselect: bool,
    progress: Progress | None,
) -> np.ndarray:
    if nboot < 1:
        raise EstimationError("The bootstrap needs at least 1 replicate.")
    if kind not in {"parametric", "nonparametric"}:
        raise EstimationError("The bootstrap kind must be parametric or nonparametric.")
    fit = sel.fit
    table = fit.table
    d = design_for(table)
    rng = np.random.default_rng(seed)
    n = table.observed
    obs_idx = np.nonzero(d.observed)[0]
    p = d.y[obs_idx] / n
    mu_o = fit.mu[obs_idx]
    draws = np.zeros((nboot, d.n_cells))
    for b in range(nboot):
        draws[b, obs_idx] = rng.poisson(mu_o) if kind == "parametric" else rng.multinomial(n, p)
    out = np.full((nboot, len(groups)), np.nan)
    # An AIC/BIC re-selection chooses among the best TOP_BOOTSTRAP models of the original data (as
    # ``ntopmodels`` in MultipleSystemsEstimation); refitting the whole family per replicate would take
    # thousands of fits per replicate.
    candidates = [r.model for r in sel.ranking[:TOP_BOOTSTRAP]] if sel.method in {"aic", "bic"} else []
    for b in range(nboot):
        y = draws[b]
        try:
            if reselect and sel.method == "stepwise":
                f = _select_covariate_model(table, "stepwise", sel.family, None, sel.criterion, y).fit
            elif reselect and candidates:
                f = _best_of(table, candidates, sel.criterion, y)
            else:
                f = fit_covariate_model(table, fit.model, y=y, start=fit.beta)
        except EstimationError:
            continue
        for i, (_, _, m) in enumerate(groups):
            obs, dark, _ = f.group_estimate(m)
            out[b, i] = obs + dark
        if progress is not None:
            progress(b + 1, nboot)
    return out
