"""Worklist, case page and signal API at 1,000 and 50,000 cases on PostgreSQL (issue 2).

    python benchmarks/run.py web
    python benchmarks/run.py web -- --requests 20 --large 20000     # quicker
    python benchmarks/bench_web.py --help

Loads synthetic cases into a dedicated PostgreSQL database (``vangnet_bench``, created and migrated
when missing, EMPTIED at the start of every run) with the bulk loader, then measures in-process with
Django's test ``Client`` — the full middleware, view, template and database path, without a network or
a WSGI server:

- the worklist of the care coordinator of the region that leads the most cases (default filters,
  page 1), and the same worklist filtered on one status;
- the case page of cases that coordinator leads (a different case per request);
- that coordinator's start page (what needs doing now, issue 15);
- ``POST /api/v1/signals`` with an organisation token and a fresh ``Idempotency-Key`` (each request
  registers a new signal and opens a case).

Per endpoint: median and p95 of ~50 timed requests after a warm-up, and the number of SQL queries
(``CaptureQueriesContext``), at 1,000 and at 50,000 cases. PASS/FAIL lines check that the query count
does not grow with the data and that p95 stays under 100 ms at 50,000 cases.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/vangnet_bench"
TARGET_P95_MS = 100.0
ROOT = Path(__file__).resolve().parent.parent


# --- arguments and environment (before Django is set up) ------------------------------------------


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench_web", description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("VANGNET_BENCH_DATABASE_URL", DEFAULT_DATABASE_URL),
                        help="PostgreSQL database to use; it is EMPTIED first (default: %(default)s, or "
                             "$VANGNET_BENCH_DATABASE_URL). $DATABASE_URL is deliberately not used.")
    parser.add_argument("--small", type=int, default=1_000, help="cases in the first round (default 1000)")
    parser.add_argument("--large", type=int, default=50_000, help="cases in the second round (default 50000)")
    parser.add_argument("--requests", type=int, default=50, help="timed requests per endpoint (default 50)")
    parser.add_argument("--warmup", type=int, default=5, help="untimed requests first (default 5)")
    parser.add_argument("--status", default="in_care", help="status for the filtered worklist (default in_care)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--force", action="store_true",
                        help="empty the database even when its name does not contain 'bench'")
    return parser.parse_args(argv)


def configure_environment(args: argparse.Namespace) -> None:
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vangnet.settings")
    # measure what production runs: no debug toolbar-ish overhead, no query log outside the capture
    os.environ.setdefault("VANGNET_DEBUG", "false")
    src = str(ROOT / "src")
    if src not in sys.path:
        sys.path.insert(0, src)


def ensure_database(url: str) -> bool:
    """Create the PostgreSQL database when it does not exist. Returns True when it was created."""
    import psycopg

    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        raise SystemExit(f"bench_web needs PostgreSQL; got {parts.scheme}://")
    name = parts.path.lstrip("/")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return False
        conn.execute(f'CREATE DATABASE "{name}"')
    return True


# --- database setup (after django.setup()) ----------------------------------------------------------


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def reset_data(database_name: str, force: bool) -> None:
    """Empty what the benchmark writes: cases (and everything under them), tokens, sessions, the log."""
    from django.db import connection, transaction

    if "bench" not in database_name and not force:
        raise SystemExit(f"Refusing to empty database {database_name!r}: its name has no 'bench' in it "
                         "(pass --force if you mean it).")
    tables = ["cases_case", "signals_signal", "signals_signaldraft", "api_idempotencyrecord",
              "accounts_apitoken", "django_session"]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
        # the processing log is append-only; the retention purge window is the one way to clear it
        cursor.execute("INSERT INTO audit_processing_log_purge_window (opened_by) VALUES ('bench_web')")
        cursor.execute("TRUNCATE audit_processinglogentry")
        cursor.execute("DELETE FROM audit_processing_log_purge_window WHERE opened_by = 'bench_web'")


def table_sizes() -> dict[str, int]:
    from vangnet.audit.models import ProcessingLogEntry
    from vangnet.cases.models import Case, CaseEvent
    from vangnet.signals.models import Signal

    return {"cases": Case.objects.count(), "signals": Signal.objects.count(),
            "events": CaseEvent.objects.count(), "log entries": ProcessingLogEntry.objects.count()}


# --- measuring ---------------------------------------------------------------------------------------


class SchedClock:
    """On-CPU and run-queue time (ms) of this process plus its PostgreSQL backend, from /proc/PID/schedstat.

    On a shared machine the wall time of a request is its CPU time, plus time spent waiting for a CPU
    (the run queue), plus I/O (the commit of the processing log entry). The CPU time is the part that
    does not depend on what else runs on the machine. Needs Linux and the PostgreSQL server on this host;
    otherwise ``read()`` returns None and the cpu columns show nan.
    """

    def __init__(self) -> None:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            self.backend = cursor.fetchone()[0]
        self.available = self.read() is not None

    def read(self) -> tuple[float, float] | None:
        try:
            total_cpu = total_wait = 0.0
            for pid in ("self", self.backend):
                with open(f"/proc/{pid}/schedstat") as handle:
                    cpu_ns, wait_ns, _slices = handle.read().split()
                total_cpu += int(cpu_ns) / 1e6
                total_wait += int(wait_ns) / 1e6
            return total_cpu, total_wait
        except (OSError, ValueError):
            return None


@dataclass
class Result:
    endpoint: str
    cases: int
    times_ms: list[float]
    queries: list[int] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)
    wait_ms: list[float] = field(default_factory=list)

    @property
    def cpu(self) -> float:
        return statistics.median(self.cpu_ms) if self.cpu_ms else float("nan")

    @property
    def cpu_p95(self) -> float:
        return percentile(self.cpu_ms, 95) if self.cpu_ms else float("nan")

    @property
    def wait(self) -> float:
        return statistics.median(self.wait_ms) if self.wait_ms else float("nan")

    @property
    def median(self) -> float:
        return statistics.median(self.times_ms)

    @property
    def p95(self) -> float:
        return percentile(self.times_ms, 95)

    @property
    def query_label(self) -> str:
        low, high = min(self.queries), max(self.queries)
        return str(low) if low == high else f"{low}-{high}"


def percentile(values: list[float], pct: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    rank = (len(ordered) - 1) * pct / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def measure(endpoint: str, cases: int, request: Callable[[int], Any], expect: int, *, n: int, warmup: int,
            query_samples: int = 3) -> Result:
    """Warm up, time ``n`` requests, then count queries on a few more (counted apart, untimed)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def check(response: Any) -> None:
        if response.status_code != expect:
            body = response.content[:500].decode(errors="replace")
            raise SystemExit(f"{endpoint}: expected HTTP {expect}, got {response.status_code}: {body}")

    i = 0
    for _ in range(warmup):
        check(request(i))
        i += 1
    clock = SchedClock()
    result = Result(endpoint, cases, [])
    for _ in range(n):
        before = clock.read()
        started = time.perf_counter()
        response = request(i)
        result.times_ms.append((time.perf_counter() - started) * 1000)
        after = clock.read()
        if before is not None and after is not None:
            result.cpu_ms.append(after[0] - before[0])
            result.wait_ms.append(after[1] - before[1])
        check(response)
        i += 1
    for _ in range(query_samples):
        with CaptureQueriesContext(connection) as ctx:
            check(request(i))
        result.queries.append(len(ctx.captured_queries))
        i += 1
    return result


