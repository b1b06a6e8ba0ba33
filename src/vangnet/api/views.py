"""``/api/v1/signals``: organisations' own systems submit signals; retries are idempotent.
``/api/v1/handovers``: send, accept, decline and list handovers with the same rules as the web pages."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from vangnet.accounts.models import Organisation
from vangnet.api.models import IdempotencyRecord
from vangnet.api.problems import problem
from vangnet.api.serializers import (
    HandoverCreateSerializer,
    HandoverDeclineSerializer,
    HandoverSerializer,
    ProblemSerializer,
    SignalCreateSerializer,
    SignalReceiptSerializer,
)
from vangnet.audit.context import processing_context
from vangnet.audit.models import Action
from vangnet.audit.services import deferred_log, log_processing
from vangnet.cases.models import Case
from vangnet.sharing.models import Handover, HandoverStatus
from vangnet.sharing.policies import load_policies
from vangnet.sharing.selectors import handovers_for
from vangnet.sharing.services import HandoverNotFound, SharingRefused, request_handover, transition
from vangnet.signals.models import Signal, Source
from vangnet.signals.services import InvalidSignal, register_signal

PROBLEM = OpenApiResponse(ProblemSerializer, description="Problem details (RFC 9457)")
#: Printable ASCII without spaces, 1 to 128 characters (a UUID fits).
IDEMPOTENCY_KEY_PATTERN = r"^[!-~]{1,128}$"
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key", {"type": "string", "minLength": 1, "maxLength": 128, "pattern": IDEMPOTENCY_KEY_PATTERN},
    OpenApiParameter.HEADER, required=True,
    description="A unique key per signal (e.g. a UUID): 1 to 128 printable ASCII characters, no spaces. "
                "Retrying with the same key and body returns the first response and never creates a second signal.",
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
        with self.context(request):
            return idempotent(request, "signals", lambda: self._create(request))

    def _create(self, request: Request) -> Response:
        serializer = SignalCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            signal = register_signal(serializer.to_signal_input(), organisation=request.auth.organisation,
                                     reporter_label=f"api:{request.auth.name}", source=Source.API)
        except InvalidSignal as exc:  # pragma: no cover - the serializer runs the same rules first
            return problem(400, "invalid-request", _("The request has invalid fields"),
                           errors=[{"field": k, "message": m} for k, v in exc.errors.items() for m in v])
        return Response(SignalReceiptSerializer(signal).data, status=201,
                        headers={"Location": f"/api/v1/signals/{signal.public_id}"})


class SignalItem(ApiContextMixin, APIView):
    """The receipt of a signal your organisation sent: its case number, status and urgency."""

    @extend_schema(operation_id="signals_retrieve", summary="The receipt of a signal your organisation sent",
                   responses={200: SignalReceiptSerializer, **PROBLEMS(401, 404)})
    def get(self, request: Request, public_id: str) -> Response:
        signal = Signal.objects.select_related("case__lead_organisation").filter(
            public_id=public_id, reporting_organisation=request.auth.organisation).first()
        if signal is None:
            return problem(404, "not-found", _("Not found"),
                           _("There is no such signal, or your organisation did not send it."))
        with self.context(request):
            log_processing("api_submission", Action.READ, subject=signal.case, obj=signal,
                           fields=["reference", "case_status", "urgency"])
        return Response(SignalReceiptSerializer(signal).data)


# --- handovers (vangnet.sharing): the same services and rules as the web pages --------------------


def _handover_for(organisation: Any, public_id: Any) -> Handover | None:
    return Handover.objects.select_related("case", "sender", "recipient").filter(
        Q(sender=organisation) | Q(recipient=organisation), public_id=public_id).first()


def _refused(exc: SharingRefused) -> Response:
    status = 409 if exc.slug in ("transition-not-allowed",) else 422
    return problem(status, exc.slug, _("The handover is not allowed"), " ".join(str(p) for p in exc.problems))


class HandoverCollection(ApiContextMixin, APIView):
    """Handovers sent or received by your organisation; send a new one.

    A handover goes out only when the sharing rules allow it for the purpose, the receiving organisation's
    type and your organisation's type, and — where the basis is consent — the person's consent for the purpose
    is recorded as given (otherwise 422 ``consent-missing``). Send an ``Idempotency-Key``.
    """

    @extend_schema(operation_id="handovers_list", summary="Handovers sent or received by your organisation",
                   parameters=[OpenApiParameter("direction", OpenApiTypes.STR, enum=["incoming", "outgoing"]),
                               OpenApiParameter("status", OpenApiTypes.STR, enum=list(HandoverStatus.values))],
                   responses={200: HandoverSerializer(many=True), **PROBLEMS(400, 401)})
    def get(self, request: Request) -> Response:
        organisation = request.auth.organisation
        unknown = _unknown_choices(request, {"direction": ["incoming", "outgoing"], "status": HandoverStatus.values})
        if unknown is not None:
            return unknown
        handovers = handovers_for(organisation)
        if request.query_params.get("direction") == "incoming":
            handovers = handovers.filter(recipient=organisation)
        elif request.query_params.get("direction") == "outgoing":
            handovers = handovers.filter(sender=organisation)
        if request.query_params.get("status") in HandoverStatus.values:
            handovers = handovers.filter(status=request.query_params["status"])
        with self.context(request):
            log_processing("handover", Action.READ, fields=["reference", "purpose", "status", "organisations"])
        return Response(HandoverSerializer(handovers[:500], many=True).data)

    @extend_schema(
        operation_id="handovers_create", summary="Send a handover request", parameters=[IDEMPOTENCY_KEY],
        request=HandoverCreateSerializer,
        responses={201: HandoverSerializer, 200: OpenApiResponse(HandoverSerializer,
                                                                 description="Replay of an earlier request"),
                   **PROBLEMS(400, 401, 404, 409, 422)},
    )
    def post(self, request: Request) -> Response:
        with self.context(request):
            return idempotent(request, "handovers", lambda: self._create(request))

    def _create(self, request: Request) -> Response:
        serializer = HandoverCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        case = Case.objects.filter(reference=data["case"]).first()
        recipient = Organisation.objects.filter(pk=data["recipient"], is_active=True).first()
        not_found = problem(404, "not-found", _("Not found"), _("There is no such case, or you have no access to it."))
        if case is None:
            return not_found
        try:
            handover = request_handover(case, sender=request.auth.organisation, recipient=recipient,
                                        purpose=data["purpose"], message=data["message"], actor=None)
        except HandoverNotFound:
            return not_found
        except SharingRefused as exc:
            return _refused(exc)
        return Response(HandoverSerializer(handover).data, status=201,
                        headers={"Location": f"/api/v1/handovers/{handover.public_id}"})


def _unknown_choices(request: Request, allowed: dict[str, list[str]]) -> Response | None:
    """A 400 problem naming each query parameter whose value is not one of its choices, else None."""
    errors = [
        {"field": name, "message": _("Choose one of: %(choices)s.") % {"choices": ", ".join(choices)}}
        for name, choices in allowed.items()
        if name in request.query_params and request.query_params[name] not in choices
    ]
    if errors:
        return problem(400, "invalid-request", _("The request has invalid query parameters"),
                       _("Correct the parameters listed in 'errors'."), errors=errors)
    return None


@csrf_exempt
def not_found(request: Any, *args: Any, **kwargs: Any) -> Any:
    """Every unknown path under /api/ (also a malformed id): a 404 problem, not an HTML page."""
    from django.http import JsonResponse

    body = {"type": "https://vangnet.example/problems/not-found", "title": _("Not found"), "status": 404,
            "detail": _("There is no such resource, or you have no access to it.")}
    return JsonResponse(body, status=404, content_type="application/problem+json")


def idempotent(request: Request, endpoint: str, create: Callable[[], Response]) -> Response:
    """Run ``create`` at most once per organisation, endpoint and ``Idempotency-Key``.

    The key is claimed in the same transaction as the write. A retry with the same key and body gets the
    first response again (200, ``Idempotent-Replayed``); the same key with another body is refused (422).
    A refused request (any 4xx, or an exception such as a validation error) rolls back, key included, so
    the corrected retry may use the same key.
    """
    key = request.headers.get("Idempotency-Key", "").strip()
    if not re.fullmatch(IDEMPOTENCY_KEY_PATTERN, key):
        return problem(400, "idempotency-key-missing", _("Send an Idempotency-Key header"),
                       _("Every POST needs a unique Idempotency-Key header of 1 to 128 printable ASCII characters "
                         "without spaces."))
    organisation = request.auth.organisation
    fingerprint = _fingerprint(request.data)
    with transaction.atomic(), deferred_log():
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    organisation=organisation, endpoint=endpoint, key=key, request_fingerprint=fingerprint,
                    response_status=0, response_body={})
        except IntegrityError:
            return _replay(organisation, endpoint, key, fingerprint)
        response = create()
        if response.status_code >= 400:
            transaction.set_rollback(True)
            return response
        record.response_status, record.response_body = response.status_code, response.data
        record.save(update_fields=["response_status", "response_body"])
    return response


def _replay(organisation: Any, endpoint: str, key: str, fingerprint: str) -> Response:
    existing = IdempotencyRecord.objects.get(organisation=organisation, endpoint=endpoint, key=key)
    if existing.request_fingerprint != fingerprint:
        return problem(422, "idempotency-key-reused", _("This Idempotency-Key was used for another request"),
                       _("Use a new key for a new request."))
    if existing.response_status == 0:
        return problem(409, "request-in-progress", _("The first request with this key is still running"))
    return Response(existing.response_body, status=200, headers={"Idempotent-Replayed": "true"})


class HandoverItem(ApiContextMixin, APIView):
    """One handover your organisation sent or received."""

    @extend_schema(operation_id="handovers_retrieve", summary="One handover your organisation sent or received",
                   responses={200: HandoverSerializer, **PROBLEMS(401, 404)})
    def get(self, request: Request, public_id: str) -> Response:
        handover = _handover_for(request.auth.organisation, public_id)
        if handover is None:
            return problem(404, "not-found", _("Not found"),
                           _("There is no such handover, or your organisation is no party."))
        with self.context(request):
            log_processing(load_policies().purposes[handover.purpose].activity, Action.READ, subject=handover.case,
                           obj=handover, fields=["purpose", "legal_basis", "fields", "status"],
                           legal_basis=handover.legal_basis, trace_id=handover.trace_id)
        return Response(HandoverSerializer(handover).data)


class _HandoverTransition(ApiContextMixin, APIView):
    to_status = ""

    def _transition(self, request: Request, public_id: str, reason: str = "") -> Response:
        organisation = request.auth.organisation
        handover = _handover_for(organisation, public_id)
        if handover is None:
            return problem(404, "not-found", _("Not found"),
                           _("There is no such handover, or your organisation is no party."))
        with self.context(request):
            try:
                handover = transition(handover.pk, self.to_status, organisation=organisation, actor=None,
                                      reason=reason)
            except HandoverNotFound:
                return problem(404, "not-found", _("Not found"))
            except SharingRefused as exc:
                return _refused(exc)
        return Response(HandoverSerializer(handover).data)


class HandoverAccept(_HandoverTransition):
    """Accept a handover sent to your organisation: your organisation gets access to the case, limited to the
    fields the purpose allows. The rules and the consent are checked again."""

    to_status = HandoverStatus.ACCEPTED

    @extend_schema(operation_id="handovers_accept", summary="Accept a handover", request=None,
                   responses={200: HandoverSerializer, **PROBLEMS(401, 404, 409, 422)})
    def post(self, request: Request, public_id: str) -> Response:
        return self._transition(request, public_id)


class HandoverDecline(_HandoverTransition):
    """Decline a handover sent to your organisation, with a reason."""

    to_status = HandoverStatus.DECLINED

    @extend_schema(operation_id="handovers_decline", summary="Decline a handover", request=HandoverDeclineSerializer,
                   responses={200: HandoverSerializer, **PROBLEMS(400, 401, 404, 409, 422)})
    def post(self, request: Request, public_id: str) -> Response:
        serializer = HandoverDeclineSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._transition(request, public_id, serializer.validated_data["reason"])
