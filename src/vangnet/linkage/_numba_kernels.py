"""The numba-compiled Dice kernels (imported only by :mod:`vangnet.linkage.kernel`).

Importing this module imports numba, so nothing else imports it directly: the kernels
are loaded on the first comparison, not when the CLI starts.  Every function is compiled
with ``cache=True``; numba writes the machine code next to this file (``__pycache__``) or,
where that folder is read-only (a system site-packages), in the user's cache folder
(``NUMBA_CACHE_DIR`` or ``~/.cache/numba``).  When no cache location is writable at all the
kernels are compiled without a cache (every process then pays the JIT once).

Filters are rows of ``uint64`` words; population counts use LLVM's ``ctpop``, which
becomes the ``popcnt`` instruction on x86-64 (numba compiles for the host CPU).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numba
import numpy as np
from numba import types
from numba.core.errors import NumbaWarning
from numba.extending import intrinsic

__all__ = ["all_pairs_rows", "and_count_pairs", "and_count_rows", "dice_pairs"]


@intrinsic
def _ctpop64(typingctx: Any, x: Any) -> Any:
    """Number of set bits of a ``uint64`` (LLVM ``ctpop``)."""
    sig = types.uint64(types.uint64)

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        return builder.ctpop(args[0])

    return sig, codegen


_popcount64: Any = _ctpop64


def _jit(**options: Any) -> Callable[[Callable[..., Any]], Any]:
    """``numba.njit(cache=True, ...)``, without the cache where no cache folder is writable."""

    def wrap(fn: Callable[..., Any]) -> Any:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", NumbaWarning)
                return numba.njit(cache=True, **options)(fn)
        except RuntimeError:  # "cannot cache function ...: no locator available"
            return numba.njit(cache=False, **options)(fn)

    return wrap


@_jit(nogil=True, inline="always")
def _and_count(a: Any, ra: int, b: Any, rb: int) -> Any:
    acc = np.uint64(0)
    for w in range(a.shape[1]):
        acc += _popcount64(a[ra, w] & b[rb, w])
    return np.int64(acc)


@_jit(nogil=True)
def and_count_rows(a: Any, b: Any) -> Any:  # pragma: no cover - compiled
    """``popcount(a[k] & b[k])`` for every row ``k`` of two row-aligned filter arrays."""
    out = np.empty(a.shape[0], dtype=np.int32)
    for k in range(a.shape[0]):
        out[k] = _and_count(a, k, b, k)
    return out


@_jit(nogil=True)
def and_count_pairs(left: Any, right: Any, i: Any, j: Any) -> Any:  # pragma: no cover - compiled
    """``popcount(left[i[p]] & right[j[p]])`` for every pair ``p`` (no gathered copies)."""
    out = np.empty(i.shape[0], dtype=np.int32)
    for p in range(i.shape[0]):
        out[p] = _and_count(left, i[p], right, j[p])
    return out


@_jit(nogil=True)
def dice_pairs(left: Any, right: Any, i: Any, j: Any, lc: Any, rc: Any) -> Any:  # pragma: no cover
    """Dice of ``left[i[p]]`` with ``right[j[p]]``; 0 where both filters are empty."""
    out = np.empty(i.shape[0], dtype=np.float32)
    for p in range(i.shape[0]):
        total = np.int64(lc[i[p]]) + np.int64(rc[j[p]])
        if total == 0:
            out[p] = 0.0
        else:
            out[p] = np.float32(2.0 * _and_count(left, i[p], right, j[p]) / total)
    return out


@_jit(nogil=True, parallel=True)
def all_pairs_rows(
    left: Any, right: Any, lc: Any, rc: Any, row0: int, threshold: float, out_j: Any, out_s: Any, counts: Any
) -> None:  # pragma: no cover - compiled
    """All-pairs Dice of ``left[row0 : row0 + len(counts)]`` against every ``right`` row.

    Row ``r`` of the block writes the right-hand indices and scores of its pairs with
    ``2 * inter >= threshold * total`` into ``out_j[r]`` / ``out_s[r]`` (right index
    ascending) and their number into ``counts[r]``; past the buffer width it only counts,
    so the caller can run the block again with a wider buffer.  With ``threshold > 0``
    pairs of two empty filters are left out, and pairs whose popcounts alone rule out the
    threshold (``2 * min(|A|, |B|) < threshold * total``) are skipped without comparing.
    Rows run in parallel (``prange``).
    """
    cap = out_j.shape[1]
    n_right = right.shape[0]
    for r in numba.prange(counts.shape[0]):
        row = row0 + r
        a = np.int64(lc[row])
        k = 0
        for c in range(n_right):
            b = np.int64(rc[c])
            total = a + b
            if threshold > 0.0 and (total == 0 or 2.0 * min(a, b) < threshold * total):
                continue
            inter = _and_count(left, row, right, c)
            if 2.0 * inter >= threshold * total:
                if k < cap:
                    out_j[r, k] = c
                    out_s[r, k] = np.float32(2.0 * inter / total) if total > 0 else np.float32(0.0)
                k += 1
        counts[r] = k
