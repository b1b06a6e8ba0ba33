"""No double booking, ever: 100 threads, each with its own PostgreSQL connection, race for the last 5 places.

PostgreSQL only (SQLite serialises every writer, so there is no race to test there). The server's
``max_connections`` is shared with other test runs, so the number of connections open *at the same time*
is capped below what the server has free (reported in the assertion messages); every attempt still runs
in its own thread on its own connection, and the whole first wave races for the same 5 places.
"""

from __future__ import annotations

import datetime
import threading
from typing import Any

import pytest
from django.db import connection, connections
from django.utils import timezone, translation

from tests.shelters.conftest import make_location
from vangnet.audit.context import processing_context
from vangnet.cases.services import open_case
from vangnet.regions.models import Municipality
from vangnet.shelters import selectors, services
from vangnet.shelters.models import PlaceCapacity, PlacementRequest, RequestStatus, SlotClaim

ATTEMPTS = 100
LAST_PLACES = 5


def _free_connections() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('max_connections')::int - "
                       "current_setting('superuser_reserved_connections')::int - count(*) FROM pg_stat_activity")
        return int(cursor.fetchone()[0])


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_100_concurrent_reservations_for_the_last_5_places(cast: Any, provider: Any, intake: Any,
                                                           needs_data: dict[str, Any]) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: row locks and concurrent connections (set DATABASE_URL=postgres://…)")
    location = make_location(provider, "Laatste plekken", "GM0014", places=10)
    capacity = PlaceCapacity.objects.get(location=location, place_type="women")
    amsterdam = Municipality.objects.get(pk="GM0363")

    requests = []
    with processing_context(actor=cast.coordinator):
        for _i in range(ATTEMPTS + 2):
            case = open_case(municipality=amsterdam, urgency="urgent", is_minor=False, actor=cast.coordinator,
                             organisation=cast.coordinator.organisation)
            requests.append(services.create_request(case, actor=cast.coordinator, data=needs_data))
    # 5 of the 10 places are gone before the race: 2 admitted, 3 blocked
    with processing_context(actor=intake):
        for req in requests[ATTEMPTS:]:
            placement = services.reserve(req.pk, capacity.pk, actor=cast.coordinator)
            services.accept(placement.pk, actor=intake)
            services.admit(placement.pk, actor=intake, admission_date=timezone.localdate())
        services.block_places(capacity, places=3, reason="staffing",
                              ends_on=timezone.localdate() + datetime.timedelta(days=7), actor=intake)
    assert selectors.occupancy(location)[0]["free"] == LAST_PLACES

    parallel = max(10, min(ATTEMPTS, _free_connections() - 15))
    gate = threading.Semaphore(parallel)
    start = threading.Event()
    outcomes: list[tuple[str, Any]] = []
    lock = threading.Lock()

    def attempt(request_id: int) -> None:
        start.wait()
        with gate:
            try:
                with translation.override("en"), processing_context(actor=cast.coordinator):
                    placement = services.reserve(request_id, capacity.pk, actor=cast.coordinator)
                result: tuple[str, Any] = ("ok", placement.pk)
            except services.PlaceNoLongerAvailable as exc:
                result = ("gone", str(exc))
            except Exception as exc:
                result = ("error", repr(exc))
            finally:
                connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=attempt, args=(req.pk,)) for req in requests[:ATTEMPTS]]
    for t in threads:
        t.start()
    start.set()
    for t in threads:
        t.join(timeout=120)

    errors = [o for o in outcomes if o[0] == "error"]
    ok = [o for o in outcomes if o[0] == "ok"]
    gone = [o for o in outcomes if o[0] == "gone"]
    assert not errors, f"unexpected errors ({parallel} connections at once): {errors[:3]}"
    assert len(outcomes) == ATTEMPTS
    assert len(ok) == LAST_PLACES, f"{len(ok)} reservations succeeded with {parallel} connections at once"
    assert len(gone) == ATTEMPTS - LAST_PLACES
    assert all("no longer available" in message for _kind, message in gone)  # a clear answer, in English here
    with translation.override("nl"):
        assert str(services.PlaceNoLongerAvailable())  # and in Dutch (the msgid until translated)

    # occupancy adds up: every place has exactly one active claim, and nobody holds two
    row = selectors.occupancy(location)[0]
    assert (row["places"], row["occupied"], row["held"], row["blocked"], row["free"]) == (10, 2, LAST_PLACES, 3, 0)
    active = SlotClaim.objects.filter(capacity=capacity, released_at__isnull=True)
    assert active.count() == 10
    assert active.values("slot_id").distinct().count() == 10
    reserved = PlacementRequest.objects.filter(pk__in=[r.pk for r in requests[:ATTEMPTS]],
                                               status=RequestStatus.RESERVED)
    assert reserved.count() == LAST_PLACES
