"""Which Dice kernel :mod:`vangnet.linkage.similarity` uses: compiled (numba) or numpy.

This is the one place where the choice is made.  ``auto`` (the default) uses the
numba-compiled kernels of :mod:`vangnet.linkage._numba_kernels` when numba imports and
compiles, and the numpy code of :mod:`vangnet.linkage.similarity` otherwise (a platform
without a numba wheel, or a numba that does not support the installed numpy).  Both
give identical results (tested).  The environment variable ``VANGNET_LINKAGE_KERNEL``
(``auto``, ``numba`` or ``numpy``) or :func:`use` picks one explicitly.

numba is imported lazily, on the first comparison, so importing :mod:`vangnet.linkage`
(and starting the CLI) does not pay for it.  Compiled code is cached on disk
(``cache=True``), so later processes load it instead of compiling again.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import Literal

__all__ = ["ENV_KERNEL", "Backend", "active", "compiled", "parallel_lock", "set_threads", "use"]

Backend = Literal["auto", "numba", "numpy"]
ENV_KERNEL = "VANGNET_LINKAGE_KERNEL"
_BACKENDS = ("auto", "numba", "numpy")

log = logging.getLogger(__name__)

_load_lock = threading.Lock()
#: numba's default thread pool (``workqueue``) must not be entered by two Python threads at
#: once; parallel kernels run under this lock (the serial ones release the GIL freely).
parallel_lock = threading.RLock()
_loaded: ModuleType | None = None
_failed: str | None = None
_choice: Backend | None = None


def _requested() -> Backend:
    if _choice is not None:
        return _choice
    value = os.environ.get(ENV_KERNEL, "auto").strip().lower() or "auto"
    if value not in _BACKENDS:
        raise ValueError(f"{ENV_KERNEL} must be one of {', '.join(_BACKENDS)}, not {value!r}")
    return value  # type: ignore[return-value]


def _load() -> ModuleType | None:
    global _loaded, _failed
    if _loaded is not None or _failed is not None:
        return _loaded
    with _load_lock:
        if _loaded is None and _failed is None:
            try:
                from vangnet.linkage import _numba_kernels as module
            except Exception as exc:  # ImportError, or numba refusing this numpy
                _failed = f"{type(exc).__name__}: {exc}"
                log.info("numba Dice kernel unavailable, using numpy (%s)", _failed)
            else:
                _loaded = module
    return _loaded


def compiled() -> ModuleType | None:
    """The compiled kernels module when the compiled backend is selected, else ``None``.

    With ``numba`` requested explicitly and numba missing this raises ``RuntimeError``.
    """
    choice = _requested()
    if choice == "numpy":
        return None
    module = _load()
    if module is None and choice == "numba":
        raise RuntimeError(f"the numba Dice kernel was requested but is unavailable ({_failed})")
    return module


def active() -> str:
    """``"numba"`` or ``"numpy"``: the kernel comparisons use now (loads numba if needed)."""
    return "numba" if compiled() is not None else "numpy"


@contextmanager
def use(backend: Backend) -> Iterator[None]:
    """Use ``backend`` inside the ``with`` block (tests, benchmarks)."""
    global _choice
    if backend not in _BACKENDS:
        raise ValueError(f"unknown Dice kernel {backend!r}")
    previous = _choice
    _choice = backend
    try:
        yield
    finally:
        _choice = previous


@contextmanager
def set_threads(threads: int | None) -> Iterator[None]:
    """Hold :data:`parallel_lock` and run numba's parallel loops on ``threads`` threads
    (``None`` = numba's default, one per core)."""
    import numba

    with parallel_lock:
        available = int(numba.config.NUMBA_NUM_THREADS)  # type: ignore[attr-defined]
        previous = numba.get_num_threads()
        numba.set_num_threads(available if threads is None else max(1, min(int(threads), available)))
        try:
            yield
        finally:
            numba.set_num_threads(previous)
