"""Security probe (issue 17): replays the findings of the go-live review on PostgreSQL and shows each fixed.

    .venv/bin/python benchmarks/run.py security_probe
    .venv/bin/python benchmarks/bench_security_probe.py --database-url postgres://postgres@127.0.0.1:5432/vangnet_probe

Runs in-process against the real WSGI application (Django's test client, no server) on a PostgreSQL database
(created and migrated when missing; ``$DATABASE_URL`` is deliberately not used). It adds a few probe users and
an API token; every tampering with the processing log happens inside a transaction that is rolled back, so the
database's own log stays intact. Prints one line per finding with the figures, and exits 0 only when every
finding is fixed:

1. 30 wrong passwords on one account → locked (429), and the right password is then refused;
2. production without secrets → every entry point refuses (WSGI, ASGI, manage.py, the task worker);
3. hostile input → 0 server errors (NUL bytes in every page's query string, API code fields and headers,
   invalid Unicode, 5,000-deep JSON, 10 MB and 60 MB bodies → 413, malformed ids → problem+json 404);
4. schemathesis against ``openapi.yaml`` (valid and invalid requests, every operation) → 0 server errors and
   0 contract violations;
5. the processing log's bypasses → refused for the application's role, detected when done as the owner;
6. headers → CSP, HSTS (over HTTPS), Permissions-Policy, ``Cache-Control: no-store`` with personal data;
7. failed logins and refused case access in the security log; the national coordination centre opens an
   incoming handover; API tokens expire;
8. federated login (OpenID Connect): forged callbacks (no login started, made-up or NUL-byte state and code,
   an error from the provider, unknown provider ids) → 0 server errors and no session; a provider that cannot be
   reached → the Dutch "cannot be reached" page (502, deliberate), never a crash.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/vangnet_probe"
RESULTS: list[tuple[str, bool, str]] = []


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("VANGNET_PROBE_DATABASE_URL", DEFAULT_DATABASE_URL))
    parser.add_argument("--examples", type=int, default=25, help="schemathesis examples per operation and mode")
    return parser.parse_args(argv)


def report(name: str, ok: bool, figures: str) -> None:
    RESULTS.append((name, ok, figures))
    print(f"[{'FIXED' if ok else 'OPEN '}] {name}: {figures}", flush=True)


def ensure_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql"):
        raise SystemExit("the probe needs PostgreSQL")
    name = parts.path.lstrip("/")
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


# --- the cast ---------------------------------------------------------------------------------------------


def cast() -> dict[str, Any]:
    from vangnet.accounts.models import ApiToken, Organisation, OrganisationType, Role, User

    def org(name: str, kind: str, municipality: str, region: str | None) -> Any:
        return Organisation.objects.get_or_create(name=name, defaults={
            "type": kind, "municipality_id": municipality, "region_id": region})[0]

    police = org("Probe politie Amsterdam", OrganisationType.POLICE, "GM0363", "AM")
    care = org("Probe zorgcoördinatie Amsterdam", OrganisationType.CARE_COORDINATION, "GM0363", "AM")
    ngo = org("Probe NGO Utrecht", OrganisationType.NGO, "GM0344", "MN")
    ncc = org("Probe landelijk coördinatiecentrum", OrganisationType.NATIONAL_COORDINATION_CENTRE, "GM0307", None)
    users = {}
    for name, organisation, role in [("probe_reporter", police, Role.REPORTER),
                                     ("probe_coordinator", care, Role.CARE_COORDINATOR),
                                     ("probe_outsider", ngo, Role.REPORTER),
                                     ("probe_national", ncc, Role.NATIONAL_COORDINATOR),
                                     ("probe_admin", ncc, Role.FUNCTIONAL_ADMIN)]:
        user, _created = User.objects.get_or_create(username=name, defaults={"organisation": organisation,
                                                                             "role": role})
        users[name] = user
    password = "probe-" + secrets.token_urlsafe(12)
    victim = users["probe_reporter"]
    victim.set_password(password)
    victim.save()
    _token, key = ApiToken.issue(police, f"probe-{uuid.uuid4().hex[:6]}")
    return {"users": users, "password": password, "key": key, "police": police, "ncc": ncc}


# --- 1. login lockout ----------------------------------------------------------------------------------------


def probe_lockout(c: dict[str, Any]) -> None:
    from axes.utils import reset
    from django.test import Client

    reset(username="probe_reporter")
    reset(ip="192.0.2.77")
    client = Client()
    statuses = Counter(client.post("/login/", {"username": "probe_reporter", "password": "wrong-password"},
                                   REMOTE_ADDR="192.0.2.77").status_code for _ in range(30))
    right = client.post("/login/", {"username": "probe_reporter", "password": c["password"]},
                        REMOTE_ADDR="192.0.2.77").status_code
    reset(username="probe_reporter")
    reset(ip="192.0.2.77")
    report("30 wrong passwords, then the right one", statuses[429] >= 20 and right == 429,
           f"statuses {dict(statuses)}; right password then answered {right}")


# --- 2. production entry points ------------------------------------------------------------------------------


def probe_production() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VANGNET_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update({"VANGNET_ENV": "production", "PYTHONPATH": str(ROOT / "src")})
    python = sys.executable
    entries = {"wsgi": [python, "-c", "from vangnet.wsgi import application"],
               "asgi": [python, "-c", "from vangnet.asgi import application"],
               "manage.py runserver": [python, "manage.py", "runserver", "--noreload", "127.0.0.1:8018"],
               "task worker": [python, "manage.py", "db_worker"]}
    refused = 0
    for command in entries.values():
        try:
            result = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=60)
            refused += result.returncode != 0 and "refuses to run in production" in result.stderr
        except subprocess.TimeoutExpired:
            pass  # it started: not refused
    report("production without secrets", refused == len(entries), f"{refused}/{len(entries)} entry points refuse")


# --- 3. hostile input ----------------------------------------------------------------------------------------


def probe_hostile_input(c: dict[str, Any]) -> None:
    from django.test import Client
    from django.utils import timezone

    from vangnet.core.routes import plain_get_urls
    from vangnet.ops.models import WorkerHeartbeat

    # a running deployment has its task worker: with a fresh heartbeat /readyz is ready, so a 5xx there is a
    # finding and not the deliberate "not ready" 503 of a server without a worker
    WorkerHeartbeat.objects.update_or_create(name="db_worker", defaults={"seen_at": timezone.now()})
    statuses: Counter[int] = Counter()
    wrong: list[str] = []

    def hit(response: Any, label: str, expect: int | None = None, problem: bool = False) -> None:
        statuses[response.status_code] += 1
        if response.status_code >= 500 or (expect and response.status_code != expect) or (
                problem and response.get("Content-Type") != "application/problem+json"):
            wrong.append(f"{label} → {response.status_code}")

    queries = ["q=%00", "municipality=%00", "actor=%00&status=%00", "%00=1", "q=%ED%A0%80", "page=%00"]
    for who in [None, "probe_admin", "probe_national", "probe_coordinator"]:
        client = Client(raise_request_exception=False)
        if who:
            client.force_login(c["users"][who])
        for url in plain_get_urls():
            for query in queries:
                hit(client.get(f"{url}?{query}"), f"{who} GET {url}?{query}")
    api = Client(raise_request_exception=False)
    auth = {"HTTP_AUTHORIZATION": f"Token {c['key']}"}

    def post(body: Any, idem: str | None = None, raw: bool = False) -> Any:
        data = body if raw else json.dumps(body)
        return api.generic("POST", "/api/v1/signals", data=data, content_type="application/json",
                           HTTP_IDEMPOTENCY_KEY=idem or str(uuid.uuid4()), **auth)

    for field in ["municipality", "forms", "indicators", "account"]:
        value: Any = ["lab\x00our"] if field in ("forms", "indicators") else "GM\x000363"
        hit(post({"municipality": "GM0363", "observed_on": "2026-01-01", field: value}), f"NUL in {field}", 400, True)
    hit(post({"person": {"nationality": "N\x00L"}}), "NUL in person.nationality", 400, True)
    hit(post('{"account": "\\ud800"}', raw=True), "lone surrogate", 400, True)
    hit(post({}, idem="key\x00"), "NUL in Idempotency-Key", 400, True)
    hit(post({}, idem="x" * 200), "200-character Idempotency-Key", 400, True)
    hit(post("[" * 5000 + "]" * 5000, raw=True), "5,000-deep JSON", 400, True)
    hit(post('{"a":' * 5000 + "1" + "}" * 5000, raw=True), "5,000-deep objects", 400, True)
    for megabytes in (10, 60):
        body = b'{"account": "' + b"x" * (megabytes * 1024 * 1024) + b'"}'
        hit(post(body, raw=True), f"{megabytes} MB body", 413, True)
    for path in ["/api/v1/signals/not-a-uuid", "/api/v1/handovers/1", "/api/v2/x"]:
        hit(api.get(path, **auth), f"GET {path}", 404, True)
    hit(api.get("/api/v1/handovers/%00/accept", **auth), "NUL in an API path", 400, True)
    hit(api.get("/api/v1/handovers?status=nonsense", **auth), "unknown ?status=", 400, True)
    hit(api.get("/api/v1/handovers", HTTP_AUTHORIZATION="Token vn_\x00"), "NUL in Authorization")
    total = sum(statuses.values())
    report("hostile input", not wrong and not any(code >= 500 for code in statuses),
           f"{total} requests, {sum(n for code, n in statuses.items() if code >= 500)} server errors, "
           f"{len(wrong)} wrong answers {wrong[:3]}; statuses {dict(sorted(statuses.items()))}")


# --- 4. schemathesis -----------------------------------------------------------------------------------------


def probe_schemathesis(c: dict[str, Any], examples: int) -> None:
    import schemathesis
    from django.conf import settings
    from django.core.wsgi import get_wsgi_application
    from hypothesis import HealthCheck, given
    from hypothesis import settings as hsettings
    from schemathesis import GenerationMode
    from schemathesis.specs.openapi.checks import positive_data_acceptance

    reference_fields = {"municipality", "exploitation_municipality", "forms", "indicators", "person.nationality",
                        "person.languages"}
    schema = schemathesis.openapi.from_path(str(Path(settings.REPO_DIR) / "openapi.yaml"))
    schema.app = get_wsgi_application()
    schema.config.generation.update(allow_x00=False, with_security_parameters=False)
    schema.config.update(headers={"Authorization": f"Token {c['key']}"})
    totals: Counter[str] = Counter()
    kinds: Counter[str] = Counter()

    def make_run(op: Any, mode: GenerationMode) -> Any:
        @given(case=op.as_strategy(generation_mode=mode))
        @hsettings(max_examples=examples, deadline=None, database=None, derandomize=True,
                   suppress_health_check=list(HealthCheck))
        def run(case: Any) -> None:
            totals["requests"] += 1
            response = case.call()
            totals["server_errors"] += response.status_code >= 500
            excluded = []
            if mode is GenerationMode.POSITIVE and response.status_code == 400:
                fields = {e["field"].split(".")[0] if e["field"].split(".")[0] in ("forms", "indicators")
                          else e["field"].rsplit(".", 1)[0] if e["field"][-1:].isdigit() else e["field"]
                          for e in response.json().get("errors", [])}
                if fields and fields <= reference_fields:
                    excluded = [positive_data_acceptance]
            try:
                case.validate_response(response, excluded_checks=excluded)
            except Exception as exc:
                totals["violations"] += 1
                kinds[type(exc).__name__] += 1

        return run

    for operation in schema.get_all_operations():
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            make_run(operation.ok(), mode)()
    requests, server_errors, violations = totals["requests"], totals["server_errors"], totals["violations"]
    report("schemathesis against openapi.yaml", server_errors == 0 and violations == 0,
           f"{requests} requests, {server_errors} server errors, {violations} contract violations {dict(kinds)}")


# --- 5. the processing log -----------------------------------------------------------------------------------


def probe_processing_log(c: dict[str, Any]) -> None:
    from django.db import DatabaseError, connection, transaction

    from vangnet.audit import chain
    from vangnet.audit.models import ProcessingLogEntry
    from vangnet.audit.roles import role_statements
    from vangnet.audit.services import log_processing

    log, window = "audit_processinglogentry", "audit_processing_log_purge_window"

    class Rollback(Exception):
        pass

    def attempt(setup: Any) -> set[str]:
        """Write fresh entries, tamper as the owner, verify; everything rolled back afterwards."""
        found: set[str] = set()
        try:
            with transaction.atomic():
                entries = [log_processing("case_management", "read", actor=c["users"]["probe_coordinator"],
                                          subject=f"PP{i:04d}") for i in range(6)]
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                    setup(cursor, entries)
                found = {f.kind for f in chain.verify().findings if f.seq is None or f.seq >= entries[0].seq}
                raise Rollback
        except Rollback:
            pass
        return found

    def window_delete(cursor: Any, entries: list[Any]) -> None:
        cursor.execute(f"INSERT INTO {window} (opened_by) VALUES ('probe')")
        cursor.execute(f"DELETE FROM {log} WHERE id = %s", [entries[2].id])
        cursor.execute(f"DELETE FROM {window} WHERE opened_by = 'probe'")

    def window_reinsert(cursor: Any, entries: list[Any]) -> None:
        window_delete(cursor, entries)
        victim = entries[2]
        victim.subject_pseudonym = "PPALTERED"
        victim._state.adding = True
        victim.save(force_insert=True)

    def disable_trigger(cursor: Any, entries: list[Any]) -> None:
        cursor.execute(f"ALTER TABLE {log} DISABLE TRIGGER processing_log_no_update")
        cursor.execute(f"UPDATE {log} SET action = 'delete' WHERE id = %s", [entries[3].id])

    def replica(cursor: Any, entries: list[Any]) -> None:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(f"DELETE FROM {log} WHERE id = %s", [entries[4].id])
        cursor.execute(f"UPDATE {log} SET fields = 'x' WHERE id = %s", [entries[3].id])

    bypasses = {"purge window + delete": window_delete, "purge window + re-insert altered copy": window_reinsert,
                "disable trigger as owner": disable_trigger, "session_replication_role = replica": replica}
    detected = {name: attempt(setup) for name, setup in bypasses.items()}
    report("log bypasses as the owner are detected", all(detected.values()),
           "; ".join(f"{name}: {'+'.join(sorted(kinds)) or 'NOT DETECTED'}" for name, kinds in detected.items()))

    # as the application's own role (manage.py database_roles), inside a rolled-back transaction
    refused: dict[str, bool] = {}
    try:
        with transaction.atomic():
            suffix = uuid.uuid4().hex[:8]
            app, purge = f"vn_probe_app_{suffix}", f"vn_probe_purge_{suffix}"
            with connection.cursor() as cursor:
                cursor.execute("SELECT current_database(), current_user")
                database, owner = cursor.fetchone()
                for statement in role_statements(app, purge, database, owner):
                    cursor.cursor.execute(statement)
            entry = ProcessingLogEntry.objects.filter(seq__isnull=False).order_by("-seq").first()
            checks = {
                "update": (f"UPDATE {log} SET action = 'x' WHERE id = %s", [entry.id]),
                "delete": (f"DELETE FROM {log} WHERE id = %s", [entry.id]),
                "truncate": (f"TRUNCATE {log}", []),
                "open purge window": (f"INSERT INTO {window} (opened_by) VALUES ('x')", []),
                "disable trigger": (f"ALTER TABLE {log} DISABLE TRIGGER processing_log_no_update", []),
                "session_replication_role": ("SET session_replication_role = replica", []),
            }
            for name, (sql, params) in checks.items():
                try:
                    with transaction.atomic(), connection.cursor() as cursor:
                        cursor.execute(f'SET LOCAL ROLE "{app}"')
                        cursor.execute(sql, params)
                    refused[name] = False
                except DatabaseError:
                    refused[name] = True
            raise Rollback
    except Rollback:
        pass
    report("log bypasses as the application role are refused", bool(refused) and all(refused.values()),
           f"{sum(refused.values())}/{len(refused)} refused: {refused}")
    verdict = chain.verify()
    report("verify_processing_log on this database", verdict.ok,
           f"{verdict.checked} entries checked, findings {verdict.counts()}")


# --- 6. headers; 7. security log, handovers, tokens -------------------------------------------------------


def probe_headers_and_rest(c: dict[str, Any]) -> None:
    from django.test import Client, override_settings

    from vangnet.accounts.models import ApiToken
    from vangnet.audit.models import SecurityEvent

    client = Client()
    public = client.get("/info/")
    with override_settings(SECURE_HSTS_SECONDS=31_536_000, SECURE_SSL_REDIRECT=False):
        hsts = Client().get("/info/", secure=True).get("Strict-Transport-Security", "")
    client.force_login(c["users"]["probe_coordinator"])
    private = [client.get(url).get("Cache-Control", "") for url in ("/", "/cases/", "/signals/")]
    api = Client().get("/api/v1/handovers", HTTP_AUTHORIZATION=f"Token {c['key']}").get("Cache-Control", "")
    ok = ("default-src 'self'" in public.get("Content-Security-Policy", "") and "max-age=31536000" in hsts
          and "camera=()" in public.get("Permissions-Policy", "") and all("no-store" in h for h in [*private, api]))
    report("headers", ok, f"CSP {'yes' if 'Content-Security-Policy' in public else 'no'}, HSTS '{hsts}', "
                          f"Permissions-Policy {'yes' if 'Permissions-Policy' in public else 'no'}, "
                          f"no-store on {sum('no-store' in h for h in [*private, api])}/{len(private) + 1}")

    before = SecurityEvent.objects.filter(kind="case_access_refused").count()
    outsider = Client()
    outsider.force_login(c["users"]["probe_outsider"])
    outsider.get("/cases/VN-0000-000000/")
    failed = SecurityEvent.objects.filter(kind="login_failed", username="probe_reporter").exists()
    refused = SecurityEvent.objects.filter(kind="case_access_refused").count() > before
    report("security log", failed and refused, f"failed logins recorded: {failed}; refused case access: {refused}")

    national = Client()
    national.force_login(c["users"]["probe_national"])
    report("NCC opens handovers in the web UI", national.get("/sharing/").status_code == 200,
           f"/sharing/ answers {national.get('/sharing/').status_code} for the national coordinator")
    days = ApiToken.objects.filter(organisation=c["police"]).order_by("-created_at").first()
    admin = Client()
    admin.force_login(c["users"]["probe_admin"])
    response = admin.post("/account/tokens/", {"organisation": c["police"].pk, "name": "probe-ui", "days": 7})
    issued = ApiToken.objects.filter(name="probe-ui").order_by("-created_at").first()
    report("API tokens in the web UI, with expiry", response.status_code == 200 and issued is not None
           and issued.expires_at is not None, f"issued via UI: {issued is not None}; "
           f"expires {issued.expires_at:%Y-%m-%d}" if issued else f"status {response.status_code} {days}")


def probe_federated_login(c: dict[str, Any]) -> None:
    import socket

    from django.test import Client

    from vangnet.accounts.models import IdentityProvider

    with socket.socket() as sock:  # a loopback port nobody listens on: the provider is down
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    idp, _created = IdentityProvider.objects.update_or_create(
        organisation=c["police"], name="Probe login service",
        defaults={"issuer": f"http://127.0.0.1:{port}", "client_id": "probe", "client_secret": "probe-secret"})
    statuses: Counter[int] = Counter()
    logged_in = 0
    forged = ["", "?code=abc&state=def", "?code=%00&state=%00", "?state=" + "x" * 5000, "?error=access_denied",
              "?error=%00&error_description=%ED%A0%80", "?code=abc&state=def&iss=https://evil.example"]
    for i, query in enumerate(forged):
        for path in [f"/account/oidc/{idp.pk}/callback/", "/account/oidc/999999/callback/"]:
            client = Client(raise_request_exception=False, REMOTE_ADDR=f"10.77.{i}.{len(path) % 250}")
            statuses[client.get(path + query).status_code] += 1
            logged_in += "_auth_user_id" in client.session
    for query in ["?next=https://evil.example/", "?next=%00", "?next=" + "x" * 5000]:
        client = Client(raise_request_exception=False, REMOTE_ADDR="10.78.0.1")
        statuses[client.get("/account/oidc/999999/start/" + query).status_code] += 1
    down = Client(raise_request_exception=False, REMOTE_ADDR="10.78.0.2").post(f"/account/oidc/{idp.pk}/start/")
    idp.delete()
    server_errors = sum(n for code, n in statuses.items() if code >= 500)
    report("federated login (OIDC) under forged callbacks", server_errors == 0 and logged_in == 0
           and down.status_code == 502 and "kan nu niet worden bereikt" in down.content.decode(),
           f"{sum(statuses.values())} forged requests, {server_errors} server errors, {logged_in} sessions; "
           f"statuses {dict(sorted(statuses.items()))}; provider down → {down.status_code} with a Dutch page")


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    ensure_database(args.database_url)
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vangnet.settings")
    os.environ["VANGNET_DEBUG"] = "false"
    os.environ.setdefault("VANGNET_LOG_LEVEL", "CRITICAL")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    started = time.monotonic()
    c = cast()
    probe_lockout(c)
    probe_production()
    probe_hostile_input(c)
    probe_schemathesis(c, args.examples)
    probe_processing_log(c)
    probe_headers_and_rest(c)
    probe_federated_login(c)
    fixed = sum(ok for _name, ok, _f in RESULTS)
    print(f"\n{fixed}/{len(RESULTS)} findings fixed in {time.monotonic() - started:.0f} s "
          f"(load average {os.getloadavg()[0]:.2f})")
    return 0 if fixed == len(RESULTS) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
