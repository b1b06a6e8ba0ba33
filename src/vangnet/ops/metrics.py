"""Prometheus metrics at /metrics: request latency, task queue depth, expired holds, open placement requests.

Request latency is measured by ``MetricsMiddleware`` (first in the chain) and labelled by the resolved
URL pattern name, never by the path (paths carry case numbers). The gauges are read from the database at
scrape time. Under gunicorn with several workers each process keeps its own histogram; set
``PROMETHEUS_MULTIPROC_DIR`` to a writable, emptied-at-start directory to aggregate them (docs/deploy.md).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from typing import Any

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import REGISTRY, Collector

REQUEST_LATENCY = Histogram(
    "vangnet_http_request_duration_seconds", "Time to answer an HTTP request",
    ["method", "view", "status"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.5, 5.0, 10.0),
)


def _view_name(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unresolved"
    return match.view_name or "unnamed"


class MetricsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        start = time.perf_counter()
        response = self.get_response(request)
        if request.path != "/metrics":
            REQUEST_LATENCY.labels(request.method or "", _view_name(request),
                                   str(response.status_code)).observe(time.perf_counter() - start)
        return response


class DomainCollector(Collector):
    """Gauges computed from the database at scrape time."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        yield from _task_queue()
        yield from _placements()

    def describe(self) -> list[Any]:
        return []  # read at scrape time only; registering must not query the database


def _task_queue() -> Iterator[GaugeMetricFamily]:
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:
        return
    gauge = GaugeMetricFamily("vangnet_task_queue_depth", "Tasks waiting for the worker", labels=["state"])
    ready = DBTaskResult.objects.ready().count()
    later = DBTaskResult.objects.filter(status="READY").count() - ready
    gauge.add_metric(["ready"], ready)
    gauge.add_metric(["scheduled"], later)
    gauge.add_metric(["running"], DBTaskResult.objects.running().count())
    yield gauge
    oldest = DBTaskResult.objects.ready().order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    age = GaugeMetricFamily("vangnet_task_queue_oldest_seconds", "Age of the oldest task waiting to run")
    age.add_metric([], (timezone.now() - oldest).total_seconds() if oldest else 0.0)
    yield age


def _placements() -> Iterator[GaugeMetricFamily]:
    from django.apps import apps

    if not apps.is_installed("vangnet.shelters"):
        return
    Placement = apps.get_model("shelters", "Placement")
    PlacementRequest = apps.get_model("shelters", "PlacementRequest")
    expired = GaugeMetricFamily("vangnet_expired_holds", "Held places past their hold time, not yet released")
    expired.add_metric([], Placement.objects.filter(status="held", held_until__lt=timezone.now()).count())
    yield expired
    open_requests = GaugeMetricFamily("vangnet_open_placement_requests",
                                      "Placement requests not yet placed, by status", labels=["status"])
    counts = dict(PlacementRequest.objects.filter(status__in=OPEN_REQUEST_STATUSES)
                  .values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    for status in OPEN_REQUEST_STATUSES:
        open_requests.add_metric([status], counts.get(status, 0))
    yield open_requests


OPEN_REQUEST_STATUSES = ("open", "waiting", "reserved")
_collector_registered = False


def render_metrics() -> tuple[bytes, str]:
    global _collector_registered
    if not _collector_registered:
        REGISTRY.register(DomainCollector())
        _collector_registered = True
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        registry.register(DomainCollector())
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
