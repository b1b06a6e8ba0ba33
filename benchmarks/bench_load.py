"""Load test: gunicorn + task worker on PostgreSQL at 50,000 cases, 50 users, locust (issue 11).

    python3 dev.py bench load                                   # defaults below
    .venv/bin/python benchmarks/run.py load -- --cases 5000 --users 20 --run-time 30s   # a quick look
    .venv/bin/python benchmarks/run.py load -- --backup-restore # also time backup and restore

What it does, bounded in time and users and on 127.0.0.1 only:

1. makes sure the database exists, is migrated and holds ``--cases`` cases (``load_bulk`` tops it up);
2. starts gunicorn (``--workers`` processes, persistent database connections, DEBUG off) and
   ``manage.py db_worker``, plans the periodic tasks and waits until ``/readyz`` says ready;
3. runs locust headless: coordinators (worklist, filtered worklist, case pages), reporters (their
   signals, start page, handovers) and API clients (POST a signal with an Idempotency-Key, read it
   back) in the ratio 3:2:1, ``--users`` at once, for ``--run-time``. Web users start with a session made
   beforehand (a login costs a deliberate ~0.5 s of PBKDF2 per user); ``--logins`` makes them log in;
4. stops both processes and prints the totals; with ``--backup-restore`` it then backs the database up
   and restores it into ``<database>_restore``, timing both.

Targets: 0 failed requests and p95 < 300 ms over all requests. The database is never emptied, but its
demo users get a known password and an API token is issued, so a database whose name does not contain
``load`` or ``bench`` is refused unless you pass ``--force``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = Path(sys.executable).parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/vangnet_load"
PASSWORD = "load-test-password-2026"
P95_TARGET_MS = 300.0


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench_load", description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("VANGNET_LOAD_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--cases", type=int, default=50_000)
    parser.add_argument("--users", type=int, default=50, help="concurrent users (at most 200)")
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--run-time", default="60s", help="locust --run-time, e.g. 60s, 2m (at most 10m)")
    parser.add_argument("--think-time", default="1,3",
                        help="seconds each user waits between requests, low,high (uniform); 1,3 is a busy user, "
                             "a case worker reading case pages takes 5-15 s")
    parser.add_argument("--port", type=int, default=8111)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=2, help="threads per gunicorn worker (gthread)")
    parser.add_argument("--worker-class", default="gthread", choices=["gthread", "sync"],
                        help="gunicorn worker class; sync: one request per process at a time, no keep-alive")
    parser.add_argument("--backup-restore", action="store_true", help="also time backup and restore")
    parser.add_argument("--logins", action="store_true",
                        help="every web user logs in with its password (PBKDF2) instead of a ready session")
    parser.add_argument("--force", action="store_true", help="allow a database name without 'load' or 'bench'")
    args = parser.parse_args(argv)
    args.users = max(1, min(args.users, 200))
    return args


def seconds(run_time: str) -> int:
    unit = run_time[-1]
    value = int(run_time[:-1]) if unit in "smh" else int(run_time)
    return min(value * {"s": 1, "m": 60, "h": 3600}.get(unit, 1), 600)


def env_for(args: argparse.Namespace) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": args.database_url, "VANGNET_ENV": "development", "VANGNET_DEBUG": "0",
            "VANGNET_DB_CONN_MAX_AGE": "600", "VANGNET_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "VANGNET_LOG_LEVEL": "WARNING", "PYTHONPATH": str(ROOT / "src")}


def manage(args: argparse.Namespace, *command: str, capture: bool = False) -> str:
    result = subprocess.run([str(BIN / "python"), "manage.py", *command], cwd=ROOT, env=env_for(args),
                            check=True, text=True, capture_output=capture)
    return result.stdout if capture else ""


def connect(url: str, dbname: str | None = None) -> Any:
    """An autocommit connection to the database of ``url`` (or to ``dbname`` on the same server)."""
    import dj_database_url
    import psycopg

    db = dj_database_url.parse(url)
    return psycopg.connect(host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"],
                           password=db.get("PASSWORD") or None, dbname=dbname or db["NAME"], autocommit=True)


def database_name(url: str) -> str:
    return url.rsplit("/", 1)[-1].split("?", 1)[0]


def ensure_database(url: str) -> None:
    name = database_name(url)
    with connect(url, "postgres") as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


PREPARE = r"""
import json, datetime, sys
from django.db.models import Count
from vangnet.accounts.models import ApiToken, Organisation, Role, User
from vangnet.cases.models import Case, Involvement
from vangnet.regions.models import Municipality
from vangnet.signals.models import Indicator
row = Case.objects.values("lead_organisation").annotate(n=Count("pk")).order_by("-n", "lead_organisation")[0]
lead = Organisation.objects.get(pk=row["lead_organisation"])
coordinator = User.objects.filter(organisation=lead, role=Role.CARE_COORDINATOR, is_active=True).order_by("pk").first()
police = Organisation.objects.filter(type="police", region_id=lead.region_id).order_by("pk").first()
reporter = User.objects.filter(organisation=police, role=Role.REPORTER, is_active=True).order_by("pk").first()
for user in (coordinator, reporter):
    user.set_password(sys.argv[1]); user.save(update_fields=["password"])
