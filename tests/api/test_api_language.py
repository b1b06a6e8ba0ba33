"""The API answers in the caller's language (Accept-Language): Dutch by default, English second.

DRF's own validation messages come from DRF's catalogues; Vangnet's problem titles, details and messages from
its own. The OpenAPI document stays English and unchanged (tests/api/test_openapi.py)."""

from __future__ import annotations

import json
import uuid

import pytest

from vangnet.accounts.models import ApiToken

pytestmark = pytest.mark.django_db


@pytest.fixture
def key(cast):
    return ApiToken.issue(cast.reporter.organisation, "police-system")[1]


def _lang(language):
    return {"HTTP_ACCEPT_LANGUAGE": language} if language else {}


def post_signal(client, key, body, language):
    return client.post("/api/v1/signals", data=json.dumps(body), content_type="application/json",
                       HTTP_AUTHORIZATION=f"Token {key}", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()), **_lang(language))


@pytest.mark.parametrize(("language", "expected"), [
    ("nl", {"title": "Het verzoek heeft ongeldige velden", "required": "Dit veld is vereist.",
            "detail": "Verbeter de velden die in 'errors' staan en stuur het verzoek opnieuw.", "lang": "nl"}),
    ("nl-NL,nl;q=0.9,en;q=0.5", {"title": "Het verzoek heeft ongeldige velden", "required": "Dit veld is vereist.",
                                 "lang": "nl"}),
    ("en-GB,en;q=0.9", {"title": "The request has invalid fields", "required": "This field is required.",
                        "detail": "Correct the fields listed in 'errors' and send the request again.", "lang": "en"}),
    (None, {"title": "Het verzoek heeft ongeldige velden", "required": "Dit veld is vereist.", "lang": "nl"}),
    ("de-DE,de;q=0.9", {"title": "Het verzoek heeft ongeldige velden", "required": "Dit veld is vereist.",
                        "lang": "nl"}),
])
def test_validation_problem_follows_accept_language(client, key, language, expected):
    response = post_signal(client, key, {"municipality": "GM0363", "forms": ["labour"]}, language)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response["Content-Language"] == expected["lang"]
    assert "Accept-Language" in response["Vary"]
    problem = response.json()
    assert problem["title"] == expected["title"]
    if "detail" in expected:
        assert problem["detail"] == expected["detail"]
    messages = {e["field"]: e["message"] for e in problem["errors"]}
    assert messages["observed_on"] == expected["required"]


@pytest.mark.parametrize(("language", "title", "message", "auth"), [
    ("nl", "Het verzoek heeft ongeldige queryparameters", "Kies een van:", "Het token is onbekend of ingetrokken."),
    ("en", "The request has invalid query parameters", "Choose one of:", "The token is unknown or revoked."),
])
def test_own_problems_follow_accept_language(client, key, language, title, message, auth):
    response = client.get("/api/v1/handovers?status=nonsense", HTTP_AUTHORIZATION=f"Token {key}", **_lang(language))
    assert response.status_code == 400
    assert response.json()["title"] == title and response.json()["errors"][0]["message"].startswith(message)
    response = client.get("/api/v1/handovers", HTTP_AUTHORIZATION="Token vn_unknown", **_lang(language))
    assert response.status_code == 401 and response.json()["detail"] == auth


@pytest.mark.parametrize(("language", "title"), [("nl", "Niet gevonden"), ("en", "Not found")])
def test_not_found_and_idempotency_problems_follow_accept_language(client, key, language, title):
    assert client.get("/api/v1/nothing-here", **_lang(language)).json()["title"] == title
    response = client.get("/api/v1/signals/00000000-0000-0000-0000-000000000000",
                          HTTP_AUTHORIZATION=f"Token {key}", **_lang(language))
    assert response.status_code == 404 and response.json()["title"] == title
    response = client.post("/api/v1/signals", data="{}", content_type="application/json",
                           HTTP_AUTHORIZATION=f"Token {key}", **_lang(language))
    assert response.status_code == 400
    assert response.json()["title"] == ("Stuur een Idempotency-Key-header mee" if language == "nl"
                                        else "Send an Idempotency-Key header")


@pytest.mark.parametrize(("language", "title"), [("nl", "Het verzoek is te diep genest"),
                                                 ("en", "The request is nested too deeply")])
def test_hostile_input_problems_follow_accept_language(client, key, language, title):
    response = client.post("/api/v1/signals", data="[" * 100 + "]" * 100, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Token {key}", HTTP_IDEMPOTENCY_KEY="k1", **_lang(language))
    assert response.status_code == 400 and response.json()["title"] == title


def test_the_openapi_document_does_not_depend_on_the_language(settings):
    from django.utils import translation

    from vangnet.api.openapi import drift, generate

    with translation.override("nl"):
        assert drift() is None
        dutch_request = generate()
    assert dutch_request == generate()
