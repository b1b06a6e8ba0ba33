"""Small-cell suppression of published tables (pure Python, no Django).

Rules (docs/statistics.md):

1. **Primary**: every cell with a value from 1 to 4 is published as ``<5``. Zero is published as 0.
2. **Secondary**: a total must not give away a suppressed cell. A *line* is a row together with its row
   total, or a column together with its column total (the table's margins). Whenever a line holds exactly
   one suppressed cell, the smallest non-zero published cell of that line (an inner cell first, the
   total only when no inner cell qualifies) is suppressed too and published as ``x``. This repeats until
   every line holds zero or at least two suppressed cells.

Lines are only formed where the table has a total (``total_row`` / ``total_col``). Person counts are not
strictly additive (a person can fall in two categories), so treating the totals as sums is cautious.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

THRESHOLD = 5
PRIMARY = "primary"
SECONDARY = "secondary"


@dataclass
class Cell:
    value: int
    status: str = ""  # "", PRIMARY or SECONDARY

    @property
    def suppressed(self) -> bool:
        return bool(self.status)

    @property
    def display(self) -> str:
        """The published value: the number, ``<5`` (small cell) or ``x`` (hidden to protect a small cell)."""
        if self.status == PRIMARY:
            return f"<{THRESHOLD}"
        if self.status == SECONDARY:
            return "x"
        return str(self.value)

    @property
    def published(self) -> int | None:
        return None if self.status else self.value


def is_small(value: int) -> bool:
    return 0 < value < THRESHOLD


def suppress(grid: Sequence[Sequence[int]], *, total_row: bool = False, total_col: bool = False) -> list[list[Cell]]:
    """Apply primary and secondary suppression to ``grid`` (rows of equal length).

    With ``total_col`` the last column holds the row totals; with ``total_row`` the last row holds the
    column totals (and, with both, the grand total in its corner).
    """
    cells = [[Cell(int(v), PRIMARY if is_small(int(v)) else "") for v in row] for row in grid]
    if not cells or not cells[0]:
        return cells
    n_rows, n_cols = len(cells), len(cells[0])
    lines: list[list[Cell]] = []
    if total_col:
        lines += [row for row in cells]
    if total_row:
        lines += [[cells[r][c] for r in range(n_rows)] for c in range(n_cols)]
    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(1 for cell in line if cell.suppressed) != 1:
                continue
            inner, margin = line[:-1], line[-1]
            candidates = [c for c in inner if not c.suppressed and c.value > 0]
            if not candidates and not margin.suppressed and margin.value > 0:
                candidates = [margin]
            if candidates:
                min(candidates, key=lambda c: c.value).status = SECONDARY
                changed = True
    return cells
