"""National placement matching over 1,000 locations and 20,000 placements; reservations under contention.

    python benchmarks/run.py shelters
    python benchmarks/run.py shelters -- --runs 50 --locations 500     # quicker
    python benchmarks/bench_shelters.py --help

Uses a dedicated PostgreSQL database (``vangnet_bench_shelters``; created and migrated when missing, its
shelter and case data EMPTIED at the start of every run) and bulk-loads synthetic shelter locations with
1 to 3 place types each, 20,000 historical placements (about 40 % still admitted, holding their place; the
rest discharged) and the cases and requests behind them. Then it measures:

1. a national match: ``selectors.find_matches`` for a request with random needs: the request's needs,
   every place type at every location with its free places now (5 queries whatever the size) and the
   ranking, in-process (the ``Match`` with its reasons is built when a place is looked at). Median and p95
   over ``--runs`` requests; target p95 < 50 ms.
2. reservations per second under contention: ``--threads`` threads, each on its own connection, reserve
   places of ONE place type at one location (the worst case: every reservation waits for the same row
   lock), and, for comparison, spread over all locations.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/vangnet_bench_shelters"
TARGET_P95_MS = 50.0
ROOT = Path(__file__).resolve().parent.parent
PLACE_TYPES = ["cosm", "omm", "women", "men", "minors", "crisis"]


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench_shelters", description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("VANGNET_BENCH_SHELTERS_DATABASE_URL",
                                                                 DEFAULT_DATABASE_URL),
                        help="PostgreSQL database; its shelter and case data are EMPTIED first (default: %(default)s)")
    parser.add_argument("--locations", type=int, default=1_000)
    parser.add_argument("--history", type=int, default=20_000, help="historical placements (default 20000)")
    parser.add_argument("--runs", type=int, default=200, help="timed national matches (default 200)")
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--threads", type=int, default=8, help="concurrent reservers (default 8)")
    parser.add_argument("--reservations", type=int, default=400, help="reservations per contention round")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--force", action="store_true", help="empty a database whose name lacks 'bench'")
    return parser.parse_args(argv)


def ensure_database(url: str) -> bool:
    import psycopg

    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        raise SystemExit(f"bench_shelters needs PostgreSQL; got {parts.scheme}://")
    name = parts.path.lstrip("/")
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return False
        conn.execute(f'CREATE DATABASE "{name}"')
    return True


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * pct / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def reset(database_name: str, force: bool) -> None:
    from django.core.management import call_command
    from django.db import connection, transaction

    from vangnet.audit.services import sync_register

    if "bench" not in database_name and not force:
        raise SystemExit(f"Refusing to empty {database_name!r}: no 'bench' in its name (use --force)")
    call_command("migrate", interactive=False, verbosity=0)
    sync_register()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE shelters_notification, shelters_slotclaim, shelters_placement, "
                       "shelters_placeblock, shelters_placementrequest, shelters_placeslot, shelters_placecapacity, "
                       "shelters_shelterlocation, cases_case RESTART IDENTITY CASCADE")
        cursor.execute("INSERT INTO audit_processing_log_purge_window (opened_by) VALUES ('bench_shelters')")
        cursor.execute("TRUNCATE audit_processinglogentry")
        cursor.execute("DELETE FROM audit_processing_log_purge_window WHERE opened_by = 'bench_shelters'")


def load(args: argparse.Namespace, rng: random.Random) -> dict[str, Any]:
    from django.db import transaction
    from django.utils import timezone

    from vangnet.accounts.models import Organisation, OrganisationType, Role, User
    from vangnet.cases.models import Case
    from vangnet.core.models import Language
    from vangnet.regions.models import Municipality
    from vangnet.shelters.models import (
        ClaimKind,
        PlaceCapacity,
        Placement,
        PlacementRequest,
        PlacementStatus,
        PlaceSlot,
        RequestStatus,
        ShelterLocation,
        SlotClaim,
    )

    municipalities = list(Municipality.objects.values_list("cbs_code", "police_unit_id"))
    languages = list(Language.objects.values_list("code", flat=True))
    care = Organisation.objects.filter(type=OrganisationType.CARE_COORDINATION).order_by("pk").first()
    coordinator = User.objects.filter(role=Role.CARE_COORDINATOR, organisation=care).first()
    providers = [Organisation.objects.update_or_create(
        name=f"Bench opvang {i:02d}", defaults={"type": OrganisationType.SHELTER_PROVIDER,
                                               "municipality_id": municipalities[i][0]})[0] for i in range(50)]
    now = timezone.now()
    with transaction.atomic():
        locs = []
        for i in range(args.locations):
            code, unit = rng.choice(municipalities)
            minors = rng.random() < 0.1
            locs.append(ShelterLocation(
                provider=rng.choice(providers), name=f"Locatie {i:04d}", municipality_id=code, region_id=unit,
                address=f"Straat {i}, synthetic", genders=rng.choice([["female"], ["male"], ["female", "male", "x"]]),
                min_age=12 if minors else 18, max_age=17 if minors else rng.choice([25, 65, 120]),
                accepts_children=rng.random() < 0.3, accepts_lvb=rng.random() < 0.4,
                accepts_addiction=rng.random() < 0.3, offers_psychiatric_care=rng.random() < 0.2,
                wheelchair_accessible=rng.random() < 0.3,
                specialisms=rng.sample(["male_sexual", "labour", "criminal"], rng.randint(0, 2))))
        ShelterLocation.objects.bulk_create(locs, batch_size=1000)
        through = ShelterLocation.languages.through
        through.objects.bulk_create([through(shelterlocation_id=loc.pk, language_id=lang) for loc in locs
                                     for lang in rng.sample(languages, 3)], batch_size=5000)
        caps = []
        for loc in locs:
            types = ["minors"] if loc.max_age < 18 else rng.sample([t for t in PLACE_TYPES if t != "minors"],
                                                                   rng.randint(1, 3))
            caps.extend(PlaceCapacity(location=loc, place_type=t, places=rng.randint(4, 20)) for t in types)
        PlaceCapacity.objects.bulk_create(caps, batch_size=2000)
        slots = [PlaceSlot(capacity=c, number=n + 1) for c in caps for n in range(c.places)]
        PlaceSlot.objects.bulk_create(slots, batch_size=5000)
        slots_by_cap: dict[int, list[int]] = {}
        for s in slots:
            slots_by_cap.setdefault(s.capacity_id, []).append(s.pk)

        # 20,000 historical placements, each behind its own case and request
        cases = []
        for i in range(args.history):
            code, unit = rng.choice(municipalities)
            opened = now - datetime.timedelta(days=rng.uniform(1, 730))
            cases.append(Case(reference=f"VN-B-{i:07d}", municipality_id=code, region_id=unit, lead_organisation=care,
                              status="placed", urgency=rng.choice(["acute", "urgent", "regular"]), opened_at=opened,
                              updated_at=opened))
        Case.objects.bulk_create(cases, batch_size=5000)
        reqs, placements = [], []
        free_slots = {cap_id: list(ids) for cap_id, ids in slots_by_cap.items()}
        for case in cases:
            admitted = case.opened_at + datetime.timedelta(hours=rng.expovariate(1 / 30))
            reqs.append(PlacementRequest(case=case, requesting_organisation=care, requested_by=coordinator,
                                         created_at=case.opened_at, urgency=case.urgency, deadline=case.opened_at,
                                         status=RequestStatus.DISCHARGED, gender="female", age=30,
                                         admitted_at=admitted, closed_at=admitted))
        PlacementRequest.objects.bulk_create(reqs, batch_size=5000)
        claims = []
        current = 0
        held_slot: dict[int, int] = {}
        for i, req in enumerate(reqs):
            cap = rng.choice(caps)
            still_there = bool(rng.random() < 0.4 and free_slots[cap.pk])
            if still_there:
                held_slot[i] = free_slots[cap.pk].pop()
            p = Placement(request=req, capacity=cap, reserved_by=coordinator, reserved_at=req.created_at,
                          held_until=req.created_at, admitted_at=req.admitted_at,
                          admission_date=req.admitted_at.date(),
                          status=PlacementStatus.ADMITTED if still_there else PlacementStatus.DISCHARGED,
                          discharge_destination="" if still_there else "own_housing")
            placements.append(p)
            if still_there:
                req.status = RequestStatus.ADMITTED
                current += 1
        PlacementRequest.objects.bulk_update([r for r in reqs if r.status == RequestStatus.ADMITTED], ["status"],
                                             batch_size=5000)
        Placement.objects.bulk_create(placements, batch_size=5000)
        for i, p in enumerate(placements):
            if p.status == PlacementStatus.ADMITTED:
                claims.append(SlotClaim(slot_id=held_slot[i], capacity_id=p.capacity_id, kind=ClaimKind.ADMISSION,
                                        placement=p, started_at=p.admitted_at))
            else:
                claims.append(SlotClaim(slot_id=slots_by_cap[p.capacity_id][0], capacity_id=p.capacity_id,
                                        kind=ClaimKind.ADMISSION, placement=p, started_at=p.admitted_at,
                                        released_at=p.admitted_at + datetime.timedelta(days=60)))
        SlotClaim.objects.bulk_create(claims, batch_size=5000)
    return {"care": care, "coordinator": coordinator, "municipalities": municipalities, "languages": languages,
            "capacities": len(caps), "slots": len(slots), "current": current}


def make_requests(n: int, ctx: dict[str, Any], rng: random.Random, *, fitting_anything: bool) -> list[int]:
    from django.utils import timezone

    from vangnet.cases.models import Case
    from vangnet.shelters.models import PlacementRequest

    now = timezone.now()
    start = Case.objects.count()
    cases = []
    for i in range(n):
        code, unit = rng.choice(ctx["municipalities"])
        cases.append(Case(reference=f"VN-R-{start + i:07d}", municipality_id=code, region_id=unit,
                          lead_organisation=ctx["care"], status="in_triage", urgency="urgent"))
    Case.objects.bulk_create(cases, batch_size=5000)
    reqs = []
    for case in cases:
        if fitting_anything:
            needs = {"gender": "unknown", "age": None, "exploitation_municipality_id": None}
        else:
            needs = {"gender": rng.choice(["female", "male", "x", "unknown"]), "age": rng.randint(14, 60),
                     "children_count": rng.choice([0, 0, 0, 1, 2]), "lvb": rng.random() < 0.2,
                     "addiction": rng.random() < 0.15, "psychiatric": rng.random() < 0.1,
                     "exploitation_municipality_id": case.municipality_id,
                     "specialisms": rng.sample(["male_sexual", "labour", "criminal"], rng.randint(0, 1))}
            needs["is_minor"] = needs["age"] < 18
        reqs.append(PlacementRequest(case=case, requesting_organisation=ctx["care"], requested_by=ctx["coordinator"],
                                     urgency="urgent", deadline=now + datetime.timedelta(days=3), **needs))
    PlacementRequest.objects.bulk_create(reqs, batch_size=5000)
    through = PlacementRequest.languages.through
    through.objects.bulk_create([through(placementrequest_id=r.pk, language_id=rng.choice(ctx["languages"]))
                                 for r in reqs])
    return [r.pk for r in reqs]


def backend_cpu_ms(pid: int) -> float:
    """On-CPU time of the PostgreSQL backend (Linux, server on this host); 0.0 when unreadable."""
    try:
        with open(f"/proc/{pid}/schedstat") as handle:
            return int(handle.read().split()[0]) / 1e6
    except (OSError, ValueError):
        return 0.0


def measure_matching(ids: list[int], args: argparse.Namespace) -> tuple[list[float], list[float], list[int], list[int]]:
    """Wall time, and CPU time (this process + its PostgreSQL backend), per national match."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from vangnet.shelters.models import PlacementRequest
    from vangnet.shelters.selectors import find_matches

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    times, cpu, fitting, queries = [], [], [], []
    for i, pk in enumerate(ids):
        req = PlacementRequest.objects.select_related("case", "exploitation_municipality").get(pk=pk)
        with CaptureQueriesContext(connection) as captured:
            c0, b0 = time.process_time(), backend_cpu_ms(backend)
            t = time.perf_counter()
            result = find_matches(req)
            elapsed = (time.perf_counter() - t) * 1000
            used = (time.process_time() - c0) * 1000 + backend_cpu_ms(backend) - b0
        if i >= args.warmup:
            times.append(elapsed)
            cpu.append(used)
            fitting.append(len(result.fitting))
            queries.append(len(captured))
    return times, cpu, fitting, queries


