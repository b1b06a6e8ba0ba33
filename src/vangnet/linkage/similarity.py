"""Dice similarity on bit-packed Bloom filters: a compiled kernel with a numpy fallback.

Filters are stored as little-endian byte strings and handled here as rows of
``uint64`` words.  The comparisons (:func:`and_popcount`, :func:`and_popcount_pairs`,
:func:`dice_pairs`, :func:`dice_all_pairs`) run in the numba-compiled kernel when
:mod:`vangnet.linkage.kernel` selects it (the default where numba is installed) and in
numpy otherwise; both give identical results.  The numpy population counts use
``np.bitwise_count`` (numpy >= 2) and fall back to a 256-entry lookup table on older numpy.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import ModuleType

import numpy as np
import numpy.typing as npt

from vangnet.linkage import kernel

__all__ = [
    "HAS_BITWISE_COUNT",
    "and_popcount",
    "and_popcount_pairs",
    "dice",
    "dice_all_pairs",
    "dice_pairs",
    "pack_filters",
    "popcount_rows",
]

U64 = npt.NDArray[np.uint64]

HAS_BITWISE_COUNT = hasattr(np, "bitwise_count")
_TABLE = np.array([bin(i).count("1") for i in range(256)], dtype=np.uint8)


def popcount_rows(words: np.ndarray, *, use_table: bool = False) -> npt.NDArray[np.int32]:
    """Number of set bits in each row of a 2-D ``uint64`` array (the last axis is summed)."""
    if HAS_BITWISE_COUNT and not use_table:
        return np.bitwise_count(words).sum(axis=-1, dtype=np.int32)
    as_bytes = np.ascontiguousarray(words).view(np.uint8)
    return _TABLE[as_bytes].sum(axis=-1, dtype=np.int32)


def _words(a: np.ndarray) -> U64:
    """C-contiguous ``uint64`` view/copy of a filter array, as the compiled kernel wants it."""
    return np.ascontiguousarray(a, dtype=np.uint64)


def _index(a: npt.ArrayLike) -> npt.NDArray[np.intp]:
    return np.ascontiguousarray(a, dtype=np.intp)


def and_popcount(a: U64, b: U64) -> npt.NDArray[np.int32]:
    """``popcount(a[k] & b[k])`` for every row ``k`` of two row-aligned ``(n, words)`` arrays."""
    if a.shape != b.shape:
        raise ValueError("filters of different lengths cannot be compared")
    fast = kernel.compiled()
    if fast is not None:
        return fast.and_count_rows(_words(a), _words(b))  # type: ignore[no-any-return]
    return popcount_rows(np.bitwise_and(a, b))


def and_popcount_pairs(left: U64, right: U64, i: npt.ArrayLike, j: npt.ArrayLike) -> npt.NDArray[np.int32]:
    """``popcount(left[i[p]] & right[j[p]])`` for every pair ``p``.

    The compiled kernel reads the rows in place; the numpy path gathers them first.
    """
    if left.shape[1] != right.shape[1]:
        raise ValueError("filters of different lengths cannot be compared")
    ii, jj = _index(i), _index(j)
    if ii.shape != jj.shape:
        raise ValueError("i and j must have the same length")
    fast = kernel.compiled()
    if fast is not None:
        _check_bounds(ii, len(left))
        _check_bounds(jj, len(right))
        return fast.and_count_pairs(_words(left), _words(right), ii, jj)  # type: ignore[no-any-return]
    return popcount_rows(np.bitwise_and(np.take(left, ii, axis=0), np.take(right, jj, axis=0)))


def _check_bounds(idx: npt.NDArray[np.intp], n: int) -> None:
    """The compiled kernel does not check indices; numpy's IndexError, raised up front."""
    if len(idx) and (int(np.min(idx)) < -n or int(np.max(idx)) >= n):
        raise IndexError(f"pair index out of bounds for {n} filters")


