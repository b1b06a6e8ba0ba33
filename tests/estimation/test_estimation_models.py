"""Model notation, hierarchical closure and the enumeration of hierarchical models."""

from __future__ import annotations

from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vangnet.estimation import Model, ModelError, enumerate_models, parse_model


def test_sparsemse_notation():
    m = parse_model("[12,13,24]", 4)
    assert m.interaction_labels() == ["1:2", "1:3", "2:4"]
    assert m.spec == "[12,13,24]"
    assert m.n_params == 1 + 4 + 3


def test_hierarchical_closure_of_a_three_way_term():
    m = parse_model("[123,25,34]", 5)
    assert m.interaction_labels() == ["1:2", "1:3", "2:3", "2:5", "3:4", "1:2:3"]
    assert m.spec == "[123,25,34]"
    assert m.max_order == 3


def test_singletons_and_uncovered_main_effects():
    m = parse_model("[45,1,2,3,6,7,8]", 8)
    assert m.interaction_labels() == ["4:5"]
    assert m.spec == "[45,1,2,3,6,7,8]"
    assert parse_model("[]", 3) == Model.main_effects(3)
    assert parse_model("main", 3).spec == "[1,2,3]"


def test_colon_and_name_forms():
    names = ["LA", "NG", "PF", "GO"]
    assert parse_model("1:2, 2:4", 4) == parse_model("[12,24]", 4)
    assert parse_model("LA:NG,ng:go", 4, names) == parse_model("[12,24]", 4)
    assert parse_model("[12,24]", 4).interaction_labels(names) == ["LA:NG", "NG:GO"]


@pytest.mark.parametrize(
    ("spec", "k", "fragment"),
    [
        ("[16]", 5, "not between 1 and 5"),
        ("[1:0]", 5, "not between 1 and 5"),
        ("[11]", 5, "same list twice"),
        ("[XY:NG]", 4, "unknown list"),
        ("[13]", 12, "not between 1 and 12"),
    ],
)
def test_bad_specs(spec, k, fragment):
    names = ["LA", "NG", "PF", "GO"] if k == 4 else None
    with pytest.raises(ModelError, match=fragment):
        parse_model(spec, k, names)


def test_more_than_nine_lists_use_colons():
    assert parse_model("[12]", 12) == Model.main_effects(12)  # a plain number is one list
    m = parse_model("[1:12, 3:4:5]", 12)
    assert m.spec == "[1:12,3:4:5,2,6,7,8,9,10,11]"
    assert parse_model(m.spec, 12) == m


@st.composite
def models(draw):
    k = draw(st.integers(2, 7))
    n_terms = draw(st.integers(0, 5))
    gens = [draw(st.sets(st.integers(0, k - 1), min_size=1, max_size=k)) for _ in range(n_terms)]
    return Model.from_lists(k, gens)


@given(models())
@settings(max_examples=150, deadline=None)
def test_spec_round_trip_and_closure(m):
    again = parse_model(m.spec, m.n_lists)
    assert again == m
    inter = set(m.interactions)
    for t in inter:  # hierarchical: every sub-interaction is present
        members = [j for j in range(m.n_lists) if t >> j & 1]
        for r in range(2, len(members)):
            for sub in combinations(members, r):
                assert sum(1 << j for j in sub) in inter


def _brute_force_hierarchical(k: int, max_order: int) -> set[tuple[int, ...]]:
    """All downward-closed sets of interaction terms (order 2..max_order, not the all-lists term)."""
    full = (1 << k) - 1
    terms = [t for t in range(1, 1 << k) if 2 <= bin(t).count("1") <= max_order and t != full]
    out = set()
    for mask in range(1 << len(terms)):
        chosen = {terms[i] for i in range(len(terms)) if mask >> i & 1}
        closed = all(
            (t & ~(1 << j)) in chosen
            for t in chosen
            for j in range(k)
            if t >> j & 1 and bin(t).count("1") > 2
        )
        if closed:
            out.add(
                tuple(sorted(chosen, key=lambda t: (bin(t).count("1"), [j for j in range(k) if t >> j & 1])))
            )
    return out


@pytest.mark.parametrize(("k", "max_order"), [(3, 2), (3, 3), (4, 2), (4, 3)])
def test_enumeration_matches_brute_force(k, max_order):
    fast = enumerate_models(k, max_order)
    assert len(fast) == len(set(fast))
    assert set(fast) == _brute_force_hierarchical(k, max_order)


def test_enumeration_counts_and_restriction():
    assert len(enumerate_models(5, 2)) == 2**10
    assert len(enumerate_models(6, 2)) == 2**15
    allowed = {0b11, 0b101, 0b110}  # 1:2, 1:3, 2:3 only
    got = enumerate_models(4, 3, allowed)
    assert len(got) == 8  # all subsets of three pairs; 1:2:3 is not allowed
    with pytest.raises(ModelError, match="More than"):
        enumerate_models(6, 3, limit=50_000)
