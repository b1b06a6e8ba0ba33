"""Input tables: reading the reference data and rejecting malformed tables with clear errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from vangnet.estimation import CaptureTable, TableError, read_stratified_table, read_table

# number observed and non-overlapping pairs, as stated in shared/data/mse/README.md
README_FACTS = {
    "UKdat": (2744, ["LA:GP", "LA:NCA"]),
    "UKdat_5": (2744, ["LA:GP"]),
    "UKdat_4": (2428, None),
    "Ned": (8234, ["I:K", "K:R"]),
    "Ned_5": (8234, ["K:R"]),
    "NewOrl": (186, 18),
    "SparseMSE_NewOrl": (185, 18),
    "NewOrl_5": (186, ["A:H", "C:H", "D:H"]),
    "SparseMSE_NewOrl_5": (185, None),
    "Western": (345, ["A:B", "B:E"]),
    "Korea": (123, []),
    "Kosovo": (4400, []),
    "Artificial_3": (96, ["A:C", "B:C"]),
    "Rcapture_HIV": (1896, None),
    "Rcapture_lesbian": (2185, None),
}


@pytest.mark.parametrize("name", sorted(README_FACTS))
def test_reference_tables_read_with_documented_totals_and_gaps(load, name):
    table = load(name)
    n_obs, pairs = README_FACTS[name]
    assert table.observed == n_obs
    found = [f"{table.lists[i]}:{table.lists[j]}" for i, j in table.non_overlapping_pairs()]
    if isinstance(pairs, int):
        assert len(found) == pairs
    elif pairs is not None:
        assert found == pairs


def test_sparse_and_full_new_orleans_differ_in_one_cell(load):
    a, b = load("NewOrl"), load("SparseMSE_NewOrl")
    diff = np.nonzero(a.counts != b.counts)[0]
    assert len(diff) == 1
    assert a.history(int(diff[0])) == "00110000"  # C & D only: 2 in MSE, 1 in SparseMSE
    assert (a.counts[diff[0]], b.counts[diff[0]]) == (2, 1)


def test_explicit_zero_rows_are_allowed(load):
    hiv = load("Rcapture_HIV")
    assert hiv.counts[0b1111] == 0
    assert hiv.n_lists == 4


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "t.csv"
    p.write_text(text, encoding="utf-8")
    return p


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("A,B,count\n1,0,5\n0,2,3\n", "must be 0 or 1"),
        ("A,B,count\n1,0,5\n0,x,3\n", "must be 0 or 1"),
        ("A,B,count\n1,0,-1\n0,1,3\n", "cannot be negative"),
        ("A,B,count\n1,0,2.5\n0,1,3\n", "whole number"),
        ("A,B,count\n1,0,abc\n0,1,3\n", "whole number"),
        ("A,count\n1,5\n", "at least 2 lists"),
        ("A,B,count\n0,0,5\n0,1,3\n", "all-zero capture history"),
        ("A,B,count\n1,0,5\n1,0,3\n", "appears twice"),
        ("A,B,count\n1,0,0\n0,1,0\n", "nobody was observed"),
        ("A,B,count\n1,0,5\n0,1\n", "fields"),
        ("", "empty"),
    ],
)
def test_bad_tables_raise_readable_errors(tmp_path, text, fragment):
    with pytest.raises(TableError) as err:
        read_table(_write(tmp_path, text))
    assert fragment in str(err.value)


def test_error_names_the_line(tmp_path):
    with pytest.raises(TableError, match=r"line 3"):
        read_table(_write(tmp_path, "A,B,count\n1,0,5\n0,1,-3\n"))


def test_more_than_fifteen_lists_rejected():
    k = 16
    with pytest.raises(TableError, match="at most 15"):
        CaptureTable.from_rows([[1] + [0] * (k - 1)], [3], [f"L{j}" for j in range(k)])


def test_fifteen_lists_accepted():
    k = 15
    t = CaptureTable.from_rows(
        [[1] + [0] * (k - 1), [0, 1] + [0] * (k - 2)], [3, 4], [f"L{j}" for j in range(k)]
    )
    assert t.observed == 7
    assert t.counts.size == 1 << 15


def test_missing_file_is_a_table_error(tmp_path):
    with pytest.raises(TableError, match="not found"):
        read_table(tmp_path / "nope.csv")


def test_integral_float_counts_and_count_column_detection(tmp_path):
    t = read_table(_write(tmp_path, "count,A,B\n5.0,1,0\n3,0,1\n2,1,1\n"))
    assert t.lists == ("A", "B")
    assert t.observed == 10
    assert t.overlap(0, 1) == 2


def test_stratified_table(tmp_path):
    p = _write(
        tmp_path, "A,B,year,count\n1,0,2020,5\n0,1,2020,3\n1,1,2020,2\n1,0,2021,4\n0,1,2021,6\n1,1,2021,1\n"
    )
    strata = read_stratified_table(p, "year")
    assert list(strata) == ["2020", "2021"]
    assert strata["2021"].observed == 11
    assert strata["2020"].lists == ("A", "B")
    with pytest.raises(TableError, match="stratum column"):
        read_stratified_table(p, "region")


def test_from_counts_round_trip(load):
    t = load("Western")
    again = CaptureTable.from_counts(t.counts, t.lists)
    assert np.array_equal(again.counts, t.counts)
    assert again.rows() == t.rows()