@dataclass
class Cast:
    coordinator: Any
    lead: Any
    token_key: str
    api_payload: dict[str, Any]


def prepare_cast() -> Cast:
    """The demo organisations and users, the lead org with the most cases, and an API token."""
    from django.db.models import Count

    from vangnet.accounts.models import ApiToken, Organisation, Role, User
    from vangnet.cases.models import Case
    from vangnet.regions.models import Municipality
    from vangnet.signals.models import Indicator

    row = Case.objects.values("lead_organisation").annotate(n=Count("pk")).order_by("-n", "lead_organisation")[0]
    lead = Organisation.objects.get(pk=row["lead_organisation"])
    coordinator = User.objects.filter(organisation=lead, role=Role.CARE_COORDINATOR,
                                      is_active=True).order_by("pk").first()
    if coordinator is None:
        raise SystemExit(f"No care coordinator user in {lead}")
    police = Organisation.objects.filter(type="police", region_id=lead.region_id).order_by("pk").first() or lead
    _token, key = ApiToken.issue(police, "bench")
    municipality = Municipality.objects.filter(police_unit_id=lead.region_id).order_by("cbs_code").first()
    observed = (datetime.date.today() - datetime.timedelta(days=3)).isoformat()
    indicators = list(Indicator.objects.filter(active=True, group__in=["general", "labour"])
                      .order_by("order").values_list("code", flat=True)[:3])
    payload = {
        "observed_on": observed,
        "municipality": municipality.cbs_code if municipality else lead.municipality_id,
        "immediate_danger": False,
        "forms": ["labour"],
        "indicators": indicators,
        "person": {"identified": True, "given_names": "Ana", "family_name": "Popescu", "birth_date": "1998-04-02",
                   "gender": "female", "nationality": "RO", "languages": ["ro"], "lvb": "unknown"},
        "consent": {"status": "given", "purposes": ["registration"], "obtained_by": "Bench Mark",
                    "obtained_on": observed},
        "account": "Synthetic benchmark signal. No real person is described here.",
    }
    return Cast(coordinator=coordinator, lead=lead, token_key=key, api_payload=payload)