_t, key = ApiToken.issue(police, "load test")
refs = list(Case.objects.filter(lead_organisation=lead).order_by("?").values_list("reference", flat=True)[:2000])
municipality = Municipality.objects.filter(police_unit_id=lead.region_id).order_by("cbs_code").first()
observed = (datetime.date.today() - datetime.timedelta(days=3)).isoformat()
indicators = list(Indicator.objects.filter(active=True, group__in=["general", "labour"]).order_by("order")
                  .values_list("code", flat=True)[:3])
payload = {"observed_on": observed, "municipality": municipality.cbs_code, "immediate_danger": False,
           "forms": ["labour"], "indicators": indicators,
           "person": {"identified": True, "given_names": "Ana", "family_name": "Popescu", "birth_date": "1998-04-02",
                      "gender": "female", "nationality": "RO", "languages": ["ro"], "lvb": "unknown"},
           "consent": {"status": "given", "purposes": ["registration"], "obtained_by": "Load Test",
                       "obtained_on": observed},
           "account": "Synthetic load-test signal. No real person is described here."}
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from vangnet.accounts.mfa import SESSION_KEY as MFA_VERIFIED
def session_for(user):
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store[MFA_VERIFIED] = True  # as after the second step, which production requires of every user
    store.create()
    return store.session_key
sessions = {"coordinator": [session_for(coordinator) for _ in range(int(sys.argv[2]))],
            "reporter": [session_for(reporter) for _ in range(int(sys.argv[2]))]}
print(json.dumps({"coordinator": coordinator.username, "reporter": reporter.username, "token": key,
                  "sessions": sessions,
                  "references": refs, "payload": payload, "cases": Case.objects.count()}))
