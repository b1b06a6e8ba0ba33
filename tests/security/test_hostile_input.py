"""Hostile input never gives a 5xx: NUL bytes, invalid Unicode, deep nesting, oversize bodies, bad paths."""

from __future__ import annotations

import json
import uuid

import pytest

from vangnet.accounts.models import ApiToken
from vangnet.core.routes import plain_get_urls

PROBLEM = "application/problem+json"


@pytest.fixture
def api_key(cast):
    return ApiToken.issue(cast.reporter.organisation, "probe")[1]


@pytest.mark.parametrize("user", ["admin", "national", "coordinator", None])
def test_nul_in_any_query_string_is_refused_on_every_page(client, cast, settings, user):
    settings.WORKER_HEARTBEAT_MAX_AGE = 0  # /readyz answers 503 by design while no task worker runs in the tests
    if user:
        client.force_login(getattr(cast, user))
    urls = plain_get_urls()
    assert "/cases/" in urls and "/info/contact/" in urls and "/log/" in urls
    for url in urls:
        for query in ("q=%00", "municipality=%00&actor=%00", "status=%00x", "%00=1", "q=%ED%A0%80"):
            response = client.get(f"{url}?{query}")
            assert response.status_code < 500, (url, query, response.status_code)
            if "%00" in query:
                assert response.status_code == 400, (url, query)


def test_refusal_page_is_dutch_and_plain(client, cast):
    response = client.get("/info/contact/?municipality=%00")
    assert response.status_code == 400
    assert "tekens" in response.content.decode()


def test_nul_in_form_fields_is_refused(client, cast):
    client.force_login(cast.reporter)
    response = client.post("/signals/new/", {"observed_on": "2026-01-01\x00", "csrfmiddlewaretoken": "x"})
    assert response.status_code == 400


def test_nul_in_the_path_is_refused(client, cast):
    client.force_login(cast.national)
    assert client.get("/cases/VN-%00/").status_code in (400, 404)
    assert client.get("/api/v1/signals/%00").status_code in (400, 404)


@pytest.mark.parametrize("payload", [
    {"account": "a\x00b"},
    {"person": {"given_names": "x\x00"}},
    {"forms": ["lab\x00our"]},
    {"municipality": "GM\x000599"},
    {"a\x00": 1},
])
def test_nul_in_json_is_a_400_problem(client, cast, api_key, payload):
    response = client.post("/api/v1/signals", data=json.dumps(payload), content_type="application/json",
                           HTTP_AUTHORIZATION=f"Token {api_key}", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert response.json()["type"].endswith("/invalid-characters")


def test_unpaired_surrogate_in_json_is_a_400_problem(client, cast, api_key):
    body = '{"account": "\\ud800", "municipality": "GM0599"}'
    response = client.post("/api/v1/signals", data=body, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Token {api_key}", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM


@pytest.mark.parametrize("key", ["a\x00b", " ", "x" * 129, "with space", "é"])
def test_bad_idempotency_keys_are_refused(client, cast, api_key, key):
    response = client.post("/api/v1/signals", data="{}", content_type="application/json",
                           HTTP_AUTHORIZATION=f"Token {api_key}", HTTP_IDEMPOTENCY_KEY=key)
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM


def test_nul_in_the_authorization_header_is_refused(client, cast):
    response = client.get("/api/v1/handovers", HTTP_AUTHORIZATION="Token vn_\x00")
    assert response.status_code in (400, 401)


def test_deeply_nested_json_is_a_400_problem(client, cast, api_key):
    body = "[" * 5000 + "]" * 5000
    response = client.post("/api/v1/signals", data=body, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Token {api_key}", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
    assert response.status_code == 400
    assert response.json()["type"].endswith("/too-deeply-nested")
    # brackets inside strings do not count
    shallow = json.dumps({"account": "[" * 5000})
    response = client.post("/api/v1/signals", data=shallow, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Token {api_key}", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
    assert response.status_code == 400
    assert response.json()["type"].endswith("/invalid-request")


@pytest.mark.parametrize("size_mb", [10, 60])
def test_oversize_bodies_are_413_problems(client, cast, api_key, size_mb):
    body = b'{"account": "' + b"x" * (size_mb * 1024 * 1024) + b'"}'
    response = client.generic("POST", "/api/v1/signals", data=body, content_type="application/json",
                              HTTP_AUTHORIZATION=f"Token {api_key}", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
    assert response.status_code == 413
    assert response["Content-Type"] == PROBLEM


def test_oversize_form_posts_are_413(client, cast):
    client.force_login(cast.reporter)
    response = client.post("/signals/new/", {"account": "x" * (3 * 1024 * 1024)})
    assert response.status_code == 413


@pytest.mark.parametrize("path", [
    "/api/v1/signals/not-a-uuid", "/api/v1/handovers/1/accept", "/api/v1/nothing", "/api/v2/signals",
    "/api/v1/handovers/00000000-0000-0000-0000-00000000000g",
])
def test_malformed_paths_under_the_api_are_404_problems(client, cast, api_key, path):
    response = client.get(path, HTTP_AUTHORIZATION=f"Token {api_key}")
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM


def test_unknown_status_filter_is_a_400_problem(client, cast, api_key):
    response = client.get("/api/v1/handovers?status=nonsense", HTTP_AUTHORIZATION=f"Token {api_key}")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "status"
    response = client.get("/api/v1/handovers?direction=sideways", HTTP_AUTHORIZATION=f"Token {api_key}")
    assert response.status_code == 400
    assert client.get("/api/v1/handovers?status=requested",
                      HTTP_AUTHORIZATION=f"Token {api_key}").status_code == 200


@pytest.mark.parametrize("text", ["Ana\u202eset", "a\x01b", "x\u2066y\u2069", "zero\u200bwidth", "\ufeffBOM"])
def test_invisible_and_direction_characters_are_refused_in_api_names_and_text(client, cast, api_key, text):
    from tests.api.test_api_signals import BODY

    for body in ({**BODY, "account": text}, {**BODY, "person": {**BODY["person"], "family_name": text}}):
        response = client.post("/api/v1/signals", data=json.dumps(body), content_type="application/json",
                               HTTP_AUTHORIZATION=f"Token {api_key}", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
        assert response.status_code == 400, response.content
        assert response.json()["errors"][0]["field"] in ("account", "person.family_name")


@pytest.mark.parametrize("text", ["Zoë O'Brien-Ñúñez", "نوشتن\u200cها", "multi\nline\ttext", "👩\u200d👩\u200d👧"])
def test_real_names_and_scripts_still_pass(text):
    from vangnet.core.text import has_invisible, plain_text

    plain_text(text)
    assert not has_invisible(text)


def test_invisible_characters_are_refused_in_web_forms():
    from vangnet.sharing.forms import DeclineForm

    form = DeclineForm(data={"reason": "Geen plek\u202e"})
    assert not form.is_valid()
    assert "reason" in form.errors
