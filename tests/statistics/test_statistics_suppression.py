"""Small-cell suppression: primary (1 to 4 shown as <5) and secondary (no line with exactly one hidden cell)."""

from __future__ import annotations

import random

import pytest

from vangnet.statistics.suppression import PRIMARY, SECONDARY, suppress


def shown(cells):
    return [[c.display for c in row] for row in cells]


def test_primary_suppression_hides_one_to_four_and_keeps_zero():
    assert shown(suppress([[0, 1, 4, 5, 120]])) == [["0", "<5", "<5", "5", "120"]]


def test_a_row_with_one_small_cell_loses_its_smallest_other_cell_too():
    cells = suppress([[3, 10, 20, 33]], total_col=True)
    assert shown(cells) == [["<5", "x", "20", "33"]]
    assert [c.status for c in cells[0]] == [PRIMARY, SECONDARY, "", ""]


def test_two_small_cells_in_a_row_need_no_secondary_suppression():
    assert shown(suppress([[3, 2, 20, 25]], total_col=True)) == [["<5", "<5", "20", "25"]]


def test_the_total_is_hidden_when_no_other_cell_can_protect_the_row():
    # row 2's only non-zero inner cell is hidden for its column; its row total would give it away
    cells = suppress([[2, 5, 9, 16], [0, 6, 0, 6], [2, 11, 9, 22]], total_row=True, total_col=True)
    assert cells[1][1].status == SECONDARY
    assert cells[1][3].status == SECONDARY


def _lines(cells):
    rows = [list(r) for r in cells]
    cols = [[r[c] for r in cells] for c in range(len(cells[0]))]
    return rows + cols


@pytest.mark.parametrize("seed", range(200))
def test_no_suppressed_cell_can_be_recovered_from_a_total(seed):
    rng = random.Random(seed)
    n_rows, n_cols = rng.randint(1, 6), rng.randint(1, 6)
    inner = [[rng.choice([0, 0, 1, 2, 3, 4, 5, 7, 12, 40]) for _ in range(n_cols)] for _ in range(n_rows)]
    grid = [[*row, sum(row)] for row in inner]
    grid.append([sum(col) for col in zip(*grid, strict=True)])
    cells = suppress(grid, total_row=True, total_col=True)
    for line in _lines(cells):
        assert sum(c.suppressed for c in line) != 1
    for row, values in zip(cells, grid, strict=True):
        for cell, value in zip(row, values, strict=True):
            assert cell.value == value
            assert (cell.status == PRIMARY) == (1 <= value <= 4)
            assert cell.display == ("<5" if cell.status == PRIMARY else "x" if cell.status else str(value))
