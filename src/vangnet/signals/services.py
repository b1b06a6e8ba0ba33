"""The write path of a signal: one function for the web flow and the API alike."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from vangnet.accounts.models import Organisation
from vangnet.audit.models import Action
from vangnet.audit.services import deferred_log, log_processing
from vangnet.cases import services as case_services
from vangnet.cases.models import Case, CaseEvent, ConsentStatus, InvolvementRole
from vangnet.signals import events
from vangnet.signals.catalogue import catalogue_info
from vangnet.signals.input import SignalInput, validate
from vangnet.signals.models import Signal, SignalConsent, SignalDraft, Source
from vangnet.triage import services as triage_services


class InvalidSignal(Exception):
    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))
        self.errors = errors


def register_signal(
    data: SignalInput,
    *,
    organisation: Organisation,
    actor: Any = None,
    reporter_label: str = "",
    source: str = Source.WEB,
    attach_to: Case | None = None,
    draft: SignalDraft | None = None,
    submitted_at: Any = None,
) -> Signal:
    """Validate, create (or attach to) the case, store the signal, record consent, log it all."""
    errors = validate(data)
    if errors:
        raise InvalidSignal(errors)
    now = submitted_at or timezone.now()
    with transaction.atomic(), deferred_log():
        if attach_to is None:
            case = case_services.open_case(municipality=data.municipality, urgency=data.initial_urgency,
                                           is_minor=data.minor, actor=actor, organisation=organisation, at=now)
            log_processing("case_management", Action.CREATE, subject=case, obj=case,
                           fields=["status", "urgency", "municipality", "lead_organisation"])
        else:
            case = Case.objects.select_for_update().get(pk=attach_to.pk)
            if data.immediate_danger and case.urgency != "acute":
                case_services.set_urgency(case, data.initial_urgency)
        signal = Signal.objects.create(
            reference=uuid.uuid4().hex[:20], case=case, source=source, reporting_organisation=organisation,
            reporter=actor if getattr(actor, "pk", None) else None,
            reporter_label=reporter_label or getattr(actor, "display_name", "") or organisation.name,
            submitted_at=now, observed_on=data.observed_on, municipality=data.municipality,
            exploitation_municipality=data.exploitation_municipality, immediate_danger=data.immediate_danger,
            indicator_catalogue_version=catalogue_info().version,
            is_identified=data.is_identified, given_names=data.given_names.strip(),
            family_name=data.family_name.strip(), aliases=data.aliases.strip(), birth_date=data.birth_date,
            document_type=data.document_type, document_number=data.document_number.strip(),
            estimated_age=data.estimated_age, age_at_signal=data.age, birth_year=data.birth_year,
            gender=data.gender, nationality=data.nationality, residence_status=data.residence_status,
            is_minor=data.minor, has_lvb=data.has_lvb,
            has_multiple_problems=data.has_multiple_problems, children_count=data.children_count,
            consent=data.consent, account=data.account.strip(),
        )
        signal.reference = f"S-{now.year}-{signal.pk:06d}"
        Signal.objects.filter(pk=signal.pk).update(reference=signal.reference)
        signal.forms.set(data.forms)
        signal.indicators.set(data.indicators)
        signal.languages.set(data.languages)
        case_services.involve(case, organisation, InvolvementRole.REPORTER, actor=actor, at=now,
                              log=attach_to is not None)
        Case.objects.filter(pk=case.pk).update(signal_count=case.signal_count + 1, updated_at=now,
                                               is_minor=case.is_minor or data.minor)
        case_services.add_event(
            case, CaseEvent.Kind.SIGNAL,
            gettext_noop("Signal %(ref)s registered by %(org)s"), {"ref": signal.reference, "org": organisation.name},
            actor=actor, organisation=organisation, at=now,
        )
        written = [f.name for f in Signal._meta.concrete_fields if getattr(signal, f.attname) not in ("", None)]
        log_processing("signal_registration", Action.CREATE, subject=case, obj=signal,
                       fields=[*written, "forms", "indicators", "languages"],
                       organisation=organisation, actor=actor)
        if data.consent in (SignalConsent.GIVEN, SignalConsent.REFUSED):
            status = ConsentStatus.GIVEN if data.consent == SignalConsent.GIVEN else ConsentStatus.REFUSED
            for purpose in data.consent_purposes or ["registration"]:
                case_services.record_consent(case, purpose=purpose, status=status,
                                             obtained_by=data.consent_obtained_by,
                                             obtained_on=data.consent_obtained_on, actor=actor)
        triage_services.triage_case(case, actor=actor, trigger="signal", at=now)
        if draft is not None:
            draft.delete()
        signal_id = signal.pk
        transaction.on_commit(lambda: events.signal_registered.send(sender=Signal, signal_id=signal_id))
    return signal

