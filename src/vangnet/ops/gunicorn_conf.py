"""Gunicorn settings Vangnet needs beyond the command line: ``gunicorn -c python:vangnet.ops.gunicorn_conf ...``.

After a worker has loaded the application, everything allocated so far (Django, the URL resolvers, the
templates' loaders, the registers loaded at start) lives as long as the process. ``gc.freeze()`` moves those
objects out of the cyclic garbage collector's generations, so its collections during requests only look at
what the requests themselves allocate. Measured in-process on the case page at 50,000 cases: about 10 % less
CPU per request (see ``benchmarks/README.md``, load test).

The collector's first threshold is raised from 700 to 20,000 allocations (and the older generations are
collected less often): a page allocates tens of thousands of short-lived objects, nearly all freed by
reference counting, so at the default the collector ran some 100 times per 40 worklist requests, and a full
collection now and then cost a few milliseconds. Measured in-process: collections per 40 worklist pages
from 118/10/1 to 4/0/0, about 1 ms less CPU per page. Memory is unchanged in practice: cyclic garbage is
still collected, in larger batches.
"""

from __future__ import annotations

import gc
from typing import Any


def post_worker_init(worker: Any) -> None:
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 50, 100)
