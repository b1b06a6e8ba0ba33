"""Dice similarity on bit-packed Bloom filters, vectorised with numpy.

Filters are stored as little-endian byte strings and handled here as rows of
``uint64`` words.  Population counts use ``np.bitwise_count`` (numpy >= 2) and fall
back to a 256-entry lookup table on older numpy.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

__all__ = [
    "HAS_BITWISE_COUNT",
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
    """Dice of ``left[i[p]]`` with ``right[j[p]]`` for every pair ``p`` (vectorised)."""
    if left_counts is None:
        left_counts = popcount_rows(left)
    if right_counts is None:
        right_counts = popcount_rows(right)
    inter = popcount_rows(np.bitwise_and(left[i], right[j]))
    total = left_counts[i] + right_counts[j]
    out = np.zeros(len(i), dtype=np.float32)
    nz = total > 0
    out[nz] = 2.0 * inter[nz] / total[nz]
    return out


def dice_all_pairs(
    left: U64, right: U64, *, threshold: float = 0.0, block_rows: int = 128
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """All-pairs Dice between two sets of filters, keeping pairs with score >= ``threshold``.

    Returns ``(scores, left_index, right_index)``.  Works on ``block_rows`` left rows at a
    time and accumulates the popcount of one 64-bit word column after the other into a
    ``(block_rows, len(right))`` ``uint16`` matrix, so no 3-D temporary is needed.
    """
    if left.shape[1] != right.shape[1]:
        raise ValueError("filters of different lengths cannot be compared")
    if left.shape[1] * 64 > 65535:
        raise ValueError("filters longer than 65535 bits are not supported")
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