def measure_round(cast: Cast, cases: int, args: argparse.Namespace, round_no: int) -> list[Result]:
    from django.test import Client

    from vangnet.cases.models import Case

    web = Client()
    web.force_login(cast.coordinator)
    api = Client()
    n, warmup = args.requests, args.warmup
    total = n + warmup + 3
    rng = random.Random(args.seed + round_no)
    led = list(Case.objects.filter(lead_organisation=cast.lead).values_list("reference", flat=True))
    references = rng.sample(led, k=min(total, len(led)))
    body = json.dumps(cast.api_payload)
    auth = {"Authorization": f"Token {cast.token_key}"}

    def signal(i: int) -> Any:
        return api.post("/api/v1/signals", data=body, content_type="application/json",
                        headers={**auth, "Idempotency-Key": f"bench-{round_no}-{i}-{uuid.uuid4().hex}"})

    results = [
        measure("worklist", cases, lambda i: web.get("/cases/"), 200, n=n, warmup=warmup),
        measure(f"worklist ?status={args.status}", cases, lambda i: web.get("/cases/", {"status": args.status}),
                200, n=n, warmup=warmup),
        measure("case page", cases, lambda i: web.get(f"/cases/{references[i % len(references)]}/"), 200,
                n=n, warmup=warmup),
        measure("start page", cases, lambda i: web.get("/"), 200, n=n, warmup=warmup),
        measure("POST /api/v1/signals", cases, signal, 201, n=n, warmup=warmup),
    ]
    for r in results:
        print(f"  {r.endpoint:<26} median {r.median:6.1f} ms  p95 {r.p95:6.1f} ms  queries {r.query_label:>3}  "
              f"(cpu median {r.cpu:5.1f} ms, p95 {r.cpu_p95:5.1f} ms; waiting for a CPU {r.wait:5.1f} ms)",
              flush=True)
    return results


def load_to(target: int, seed: int) -> tuple[int, float]:
    """Bulk-load cases until there are ``target``. Returns (cases added, seconds)."""
    from vangnet.cases.models import Case
    from vangnet.demo.bulk import load_bulk

    missing = target - Case.objects.count()
    if missing <= 0:
        return 0, 0.0
    started = time.perf_counter()
    last = [started]

    def progress(done: int, total: int) -> None:
        now = time.perf_counter()
        if now - last[0] > 15 or done == total:
            print(f"    {done:>6}/{total} cases loaded ({now - started:.0f} s)", flush=True)
            last[0] = now

    added = load_bulk(missing, seed=seed, progress=progress)
    return added, time.perf_counter() - started


# --- report ------------------------------------------------------------------------------------------


