"""``/api/v1/cases/{reference}/procedures``: a case's procedures and deadlines for organisations' own systems.

Read: an organisation involved in the case as lead or reporter (the same rule as the case page; anything else
is 404, so a case's existence is not revealed). Write: start a procedure, or record a step, only when the data
says the organisation's type may (otherwise 422 ``organisation-not-allowed``); a step that does not follow the
current state is 409 ``transition-not-allowed``. Every POST needs an ``Idempotency-Key``. Errors are RFC 9457.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from vangnet.api.problems import problem
from vangnet.api.views import IDEMPOTENCY_KEY, PROBLEMS, ApiContextMixin, idempotent
from vangnet.audit.models import Action
from vangnet.audit.services import log_processing
from vangnet.cases.models import Case, Involvement, InvolvementRole
from vangnet.procedures import services
from vangnet.procedures.definitions import load
from vangnet.procedures.models import Procedure

STATUS_FOR_SLUG = {"transition-not-allowed": 409, "already-open": 409, "unknown-procedure": 422,
                   "organisation-not-allowed": 422, "invalid-date": 422}


class LabelSerializer(serializers.Serializer):
    nl = serializers.CharField()
    en = serializers.CharField()


class StepSerializer(serializers.Serializer):
    step = serializers.CharField(help_text="Step code from the procedures data")
    label = LabelSerializer()
    on = serializers.DateField()
    from_state = serializers.CharField()
    to_state = serializers.CharField()
    organisation = serializers.CharField(allow_null=True)
    document_reference = serializers.CharField(allow_blank=True)


class DeadlineSerializer(serializers.Serializer):
    deadline = serializers.CharField(help_text="Deadline code from the procedures data")
    label = LabelSerializer()
    rule = serializers.CharField(help_text="Rule of the deadline engine, e.g. dublin-report-assessment")
    starts_on = serializers.DateField()
    due_on = serializers.DateField()
    closed_on = serializers.DateField(allow_null=True)


class NextStepSerializer(serializers.Serializer):
    step = serializers.CharField()
    label = LabelSerializer()
    allowed_for_you = serializers.BooleanField(help_text="Your organisation's type may record this step")


class ProcedureSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    procedure = serializers.CharField()
    label = LabelSerializer()
    version = serializers.CharField(help_text="Version of the procedures data it was started under")
    state = serializers.CharField()
    is_open = serializers.BooleanField()
    started_on = serializers.DateField()
    steps = StepSerializer(many=True)
    deadlines = DeadlineSerializer(many=True)
    next_steps = NextStepSerializer(many=True)


class ProcedureStartSerializer(serializers.Serializer):
    procedure = serializers.CharField(max_length=40)
    on = serializers.DateField()


class StepCreateSerializer(serializers.Serializer):
    step = serializers.CharField(max_length=40)
    on = serializers.DateField()
    document_reference = serializers.CharField(max_length=100, required=False, default="", allow_blank=True,
                                               help_text="Number of the decision or report; never a name")


def _case_for(organisation: Any, reference: str) -> Case | None:
    case = Case.objects.select_related("lead_organisation").filter(reference=reference).first()
    if case is None:
        return None
    involved = Involvement.objects.active().filter(
        case=case, organisation=organisation, role__in=[InvolvementRole.LEAD, InvolvementRole.REPORTER]).exists()
    return case if involved else None


def _represent(procedure: Procedure, org_type: str) -> dict[str, Any]:
    definition = load().get(procedure.code)
    return {
        "id": procedure.pk, "procedure": procedure.code, "label": definition.label_text,
        "version": procedure.version, "state": procedure.state, "is_open": procedure.is_open,
        "started_on": procedure.started_on,
        "steps": [{"step": s.code, "label": definition.steps[s.code].label_text, "on": s.on,
                   "from_state": s.from_state, "to_state": s.to_state,
                   "organisation": s.organisation.name if s.organisation_id else None,
                   "document_reference": s.document_reference}
                  for s in procedure.steps.all() if s.code in definition.steps],
        "deadlines": [{"deadline": d.code, "label": definition.deadlines[d.code].label_text, "rule": d.rule,
                       "starts_on": d.starts_on, "due_on": d.due_on, "closed_on": d.closed_on}
                      for d in procedure.deadlines.all() if d.code in definition.deadlines],
        "next_steps": [{"step": s.code, "label": s.label_text, "allowed_for_you": org_type in s.by}
                       for s in (definition.steps_from(procedure.state) if procedure.is_open else [])],
    }


#: A case number as Vangnet writes it (``VN-2026-000123``); anything else cannot be a case.
CASE_REFERENCE = OpenApiParameter(
    "reference", str, OpenApiParameter.PATH, required=True, pattern=r"^[A-Z]{2}-[0-9]{4}-[0-9]{6,10}$",
    description="The case number, e.g. VN-2026-000123.")


def _not_found() -> Response:
    return problem(404, "not-found", _("Not found"), _("There is no such case, or you have no access to it."))


def _refused(exc: services.ProcedureRefused) -> Response:
    return problem(STATUS_FOR_SLUG.get(exc.slug, 422), exc.slug, _("The procedure action is not allowed"),
                   str(exc.message))


class CaseProcedures(ApiContextMixin, APIView):
    """The procedures of a case, with their steps, deadlines and the steps that may follow; start one."""

    @extend_schema(operation_id="case_procedures_list", summary="A case's procedures and deadlines",
                   parameters=[CASE_REFERENCE], responses={200: ProcedureSerializer(many=True), **PROBLEMS(401, 404)})
    def get(self, request: Request, reference: str) -> Response:
        organisation = request.auth.organisation
        case = _case_for(organisation, reference)
        if case is None:
            return _not_found()
        procedures = Procedure.objects.filter(case=case).prefetch_related("steps__organisation", "deadlines")
        with self.context(request):
            log_processing("legal_procedures", Action.READ, subject=case, obj=case,
                           fields=["procedures", "steps", "deadlines"])
        return Response(ProcedureSerializer([_represent(p, organisation.type) for p in procedures], many=True).data)

    @extend_schema(operation_id="case_procedures_start", summary="Start a procedure on a case",
                   parameters=[CASE_REFERENCE, IDEMPOTENCY_KEY], request=ProcedureStartSerializer,
                   responses={201: ProcedureSerializer, **PROBLEMS(400, 401, 404, 409, 422)})
    def post(self, request: Request, reference: str) -> Response:
        with self.context(request):
            return idempotent(request, "procedures", lambda: self._start(request, reference))

    def _start(self, request: Request, reference: str) -> Response:
        organisation = request.auth.organisation
        case = _case_for(organisation, reference)
        if case is None:
            return _not_found()
        serializer = ProcedureStartSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            procedure = services.start_procedure(case, serializer.validated_data["procedure"],
                                                 organisation=organisation, on=serializer.validated_data["on"])
        except services.ProcedureRefused as exc:
            return _refused(exc)
        return Response(ProcedureSerializer(_represent(procedure, organisation.type)).data, status=201)


class ProcedureSteps(ApiContextMixin, APIView):
    """Record a step of a procedure (for the organisations whose step it is)."""

    @extend_schema(operation_id="procedure_steps_create", summary="Record a step of a procedure",
                   parameters=[CASE_REFERENCE, IDEMPOTENCY_KEY], request=StepCreateSerializer,
                   responses={201: ProcedureSerializer, **PROBLEMS(400, 401, 404, 409, 422)})
    def post(self, request: Request, reference: str, procedure_id: int) -> Response:
        with self.context(request):
            return idempotent(request, "procedure-steps", lambda: self._record(request, reference, procedure_id))

    def _record(self, request: Request, reference: str, procedure_id: int) -> Response:
        organisation = request.auth.organisation
        case = _case_for(organisation, reference)
        procedure = Procedure.objects.filter(pk=procedure_id, case=case).first() if case else None
        if procedure is None:
            return _not_found()
        serializer = StepCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            services.record_step(procedure.pk, data["step"], on=data["on"], organisation=organisation,
                                 document_reference=data["document_reference"])
        except services.ProcedureRefused as exc:
            return _refused(exc)
        procedure = Procedure.objects.prefetch_related("steps__organisation", "deadlines").get(pk=procedure.pk)
        return Response(ProcedureSerializer(_represent(procedure, organisation.type)).data, status=201)
