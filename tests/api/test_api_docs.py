"""/api/, /api/v1/, /api/schema/ and /api/docs/ answer, from the committed openapi.yaml."""

from __future__ import annotations

import yaml

from vangnet.api.openapi import COMMITTED


def test_api_index_and_v1_index_are_json_with_links(client, db):
    index = client.get("/api/")
    assert index.status_code == 200 and index["Content-Type"].startswith("application/json")
    assert index.json()["docs"].endswith("/api/docs/") and index.json()["versions"]["v1"].endswith("/api/v1/")
    v1 = client.get("/api/v1/")
    assert v1.status_code == 200
    assert "/api/v1/signals" in v1.json()["paths"]


def test_schema_is_the_committed_yaml(client, db):
    response = client.get("/api/schema/")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/yaml")
    assert response.content == COMMITTED.read_bytes()
    assert yaml.safe_load(response.content)["openapi"].startswith("3.")


def test_docs_page_lists_every_operation_and_schema_without_a_cdn(client, db):
    doc = yaml.safe_load(COMMITTED.read_text(encoding="utf-8"))
    html = client.get("/api/docs/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    for path, item in doc["paths"].items():
        for method in item:
            if method in ("get", "post", "put", "patch", "delete"):
                assert f"{method.upper()} {path}" in html
    for name in doc["components"]["schemas"]:
        assert f'id="schema-{name}"' in html
    assert "https://" not in html.split("<main", 1)[1].split("</main>", 1)[0].replace("https://vangnet.example", "")
    assert "<script src=\"http" not in html and "cdn" not in html.lower()


def test_unknown_api_path_is_not_found(client, db):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
