"""The compiled (numba) Dice kernel against the numpy reference, and the backend choice."""

from __future__ import annotations

import platform
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vangnet.linkage import kernel
from vangnet.linkage.similarity import (
    and_popcount,
    and_popcount_pairs,
    dice,
    dice_all_pairs,
    dice_pairs,
    pack_filters,
    popcount_rows,
)

numba = pytest.importorskip("numba")


def both(fn: Callable[[], Any]) -> tuple[Any, Any]:
    """``fn()`` on the compiled kernel and on the numpy reference."""
    with kernel.use("numba"):
        fast = fn()
    with kernel.use("numpy"):
        reference = fn()
    return fast, reference


def assert_same(fast: Any, reference: Any) -> None:
    if isinstance(fast, tuple):
        assert len(fast) == len(reference)
        for a, b in zip(fast, reference, strict=True):
            assert_same(a, b)
        return
    assert fast.dtype == reference.dtype
    assert fast.shape == reference.shape
    assert np.array_equal(fast, reference)


def random_filters(seed: int, rows: int, words: int, fill: float) -> np.ndarray:
    rng = np.random.default_rng(seed)
    bits = rng.random((rows, words * 64)) < fill
    return np.packbits(bits, axis=1, bitorder="little").view("<u8").astype(np.uint64).reshape(rows, words)


@settings(max_examples=120, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n_left=st.integers(0, 40),
    n_right=st.integers(0, 90),
    words=st.sampled_from([1, 2, 3, 16]),
    fill=st.sampled_from([0.0, 0.02, 0.25, 0.5, 1.0]),
    threshold=st.one_of(st.sampled_from([0.0, 0.5, 0.8, 1.0]), st.floats(0.0, 1.0)),
    threads=st.sampled_from([1, 2]),
)
def test_compiled_kernel_equals_numpy_reference(
    seed: int, n_left: int, n_right: int, words: int, fill: float, threshold: float, threads: int
) -> None:
    left = random_filters(seed, n_left, words, fill)
    right = random_filters(seed + 1, n_right, words, fill)
    if n_left and n_right:
        # Near copies, so that high thresholds keep some pairs.
        k = min(n_left, n_right) // 2
        right[:k] = left[:k] ^ random_filters(seed + 2, k, words, 0.01)
    fast, ref = both(lambda: dice_all_pairs(left, right, threshold=threshold, threads=threads))
    assert_same(fast, ref)
    rng = np.random.default_rng(seed)
    if n_left and n_right:
        i = rng.integers(0, n_left, 50)
        j = rng.integers(0, n_right, 50)
    else:
        i = j = np.zeros(0, dtype=np.intp)
    assert_same(*both(lambda: dice_pairs(left, right, i, j)))
    assert_same(*both(lambda: and_popcount_pairs(left, right, i, j)))
    m = min(n_left, n_right)
    assert_same(*both(lambda: and_popcount(left[:m], right[:m])))


def test_exact_small_cases_64_bit() -> None:
    a = (0b1111).to_bytes(8, "little")
    b = (0b0011).to_bytes(8, "little")
    c = (0b1111 << 60).to_bytes(8, "little")
    packed = pack_filters([a, b, c])
    with kernel.use("numba"):
        assert and_popcount(packed, packed[[1, 2, 0]]).tolist() == [2, 0, 0]
        scores = dice_pairs(packed, packed, np.array([0, 0, 1, 2]), np.array([1, 2, 1, 2]))
        assert scores.tolist() == pytest.approx([4 / 6, 0.0, 1.0, 1.0])
        s, li, ri = dice_all_pairs(packed, packed, threshold=0.6)
        assert list(zip(li.tolist(), ri.tolist(), strict=True)) == [(0, 0), (0, 1), (1, 0), (1, 1), (2, 2)]
        assert s.tolist() == pytest.approx([1.0, 4 / 6, 4 / 6, 1.0, 1.0])
        assert s.dtype == np.float32 and li.dtype == np.intp and ri.dtype == np.intp


