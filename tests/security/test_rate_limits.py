"""The public question form's limit holds across workers (database counters) and per real client address."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from vangnet.core import ratelimit
from vangnet.core.models import RateCounter
from vangnet.infopoint.models import Consultation

DATA = {"role": "public", "question": "How do I recognise labour exploitation in a restaurant kitchen?"}


def ask(client, **meta):
    return client.post("/info/questions/new/", DATA, **meta).status_code


def test_limit_is_kept_in_the_database_not_per_process(client, db, settings):
    settings.INFOPOINT_QUESTIONS_PER_HOUR = 2
    assert [ask(client, REMOTE_ADDR="203.0.113.5") for _ in range(3)] == [302, 302, 429]
    assert RateCounter.objects.get().count == 2
    assert "203.0.113.5" not in RateCounter.objects.get().key  # hashed, no address stored


def test_clients_behind_the_trusted_proxy_are_counted_apart(client, db, settings):
    settings.INFOPOINT_QUESTIONS_PER_HOUR = 1
    settings.VANGNET_TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.1.1.1"}
    assert ask(client, HTTP_X_FORWARDED_FOR="198.51.100.1", **proxy) == 302
    assert ask(client, HTTP_X_FORWARDED_FOR="198.51.100.2", **proxy) == 302  # another person, same proxy
    assert ask(client, HTTP_X_FORWARDED_FOR="198.51.100.1", **proxy) == 429
    # a client cannot escape by writing its own X-Forwarded-For before the proxy's entry
    assert ask(client, HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.1", **proxy) == 429
    assert Consultation.objects.count() == 2


def test_without_a_trusted_proxy_the_forwarded_header_is_ignored(client, db, settings):
    settings.INFOPOINT_QUESTIONS_PER_HOUR = 1
    settings.VANGNET_TRUSTED_PROXY_COUNT = 0
    assert ask(client, REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="9.9.9.1") == 302
    assert ask(client, REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="9.9.9.2") == 429


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="needs PostgreSQL: concurrent connections")
@pytest.mark.django_db(transaction=True)
def test_counters_are_exact_under_concurrent_workers():
    threads, per_thread = 8, 20
    barrier = threading.Barrier(threads)
    errors: list[BaseException] = []

    def work() -> None:
        try:
            barrier.wait()
            for _ in range(per_thread):
                ratelimit.hit("concurrency-test", limit=10_000, window_seconds=3600, increment=True)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert not errors, errors
    assert RateCounter.objects.get(key="concurrency-test").count == threads * per_thread
    assert connection.vendor == "postgresql"
