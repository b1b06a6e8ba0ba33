from __future__ import annotations

import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from vangnet.audit.context import new_trace_id, processing_context

_TRACEPARENT = re.compile(r"^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$")


def trace_id_from(request: HttpRequest) -> str:
    """Take the W3C ``traceparent`` trace id when a caller sends one, else start a new trace."""
    match = _TRACEPARENT.match(request.headers.get("traceparent", ""))
    return match.group(1) if match else new_trace_id()


class ProcessingContextMiddleware:
    """Binds actor, organisation and trace id for the processing log to every request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        trace_id = trace_id_from(request)
        request.trace_id = trace_id  # type: ignore[attr-defined]
        user = request.user if getattr(request, "user", None) and request.user.is_authenticated else None
        with processing_context(actor=user, trace_id=trace_id):
            response = self.get_response(request)
        response["X-Trace-Id"] = trace_id
        return response
