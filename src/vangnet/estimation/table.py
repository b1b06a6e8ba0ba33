"""Capture-history tables: the input of multiple systems estimation.

A table records, for every *capture history* (the set of lists a person appears on), how many
people have that history.  With ``k`` lists there are ``2**k - 1`` observable histories; the
all-zero history (people on no list: the *dark figure*) is never observed and is what we estimate.

Internally a history is a bit mask: list ``j`` (0-based, in column order) is bit ``j``.  The counts
are held in an integer vector of length ``2**k`` indexed by that mask, with ``counts[0] == 0``.
Histories missing from the input have count 0.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from vangnet.estimation.errors import TableError

MAX_LISTS = 15
MIN_LISTS = 2
_COUNT_NAMES = ("count", "counts", "freq", "frequency", "n")


@dataclass(frozen=True, eq=False)
class CaptureTable:
    """Counts of capture histories over ``k`` lists.

    Build one with :meth:`from_rows` or :func:`read_table`; both validate the input and raise
    :class:`~vangnet.estimation.errors.TableError` with a readable message when it is malformed.
    """

    lists: tuple[str, ...]
    counts: np.ndarray = field(repr=False)
    name: str = ""

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_rows(
        cls,
        histories: Sequence[Sequence[object]],
        counts: Sequence[object],
        lists: Sequence[str] | None = None,
        name: str = "",
        *,
        row_labels: Sequence[str] | None = None,
    ) -> CaptureTable:
        """Validate and build a table from one 0/1 history per row and its count.

        ``row_labels`` (e.g. "line 7") are used in error messages; by default rows are numbered
        from 1.
        """
        if len(histories) != len(counts):
            raise TableError(f"{len(histories)} capture histories but {len(counts)} counts were given.")
        if not histories:
            raise TableError("The table has no rows.")
        k = len(lists) if lists is not None else len(histories[0])
        if k < MIN_LISTS:
            raise TableError(
                f"Multiple systems estimation needs at least {MIN_LISTS} lists; the table has {k}."
            )
        if k > MAX_LISTS:
            raise TableError(
                f"The table has {k} lists; at most {MAX_LISTS} are supported "
                f"(2^{k} capture histories would be too many). Merge some small lists first."
            )
        names = tuple(str(x) for x in lists) if lists is not None else tuple(chr(65 + j) for j in range(k))
        if len(set(names)) != len(names):
            raise TableError(f"List names must be unique; got {', '.join(names)}.")
        labels = (
            list(row_labels) if row_labels is not None else [f"row {i + 1}" for i in range(len(histories))]
        )
        full = np.zeros(1 << k, dtype=np.int64)
        seen: dict[int, str] = {}
        for hist, cnt, label in zip(histories, counts, labels, strict=True):
            if len(hist) != k:
                raise TableError(f"{label}: expected {k} list columns, found {len(hist)}.")
            mask = 0
            for j, value in enumerate(hist):
                bit = _parse_bit(value)
                if bit is None:
                    raise TableError(
                        f"{label}: list column {names[j]!r} must be 0 or 1, found {_show(value)}."
                    )
                mask |= bit << j
            if mask == 0:
                raise TableError(
                    f"{label}: the all-zero capture history (on no list) cannot be observed; "
                    "remove that row, it is what the estimate is for."
                )
            if mask in seen:
                raise TableError(
                    f"{label}: capture history {_history(mask, k)} appears twice "
                    f"(also in {seen[mask]}); give each history once."
                )
            seen[mask] = label
            full[mask] = _parse_count(cnt, label)
        if full.sum() == 0:
            raise TableError("All counts are zero: nobody was observed, so nothing can be estimated.")
        return cls(lists=names, counts=full, name=name)

    @classmethod
    def from_counts(
        cls, counts: Sequence[int] | np.ndarray, lists: Sequence[str], name: str = ""
    ) -> CaptureTable:
        """Build a table from a full count vector indexed by history bit mask (entry 0 is ignored)."""
        k = len(lists)
        arr = np.asarray(counts)
        if arr.shape != (1 << k,):
            raise TableError(f"A count vector for {k} lists must have length {1 << k}, got {arr.shape}.")
        histories = [[(c >> j) & 1 for j in range(k)] for c in range(1, 1 << k)]
        return cls.from_rows(histories, [arr[c] for c in range(1, 1 << k)], lists, name)

    # ------------------------------------------------------------------ properties
    @property
    def n_lists(self) -> int:
        """Number of lists ``k``."""
        return len(self.lists)

    @property
    def observed(self) -> int:
        """Number of distinct people observed on at least one list."""
        return int(self.counts.sum())

    def list_totals(self) -> dict[str, int]:
        """Number of people on each list."""
        k = self.n_lists
        cells = np.arange(1 << k)
        return {name: int(self.counts[(cells >> j) & 1 == 1].sum()) for j, name in enumerate(self.lists)}

    def overlap(self, i: int, j: int) -> int:
        """Number of people on both list ``i`` and list ``j`` (0-based), whatever their other lists."""
        cells = np.arange(1 << self.n_lists)
        mask = (1 << i) | (1 << j)
        return int(self.counts[(cells & mask) == mask].sum())

    def non_overlapping_pairs(self) -> list[tuple[int, int]]:
        """Pairs of lists (0-based) that no observed person is on together."""
        k = self.n_lists
        return [(i, j) for i in range(k) for j in range(i + 1, k) if self.overlap(i, j) == 0]

    def history(self, cell: int) -> str:
        """A history as a 0/1 string in column order, e.g. ``"10100"``."""
        return _history(cell, self.n_lists)

    def rows(self) -> list[tuple[str, int]]:
        """The observed (non-zero) histories with their counts."""
        return [
            (self.history(c), int(self.counts[c])) for c in range(1, 1 << self.n_lists) if self.counts[c] > 0
        ]

    def with_counts(self, counts: np.ndarray) -> CaptureTable:
        """A copy with another full count vector (same lists)."""
        arr = np.asarray(counts, dtype=np.int64).copy()
        arr[0] = 0
        return CaptureTable(self.lists, arr, self.name)


# ---------------------------------------------------------------------- CSV input
def read_table(path: str | Path, *, count_column: str | None = None) -> CaptureTable:
    """Read a capture-history CSV: one 0/1 column per list and a count column.

    The count column is ``count_column`` if given, else a column called ``count`` (or ``freq``,
    ``frequency``, ``n``), else the last column.  Use :func:`read_stratified_table` for a table
    with a stratum column.
    """
    header, body = read_csv_rows(path)
    return _table_from_csv(header, body, Path(path).name, count_column, exclude=())


def read_stratified_table(
    path: str | Path, stratum: str, *, count_column: str | None = None
) -> dict[str, CaptureTable]:
    """Read a CSV with an extra stratum column and return one table per stratum value (in order of first
    appearance)."""
    header, body = read_csv_rows(path)
    if stratum not in header:
        raise TableError(
            f"The stratum column {stratum!r} is not in the table (columns: {', '.join(header)})."
        )
    s_idx = header.index(stratum)
    groups: dict[str, list[tuple[int, list[str]]]] = {}
    for line_no, row in body:
        groups.setdefault(row[s_idx].strip(), []).append((line_no, row))
    if not groups:
        raise TableError("The table has no rows.")
    out: dict[str, CaptureTable] = {}
    for value, rows in groups.items():
        if value == "":
            raise TableError(f"line {rows[0][0]}: the stratum column {stratum!r} is empty.")
        out[value] = _table_from_csv(
            header, rows, f"{Path(path).name} [{stratum}={value}]", count_column, (stratum,)
        )
    return out


def tables_from_mapping(tables: Mapping[str, CaptureTable]) -> dict[str, CaptureTable]:
    """Check that stratum tables share their lists; return them as a plain dict."""
    items = dict(tables)
    if not items:
        raise TableError("No strata were given.")
    first = next(iter(items.values()))
    for key, tab in items.items():
        if tab.lists != first.lists:
            raise TableError(
                f"Stratum {key!r} has lists {tab.lists}, but the first stratum has {first.lists}."
            )
    return items


def read_csv_rows(path: str | Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the non-empty rows (with their line numbers) of a table file; every row as wide as the header."""
    p = Path(path)
    try:
        with p.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(fh)
            rows = [(i + 1, row) for i, row in enumerate(reader)]
    except FileNotFoundError:
        raise TableError(f"File not found: {p}") from None
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise TableError(f"Cannot read {p}: {exc}") from None
    rows = [(n, r) for n, r in rows if any(cell.strip() for cell in r)]
    if not rows:
        raise TableError(f"{p.name} is empty.")
    header = [h.strip() for h in rows[0][1]]
    body = rows[1:]
    for line_no, row in body:
        if len(row) != len(header):
            raise TableError(f"line {line_no}: {len(row)} fields, but the header has {len(header)}.")
    return header, body


