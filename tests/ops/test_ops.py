"""Health, readiness, metrics and JSON logs."""

from __future__ import annotations

import datetime
import json
import logging

import pytest
from django.utils import timezone

from vangnet.audit.context import processing_context
from vangnet.ops import views
from vangnet.ops.logging import JsonFormatter
from vangnet.ops.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_login(client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_readyz_needs_a_live_worker(client, settings) -> None:
    settings.WORKER_HEARTBEAT_MAX_AGE = 300
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["database"]["ok"] and body["checks"]["migrations"]["ok"]
    assert not body["checks"]["worker"]["ok"]

    WorkerHeartbeat.objects.create(name="db_worker", seen_at=timezone.now() - datetime.timedelta(minutes=10))
    assert client.get("/readyz").status_code == 503, "a stale heartbeat is not alive"
    WorkerHeartbeat.objects.filter(name="db_worker").update(seen_at=timezone.now())
    response = client.get("/readyz")
    assert response.status_code == 200 and response.json()["status"] == "ready"


def test_readyz_reports_a_broken_database(client, monkeypatch) -> None:
    monkeypatch.setattr(views, "_database", lambda: (False, "OperationalError"))
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": {"ok": False, "detail": "OperationalError"}}


def test_readyz_reports_unapplied_migrations(client, monkeypatch) -> None:
    monkeypatch.setattr(views, "_migrations_ok", False)

    class Plan:
        def __init__(self, connection) -> None:
            self.loader = type("L", (), {"graph": type("G", (), {"leaf_nodes": lambda self: []})()})()

        def migration_plan(self, targets):
            return [("lifecycle", "0002_new")]

    monkeypatch.setattr(views, "MigrationExecutor", Plan)
    body = client.get("/readyz").json()
    assert body["checks"]["migrations"] == {"ok": False, "detail": "1 migrations not applied"}


def test_heartbeat_task_beats_and_plans_the_next(settings) -> None:
    from django_tasks_db.models import DBTaskResult

    from vangnet.ops.tasks import HEARTBEAT_PATH, heartbeat_task

    heartbeat_task.call()
    assert WorkerHeartbeat.objects.get(name="db_worker").seen_at > timezone.now() - datetime.timedelta(seconds=5)
    assert DBTaskResult.objects.filter(task_path=HEARTBEAT_PATH, status="READY").count() == 1
    heartbeat_task.call()
    assert DBTaskResult.objects.filter(task_path=HEARTBEAT_PATH, status="READY").count() == 1, "never two waiting"


def test_metrics_are_protected(client, settings, cast, logged_in) -> None:
    settings.METRICS_TOKEN = "s3cret-token"
    settings.METRICS_ALLOWED_IPS = []
    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    logged_in(cast.admin)
    assert client.get("/metrics").status_code == 403, "a login is not a metrics token"
    ok = client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-token")
    assert ok.status_code == 200


def test_metrics_from_an_allowed_address_but_not_through_the_proxy(client, settings) -> None:
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_IPS = ["127.0.0.1"]
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 403
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 403


def test_metrics_show_latency_queue_holds_and_requests(client, settings, cast, logged_in) -> None:
    settings.METRICS_ALLOWED_IPS = ["127.0.0.1"]
    from vangnet.ops.tasks import heartbeat_task

    heartbeat_task.enqueue()
    logged_in(cast.coordinator)
    client.get("/cases/")
    text = client.get("/metrics", REMOTE_ADDR="127.0.0.1").content.decode()
    assert 'vangnet_http_request_duration_seconds_bucket{le="0.3",method="GET",status="200",view="cases:worklist"}' \
        in text
    assert 'vangnet_task_queue_depth{state="ready"} 1.0' in text
    assert "vangnet_expired_holds 0.0" in text
    assert 'vangnet_open_placement_requests{status="open"} 0.0' in text
    assert "/cases/" not in text, "paths never become labels"


def test_json_log_lines_carry_the_trace_id() -> None:
    formatter = JsonFormatter()
    record = logging.LogRecord("vangnet.test", logging.WARNING, __file__, 1, "Hold %s released", ("H-1",), None)
    with processing_context(actor_label="system:test", trace_id="abc123"):
        line = json.loads(formatter.format(record))
    assert line["message"] == "Hold H-1 released" and line["trace_id"] == "abc123" and line["level"] == "WARNING"
    assert json.loads(formatter.format(record))["trace_id"] is None


def test_schedule_tasks_starts_every_chain_once(settings) -> None:
    from io import StringIO

    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    first, second = StringIO(), StringIO()
    call_command("schedule_tasks", stdout=first)
    call_command("schedule_tasks", stdout=second)
    assert "deadline reminders planned" in first.getvalue()
    assert "deadline reminders already planned" in second.getvalue()
    waiting = DBTaskResult.objects.filter(status="READY")
    assert waiting.filter(task_path="vangnet.procedures.tasks.send_deadline_reminders_task").count() == 1
    assert waiting.filter(task_path="vangnet.lifecycle.tasks.run_retention_task").count() == 1
    assert waiting.filter(task_path="vangnet.ops.tasks.heartbeat_task").count() == 1


def test_a_request_log_line_carries_the_requests_trace_id(client, cast, logged_in) -> None:
    import io

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        logged_in(cast.admin)
        response = client.get("/lifecycle/requests/NO-SUCH-REQUEST/")
    finally:
        logger.removeHandler(handler)
    assert response.status_code == 404
    line = json.loads(stream.getvalue().strip().splitlines()[-1])
    assert line["trace_id"] == response["X-Trace-Id"] and line["status_code"] == 404
