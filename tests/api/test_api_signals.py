"""POST /api/v1/signals: token per organisation, idempotency, problem details."""

from __future__ import annotations

import json
import uuid

import pytest

from vangnet.accounts.models import ApiToken
from vangnet.audit.models import ProcessingLogEntry
from vangnet.signals.models import Signal

BODY = {
    "observed_on": "2026-03-02",
    "municipality": "GM0599",
    "immediate_danger": True,
    "forms": ["labour"],
    "indicators": ["general.no_identity_documents"],
    "person": {"identified": True, "given_names": "Ionut", "family_name": "Popescu", "birth_date": "1990-05-01",
               "gender": "male", "nationality": "RO", "languages": ["ro"]},
    "consent": {"status": "given", "purposes": ["registration", "shelter"], "obtained_by": "Inspector K.",
                "obtained_on": "2026-03-02"},
    "account": "Synthetic: found during a labour inspection at a greenhouse.",
}


@pytest.fixture
def token(cast):
    _token, key = ApiToken.issue(cast.reporter.organisation, "police-system")
    return key


def post(client, key, body=BODY, idem=None, **headers):
    extra = {"HTTP_IDEMPOTENCY_KEY": idem or str(uuid.uuid4())} if idem is not False else {}
    if key:
        extra["HTTP_AUTHORIZATION"] = f"Token {key}"
    return client.post("/api/v1/signals", data=json.dumps(body), content_type="application/json",
                       **extra, **headers)


def test_creates_a_signal_and_case_routed_to_region(client, cast, token):
    response = post(client, token)
    assert response.status_code == 201, response.content
    data = response.json()
    signal = Signal.objects.get(public_id=data["id"])
    assert signal.source == "api"
    assert signal.case.reference == data["case_reference"]
    assert data["urgency"] == "acute"
    assert signal.case.region_id == "RT"
    assert signal.case.lead_organisation == cast.other_coordinator.organisation
    assert signal.case.consents.filter(status="given").count() == 2
    entry = ProcessingLogEntry.objects.get(activity__code="signal_registration", object_id=str(signal.pk))
    assert entry.actor_label == "api:police-system"
    assert entry.organisation == cast.reporter.organisation
    assert entry.subject_pseudonym == signal.case.pseudonym


def test_retry_with_same_key_never_creates_a_second_signal(client, cast, token):
    key = str(uuid.uuid4())
    first = post(client, token, idem=key)
    second = post(client, token, idem=key)
    assert first.status_code == 201
    assert second.status_code == 200
    assert second["Idempotent-Replayed"] == "true"
    assert second.json() == first.json()
    assert Signal.objects.count() == 1


def test_same_key_with_other_body_is_refused(client, cast, token):
    key = str(uuid.uuid4())
    post(client, token, idem=key)
    response = post(client, token, body={**BODY, "immediate_danger": False}, idem=key)
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["type"].endswith("/idempotency-key-reused")
    assert Signal.objects.count() == 1


def test_invalid_request_is_a_problem_naming_each_field_and_saves_nothing(client, cast, token):
    body = {**BODY, "municipality": "GM9999", "forms": [],
            "person": {**BODY["person"], "birth_date": "2090-01-01"}}
    key = str(uuid.uuid4())
    response = post(client, token, body=body, idem=key)
    assert response.status_code == 400
    problem = response.json()
    assert response["Content-Type"] == "application/problem+json"
    assert problem["status"] == 400 and problem["title"]
    fields = {e["field"] for e in problem["errors"]}
    assert {"municipality", "forms"} <= fields
    assert Signal.objects.count() == 0
    # the key is not burnt by a rejected request: the corrected retry succeeds
    assert post(client, token, idem=key).status_code == 201


def test_cross_field_rules_are_the_same_as_the_web_form(client, cast, token):
    body = {**BODY, "person": {**BODY["person"], "identified": False}}
    response = post(client, token, body=body)
    assert response.status_code == 400
    assert "person.identified" in {e["field"] for e in response.json()["errors"]}


def test_malformed_json_is_a_problem(client, cast, token):
    response = client.post("/api/v1/signals", data="{not json", content_type="application/json",
                           HTTP_AUTHORIZATION=f"Token {token}", HTTP_IDEMPOTENCY_KEY="k1")
    assert response.status_code == 400
    assert response.json()["type"].endswith("/malformed-request")


def test_missing_idempotency_key(client, cast, token):
    response = post(client, token, idem=False)
    assert response.status_code == 400
    assert response.json()["type"].endswith("/idempotency-key-missing")


@pytest.mark.parametrize("header", [None, "Token vn_wrong", "Bearer abc", "Token a b"])
def test_authentication_is_required(client, db, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.post("/api/v1/signals", data=json.dumps(BODY), content_type="application/json",
                           HTTP_IDEMPOTENCY_KEY="k", **extra)
    assert response.status_code == 401
    assert response.json()["type"].endswith("/unauthenticated")


def test_revoked_token_is_refused(client, cast, token):
    from django.utils import timezone

    ApiToken.objects.update(revoked_at=timezone.now())
    assert post(client, token).status_code == 401


def test_only_the_hash_of_a_token_is_stored(cast, token):
    stored = ApiToken.objects.get()
    assert token not in (stored.key_hash, stored.prefix)
    assert stored.key_hash == ApiToken.hash_key(token)


def test_receipt_only_for_the_sending_organisation(client, cast, token):
    created = post(client, token).json()
    response = client.get(f"/api/v1/signals/{created['id']}", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200
    assert response.json()["reference"] == created["reference"]
    _, other_key = ApiToken.issue(cast.outsider.organisation, "ngo-system")
    response = client.get(f"/api/v1/signals/{created['id']}", HTTP_AUTHORIZATION=f"Token {other_key}")
    assert response.status_code == 404
    assert response.json()["type"].endswith("/not-found")
