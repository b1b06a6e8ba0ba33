"""Gunicorn settings Vangnet needs beyond the command line: ``gunicorn -c python:vangnet.ops.gunicorn_conf ...``.

After a worker has loaded the application, everything allocated so far (Django, the URL resolvers, the
templates' loaders, the registers loaded at start) lives as long as the process. ``gc.freeze()`` moves those
objects out of the cyclic garbage collector's generations, so its collections during requests only look at
what the requests themselves allocate. Measured in-process on the case page at 50,000 cases: about 10 % less
CPU per request (see ``benchmarks/README.md``, load test).
"""

from __future__ import annotations

import gc
from typing import Any


def post_worker_init(worker: Any) -> None:
    gc.collect()
    gc.freeze()
