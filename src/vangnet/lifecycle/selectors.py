"""Reads for the data lifecycle: who may handle requests, the request loader, and the access report."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from vangnet.accounts.models import OrganisationType, Role
from vangnet.audit.models import ProcessingLogEntry
from vangnet.cases.models import Case
from vangnet.lifecycle.models import DataSubjectRequest, ProcessingRestriction
from vangnet.lifecycle.services import linked_cases
from vangnet.signals.models import Signal

#: Requests are handled for the controller of the national registration: the functional admins of the
#: national coordination centre. Everyone else gets a 404 (the pages do not exist for them).
HANDLER_ORGANISATION_TYPES = frozenset({OrganisationType.NATIONAL_COORDINATION_CENTRE})


def can_handle_requests(user: Any) -> bool:
    return bool(
        user.is_authenticated and user.is_active and user.role == Role.FUNCTIONAL_ADMIN
        and user.organisation_id is not None and user.organisation.type in HANDLER_ORGANISATION_TYPES
    )


def require_handler(user: Any) -> None:
    if not can_handle_requests(user):
        raise Http404


def requests_for(user: Any) -> QuerySet[DataSubjectRequest]:
    require_handler(user)
    return DataSubjectRequest.objects.filter(organisation_id=user.organisation_id).select_related("case")


def get_request_or_404(user: Any, reference: str) -> DataSubjectRequest:
    request = requests_for(user).filter(reference=reference).first()
    if request is None:
        raise Http404("No request found")
    return request


def find_case(reference: str) -> Case | None:
    return Case.objects.filter(reference=reference.strip().upper()).first()


def access_report(request: DataSubjectRequest) -> dict[str, Any]:
    """Everything held on the person across all linked cases, as plain values (the HTML and the JSON
    export render this one structure). Processing under confidential activities (criminal investigation)
    is counted but not shown, with the reason."""
    cases = linked_cases(request.case)
    restricted = set(ProcessingRestriction.objects.filter(case__in=cases, lifted_at__isnull=True)
                     .values_list("case_id", flat=True))
    signals_by_case: dict[int, list[Signal]] = {}
    signals = (Signal.objects.filter(case__in=cases)
               .select_related("reporting_organisation", "municipality", "exploitation_municipality", "nationality")
               .prefetch_related("forms", "indicators", "languages").order_by("submitted_at", "id"))
    for signal in signals:
        signals_by_case.setdefault(signal.case_id, []).append(signal)
    report_cases = []
    for case in cases:
        report_cases.append({
            "reference": case.reference,
            "pseudonym": case.pseudonym,
            "status": case.get_status_display(),
            "opened_at": case.opened_at.isoformat(),
            "closed_at": case.closed_at.isoformat() if case.closed_at else None,
            "close_reason": case.get_close_reason_display() if case.close_reason else "",
            "municipality": case.municipality.name,
            "lead_organisation": case.lead_organisation.name,
            "processing_restricted": case.pk in restricted,
            "organisations_involved": [
                {"organisation": inv.organisation.name, "role": inv.get_role_display(),
                 "from": inv.started_at.isoformat(), "until": inv.ended_at.isoformat() if inv.ended_at else None}
                for inv in case.involvements.select_related("organisation").order_by("started_at", "id")
            ],
            "consents": [
                {"purpose": c.get_purpose_display(), "status": c.get_status_display(),
                 "date": c.obtained_on.isoformat(), "how": c.get_method_display()}
                for c in case.consents.all()
            ],
            "status_history": [
                {"at": ch.at.isoformat(), "from": ch.get_from_status_display(), "to": ch.get_to_status_display()}
                for ch in case.status_history.all()
            ],
            "timeline": [{"at": e.at.isoformat(), "what": e.text} for e in case.events.order_by("at", "id")],
            "signals": [_signal(s) for s in signals_by_case.get(case.pk, [])],
            "handovers": _handovers(case),
            "placement_requests": _placement_requests(case),
            "triage": _triage(case),
        })
    pseudonyms = [c.pseudonym for c in cases]
    entries = ProcessingLogEntry.objects.filter(subject_pseudonym__in=pseudonyms)
    shown = (entries.filter(activity__confidential=False)
             .select_related("activity", "legal_basis", "organisation").order_by("at"))
    withheld = entries.filter(activity__confidential=True).aggregate(n=Count("id"))["n"]
    processing = [
        {"at": e.at.isoformat(), "organisation": e.organisation.name if e.organisation else "",
         "activity": e.activity.name, "action": e.get_action_display(), "legal_basis": e.legal_basis.name,
         "article": e.legal_basis.article, "case": e.subject_pseudonym}
        for e in shown
    ]
    return {
        "request": request.reference,
        "cases": report_cases,
        "processing": processing,
        "withheld": {
            "processing_entries": withheld,
            "reason": _("Processing for a criminal investigation is not shown. The Police Data Act (Wpg) "
                        "applies to it instead of the GDPR; the person can ask the police for access."),
        } if withheld else None,
    }


def _signal(signal: Signal) -> dict[str, Any]:
    return {
        "reference": signal.reference,
        "submitted_at": signal.submitted_at.isoformat(),
        "reported_by_organisation": signal.reporting_organisation.name,
        "observed_on": signal.observed_on.isoformat(),
        "municipality": signal.municipality.name,
        "exploitation_municipality": signal.exploitation_municipality.name if signal.exploitation_municipality else "",
        "forms_of_exploitation": [f.name for f in signal.forms.all()],
        "indicators": [i.text for i in signal.indicators.all()],
        "identity": {
            "given_names": signal.given_names, "family_name": signal.family_name, "aliases": signal.aliases,
            "birth_date": signal.birth_date.isoformat() if signal.birth_date else None,
            "document_type": signal.get_document_type_display() if signal.document_type else "",
            "document_number": signal.document_number,
        },
        "profile": {
            "gender": signal.get_gender_display(), "estimated_age": signal.estimated_age,
            "nationality": signal.nationality.name if signal.nationality else "",
            "languages": [lang.name for lang in signal.languages.all()],
            "minor": signal.is_minor, "children_with_them": signal.children_count,
        },
        "consent_at_signal": signal.get_consent_display(),
        "account": signal.account,
    }


def _handovers(case: Case) -> list[dict[str, Any]]:
    from django.apps import apps

    if not apps.is_installed("vangnet.sharing"):
        return []
    Handover = apps.get_model("sharing", "Handover")
    return [
        {"from": h.sender.name, "to": h.recipient.name, "purpose": h.get_purpose_display(),
         "status": h.get_status_display(), "at": h.created_at.isoformat(), "message": h.message}
        for h in Handover.objects.filter(case=case).select_related("sender", "recipient").order_by("created_at", "id")
    ]


def _placement_requests(case: Case) -> list[dict[str, Any]]:
    from django.apps import apps

    if not apps.is_installed("vangnet.shelters"):
        return []
    PlacementRequest = apps.get_model("shelters", "PlacementRequest")
    return [
        {"at": r.created_at.isoformat(), "urgency": r.get_urgency_display(), "status": r.get_status_display(),
         "placements": [
             {"location": p.capacity.location.name, "status": p.get_status_display(),
              "admitted_on": p.admission_date.isoformat() if p.admission_date else None,
              "discharged_on": p.discharge_date.isoformat() if p.discharge_date else None}
             for p in r.placements.select_related("capacity__location").order_by("reserved_at", "id")
         ]}
        for r in PlacementRequest.objects.filter(case=case).order_by("created_at", "id")
    ]


def _triage(case: Case) -> list[dict[str, Any]]:
    from django.apps import apps

    if not apps.is_installed("vangnet.triage"):
        return []
    Triage = apps.get_model("triage", "Triage")
    return [{"at": t.created_at.isoformat(), "urgency": t.get_urgency_display()}
            for t in Triage.objects.filter(case=case).order_by("created_at", "id")]
