"""RFC 9457 problem details for every API error (``application/problem+json``)."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

PROBLEM_TYPE_BASE = "https://vangnet.example/problems/"
PROBLEM_CONTENT_TYPE = "application/problem+json"


def problem(status_code: int, slug: str, title: str, detail: str = "", **extra: Any) -> Response:
    body = {"type": PROBLEM_TYPE_BASE + slug, "title": title, "status": status_code}
    if detail:
        body["detail"] = detail
    body.update(extra)
    return Response(body, status=status_code, content_type=PROBLEM_CONTENT_TYPE)


def _flatten(errors: Any, prefix: str = "") -> list[dict[str, str]]:
    """DRF's nested error dict → a list of ``{"field": "a.b", "message": ...}``."""
    items: list[dict[str, str]] = []
    if isinstance(errors, dict):
        for key, value in errors.items():
            name = key if not prefix else f"{prefix}.{key}"
            items.extend(_flatten(value, "" if key == "non_field_errors" and not prefix else name))
    elif isinstance(errors, list):
        for index, value in enumerate(errors):
            if isinstance(value, (dict, list)):
                items.extend(_flatten(value, f"{prefix}.{index}" if prefix else str(index)))
            else:
                items.append({"field": prefix, "message": str(value)})
    else:
        items.append({"field": prefix, "message": str(errors)})
    return items


def problem_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, exceptions.ValidationError):
        return problem(status.HTTP_400_BAD_REQUEST, "invalid-request", _("The request has invalid fields"),
                       _("Correct the fields listed in 'errors' and send the request again."),
                       errors=_flatten(exc.detail))
    if isinstance(exc, exceptions.ParseError):
        return problem(400, "malformed-request", _("The request body is not valid JSON"), str(exc.detail))
    if isinstance(exc, (exceptions.NotAuthenticated, exceptions.AuthenticationFailed)):
        response = problem(401, "unauthenticated", _("Authentication needed"), str(exc.detail))
        response["WWW-Authenticate"] = "Token"
        return response
    if isinstance(exc, exceptions.PermissionDenied):
        return problem(403, "forbidden", _("Not allowed"), str(exc.detail))
    if isinstance(exc, (Http404, exceptions.NotFound)):
        return problem(404, "not-found", _("Not found"), _("There is no such resource, or you have no access to it."))
    if isinstance(exc, exceptions.MethodNotAllowed):
        return problem(405, "method-not-allowed", _("Method not allowed"), str(exc.detail))
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return problem(415, "unsupported-media-type", _("Send application/json"), str(exc.detail))
    if isinstance(exc, exceptions.Throttled):
        return problem(429, "throttled", _("Too many requests"), str(exc.detail))
    if isinstance(exc, exceptions.APIException):
        return problem(exc.status_code, "error", _("The request failed"), str(exc.detail))
    response = exception_handler(exc, context)
    return response if response is not None else unhandled_problem(exc)


def unhandled_problem(exc: Exception) -> Response:
    import logging

    logging.getLogger("vangnet.api").exception("Unhandled API error", exc_info=exc)
    return problem(500, "internal-error", _("Something went wrong on our side"),
                   _("Nothing was saved. Try again later; if it keeps failing, contact the Vangnet service desk."))
