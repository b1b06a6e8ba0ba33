"""Deadlines (issue 12): the worklist sorted and filtered on the next deadline, and the deadlines page, at
1,000 and 50,000 cases on PostgreSQL, with an open deadline on about half of the cases.

    python benchmarks/run.py deadlines
    python benchmarks/run.py deadlines -- --large 20000 --requests 20     # quicker

Reuses bench_web's database handling (a dedicated database, EMPTIED at the start; ``--database-url``,
``--force``), bulk loader, timing and report: median and p95 of the timed requests, the SQL query count (must
not grow with the data) and p95 < 100 ms at the large size.
"""

from __future__ import annotations

import datetime
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_web


def add_deadlines(share: float, seed: int) -> int:
    """Give about ``share`` of the cases without a procedure a Dublin assessment with an open deadline spread
    over -30..+60 days from today (bulk insert, like the bulk loader; the services are tested elsewhere)."""
    from django.utils import timezone

    from vangnet.cases.models import Case
    from vangnet.procedures.definitions import load
    from vangnet.procedures.models import Deadline, Procedure

    rng = random.Random(seed)
    today = timezone.localdate()
    version = load().version
    ids = list(Case.objects.exclude(pk__in=Procedure.objects.values("case_id")).values_list("pk", flat=True))
    chosen = [pk for pk in ids if rng.random() < share]
    added = 0
    for start in range(0, len(chosen), 2000):
        batch = chosen[start:start + 2000]
        procedures = Procedure.objects.bulk_create([
            Procedure(case_id=pk, code="dublin_report", version=version, started_on=today - datetime.timedelta(
                days=28), state="start") for pk in batch])
        Deadline.objects.bulk_create([
            Deadline(procedure=p, case_id=p.case_id, code="assessment", rule="dublin-report-assessment",
                     starts_on=p.started_on, due_on=today + datetime.timedelta(days=rng.randint(-30, 60)))
            for p in procedures])
        added += len(batch)
    return added


def measure_round(cast: Any, cases: int, args: Any) -> list[Any]:
    from django.test import Client

    web = Client()
    web.force_login(cast.coordinator)
    n, warmup = args.requests, args.warmup
    results = [
        bench_web.measure("worklist ?sort=deadline", cases, lambda i: web.get("/cases/", {"sort": "deadline"}), 200,
                          n=n, warmup=warmup),
        bench_web.measure("worklist ?deadline=week", cases, lambda i: web.get("/cases/", {"deadline": "week"}), 200,
                          n=n, warmup=warmup),
        bench_web.measure("deadlines page", cases, lambda i: web.get("/procedures/deadlines/"), 200,
                          n=n, warmup=warmup),
    ]
    for r in results:
        print(f"  {r.endpoint:<26} median {r.median:6.1f} ms  p95 {r.p95:6.1f} ms  queries {r.query_label:>3}",
              flush=True)
    return results


def main(argv: list[str]) -> int:
    args = bench_web.parse_args(argv)
    if args.small >= args.large:
        raise SystemExit("--small must be less than --large")
    bench_web.configure_environment(args)
    started = time.perf_counter()
    bench_web.ensure_database(args.database_url)

    import django

    django.setup()
    from django.conf import settings

    from vangnet.demo.organisations import create_organisations, create_users

    bench_web.migrate()
    bench_web.reset_data(settings.DATABASES["default"]["NAME"], args.force)
    create_users(create_organisations())
    rounds: list[list[Any]] = []
    load: list[tuple[int, float]] = []
    loadavg: list[float] = []
    cast = None
    for round_no, target in enumerate((args.small, args.large)):
        print(f"\n--- {target:,} cases ---", flush=True)
        added, seconds = bench_web.load_to(target, seed=args.seed + round_no)
        load.append((added, seconds))
        with_deadline = add_deadlines(0.5, seed=args.seed + round_no)
        print(f"  loaded {added:,} cases in {seconds:.1f} s; {with_deadline:,} more with an open deadline", flush=True)
        if cast is None:
            cast = bench_web.prepare_cast()
        loadavg.append(os.getloadavg()[0])
        print(f"  load average {loadavg[-1]:.1f} on {os.cpu_count()} CPUs", flush=True)
        rounds.append(measure_round(cast, target, args))
    ok = bench_web.report(rounds, load, args.small, args.large, loadavg)
    print(f"total time {time.perf_counter() - started:.0f} s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
