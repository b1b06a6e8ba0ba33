"""k-anonymity for open data: generalise first, suppress last (pure Python, no Django).

A release is *k-anonymous* on its quasi-identifiers when every combination of their values, exactly as
written in the file (an empty, suppressed value included), occurs at least ``k`` times.

The method (docs/statistics.md, "Open data"):

1. **Global generalisation.** Each quasi-identifier has a hierarchy of levels (level 0 is the value as
   held; higher levels are coarser, e.g. a country, then a continent group, then "EU/EEA or not"). Every
   combination of levels is tried; a combination is *acceptable* when the records that would still sit
   in a group smaller than ``k`` are at most ``max_suppression`` of all records. Of the acceptable
   combinations the one with the least loss (the sum of each level divided by its hierarchy's height) is
   chosen, ties broken by fewer records left to suppress, then by the order of the quasi-identifiers.
2. **Local suppression.** The records still in a group smaller than ``k`` lose values one
   quasi-identifier at a time, in the given suppression order (the most identifying first), until they
   sit in a group of at least ``k``. Last, all their quasi-identifiers are empty.
3. **The empty group.** If the group with every quasi-identifier empty holds fewer than ``k`` records,
   records from the largest groups (which stay at ``k`` or more) are emptied too; if the whole release has
   fewer than ``k`` records, nothing can be released and no record is returned.

The report says which level each quasi-identifier was generalised to and how many values were suppressed.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

Record = dict[str, str]
EMPTY = ""


@dataclass(frozen=True)
class Hierarchy:
    """The generalisation levels of one quasi-identifier. ``levels[0]`` must be the identity."""

    column: str
    levels: tuple[Callable[[str], str], ...]
    level_names: tuple[str, ...] = ()

    @property
    def height(self) -> int:
        return len(self.levels) - 1

    def generalise(self, value: str, level: int) -> str:
        if value == EMPTY:
            return EMPTY
        return self.levels[level](value)

    def level_name(self, level: int) -> str:
        return self.level_names[level] if level < len(self.level_names) else f"level {level}"


@dataclass
class Report:
    k: int
    records: int
    levels: dict[str, int]
    level_names: dict[str, str]
    suppressed_values: dict[str, int] = field(default_factory=dict)
    fully_suppressed_records: int = 0
    withheld_records: int = 0
    smallest_group: int = 0

    def lines(self) -> list[str]:
        out = [f"k = {self.k}; {self.records} records in, {self.records - self.withheld_records} released"]
        for column, level in self.levels.items():
            out.append(f"{column}: generalised to level {level} ({self.level_names[column]}); "
                       f"{self.suppressed_values.get(column, 0)} values suppressed")
        out.append(f"records with every quasi-identifier suppressed: {self.fully_suppressed_records}")
        if self.withheld_records:
            out.append(f"records withheld (fewer than k in the whole release): {self.withheld_records}")
        out.append(f"smallest group: {self.smallest_group}")
        return out


def group_sizes(records: Sequence[Mapping[str, str]], columns: Sequence[str]) -> Counter[tuple[str, ...]]:
    return Counter(tuple(r[c] for c in columns) for r in records)


def is_k_anonymous(records: Sequence[Mapping[str, str]], columns: Sequence[str], k: int) -> bool:
    return all(n >= k for n in group_sizes(records, columns).values())


def _generalised(records: Sequence[Record], hierarchies: Sequence[Hierarchy], levels: Sequence[int]) -> list[Record]:
    out = []
    for record in records:
        new = dict(record)
        for h, level in zip(hierarchies, levels, strict=True):
            new[h.column] = h.generalise(record[h.column], level)
        out.append(new)
    return out


def _violations(records: Sequence[Record], columns: Sequence[str], k: int) -> int:
    sizes = group_sizes(records, columns)
    return sum(n for n in sizes.values() if n < k)


def choose_levels(records: Sequence[Record], hierarchies: Sequence[Hierarchy], k: int,
                  max_suppression: float) -> tuple[int, ...]:
    columns = [h.column for h in hierarchies]
    allowed = max_suppression * len(records)
    best: tuple[tuple[float, int, tuple[int, ...]], tuple[int, ...]] | None = None
    for levels in itertools.product(*(range(h.height + 1) for h in hierarchies)):
        left = _violations(_generalised(records, hierarchies, levels), columns, k)
        if left > allowed:
            continue
        loss = sum(level / h.height for h, level in zip(hierarchies, levels, strict=True) if h.height)
        key = (loss, left, levels)
        if best is None or key < best[0]:
            best = (key, levels)
    if best is None:  # nothing acceptable: the coarsest levels, suppression does the rest
        return tuple(h.height for h in hierarchies)
    return best[1]


def _fill_empty_group(out: list[Record], columns: Sequence[str], k: int, have: int) -> None:
    """Empty more records until the all-empty group holds ``k``: single records from groups larger than ``k``
    first (they stay at ``k`` or more), then whole groups, smallest first."""
    sizes = group_sizes(out, columns)
    empty_key = tuple(EMPTY for _ in columns)
    by_size = sorted((r for r in out if tuple(r[c] for c in columns) != empty_key),
                     key=lambda r: -sizes[tuple(r[c] for c in columns)])
    for r in by_size:
        if have >= k:
            return
        key = tuple(r[c] for c in columns)
        if sizes[key] > k:
            sizes[key] -= 1
            for c in columns:
                r[c] = EMPTY
            have += 1
    for key, _size in sorted(sizes.items(), key=lambda item: item[1]):
        if have >= k:
            return
        if key == empty_key:
            continue
        for r in out:
            if tuple(r[c] for c in columns) == key:
                for c in columns:
                    r[c] = EMPTY
                have += 1


def anonymise(records: Sequence[Mapping[str, str]], hierarchies: Sequence[Hierarchy], k: int, *,
              suppression_order: Sequence[str] | None = None,
              max_suppression: float = 0.05) -> tuple[list[Record], Report]:
    """Return a k-anonymous copy of ``records`` (other columns untouched) and a report of what was done."""
    if k < 1:
        raise ValueError("k must be at least 1")
    columns = [h.column for h in hierarchies]
    order = list(suppression_order or columns)
    if sorted(order) != sorted(columns):
        raise ValueError("the suppression order must name every quasi-identifier once")
    rows: list[Record] = [{key: ("" if value is None else str(value)) for key, value in r.items()} for r in records]
    levels = choose_levels(rows, hierarchies, k, max_suppression)
    out = _generalised(rows, hierarchies, levels)
    report = Report(k=k, records=len(out), levels={h.column: lv for h, lv in zip(hierarchies, levels, strict=True)},
                    level_names={h.column: h.level_name(lv) for h, lv in zip(hierarchies, levels, strict=True)})
    already_empty = {c: sum(1 for r in out if r[c] == EMPTY) for c in columns}

    for column in order:
        sizes = group_sizes(out, columns)
        small = [r for r in out if sizes[tuple(r[c] for c in columns)] < k]
        if not small:
            break
        for r in small:
            r[column] = EMPTY

    # the group with every quasi-identifier empty must itself hold k records
    def empty_group() -> list[Record]:
        return [r for r in out if all(r[c] == EMPTY for c in columns)]

    emptied = empty_group()
    if 0 < len(emptied) < k:
        if len(out) < k:
            report.withheld_records = len(out)
            out = []
        else:
            _fill_empty_group(out, columns, k, len(emptied))

    for c in columns:
        report.suppressed_values[c] = sum(1 for r in out if r[c] == EMPTY) - min(already_empty[c], len(out))
    report.fully_suppressed_records = len(empty_group()) if out else 0
    report.smallest_group = min(group_sizes(out, columns).values()) if out else 0
    return out, report
