"""Dice on bit-packed filters against a naive set-based implementation."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vangnet.linkage.similarity import dice, dice_all_pairs, dice_pairs, pack_filters, popcount_rows


def naive_dice(a: bytes, b: bytes) -> float:
    sa = {i for i in range(len(a) * 8) if a[i // 8] >> (i % 8) & 1}
    sb = {i for i in range(len(b) * 8) if b[i // 8] >> (i % 8) & 1}
    return 0.0 if not sa and not sb else 2 * len(sa & sb) / (len(sa) + len(sb))


filters = st.integers(min_value=1, max_value=8).flatmap(
    lambda words: st.lists(st.binary(min_size=8 * words, max_size=8 * words), min_size=2, max_size=6)
)


@settings(max_examples=150, deadline=None)
@given(filters)
def test_dice_matches_naive(values: list[bytes]) -> None:
    packed = pack_filters(values)
    n = len(values)
    i, j = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    i, j = i.ravel(), j.ravel()
    vectorised = dice_pairs(packed, packed, i, j)
    scores, li, ri = dice_all_pairs(packed, packed, block_rows=2)
    for p, (a, b) in enumerate(zip(i.tolist(), j.tolist(), strict=True)):
        expected = naive_dice(values[a], values[b])
        assert abs(dice(values[a], values[b]) - expected) < 1e-12
        assert abs(float(vectorised[p]) - expected) < 1e-6
    assert len(scores) == n * n
    for s, a, b in zip(scores.tolist(), li.tolist(), ri.tolist(), strict=True):
        assert abs(s - naive_dice(values[a], values[b])) < 1e-6


@settings(max_examples=100, deadline=None)
@given(st.lists(st.binary(min_size=32, max_size=32), min_size=1, max_size=10))
def test_popcount_lookup_table_equals_bitwise_count(values: list[bytes]) -> None:
    packed = pack_filters(values)
    expected = [sum(bin(x).count("1") for x in v) for v in values]
    assert popcount_rows(packed).tolist() == expected
    assert popcount_rows(packed, use_table=True).tolist() == expected


def test_threshold_filtering_and_missing_filters() -> None:
    packed = pack_filters([b"\xff" * 8, None, b"\x7f" + b"\xff" * 7, b"\x01" + b"\x00" * 7])
    _, li, ri = dice_all_pairs(packed, packed, threshold=0.5)
    pairs = set(zip(li.tolist(), ri.tolist(), strict=True))
    assert (0, 0) in pairs and (0, 2) in pairs and (1, 1) not in pairs and (0, 3) not in pairs
    assert dice(b"\x00" * 8, b"\x00" * 8) == 0.0


def test_all_pairs_lookup_table_path(monkeypatch: pytest.MonkeyPatch) -> None:
    from vangnet.linkage import kernel, similarity

    rng = np.random.default_rng(3)
    words = rng.integers(0, 2**63, (17, 4)).astype(np.uint64)
    with kernel.use("numpy"):
        fast = dice_all_pairs(words, words, threshold=0.3)
        monkeypatch.setattr(similarity, "HAS_BITWISE_COUNT", False)
        slow = dice_all_pairs(words, words, threshold=0.3)
    assert np.allclose(fast[0], slow[0]) and (fast[1] == slow[1]).all() and (fast[2] == slow[2]).all()
    with pytest.raises(ValueError):
        dice_all_pairs(words, words[:, :2])