def report(rounds: list[list[Result]], load: list[tuple[int, float]], small: int, large: int,
           loadavg: list[float]) -> bool:
    first, last = rounds
    width = 118
    print("\n" + "=" * width)
    print(f"{'endpoint':<26} | {f'{small:,} cases':^34} | {f'{large:,} cases':^34} | p95 ratio | cpu p95*")
    cols = f"{'median':>8} {'p95':>8} {'cpu':>7} {'queries':>7}"
    print(f"{'':<26} | {cols} | {cols} |")
    print("-" * width)
    ok = True
    lines = []
    for a, b in zip(first, last, strict=True):
        ratio = b.p95 / a.p95 if a.p95 else float("nan")
        print(f"{a.endpoint:<26} | {a.median:6.1f}ms {a.p95:6.1f}ms {a.cpu:5.1f}ms {a.query_label:>7} | "
              f"{b.median:6.1f}ms {b.p95:6.1f}ms {b.cpu:5.1f}ms {b.query_label:>7} | {ratio:8.2f}x | "
              f"{b.cpu_p95:6.1f}ms")
        same = set(a.queries) == set(b.queries) and len(set(b.queries)) == 1
        lines.append(f"{'PASS' if same else 'FAIL'}  queries do not grow with the data: {a.endpoint} "
                     f"({a.query_label} at {small:,}, {b.query_label} at {large:,})")
        fast = b.p95 < TARGET_P95_MS
        lines.append(f"{'PASS' if fast else 'FAIL'}  p95 < {TARGET_P95_MS:.0f} ms at {large:,} cases: "
                     f"{b.endpoint} ({b.p95:.1f} ms; its CPU time alone: p95 {b.cpu_p95:.1f} ms)")
        ok = ok and same and fast
    print("=" * width)
    print(f"p95 ratio = p95 at {large:,} / p95 at {small:,}. cpu = on-CPU time of this process + its PostgreSQL "
          f"backend per request (median; * p95 at {large:,}):\nthe work itself, whatever else runs on the machine. "
          "Wall time = cpu + waiting for a CPU + I/O.\n"
          f"load average (1 min) when measuring: {', '.join(f'{x:.1f}' for x in loadavg)} on {os.cpu_count()} CPUs")
    added = sum(n for n, _ in load)
    seconds = sum(s for _, s in load)
    print(f"bulk load: {added:,} cases in {seconds:.1f} s ({added / seconds if seconds else 0:,.0f} cases/s)")
    for line in lines:
        print(line)
    print(f"OVERALL: {'PASS' if ok else 'FAIL'}")
    return ok


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    if args.small >= args.large:
        raise SystemExit("--small must be less than --large")
    configure_environment(args)
    started = time.perf_counter()
    created = ensure_database(args.database_url)

    import django

    django.setup()
    from django.conf import settings

    from vangnet.demo.organisations import create_organisations, create_users

    database = settings.DATABASES["default"]
    print(f"database: {database['NAME']} on {database.get('HOST') or 'localhost'}:{database.get('PORT') or 5432}"
          f"{' (created)' if created else ''}; DEBUG={settings.DEBUG}; "
          f"{args.requests} timed requests per endpoint after {args.warmup} warm-up", flush=True)
    t = time.perf_counter()
    migrate()
    reset_data(database["NAME"], args.force)
    create_users(create_organisations())
    print(f"migrated and emptied in {time.perf_counter() - t:.1f} s", flush=True)

    rounds: list[list[Result]] = []
    loadavg: list[float] = []
    load: list[tuple[int, float]] = []
    cast: Cast | None = None
    for round_no, target in enumerate((args.small, args.large)):
        print(f"\n--- {target:,} cases ---", flush=True)
        added, seconds = load_to(target, seed=args.seed + round_no)
        load.append((added, seconds))
        print(f"  loaded {added:,} cases in {seconds:.1f} s; "
              + ", ".join(f"{k} {v:,}" for k, v in table_sizes().items()), flush=True)
        if cast is None:
            cast = prepare_cast()
            print(f"  worklist of {cast.coordinator.username} ({cast.lead.name})", flush=True)
        from vangnet.cases.models import Case

        print(f"  {cast.lead.name} leads {Case.objects.filter(lead_organisation=cast.lead).count():,} cases",
              flush=True)
        loadavg.append(os.getloadavg()[0])
        print(f"  load average {loadavg[-1]:.1f} on {os.cpu_count()} CPUs", flush=True)
        rounds.append(measure_round(cast, target, args, round_no))

    ok = report(rounds, load, args.small, args.large, loadavg)
    print(f"total time {time.perf_counter() - started:.0f} s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
