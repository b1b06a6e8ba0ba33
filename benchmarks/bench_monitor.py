"""The annual monitor (figures, chain, shelter use, controls, estimate) and its PDF at 50,000 cases (PostgreSQL).

Target (issue 13): the monitor for 50,000 cases built in under 10 s on PostgreSQL. Loads the cases with the
bulk loader (``demo.bulk``), then gives about a third of them a legal track (police report, case with the
OM, summons or dismissal, verdict) with bulk inserts, and times ``monitor.build`` and the PDF.

    .venv/bin/python benchmarks/run.py monitor
    .venv/bin/python benchmarks/run.py monitor -- --cases 10000 --runs 3
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import time
from urllib.parse import urlsplit

from bench_web import configure_environment, ensure_database, migrate, reset_data

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/vangnet_bench_monitor"
TARGET_SECONDS = 10.0


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench_monitor", description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("VANGNET_BENCH_MONITOR_DATABASE_URL",
                                                                 DEFAULT_DATABASE_URL),
                        help="PostgreSQL database; it is EMPTIED when it holds another number of cases")
    parser.add_argument("--cases", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3, help="timed builds (default 3)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--force", action="store_true")
    return parser.parse_args(argv)


def add_legal_track(seed: int) -> int:
    """Bulk rows for the chain: quick, and the same shape the procedures' services write."""
    from django.db.models import Min
    from django.utils import timezone

    from vangnet.accounts.models import Organisation, OrganisationType
    from vangnet.cases.models import Case
    from vangnet.procedures.definitions import load
    from vangnet.procedures.models import Procedure, ProcedureStep

    rng = random.Random(seed)
    today = timezone.localdate()
    version = load().version
    police = Organisation.objects.filter(type=OrganisationType.POLICE).first()
    om = Organisation.objects.filter(type=OrganisationType.PUBLIC_PROSECUTOR).first() or police
    procedures, plans = [], []
    for case_id, first in Case.objects.annotate(first=Min("signals__submitted_at")).values_list("pk", "first"):
        if first is None or rng.random() > 0.35:
            continue
        filed = timezone.localtime(first).date() + datetime.timedelta(days=rng.randint(5, 120))
        if filed > today:
            continue
        procedures.append(Procedure(case_id=case_id, code="police_report", version=version, state="filed",
                                    is_open=False, started_on=filed, started_by=police))
        plan = [("police_report", "filed", "start", "filed", filed)]
        to_om = filed + datetime.timedelta(days=rng.randint(60, 400))
        if to_om <= today and rng.random() < 0.55:
            decided = to_om + datetime.timedelta(days=rng.randint(30, 300))
            summoned = rng.random() < 0.6
            state = "start"
            steps = []
            if decided <= today:
                state = "summoned" if summoned else "dismissed"
                steps.append(("prosecution", state, "start", state, decided))
                verdict = decided + datetime.timedelta(days=rng.randint(60, 360))
                if summoned and verdict <= today and rng.random() < 0.75:
                    steps.append(("prosecution", "verdict", "summoned", "verdict", verdict))
                    state = "verdict"
            procedures.append(Procedure(case_id=case_id, code="prosecution", version=version, state=state,
                                        is_open=state not in ("dismissed", "verdict"), started_on=to_om,
                                        started_by=police))
            plan += steps
        plans.append((case_id, plan))
    created = Procedure.objects.bulk_create(procedures, batch_size=5000)
    by_key = {(p.case_id, p.code): p for p in created}
    rows = [ProcedureStep(procedure=by_key[(case_id, proc)], code=code, from_state=old, to_state=new, on=on,
                          organisation=om if proc == "prosecution" else police, actor_label="bench")
            for case_id, plan in plans for proc, code, old, new, on in plan]
    ProcedureStep.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    configure_environment(args)
    ensure_database(args.database_url)
    import django

    django.setup()
    from django.template.loader import render_to_string
    from django.utils import timezone, translation

    from vangnet.cases.models import Case
    from vangnet.demo.bulk import load_bulk
    from vangnet.demo.organisations import create_organisations, create_users
    from vangnet.procedures.models import ProcedureStep
    from vangnet.statistics import charts, monitor

    migrate()
    if Case.objects.count() != args.cases:
        reset_data(urlsplit(args.database_url).path.lstrip("/"), args.force)
        create_users(create_organisations())
        started = time.perf_counter()
        load_bulk(args.cases, seed=args.seed)
        steps = add_legal_track(args.seed)
        print(f"loaded {args.cases} cases and {steps} legal steps in {time.perf_counter() - started:.1f} s")
    year = timezone.localdate().year - 1
    print(f"{Case.objects.count()} cases, {ProcedureStep.objects.count()} procedure steps; monitor for {year}; "
          f"load average {os.getloadavg()[0]:.1f}")
    builds, pdfs, cpu = [], [], []
    with translation.override("nl"):
        for _run in range(args.runs):
            t0, c0 = time.perf_counter(), time.process_time()
            result = monitor.build(year)
            cpu.append(time.process_time() - c0)
            t1 = time.perf_counter()
            html = render_to_string("statistics/monitor_pdf.html", {
                "monitor": result,
                "charts": {"figures": [{"table": t, "chart": charts.bar_chart(t)} for t in result.figures],
                           "chain": charts.bar_chart(result.chain.flow)}})
            pdf = monitor.to_pdf(html)
            t2 = time.perf_counter()
            builds.append(t1 - t0)
            pdfs.append(t2 - t1)
    build, total = statistics.median(builds), statistics.median(b + p for b, p in zip(builds, pdfs, strict=True))
    print(f"persons in the chain: {result.chain.persons}; PDF {len(pdf) / 1024:.0f} KiB")
    print(f"monitor build: median {build:.2f} s (runs: {', '.join(f'{b:.2f}' for b in builds)}); "
          f"Python CPU {statistics.median(cpu):.2f} s; load average {os.getloadavg()[0]:.1f}")
    print(f"build + PDF:   median {total:.2f} s; target {TARGET_SECONDS:.0f} s; ratio {total / TARGET_SECONDS:.2f}")
    return 0 if total < TARGET_SECONDS else 1


if __name__ == "__main__":
    import sys

    raise SystemExit(main(sys.argv[1:]))
