"""The API's own documentation: the committed ``openapi.yaml`` served as YAML (``/api/schema/``) and rendered as
a plain HTML page (``/api/docs/``) by the app itself (no JavaScript viewer, nothing from a CDN). ``/api/`` and
``/api/v1/`` answer with a small JSON index of links."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import yaml
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from vangnet.api.openapi import COMMITTED

METHODS = ("get", "post", "put", "patch", "delete")


@lru_cache(maxsize=4)
def _load(mtime: float) -> dict[str, Any]:
    return yaml.safe_load(COMMITTED.read_text(encoding="utf-8"))


def schema() -> dict[str, Any]:
    return _load(COMMITTED.stat().st_mtime)


def _ref_name(node: Any) -> str:
    if isinstance(node, dict):
        if "$ref" in node:
            return str(node["$ref"]).rsplit("/", 1)[-1]
        for key in ("allOf", "oneOf", "anyOf"):
            if key in node:
                return " | ".join(_ref_name(n) for n in node[key])
        if node.get("type") == "array":
            return f"array of {_ref_name(node.get('items', {}))}"
        kind = str(node.get("type", ""))
        if node.get("format"):
            kind = f"{kind} ({node['format']})"
        if node.get("enum"):
            kind = f"{kind} — one of: {', '.join(repr(v) for v in node['enum'] if v not in ('', None))}"
        return kind
    return ""


def _anchor(name: str) -> str:
    return "schema-" + name.replace(" ", "-")


def operations(doc: dict[str, Any]) -> list[dict[str, Any]]:
    result = []
    for path, item in (doc.get("paths") or {}).items():
        for method in METHODS:
            op = item.get(method)
            if not op:
                continue
            body = (op.get("requestBody") or {}).get("content") or {}
            result.append({
                "id": op.get("operationId") or f"{method}-{path}", "method": method.upper(), "path": path,
                "summary": op.get("summary", ""), "description": op.get("description", ""),
                "parameters": [{"name": p.get("name"), "in": p.get("in"), "required": bool(p.get("required")),
                                "type": _ref_name(p.get("schema")), "description": p.get("description", "")}
                               for p in [*item.get("parameters", []), *op.get("parameters", [])]],
                "request": [{"type": ctype, "schema": _ref_name(c.get("schema"))} for ctype, c in body.items()],
                "responses": [{"code": str(code), "description": r.get("description", ""),
                               "content": [{"type": ctype, "schema": _ref_name(c.get("schema"))}
                                           for ctype, c in (r.get("content") or {}).items()]}
                              for code, r in (op.get("responses") or {}).items()],
                "security": [name for req in op.get("security", []) for name in req],
            })
    return result


def schemas(doc: dict[str, Any]) -> list[dict[str, Any]]:
    result = []
    for name, node in sorted(((doc.get("components") or {}).get("schemas") or {}).items()):
        required = set(node.get("required", []))
        result.append({
            "name": name, "anchor": _anchor(name), "description": node.get("description", ""),
            "kind": _ref_name(node) if "properties" not in node else "object",
            "properties": [{"name": key, "type": _ref_name(prop), "required": key in required,
                            "read_only": bool(prop.get("readOnly")), "description": prop.get("description", "")}
                           for key, prop in (node.get("properties") or {}).items()],
        })
    return result


def _links(request: HttpRequest) -> dict[str, str]:
    return {"docs": request.build_absolute_uri(reverse("api-docs")),
            "schema": request.build_absolute_uri(reverse("api-schema"))}


@require_safe
def api_index(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"name": "Vangnet API", "versions": {"v1": request.build_absolute_uri(reverse("api-v1"))},
                         **_links(request)})


@require_safe
def v1_index(request: HttpRequest) -> JsonResponse:
    doc = schema()
    return JsonResponse({"name": doc["info"]["title"], "version": doc["info"]["version"],
                         "paths": sorted(doc.get("paths", {})), **_links(request)})


@require_safe
def schema_yaml(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(COMMITTED.read_bytes(), content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="openapi.yaml"'
    return response


@require_safe
def docs(request: HttpRequest) -> HttpResponse:
    doc = schema()
    return render(request, "api/docs.html", {
        "info": doc.get("info", {}), "operations": operations(doc), "schemas": schemas(doc),
        "security": ((doc.get("components") or {}).get("securitySchemes") or {}),
    })
