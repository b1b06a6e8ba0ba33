"""Hostile input is refused at the door, before any view or database sees it.

What is refused, and how it answers (never a 5xx):
- a body larger than ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (by its Content-Length, or when reading it) → 413;
- a NUL byte or an unpaired surrogate (invalid Unicode) in the path, the query string, a form field, a JSON string or
  key, a header or a cookie → 400 (PostgreSQL cannot store either);
- JSON nested deeper than ``VANGNET_MAX_JSON_DEPTH`` → 400 (the parser would run out of stack).

Under ``/api/`` the answer is an RFC 9457 problem (``application/problem+json``); elsewhere a short page.
Invisible control and bidirectional-override characters in names and free text are refused by the forms
and serializers that take them (``vangnet.core.text``), so the user sees which field and keeps the input.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.template import loader
from django.utils import translation
from django.utils.translation import gettext as _

PROBLEM_TYPE_BASE = "https://vangnet.example/problems/"


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


def refusal(request: HttpRequest, status: int, slug: str, title: str, detail: str) -> HttpResponse:
    """A 400/413 answer: a problem under /api/, a plain Vangnet page elsewhere."""
    if _is_api(request):
        body = {"type": PROBLEM_TYPE_BASE + slug, "title": title, "status": status, "detail": detail}
        return JsonResponse(body, status=status, content_type="application/problem+json")
    try:
        html = loader.get_template("core/refused.html").render({"title": title, "detail": detail})
    except Exception:  # the page must never fail itself
        html = f"<h1>{status}</h1>"
    return HttpResponse(html, status=status)


def bad_text(value: str) -> bool:
    """True when ``value`` holds a NUL or an unpaired surrogate (not storable, not valid Unicode)."""
    if "\x00" in value:
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def json_depth_exceeds(body: bytes, limit: int) -> bool:
    """Whether brackets outside strings nest deeper than ``limit``; a linear scan, no recursion."""
    if body.count(b"[") + body.count(b"{") <= limit:
        return False
    depth = 0
    in_string = escaped = False
    for byte in body:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            if depth > limit:
                return True
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return False


def _json_has_bad_text(value: Any) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if bad_text(item):
                return True
        elif isinstance(item, dict):
            for key, nested in item.items():
                if bad_text(key):
                    return True
                stack.append(nested)
        elif isinstance(item, list):
            stack.extend(item)
    return False


class HostileInputMiddleware:
    """First in the middleware stack: refuse what no view should have to handle."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            # The API follows Accept-Language like the pages (Dutch by default, English second).
            language = translation.get_language_from_request(request)
        except Exception:
            language = settings.LANGUAGE_CODE
        with translation.override(language):
            refused = self.check(request)
        return refused if refused is not None else self.get_response(request)

    def check(self, request: HttpRequest) -> HttpResponse | None:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return self._bad(request)
        if limit is not None and length > limit and not self._is_multipart(request):
            return self._too_large(request)
        if bad_text(request.path_info):
            return self._bad(request)
        for name, value in request.META.items():
            if (name.startswith("HTTP_") or name == "QUERY_STRING") and isinstance(value, str) and "\x00" in value:
                return self._bad(request)
        try:
            for key, values in request.GET.lists():
                if bad_text(key) or any(bad_text(v) for v in values):
                    return self._bad(request)
            if request.method in ("POST", "PUT", "PATCH", "DELETE"):
                return self._check_body(request)
        except RequestDataTooBig:
            return self._too_large(request)
        except (TooManyFieldsSent, MultiPartParserError, UnicodeDecodeError):
            return self._bad(request)
        return None

    @staticmethod
    def _is_multipart(request: HttpRequest) -> bool:
        return request.content_type == "multipart/form-data"

    def _check_body(self, request: HttpRequest) -> HttpResponse | None:
        content_type = request.content_type or ""
        if content_type == "application/x-www-form-urlencoded" or self._is_multipart(request):
            for key, values in request.POST.lists():
                if bad_text(key) or any(isinstance(v, str) and bad_text(v) for v in values):
                    return self._bad(request)
            return None
        if content_type == "application/json" or content_type.endswith("+json"):
            body = request.body  # raises RequestDataTooBig past the limit
            if json_depth_exceeds(body, settings.VANGNET_MAX_JSON_DEPTH):
                return refusal(request, 400, "too-deeply-nested", _("The request is nested too deeply"),
                               _("Send JSON nested at most %(depth)d levels deep.")
                               % {"depth": settings.VANGNET_MAX_JSON_DEPTH})
            try:
                data = json.loads(body) if body.strip() else None
            except (ValueError, RecursionError):
                return None  # the API's own parser answers with its malformed-request problem
            if _json_has_bad_text(data):
                return self._bad(request)
        return None

    @staticmethod
    def _bad(request: HttpRequest) -> HttpResponse:
        return refusal(request, 400, "invalid-characters", _("The request contains characters that are not allowed"),
                       _("Remove NUL characters and invalid Unicode from the address, the fields and the headers."))

    @staticmethod
    def _too_large(request: HttpRequest) -> HttpResponse:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
        return refusal(request, 413, "request-too-large", _("The request is too large"),
                       _("Send at most %(size)d kB.") % {"size": limit // 1024})
