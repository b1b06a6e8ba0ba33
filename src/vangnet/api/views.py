"""``/api/v1/signals``: organisations' own systems submit signals; retries are idempotent."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db import IntegrityError, transaction
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from vangnet.api.models import IdempotencyRecord
from vangnet.api.problems import problem
from vangnet.api.serializers import ProblemSerializer, SignalCreateSerializer, SignalReceiptSerializer
from vangnet.audit.context import processing_context
from vangnet.audit.models import Action
from vangnet.audit.services import log_processing
from vangnet.signals.models import Signal, Source
from vangnet.signals.services import InvalidSignal, register_signal

PROBLEM = OpenApiResponse(ProblemSerializer, description="Problem details (RFC 9457)")
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key", OpenApiTypes.STR, OpenApiParameter.HEADER, required=True,
    description="A unique key per signal (e.g. a UUID). Retrying with the same key and body returns the "
                "first response and never creates a second signal.",
)


def _fingerprint(data: Any) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def PROBLEMS(*codes: int) -> dict[Any, Any]:
    return {(code, "application/problem+json"): PROBLEM for code in codes}


class ApiContextMixin:
    def context(self, request: Request) -> Any:
        """Bind the processing log context to the calling organisation's token."""
        token = request.auth
        return processing_context(actor=None, organisation=token.organisation, actor_label=f"api:{token.name}",
                                  trace_id=getattr(request._request, "trace_id", None))


class SignalCollection(ApiContextMixin, APIView):
    """Submit a signal from your organisation's own system.

    The signal opens a case led by the care coordination of the municipality's region (or is routed to
    the national coordination centre). Send an ``Idempotency-Key``: a retry with the same key and body
    returns the first receipt with status 200 and never creates a second signal; the same key with a
    different body is refused (422).
    """

    @extend_schema(
        operation_id="signals_create", summary="Submit a signal", parameters=[IDEMPOTENCY_KEY],
        request=SignalCreateSerializer,
        responses={201: SignalReceiptSerializer, 200: OpenApiResponse(SignalReceiptSerializer,
                                                                      description="Replay of an earlier request"),
                   **PROBLEMS(400, 401, 409, 422)},
    )
    def post(self, request: Request) -> Response:
        key = request.headers.get("Idempotency-Key", "").strip()
        if not key or len(key) > 128:
            return problem(400, "idempotency-key-missing", "Send an Idempotency-Key header",
                           "Every POST needs a unique Idempotency-Key header of at most 128 characters.")
        organisation = request.auth.organisation
        fingerprint = _fingerprint(request.data)
        with self.context(request), transaction.atomic():
            try:
                with transaction.atomic():
                    record = IdempotencyRecord.objects.create(
                        organisation=organisation, endpoint="signals", key=key, request_fingerprint=fingerprint,
                        response_status=0, response_body={},
                    )
            except IntegrityError:
                return self._replay(organisation, key, fingerprint)
            serializer = SignalCreateSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            try:
                signal = register_signal(serializer.to_signal_input(), organisation=organisation,
                                         reporter_label=f"api:{request.auth.name}", source=Source.API)
            except InvalidSignal as exc:  # pragma: no cover - the serializer runs the same rules first
                return problem(400, "invalid-request", "The request has invalid fields",
                               errors=[{"field": k, "message": m} for k, v in exc.errors.items() for m in v])
            body = SignalReceiptSerializer(signal).data
            record.response_status, record.response_body = 201, body
            record.save(update_fields=["response_status", "response_body"])
        return Response(body, status=201, headers={"Location": f"/api/v1/signals/{signal.public_id}"})

    def _replay(self, organisation: Any, key: str, fingerprint: str) -> Response:
        existing = IdempotencyRecord.objects.get(organisation=organisation, endpoint="signals", key=key)
        if existing.request_fingerprint != fingerprint:
            return problem(422, "idempotency-key-reused", "This Idempotency-Key was used for another request",
                           "Use a new key for a new signal.")
        if existing.response_status == 0:
            return problem(409, "request-in-progress", "The first request with this key is still running")
        return Response(existing.response_body, status=200, headers={"Idempotent-Replayed": "true"})


class SignalItem(ApiContextMixin, APIView):
    """The receipt of a signal your organisation sent: its case number, status and urgency."""

    @extend_schema(operation_id="signals_retrieve", summary="The receipt of a signal your organisation sent",
                   responses={200: SignalReceiptSerializer, **PROBLEMS(401, 404)})
    def get(self, request: Request, public_id: str) -> Response:
        signal = Signal.objects.select_related("case__lead_organisation").filter(
            public_id=public_id, reporting_organisation=request.auth.organisation).first()
        if signal is None:
            return problem(404, "not-found", "Not found",
                           "There is no such signal, or your organisation did not send it.")
        with self.context(request):
            log_processing("api_submission", Action.READ, subject=signal.case, obj=signal,
                           fields=["reference", "case_status", "urgency"])
        return Response(SignalReceiptSerializer(signal).data)