def contention(capacity_ids: list[int], request_ids: list[int], threads: int,
               coordinator: Any) -> tuple[int, int, float]:
    from django.db import connections

    from vangnet.audit.context import processing_context
    from vangnet.shelters import services

    queue = list(request_ids)
    lock = threading.Lock()
    counts = {"ok": 0, "gone": 0}
    rng = random.Random(7)

    def worker() -> None:
        with processing_context(actor=coordinator):
            while True:
                with lock:
                    if not queue:
                        break
                    req_id = queue.pop()
                    cap_id = rng.choice(capacity_ids)
                try:
                    services.reserve(req_id, cap_id, actor=coordinator)
                    key = "ok"
                except services.PlaceNoLongerAvailable:
                    key = "gone"
                with lock:
                    counts[key] += 1
        connections.close_all()

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    t = time.perf_counter()
    for th in pool:
        th.start()
    for th in pool:
        th.join()
    return counts["ok"], counts["gone"], time.perf_counter() - t


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vangnet.settings")
    os.environ.setdefault("VANGNET_DEBUG", "false")
    if str(ROOT / "src") not in sys.path:
        sys.path.insert(0, str(ROOT / "src"))
    created = ensure_database(args.database_url)
    import django

    django.setup()
    from django.conf import settings

    from vangnet.demo.organisations import create_organisations, create_users
    from vangnet.shelters import services
    from vangnet.shelters.models import PlaceCapacity, ShelterLocation

    rng = random.Random(args.seed)
    db = settings.DATABASES["default"]["NAME"]
    print(f"database: {db}{' (created)' if created else ''}", flush=True)
    t = time.perf_counter()
    reset(db, args.force)
    create_users(create_organisations())
    ctx = load(args, rng)
    print(f"loaded {args.locations:,} locations, {ctx['capacities']:,} place types, {ctx['slots']:,} places, "
          f"{args.history:,} historical placements ({ctx['current']:,} still admitted) in "
          f"{time.perf_counter() - t:.1f} s", flush=True)

    ids = make_requests(args.runs + args.warmup, ctx, rng, fitting_anything=False)
    times, cpu, fitting, queries = measure_matching(ids, args)
    med, p95 = statistics.median(times), percentile(times, 95)
    cpu_med, cpu_p95 = statistics.median(cpu), percentile(cpu, 95)
    print(f"\nnational match over {ctx['capacities']:,} place types at {args.locations:,} locations "
          f"({len(times)} requests with random needs):")
    print(f"  median {med:.1f} ms   p95 {p95:.1f} ms   max {max(times):.1f} ms   queries {sorted(set(queries))}   "
          f"fitting places per request: median {statistics.median(fitting):.0f}")
    print(f"  CPU time (this process + its PostgreSQL backend): median {cpu_med:.1f} ms   p95 {cpu_p95:.1f} ms   "
          f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")

    # contention: every reservation on one place type at one location
    from vangnet.audit.context import processing_context

    with processing_context(actor_label="bench"):
        hot = ShelterLocation.objects.create(provider_id=ShelterLocation.objects.values_list(
            "provider_id", flat=True).first(), name="Hot spot", municipality_id="GM0014", address="synthetic",
            genders=["female", "male", "x"], min_age=0, max_age=120)
        hot_cap = services.set_capacity(hot, "crisis", args.reservations)
    req_ids = make_requests(args.reservations, ctx, rng, fitting_anything=True)
    ok, gone, seconds = contention([hot_cap.pk], req_ids, args.threads, ctx["coordinator"])
    print(f"\nreservations under contention ({args.threads} threads, one place type at one location, "
          f"{args.reservations} places):")
    print(f"  {ok} reserved, {gone} refused in {seconds:.2f} s = {ok / seconds:,.0f} reservations/s")
    spread = list(PlaceCapacity.objects.filter(place_type="crisis").exclude(pk=hot_cap.pk)
                  .values_list("pk", flat=True))
    req_ids = make_requests(args.reservations, ctx, rng, fitting_anything=True)
    ok2, gone2, seconds2 = contention(spread, req_ids, args.threads, ctx["coordinator"])
    print(f"reservations spread over {len(spread)} crisis place types ({args.threads} threads):")
    print(f"  {ok2} reserved, {gone2} refused (full) in {seconds2:.2f} s = {(ok2 + gone2) / seconds2:,.0f} attempts/s")

    passed = p95 < TARGET_P95_MS
    print(f"\n{'PASS' if passed else 'FAIL'}  national match p95 {p95:.1f} ms < {TARGET_P95_MS:.0f} ms (wall time; "
          f"CPU p95 {cpu_p95:.1f} ms)")
    double = PlaceCapacity.objects.filter(pk=hot_cap.pk).first()
    taken = hot_cap.claims.filter(released_at__isnull=True).count() if double else 0
    sound = taken == ok
    print(f"{'PASS' if sound else 'FAIL'}  no double booking: {taken} active claims for {ok} reservations")
    return 0 if passed and sound else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
