"""``/api/v1/cases/{reference}/procedures``: read for involved organisations, write for the organisations whose
step it is; RFC 9457 problems; idempotent POSTs."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from vangnet.accounts.models import ApiToken
from vangnet.audit.context import processing_context
from vangnet.procedures import services
from vangnet.procedures.models import Deadline


@pytest.fixture
def case(registered_signal: Any) -> Any:
    return registered_signal.case


@pytest.fixture
def dublin(cast: Any, case: Any) -> Any:
    with processing_context(actor=cast.coordinator):
        return services.start_procedure(case, "dublin_report", organisation=cast.coordinator.organisation,
                                        on=timezone.localdate() - datetime.timedelta(days=3))


def key_for(user: Any) -> str:
    return ApiToken.issue(user.organisation, "system")[1]


def call(client: Any, method: str, url: str, key: str, body: Any = None, idem: str | None = None) -> Any:
    headers = {"HTTP_AUTHORIZATION": f"Token {key}"}
    if idem:
        headers["HTTP_IDEMPOTENCY_KEY"] = idem
    if method == "get":
        return client.get(url, **headers)
    return client.post(url, body, content_type="application/json", **headers)


def test_read_lists_procedures_with_deadlines_and_next_steps(client: Any, cast: Any, case: Any, dublin: Any) -> None:
    response = call(client, "get", f"/api/v1/cases/{case.reference}/procedures", key_for(cast.reporter))
    assert response.status_code == 200
    [p] = response.json()
    assert p["procedure"] == "dublin_report" and p["is_open"] and p["label"]["nl"]
    assert p["deadlines"][0]["rule"] == "dublin-report-assessment"
    assert p["deadlines"][0]["due_on"] == Deadline.objects.get().due_on.isoformat()
    allowed = {s["step"]: s["allowed_for_you"] for s in p["next_steps"]}
    assert allowed["assessed_continue"] is True  # police


@pytest.mark.parametrize("who", ["outsider", "other_coordinator"])
def test_uninvolved_organisations_get_404_problem(client: Any, cast: Any, case: Any, dublin: Any, who: str) -> None:
    key = key_for(getattr(cast, who))
    for response in (
        call(client, "get", f"/api/v1/cases/{case.reference}/procedures", key),
        call(client, "post", f"/api/v1/cases/{case.reference}/procedures/{dublin.pk}/steps", key,
             {"step": "withdrawn", "on": "2026-01-01"}, idem="k1"),
    ):
        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json"
    assert call(client, "get", "/api/v1/cases/VN-0000-000000/procedures", key).status_code == 404


def test_record_step_is_idempotent_and_closes_the_deadline(client: Any, cast: Any, case: Any, dublin: Any) -> None:
    key = key_for(cast.reporter)
    url = f"/api/v1/cases/{case.reference}/procedures/{dublin.pk}/steps"
    body = {"step": "assessed_continue", "on": timezone.localdate().isoformat(), "document_reference": "PL-1"}
    first = call(client, "post", url, key, body, idem="step-1")
    assert first.status_code == 201 and first.json()["state"] == "assessed_continue"
    again = call(client, "post", url, key, body, idem="step-1")
    assert again.status_code == 200 and again["Idempotent-Replayed"] == "true"
    assert dublin.steps.count() == 1
    assert not Deadline.objects.filter(closed_on__isnull=True).exists()
    # the procedure is closed: another step does not follow → 409
    late = call(client, "post", url, key, {"step": "withdrawn", "on": timezone.localdate().isoformat()}, idem="s2")
    assert late.status_code == 409 and late.json()["type"].endswith("/transition-not-allowed")


def test_write_refusals_are_problems(client: Any, cast: Any, case: Any, dublin: Any) -> None:
    coordinator = key_for(cast.coordinator)
    url = f"/api/v1/cases/{case.reference}/procedures/{dublin.pk}/steps"
    today = timezone.localdate().isoformat()
    not_theirs = call(client, "post", url, coordinator, {"step": "assessed_continue", "on": today}, idem="a")
    assert not_theirs.status_code == 422 and not_theirs.json()["type"].endswith("/organisation-not-allowed")
    bad = call(client, "post", url, coordinator, {"step": "withdrawn", "on": "not-a-date"}, idem="b")
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "on"
    future = call(client, "post", url, key_for(cast.reporter), {"step": "withdrawn", "on": "2999-01-01"}, idem="c")
    assert future.status_code == 422 and future.json()["type"].endswith("/invalid-date")
    missing_key = call(client, "post", url, coordinator, {"step": "withdrawn", "on": today})
    assert missing_key.status_code == 400
    assert dublin.steps.count() == 0


def test_start_a_procedure(client: Any, cast: Any, case: Any) -> None:
    key = key_for(cast.coordinator)
    url = f"/api/v1/cases/{case.reference}/procedures"
    response = call(client, "post", url, key, {"procedure": "reflection_period", "on": "2026-01-05"}, idem="s1")
    assert response.status_code == 201 and response.json()["procedure"] == "reflection_period"
    again = call(client, "post", url, key, {"procedure": "reflection_period", "on": "2026-01-05"}, idem="s2")
    assert again.status_code == 409 and again.json()["type"].endswith("/already-open")
    unknown = call(client, "post", url, key, {"procedure": "nope", "on": "2026-01-05"}, idem="s3")
    assert unknown.status_code == 422