"""


def vacuum(url: str) -> None:
    """Vacuum and analyse the database, as autovacuum keeps a running server's. Where autovacuum is off (some
    test machines run PostgreSQL so), loading and re-encoding leave tables unanalysed and full of dead rows,
    and the planner then reads whole tables (the linkage worker's check of its index became a parallel scan
    of every encoding) where a served database uses an index."""
    started = time.perf_counter()
    with connect(url) as conn:
        autovacuum = (conn.execute("SHOW autovacuum").fetchone() or ["?"])[0]
        conn.execute("VACUUM (ANALYZE)")
    print(f"vacuumed and analysed in {time.perf_counter() - started:.1f} s (autovacuum is {autovacuum} on this "
          "server)", flush=True)


def prepare(args: argparse.Namespace) -> dict[str, Any]:
    out = subprocess.run([str(BIN / "python"), "-c", "import django, os; os.environ.setdefault("
                          "'DJANGO_SETTINGS_MODULE', 'vangnet.settings'); django.setup(); "
                          f"exec({PREPARE!r})", PASSWORD, str(args.users)], cwd=ROOT, env=env_for(args), check=True,
                         capture_output=True, text=True).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def wait_ready(port: int, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=5) as response:
                if response.status == 200:
                    return
        except urllib.error.HTTPError as exc:
            last = exc.read().decode(errors="replace")
        except OSError as exc:
            last = str(exc)
        time.sleep(1)
    raise SystemExit(f"the server did not become ready: {last}")


def warm_up(port: int, requests: int, cast: dict[str, Any]) -> None:
    """Unmeasured requests to every page of the workload, so each gunicorn worker has its connections open and
    its templates compiled: the first request of a page in a new process costs about a second, once per
    deploy, and would otherwise make up the slowest few percent of a short run."""
    from concurrent.futures import ThreadPoolExecutor

    coordinator = {"Cookie": f"vangnet_session={cast['sessions']['coordinator'][0]}"}
    reporter = {"Cookie": f"vangnet_session={cast['sessions']['reporter'][0]}"}
    api = {"Authorization": f"Token {cast['token']}"}
    pages = [("/login/", {}), ("/healthz", {}), ("/cases/", coordinator), ("/cases/?status=in_care", coordinator),
             ("/", reporter), ("/signals/", reporter), ("/sharing/", reporter), ("/api/v1/signals", api)]
    pages += [(f"/cases/{ref}/", coordinator) for ref in cast["references"][:requests]]

    def get(page: tuple[str, dict[str, str]]) -> None:
        request = urllib.request.Request(f"http://127.0.0.1:{port}{page[0]}", headers=page[1])
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                response.read()
        except urllib.error.HTTPError:
            pass  # e.g. 405 on a POST-only path: the code is loaded all the same

    with ThreadPoolExecutor(max_workers=4) as pool:  # concurrent, so every worker process gets its share
        list(pool.map(get, [page for _ in range(requests) for page in pages[:8]] + pages[8:]))


def _proc_cpu(pid: int) -> float:
    """CPU seconds (user + system) of one process, 0 when it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _descendants(root: int) -> set[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    tree, grew = {root}, True
    while grew:
        more = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= more
        grew = bool(more)
    return tree


def cpu_snapshot(args: argparse.Namespace, server: int, worker: int) -> dict[str, dict[int, float]]:
    """CPU seconds so far per process of gunicorn, the task worker and this database's PostgreSQL backends
    (Linux only; empty where /proc is missing). Differences between two snapshots give the CPU per request,
    the figure that does not depend on what else the machine is doing."""
    if not Path("/proc/self/stat").exists():
        return {}
    with connect(args.database_url) as conn:
        backends = [row[0] for row in conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")]
    return {"gunicorn": {pid: _proc_cpu(pid) for pid in _descendants(server)},
            "task worker": {pid: _proc_cpu(pid) for pid in _descendants(worker)},
            "postgresql": {pid: _proc_cpu(pid) for pid in backends}}


def cpu_report(before: dict[str, dict[int, float]], after: dict[str, dict[int, float]], locust_s: float,
               requests: int, wall: float) -> None:
    if not before or not requests:
        return
    used = {group: sum(after[group].get(pid, 0.0) - before[group].get(pid, 0.0) for pid in after[group])
            for group in after}
    used["locust (load generator)"] = locust_s
    total = sum(used.values())
    print("\nCPU per request (independent of other load on the machine):")
    for group, seconds_used in used.items():
        print(f"  {group:<26} {1000 * seconds_used / requests:7.1f} ms")
    print(f"  {'all':<26} {1000 * total / requests:7.1f} ms  -> {total / wall:.2f} of {os.cpu_count()} cores busy "
          f"at {requests / wall:.1f} requests/s")


def warm_linkage(args: argparse.Namespace, cast: dict[str, Any], timeout: float = 300) -> None:
    """Submit one signal and wait until the task worker has linked it: its first link builds the linkage index
    from every stored encoding (seconds at this size), which a worker that has been running has long done."""
    query = "SELECT generation, linked_generation FROM persons_linkagestate WHERE id = 1"
    with connect(args.database_url) as conn:
        before = (conn.execute(query).fetchone() or (0, 0))[0]
        request = urllib.request.Request(
            f"http://127.0.0.1:{args.port}/api/v1/signals", data=json.dumps(cast["payload"]).encode(), method="POST",
            headers={"Authorization": f"Token {cast['token']}", "Content-Type": "application/json",
                     "Idempotency-Key": f"warm-up-{time.time_ns()}"})
        with urllib.request.urlopen(request, timeout=60) as response:
            response.read()
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            row = conn.execute(query).fetchone()
            if row and row[0] > before and row[1] >= row[0]:
                print(f"the task worker linked a first signal in {time.monotonic() - started:.1f} s "
                      "(its linkage index is built)", flush=True)
                return
            time.sleep(1)
    print("warning: the task worker did not link the warm-up signal in time", flush=True)


def stop(process: subprocess.Popen[Any] | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def load_stats(prefix: Path) -> tuple[dict[str, str], list[dict[str, str]]]:
    with open(f"{prefix}_stats.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    total = next(r for r in rows if r["Name"] == "Aggregated")
    return total, [r for r in rows if r["Name"] != "Aggregated"]


def time_backup_restore(args: argparse.Namespace, work: Path) -> None:
    from cryptography.fernet import Fernet

    key = Fernet.generate_key().decode()
    target = f"{database_name(args.database_url)}_restore"
    env = {**env_for(args), "VANGNET_BACKUP_KEY": key}
    path = work / "load.backup"
    started = time.perf_counter()
    subprocess.run([str(BIN / "python"), "manage.py", "backup", "--output", str(path)], cwd=ROOT, env=env, check=True)
    backup_s = time.perf_counter() - started
    with connect(args.database_url, "postgres") as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{target}"')
    url = args.database_url.rsplit("/", 1)[0] + "/" + target
    started = time.perf_counter()
    subprocess.run([str(BIN / "python"), "manage.py", "restore", str(path), "--target", url], cwd=ROOT, env=env,
                   check=True)
    restore_s = time.perf_counter() - started
    size = path.stat().st_size / 1e6
    print(f"\nbackup {backup_s:.1f} s ({size:.1f} MB encrypted), restore + verify {restore_s:.1f} s", flush=True)
    path.unlink()


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    name = database_name(args.database_url)
    if not args.force and "load" not in name and "bench" not in name:
        print(f"refusing database {name!r}: its name has neither 'load' nor 'bench' (use --force)")
        return 2
    ensure_database(args.database_url)
    manage(args, "migrate", "--no-input", "-v", "0")
    count = int(manage(args, "shell", "-c", "from vangnet.cases.models import Case; print(Case.objects.count())",
                       capture=True).strip().splitlines()[-1])
    if count < args.cases:
        print(f"loading {args.cases - count} cases (there are {count}) ...", flush=True)
        manage(args, "load_bulk", "--cases", str(args.cases - count), "--seed", str(random.randint(2, 10**6)))
    # a registry of this size has linkage encodings for its identified signals: without them a new signal
    # would be linked against nothing and the task worker's share of the load would be understated
    missing = int(manage(args, "shell", "-c", "from vangnet.signals.models import Signal; print(Signal.objects"
                         ".filter(is_identified=True, encoding__isnull=True).count())", capture=True)
                  .strip().splitlines()[-1])
    if missing > 100:
        print(f"encoding {missing} identified signals for linkage (once; ~8 ms each) ...", flush=True)
        manage(args, "shell", "-c", "from vangnet.audit.context import processing_context; "
               "from vangnet.persons.services import link_all\n"
               "with processing_context(actor_label='system:linkage'): print(link_all())")
    cast = prepare(args)
    vacuum(args.database_url)
    work = ROOT / "var" / "load"
    work.mkdir(parents=True, exist_ok=True)
    references = work / "references.txt"
    references.write_text("\n".join(cast["references"]))
    print(f"{cast['cases']} cases; coordinator {cast['coordinator']}, reporter {cast['reporter']}; "
          f"load average {os.getloadavg()[0]:.2f}", flush=True)

    env = env_for(args)
    server = worker = None
    try:
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "vangnet.wsgi:application", "-c", "python:vangnet.ops.gunicorn_conf",
             "--bind", f"127.0.0.1:{args.port}",
             "--workers", str(args.workers), "--threads", str(args.threads), "--worker-class", args.worker_class,
             # keep-alive longer than the users' think time: otherwise gunicorn closes an idle connection
             # just as locust reuses it, and the request fails with "connection reset"
             "--keep-alive", str(int(float(args.think_time.split(",")[-1])) + 10),
             "--timeout", "60", "--log-level", "warning", "--preload"], cwd=ROOT, env=env)
        worker = subprocess.Popen([str(BIN / "python"), "manage.py", "db_worker", "--interval", "1"], cwd=ROOT,
                                  env=env, stdout=subprocess.DEVNULL)
        manage(args, "schedule_tasks")
        wait_ready(args.port)
        warm_up(args.port, args.workers * args.threads * 2, cast)
        warm_linkage(args, cast)
        prefix = work / "locust"
        locust_env = {**env, "LOAD_COORDINATOR": cast["coordinator"], "LOAD_REPORTER": cast["reporter"],
                      "LOAD_PASSWORD": PASSWORD, "LOAD_TOKEN": cast["token"], "LOAD_THINK_TIME": args.think_time,
                      "LOAD_PAYLOAD": json.dumps(cast["payload"]), "LOAD_REFERENCES": str(references),
                      "LOAD_SESSIONS": "" if args.logins else json.dumps(cast["sessions"])}
        run_time = f"{seconds(args.run_time)}s"
        import resource

        cpu_before = cpu_snapshot(args, server.pid, worker.pid)
        children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(
            [str(BIN / "locust"), "-f", str(HERE / "load" / "locustfile.py"), "--headless", "--only-summary",
             "--users", str(args.users), "--spawn-rate", str(args.spawn_rate), "--run-time", run_time,
             "--host", f"http://127.0.0.1:{args.port}", "--csv", str(prefix), "--stop-timeout", "10",
             "--loglevel", "WARNING"],
            cwd=ROOT, env=locust_env, check=False, timeout=seconds(args.run_time) + 120,
        )
        wall = time.perf_counter() - started
        children_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        locust_cpu = (children_after.ru_utime - children_before.ru_utime
                      + children_after.ru_stime - children_before.ru_stime)
        cpu_after = cpu_snapshot(args, server.pid, worker.pid)
    finally:
        stop(server)
        stop(worker)
    total, rows = load_stats(prefix)
    load_average = os.getloadavg()
    print(f"\n{'request':<30} {'count':>7} {'fail':>5} {'median':>7} {'p95':>6} {'p99':>6}")
    for r in rows:
        print(f"{r['Name']:<30} {r['Request Count']:>7} {r['Failure Count']:>5} {r['50%']:>7} {r['95%']:>6} "
              f"{r['99%']:>6}")
    requests, failures, p95 = int(total["Request Count"]), int(total["Failure Count"]), float(total["95%"])
    rps = float(total["Requests/s"])
    print(f"\nall: {requests} requests in {wall:.0f} s, {rps:.1f} requests/s, {failures} failed, "
          f"median {total['50%']} ms, p95 {p95:.0f} ms, p99 {total['99%']} ms "
          f"({args.users} users thinking {args.think_time.replace(',', '-')} s, "
          f"{args.workers}x{args.threads} gunicorn, {cast['cases']} cases; "
          f"load average {load_average[0]:.2f} {load_average[1]:.2f} {load_average[2]:.2f})")
    cpu_report(cpu_before, cpu_after, locust_cpu, requests, wall)
    ok = failures == 0 and p95 < P95_TARGET_MS
    print("targets met: 0 errors and p95 < 300 ms" if ok else "TARGETS MISSED: 0 errors and p95 < 300 ms")
    if args.backup_restore:
        time_backup_restore(args, work)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
