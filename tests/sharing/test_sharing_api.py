"""/api/v1/handovers: token per organisation, same rules as the web, problem details, idempotency."""

from __future__ import annotations

import json
import uuid

import pytest

from tests.sharing.conftest import give_consent
from vangnet.accounts.models import ApiToken
from vangnet.audit.models import ProcessingLogEntry
from vangnet.sharing.models import Handover


@pytest.fixture
def keys(cast, shelter_user):
    return {name: ApiToken.issue(org, f"{name}-system")[1] for name, org in {
        "police": cast.reporter.organisation, "care_am": cast.coordinator.organisation,
        "care_rt": cast.other_coordinator.organisation, "ngo": cast.outsider.organisation,
        "shelter": shelter_user.organisation}.items()}


def call(client, method, path, key, body=None, idem=None):
    extra = {"HTTP_AUTHORIZATION": f"Token {key}"} if key else {}
    if method == "post" and idem is not False:
        extra["HTTP_IDEMPOTENCY_KEY"] = idem or str(uuid.uuid4())
    return getattr(client, method)(f"/api/v1/{path}", data=json.dumps(body) if body is not None else None,
                                   content_type="application/json", **extra)


def body(case, org, purpose="care_coordination"):
    return {"case": case.reference, "recipient": org.pk, "purpose": purpose, "message": "Placed near Rotterdam"}


def test_create_accept_and_list(client, cast, case, keys):
    response = call(client, "post", "handovers", keys["police"], body(case, cast.other_coordinator.organisation),
                    idem="k1")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["legal_basis"] == "bpg_4_2_police_to_ncc" and data["status"] == "requested"
    assert "identity.name" in data["fields"] and "account" not in data["fields"]
    # the receiver's system accepts; the trace id of the sender goes with it
    accepted = call(client, "post", f"handovers/{data['id']}/accept", keys["care_rt"], {})
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    entries = ProcessingLogEntry.objects.filter(object_id=str(Handover.objects.get().pk), activity__code="handover")
    assert {e.trace_id for e in entries} == {data["trace_id"]}
    assert {e.actor_label for e in entries} == {"api:police-system", "api:care_rt-system"}
    listed = call(client, "get", "handovers?direction=incoming", keys["care_rt"]).json()
    assert [h["id"] for h in listed] == [data["id"]]
    assert call(client, "get", "handovers?direction=incoming", keys["police"]).json() == []
    assert call(client, "get", "handovers", keys["ngo"]).json() == []


def test_idempotent_create(client, cast, case, keys):
    first = call(client, "post", "handovers", keys["police"], body(case, cast.other_coordinator.organisation),
                 idem="same")
    again = call(client, "post", "handovers", keys["police"], body(case, cast.other_coordinator.organisation),
                 idem="same")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    other = call(client, "post", "handovers", keys["police"], body(case, cast.other_coordinator.organisation,
                                                                    "registration"), idem="same")
    assert other.status_code == 422 and other["Content-Type"] == "application/problem+json"
    assert Handover.objects.count() == 1
    assert call(client, "post", "handovers", keys["police"], body(case, cast.other_coordinator.organisation),
                idem=False).status_code == 400


def test_consent_missing_is_a_problem_and_nothing_is_stored(client, cast, case, keys, shelter_user):
    response = call(client, "post", "handovers", keys["care_am"], body(case, shelter_user.organisation, "shelter"),
                    idem="c1")
    assert response.status_code == 422
    assert response.json()["type"].endswith("/consent-missing")
    assert not Handover.objects.exists()
    give_consent(case, "shelter", cast.coordinator)
    retry = call(client, "post", "handovers", keys["care_am"], body(case, shelter_user.organisation, "shelter"),
                 idem="c1")  # the refused attempt did not burn the key
    assert retry.status_code == 201


def test_uninvolved_organisation_gets_404(client, cast, case, keys):
    response = call(client, "post", "handovers", keys["ngo"], body(case, cast.other_coordinator.organisation))
    assert response.status_code == 404
    missing = call(client, "post", "handovers", keys["police"],
                   {**body(case, cast.other_coordinator.organisation), "case": "VN-1999-000001"})
    assert missing.status_code == 404


def test_decline_needs_a_reason_and_only_the_recipient_may(client, cast, case, keys):
    data = call(client, "post", "handovers", keys["police"], body(case, cast.other_coordinator.organisation)).json()
    assert call(client, "post", f"handovers/{data['id']}/decline", keys["care_rt"], {}).status_code == 400
    assert call(client, "post", f"handovers/{data['id']}/decline", keys["police"],
                {"reason": "x"}).status_code == 422
    assert call(client, "post", f"handovers/{data['id']}/accept", keys["ngo"], {}).status_code == 404
    declined = call(client, "post", f"handovers/{data['id']}/decline", keys["care_rt"], {"reason": "Full"})
    assert declined.status_code == 200 and declined.json()["decline_reason"] == "Full"
    again = call(client, "post", f"handovers/{data['id']}/accept", keys["care_rt"], {})
    assert again.status_code == 409


def test_invalid_body_and_no_token(client, cast, case, keys):
    bad = call(client, "post", "handovers", keys["police"], {"case": case.reference, "purpose": "holiday"})
    assert bad.status_code == 400
    assert {e["field"] for e in bad.json()["errors"]} == {"recipient", "purpose"}
    assert call(client, "get", "handovers", None).status_code == 401
    assert call(client, "get", f"handovers/{uuid.uuid4()}", keys["police"]).status_code == 404