def _table_from_csv(
    header: list[str],
    body: Iterable[tuple[int, list[str]]],
    name: str,
    count_column: str | None,
    exclude: tuple[str, ...],
) -> CaptureTable:
    cols = [h for h in header if h not in exclude]
    if count_column is not None:
        if count_column not in cols:
            raise TableError(f"The count column {count_column!r} is not in the table.")
        ccol = count_column
    else:
        lower = {h.lower(): h for h in cols}
        ccol = next((lower[c] for c in _COUNT_NAMES if c in lower), cols[-1])
    list_cols = [h for h in cols if h != ccol]
    idx = {h: header.index(h) for h in cols}
    histories: list[list[str]] = []
    counts: list[str] = []
    labels: list[str] = []
    for line_no, row in body:
        histories.append([row[idx[h]] for h in list_cols])
        counts.append(row[idx[ccol]])
        labels.append(f"line {line_no}")
    return CaptureTable.from_rows(histories, counts, list_cols, name, row_labels=labels)


# ---------------------------------------------------------------------- helpers
def _history(mask: int, k: int) -> str:
    return "".join("1" if (mask >> j) & 1 else "0" for j in range(k))


def _show(value: object) -> str:
    return repr(value.strip()) if isinstance(value, str) else repr(value)


def _parse_bit(value: object) -> int | None:
    try:
        number = float(value.strip()) if isinstance(value, str) else float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    if number == 0.0:
        return 0
    if number == 1.0:
        return 1
    return None


def _parse_count(value: object, label: str) -> int:
    try:
        number = float(value.strip()) if isinstance(value, str) else float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise TableError(f"{label}: the count must be a whole number, found {_show(value)}.") from None
    if not math.isfinite(number):
        raise TableError(f"{label}: the count must be a whole number, found {_show(value)}.")
    if number < 0:
        raise TableError(f"{label}: the count cannot be negative, found {_show(value)}.")
    if number != math.floor(number):
        raise TableError(f"{label}: the count must be a whole number of people, found {_show(value)}.")
    return int(number)