def test_exact_small_cases_1024_bit() -> None:
    full = b"\xff" * 128
    half = b"\xff" * 64 + b"\x00" * 64
    top_bit = b"\x00" * 127 + b"\x80"
    packed = pack_filters([full, half, top_bit])
    with kernel.use("numba"):
        assert popcount_rows(packed).tolist() == [1024, 512, 1]
        s, _, ri = dice_all_pairs(packed[:1], packed, threshold=0.0)
        assert ri.tolist() == [0, 1, 2]
        assert s.tolist() == pytest.approx([1.0, 2 * 512 / 1536, 2 / 1025])
        for x, y in [(full, half), (half, top_bit), (full, top_bit)]:
            got = float(dice_pairs(pack_filters([x]), pack_filters([y]), np.array([0]), np.array([0]))[0])
            assert got == pytest.approx(dice(x, y), abs=1e-7)


def test_empty_sets_and_all_zero_filters() -> None:
    zeros = np.zeros((3, 16), dtype=np.uint64)
    none = np.zeros((0, 16), dtype=np.uint64)
    with kernel.use("numba"):
        for left, right in [(none, zeros), (zeros, none), (none, none)]:
            s, li, ri = dice_all_pairs(left, right, threshold=0.5)
            assert len(s) == len(li) == len(ri) == 0
        assert len(dice_pairs(zeros, zeros, np.zeros(0, np.intp), np.zeros(0, np.intp))) == 0
        # Threshold 0 keeps every pair, two empty filters scoring 0; above 0 none is kept.
        s, li, ri = dice_all_pairs(zeros, zeros, threshold=0.0)
        assert len(s) == 9 and not s.any()
        assert len(dice_all_pairs(zeros, zeros, threshold=0.01)[0]) == 0
        assert dice_pairs(zeros, zeros, np.array([0]), np.array([2])).tolist() == [0.0]


def test_threshold_one_keeps_only_identical_filters() -> None:
    left = random_filters(5, 30, 16, 0.25)
    right = left.copy()
    right[::2, 0] ^= np.uint64(1)  # one bit off in every other row
    with kernel.use("numba"):
        s, li, ri = dice_all_pairs(left, right, threshold=1.0, threads=2)
    assert (li == ri).all() and set(li.tolist()) == set(range(1, 30, 2)) and (s == 1.0).all()


def test_rows_with_more_pairs_than_the_buffer_run_again() -> None:
    left = random_filters(7, 9, 2, 0.5)
    right = random_filters(8, 300, 2, 0.5)  # threshold 0: 300 pairs per row, buffer starts at 64
    fast, ref = both(lambda: dice_all_pairs(left, right, threshold=0.0, threads=2))
    assert_same(fast, ref)
    assert len(fast[0]) == 9 * 300


def test_bad_input_is_refused_on_both_backends() -> None:
    words = np.zeros((4, 2), dtype=np.uint64)
    for backend in ("numba", "numpy"):
        with kernel.use(backend):  # type: ignore[arg-type]
            with pytest.raises(ValueError):
                dice_all_pairs(words, words[:, :1])
            with pytest.raises(ValueError):
                dice_all_pairs(words, words, threshold=1.5)
            with pytest.raises(ValueError):
                and_popcount(words, words[:3])
            with pytest.raises(IndexError):
                and_popcount_pairs(words, words, np.array([0]), np.array([4]))
            with pytest.raises(IndexError):
                dice_pairs(words, words, np.array([9]), np.array([0]))


def test_non_contiguous_and_other_integer_inputs() -> None:
    wide = random_filters(11, 20, 4, 0.3)
    left = wide[:, :2]  # a non-contiguous view
    i = [0, 3, -1, 19]  # negative indices count from the end, as in numpy
    j = np.array([1, 1, 2, 0], dtype=np.int32)
    assert_same(*both(lambda: dice_pairs(left, left, np.asarray(i), j)))
    assert_same(*both(lambda: and_popcount_pairs(left, left, i, j)))
    assert_same(*both(lambda: dice_all_pairs(left, left[::-1], threshold=0.2)))


