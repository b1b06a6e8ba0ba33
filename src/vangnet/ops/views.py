"""/healthz (the process answers), /readyz (it can do its work), /metrics (Prometheus, protected)."""

from __future__ import annotations

import hmac
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Max
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

_migrations_ok = False


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: the process runs and answers. Touches nothing else, so a slow database does not get
    a healthy process restarted."""
    return JsonResponse({"status": "ok"})


def _database() -> tuple[bool, str]:
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # any failure means "not ready"; the reason is shown, never a stack trace
        return False, type(exc).__name__
    return True, "ok"


def _migrations() -> tuple[bool, str]:
    global _migrations_ok
    if _migrations_ok:  # migrations do not un-apply themselves while the process runs
        return True, "ok"
    try:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as exc:
        return False, type(exc).__name__
    if plan:
        return False, f"{len(plan)} migrations not applied"
    _migrations_ok = True
    return True, "ok"


def worker_last_seen() -> Any:
    from django_tasks_db.models import DBTaskResult

    from vangnet.ops.models import WorkerHeartbeat

    beat = WorkerHeartbeat.objects.aggregate(at=Max("seen_at"))["at"]
    finished = DBTaskResult.objects.aggregate(at=Max("finished_at"))["at"]
    return max(filter(None, [beat, finished]), default=None)


def _worker() -> tuple[bool, str]:
    max_age = settings.WORKER_HEARTBEAT_MAX_AGE
    if max_age <= 0:
        return True, "not checked"
    try:
        seen = worker_last_seen()
    except Exception as exc:
        return False, type(exc).__name__
    if seen is None:
        return False, "never seen (run manage.py schedule_tasks and start manage.py db_worker)"
    age = (timezone.now() - seen).total_seconds()
    if age > max_age:
        return False, f"last seen {int(age)} s ago"
    return True, "ok"


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: the database answers, every migration is applied and the task worker is alive."""
    checks: dict[str, dict[str, Any]] = {}
    db_ok, db_detail = _database()
    checks["database"] = {"ok": db_ok, "detail": db_detail}
    if db_ok:
        for name, check in (("migrations", _migrations), ("worker", _worker)):
            ok, detail = check()
            checks[name] = {"ok": ok, "detail": detail}
    ready = all(c["ok"] for c in checks.values()) and len(checks) == 3
    return JsonResponse({"status": "ready" if ready else "not ready", "checks": checks}, status=200 if ready else 503)


def _client_address(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "")


def metrics_allowed(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer ") and hmac.compare_digest(header[7:].encode(), token.encode()):
        return True
    if "X-Forwarded-For" in request.headers or "Forwarded" in request.headers:
        return False  # came through the reverse proxy: the address is the proxy's, so it proves nothing
    return _client_address(request) in settings.METRICS_ALLOWED_IPS


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    if not metrics_allowed(request):
        return HttpResponse("Forbidden\n", status=403, content_type="text/plain")
    from vangnet.ops.metrics import render_metrics

    body, content_type = render_metrics()
    return HttpResponse(body, content_type=content_type)