def pack_filters(filters: Sequence[bytes | None], n_bytes: int | None = None) -> U64:
    """Stack byte-string filters into an ``(n, words)`` ``uint64`` array; ``None`` -> zeros.

    All present filters must have the same length, a multiple of 8 bytes.
    """
    if n_bytes is None:
        n_bytes = next((len(f) for f in filters if f is not None), 8)
    if n_bytes % 8:
        raise ValueError("filter length must be a multiple of 64 bits")
    buf = bytearray(n_bytes * len(filters))
    for i, f in enumerate(filters):
        if f is not None:
            if len(f) != n_bytes:
                raise ValueError("filters of different lengths cannot be compared")
            buf[i * n_bytes : (i + 1) * n_bytes] = f
    return np.frombuffer(bytes(buf), dtype="<u8").astype(np.uint64).reshape(len(filters), n_bytes // 8)


def dice(a: bytes, b: bytes) -> float:
    """Dice coefficient 2|A∩B| / (|A| + |B|) of two filters; 0.0 when both are empty."""
    if len(a) != len(b):
        raise ValueError("filters of different lengths cannot be compared")
    x = int.from_bytes(a, "little")
    y = int.from_bytes(b, "little")
    total = x.bit_count() + y.bit_count()
    return 0.0 if total == 0 else 2.0 * (x & y).bit_count() / total


def dice_pairs(
    left: U64,
    right: U64,
    i: npt.NDArray[np.intp],
    j: npt.NDArray[np.intp],
    left_counts: npt.NDArray[np.int32] | None = None,
    right_counts: npt.NDArray[np.int32] | None = None,
) -> npt.NDArray[np.float32]:
    """Dice of ``left[i[p]]`` with ``right[j[p]]`` for every pair ``p`` (0 where both are empty)."""
    if left.shape[1] != right.shape[1]:
        raise ValueError("filters of different lengths cannot be compared")
    if left_counts is None:
        left_counts = popcount_rows(left)
    if right_counts is None:
        right_counts = popcount_rows(right)
    fast = kernel.compiled()
    if fast is not None:
        ii, jj = _index(i), _index(j)
        if ii.shape != jj.shape:
            raise ValueError("i and j must have the same length")
        _check_bounds(ii, len(left))
        _check_bounds(jj, len(right))
        return fast.dice_pairs(  # type: ignore[no-any-return]
            _words(left),
            _words(right),
            ii,
            jj,
            np.ascontiguousarray(left_counts, dtype=np.int32),
            np.ascontiguousarray(right_counts, dtype=np.int32),
        )
    inter = popcount_rows(np.bitwise_and(left[i], right[j]))
    total = left_counts[i] + right_counts[j]
    out = np.zeros(len(i), dtype=np.float32)
    nz = total > 0
    out[nz] = 2.0 * inter[nz] / total[nz]
    return out


def dice_all_pairs(
    left: U64,
    right: U64,
    *,
    threshold: float = 0.0,
    block_rows: int = 128,
    threads: int | None = None,
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """All-pairs Dice between two sets of filters, keeping pairs with score >= ``threshold``.

    Returns ``(scores, left_index, right_index)``, ordered by left index and then right
    index.  A pair is kept when ``2 * |A & B| >= threshold * (|A| + |B|)``; with a
    threshold above 0, pairs of two empty filters are left out.

    The compiled kernel runs the left rows in parallel on ``threads`` threads (``None`` =
    one per core).  The numpy path (one thread) works on ``block_rows`` left rows at a
    time and accumulates the popcount of one 64-bit word column after the other into a
    ``(block_rows, len(right))`` ``uint16`` matrix, so no 3-D temporary is needed.
    """
    if left.shape[1] != right.shape[1]:
        raise ValueError("filters of different lengths cannot be compared")
    if left.shape[1] * 64 > 65535:
        raise ValueError("filters longer than 65535 bits are not supported")
    if not 0.0 <= threshold <= 1.0:
        raise ValueError("the threshold must be between 0 and 1")
    fast = kernel.compiled()
    if fast is not None:
        return _all_pairs_compiled(fast, left, right, threshold, threads)
    lc = popcount_rows(left)
    rc = popcount_rows(right)
    right_t = np.ascontiguousarray(right.T)
    scores: list[np.ndarray] = []
    li: list[np.ndarray] = []
    ri: list[np.ndarray] = []
    for start in range(0, len(left), block_rows):
        block = left[start : start + block_rows]
        inter = np.zeros((len(block), len(right)), dtype=np.uint16)
        tmp = np.empty((len(block), len(right)), dtype=np.uint64)
        for w in range(left.shape[1]):
            np.bitwise_and(block[:, w : w + 1], right_t[w][None, :], out=tmp)
            if HAS_BITWISE_COUNT:
                inter += np.bitwise_count(tmp)
            else:
                inter += _TABLE[tmp.view(np.uint8)].reshape(*tmp.shape, 8).sum(axis=-1, dtype=np.uint16)
        total = lc[start : start + block_rows, None] + rc[None, :]
        keep = 2.0 * inter >= threshold * total
        if threshold > 0:
            keep &= total > 0
        rows, cols = np.nonzero(keep)
        t = total[rows, cols]
        scores.append(np.where(t > 0, 2.0 * inter[rows, cols] / np.maximum(t, 1), 0.0).astype(np.float32))
        li.append(rows + start)
        ri.append(cols)
    if not scores:
        empty = np.zeros(0, dtype=np.intp)
        return np.zeros(0, dtype=np.float32), empty, empty
    return np.concatenate(scores), np.concatenate(li).astype(np.intp), np.concatenate(ri).astype(np.intp)


def _all_pairs_compiled(
    fast: ModuleType, left: U64, right: U64, threshold: float, threads: int | None
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """:func:`dice_all_pairs` on the compiled kernel, a block of left rows at a time.

    Each block writes into a ``(rows, width)`` buffer; a block with a row of more pairs
    than ``width`` runs again with a buffer wide enough, and later blocks keep that width.
    """
    lw, rw = _words(left), _words(right)
    lc, rc = popcount_rows(lw), popcount_rows(rw)
    width = max(1, min(len(right), 64))
    scores: list[np.ndarray] = []
    li: list[np.ndarray] = []
    ri: list[np.ndarray] = []
    start = 0
    with kernel.set_threads(threads):
        while start < len(left):
            rows = max(1, min(len(left) - start, 4096, (1 << 22) // width))
            out_j = np.empty((rows, width), dtype=np.intp)
            out_s = np.empty((rows, width), dtype=np.float32)
            counts = np.empty(rows, dtype=np.int64)
            fast.all_pairs_rows(lw, rw, lc, rc, start, float(threshold), out_j, out_s, counts)
            most = int(np.max(counts)) if rows else 0
            if most > width:
                width = most  # run this block again, wide enough
                continue
            keep = np.arange(width) < counts[:, None]
            scores.append(out_s[keep])
            ri.append(out_j[keep])
            li.append(np.repeat(np.arange(start, start + rows, dtype=np.intp), counts))
            start += rows
    if not scores:
        empty = np.zeros(0, dtype=np.intp)
        return np.zeros(0, dtype=np.float32), empty, empty
    return np.concatenate(scores), np.concatenate(li), np.concatenate(ri)