def test_backend_choice(monkeypatch: pytest.MonkeyPatch) -> None:
    with kernel.use("numpy"):
        assert kernel.active() == "numpy" and kernel.compiled() is None
    with kernel.use("numba"):
        assert kernel.active() == "numba"
    monkeypatch.setenv(kernel.ENV_KERNEL, "numpy")
    assert kernel.active() == "numpy"
    monkeypatch.setenv(kernel.ENV_KERNEL, "fortran")
    with pytest.raises(ValueError, match=kernel.ENV_KERNEL):
        kernel.active()
    monkeypatch.delenv(kernel.ENV_KERNEL)
    assert kernel.active() == "numba"
    with pytest.raises(ValueError), kernel.use("fortran"):  # type: ignore[arg-type]
        pass


def test_falls_back_to_numpy_without_numba(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kernel, "_loaded", None)
    monkeypatch.setattr(kernel, "_failed", "ImportError: No module named 'numba'")
    words = random_filters(1, 6, 2, 0.4)
    assert kernel.active() == "numpy"
    with kernel.use("numpy"):
        expected = dice_all_pairs(words, words, threshold=0.3)
    assert_same(dice_all_pairs(words, words, threshold=0.3), expected)
    with kernel.use("numba"), pytest.raises(RuntimeError, match="unavailable"):
        dice_all_pairs(words, words)


def test_compiles_without_a_cache_when_no_cache_folder_is_writable(monkeypatch: pytest.MonkeyPatch) -> None:
    from vangnet.linkage import _numba_kernels

    real = numba.njit

    def njit(*args: Any, cache: bool = False, **options: Any) -> Any:
        if cache:
            raise RuntimeError("cannot cache function 'f': no locator available for file 'f.py'")
        return real(*args, **options)

    monkeypatch.setattr(_numba_kernels.numba, "njit", njit)

    def plus_one(x: int) -> int:
        return x + 1

    assert _numba_kernels._jit(nogil=True)(plus_one)(41) == 42


@pytest.mark.skipif(platform.machine() not in ("x86_64", "AMD64"), reason="checks the x86-64 instruction")
def test_kernel_uses_the_hardware_popcount() -> None:
    from vangnet.linkage import _numba_kernels

    words = random_filters(2, 3, 16, 0.3)
    # numba does not show the code it loaded from its cache: compile the same function anew.
    fresh = numba.njit(nogil=True)(_numba_kernels.and_count_rows.py_func)
    fresh(words, words)
    asm = "\n".join(fresh.inspect_asm().values())
    assert "popcnt" in asm


def test_importing_the_library_and_cli_does_not_import_numba() -> None:
    code = (
        "import sys, vangnet.linkage, vangnet.linkage.cli, vangnet.linkage.similarity;"
        "assert 'numba' not in sys.modules, 'numba imported at start'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)  # noqa: S603 - our own interpreter


def test_matcher_and_dedup_identical_on_both_kernels() -> None:
    from vangnet.linkage import RecordEncoder, deduplicate
    from vangnet.linkage.demo import generate_demo
    from vangnet.linkage.matching import EncodedBatch, candidate_pairs, compare_levels

    data = generate_demo(150, seed=4)
    batch = EncodedBatch.from_encodings(RecordEncoder(b"kernel-test-secret").encode_many(data.records))
    i, j, _ = candidate_pairs(batch)
    assert len(i) > 100
    fast, ref = both(lambda: compare_levels(batch, i, j, chunk_size=97, workers=2))
    assert_same(fast, ref)
    assert (fast[:, :2] >= 0).any()  # some name levels were computed, not all missing
    a, b = both(lambda: deduplicate(batch, workers=2))
    assert a.cluster_ids == b.cluster_ids
    assert_same(a.pairs.probability, b.pairs.probability)
