"""Reads for sharing: "may I share this?", what an organisation may do with a case, the shared projection
of a case for a handover recipient, handover lists and the data subject access report."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from vangnet.accounts.models import Organisation, Role
from vangnet.audit.models import LegalBasis, ProcessingLogEntry
from vangnet.cases.models import Case, CaseEvent, Consent, ConsentStatus, Involvement, InvolvementRole
from vangnet.sharing.models import OPEN_STATUSES, Handover
from vangnet.sharing.policies import CONSENT_BASIS, FieldDef, Policy, load_policies
from vangnet.signals.models import Signal

CASE_ROLES = frozenset({Role.REPORTER, Role.CARE_COORDINATOR, Role.SHELTER_INTAKE})


# --- who may do what ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Standing:
    """An organisation's involvement in a case, as far as sharing is concerned."""

    full: bool  # reporter or lead: may hand the case on for any purpose
    purposes: frozenset[str]  # purposes it received the case for

    @property
    def may_send(self) -> bool:
        policies = load_policies()
        return self.full or any(policies.purposes[p].onward for p in self.purposes if p in policies.purposes)

    @property
    def involved(self) -> bool:
        return self.full or bool(self.purposes)


def standing(organisation: Organisation | None, case: Case) -> Standing:
    if organisation is None:
        return Standing(False, frozenset())
    rows = Involvement.objects.active().filter(case=case, organisation=organisation).values_list("role", "purpose")
    full = any(role in (InvolvementRole.LEAD, InvolvementRole.REPORTER) for role, _p in rows)
    purposes = frozenset(p or ("shelter" if role == InvolvementRole.SHELTER else "") for role, p in rows
                         if role in (InvolvementRole.HANDOVER, InvolvementRole.SHELTER)) - {""}
    return Standing(full, purposes)


def user_may_work_on_cases(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role in CASE_ROLES and user.organisation_id)


def user_may_work_handovers(user: Any) -> bool:
    """Case workers, and the national coordinator (the national coordination centre receives handovers)."""
    return user_may_work_on_cases(user) or bool(
        user.is_authenticated and user.is_active and user.role == Role.NATIONAL_COORDINATOR and user.organisation_id)


# --- consent ------------------------------------------------------------------------------------


def current_consent(case: Case, consent_purpose: str) -> Consent | None:
    """The latest consent record for a purpose: a new record replaces the previous one."""
    if not consent_purpose:
        return None
    return Consent.objects.filter(case=case, purpose=consent_purpose).order_by("-recorded_at", "-id").first()


# --- may I share this? --------------------------------------------------------------------------


@dataclass
class Withheld:
    field: FieldDef
    reason: str


@dataclass
class SharingDecision:
    purpose: str
    purpose_label: str
    recipient: Organisation | None
    policy: Policy | None = None
    basis: LegalBasis | None = None
    shared: list[FieldDef] = field(default_factory=list)
    withheld: list[Withheld] = field(default_factory=list)
    consent_required: bool = False
    consent: Consent | None = None
    problems: list[str] = field(default_factory=list)
    consent_missing: bool = False
    policy_version: str = ""

    @property
    def allowed(self) -> bool:
        return not self.problems

    @property
    def field_codes(self) -> list[str]:
        return [f.code for f in self.shared]


def decide(case: Case, sender: Organisation, recipient: Organisation | None, purpose: str, *,
           exclude: Handover | None = None) -> SharingDecision:
    """Everything the sender must know before sharing: what goes, why that is lawful, what stays and why,
    and what stops the handover (no rule, no basis for this sender, no consent, already involved)."""
    policies = load_policies()
    p = policies.purposes.get(purpose)
    decision = SharingDecision(purpose, p.label if p else purpose, recipient, policy_version=policies.version)
    if p is None:
        decision.problems.append(_("Choose a purpose."))
        return decision
    if recipient is None:
        decision.problems.append(_("Choose the organisation that receives the case."))
        return decision
    if recipient.pk == sender.pk:
        decision.problems.append(_("You cannot hand a case over to your own organisation."))
    elif standing(recipient, case).full:
        decision.problems.append(_("%(org)s already has full access to this case.") % {"org": recipient.name})
    elif Handover.objects.filter(case=case, recipient=recipient, purpose=purpose, status__in=OPEN_STATUSES).exclude(
            pk=exclude.pk if exclude is not None else 0).exists():
        decision.problems.append(_("There is already an open handover to %(org)s for this purpose.")
                                 % {"org": recipient.name})
    policy = policies.policy_for(purpose, recipient.type)
    if policy is None:
        decision.problems.append(
            _("No sharing rule allows handing a case to a %(type)s for “%(purpose)s”. Nothing can be sent.")
            % {"type": recipient.get_type_display(), "purpose": p.label})
        return decision
    decision.policy = policy
    shared = set(policy.fields)
    decision.shared = policies.ordered_fields(shared)
    decision.withheld = [
        Withheld(f, policy.withheld_reason(f.code) or _("Not needed for “%(purpose)s”.") % {"purpose": p.label})
        for f in policies.fields.values() if f.code not in shared
    ]
    basis_code = policy.basis_for(sender.type)
    if basis_code is None:
        decision.problems.append(
            _("A %(type)s may not share a case for “%(purpose)s”: no legal basis in the sharing rules.")
            % {"type": sender.get_type_display(), "purpose": p.label})
        return decision
    decision.basis = LegalBasis.objects.filter(code=basis_code).first()
    if basis_code == CONSENT_BASIS:
        decision.consent_required = True
        decision.consent = current_consent(case, p.consent_purpose)
        if decision.consent is None or decision.consent.status != ConsentStatus.GIVEN:
            decision.consent_missing = True
            decision.problems.append(
                _("The person has not given consent for “%(purpose)s”. Record the person's consent first.")
                % {"purpose": p.label})
    return decision


def eligible_recipients(sender: Organisation) -> QuerySet[Organisation]:
    """Organisations a handover may be addressed to (by type, for some purpose)."""
    policies = load_policies()
    types = set().union(*(pol.recipients for pol in policies.policies))
    return Organisation.objects.filter(is_active=True, type__in=types).exclude(pk=sender.pk).order_by("name")


# --- the shared view ----------------------------------------------------------------------------

IDENTITY_COLUMNS = {"identity.name": ("given_names", "family_name", "aliases"), "identity.birth_date": ("birth_date",),
                    "identity.document": ("document_number",), "account": ("account",)}


def shared_fields_for(organisation: Organisation, case: Case) -> frozenset[str]:
    """Union of the fields every active handover involvement of the organisation allows (current policy)."""
    policies = load_policies()
    codes: set[str] = set()
    for purpose in standing(organisation, case).purposes:
        codes |= policies.fields_for(purpose, organisation.type)
    return frozenset(codes)


def shared_case(case: Case, fields: frozenset[str]) -> dict[str, Any]:
    """The projection of a case that a recipient may see. Only allowed values enter the template context;
    encrypted columns that are not allowed are not even loaded (so never decrypted)."""
    deferred = [col for code, cols in IDENTITY_COLUMNS.items() if code not in fields for col in cols]
    queryset = Signal.objects.filter(case=case).defer(*deferred).select_related(
        "municipality", "exploitation_municipality", "nationality", "reporting_organisation"
    ).order_by("submitted_at")
    related = [name for code, name in (("profile.languages", "languages"), ("forms", "forms"),
                                       ("indicators", "indicators")) if code in fields]
    if related:
        queryset = queryset.prefetch_related(*related)
    signals = []
    for s in queryset:
        row: dict[str, Any] = {"reference": s.reference}
        if "signal.date" in fields:
            row["signal.date"] = s.observed_on
        if "signal.reporter" in fields:
            row["signal.reporter"] = s.reporting_organisation.name
        if "signal.municipality" in fields:
            row["signal.municipality"] = s.municipality.name
        if "signal.danger" in fields:
            row["signal.danger"] = s.immediate_danger
        if "exploitation_municipality" in fields:
            row["exploitation_municipality"] = s.exploitation_municipality.name if s.exploitation_municipality else ""
        if "forms" in fields:
            row["forms"] = [f.name for f in s.forms.all()]
        if "indicators" in fields:
            row["indicators"] = [i.text for i in s.indicators.all()]
        if "profile.age" in fields:
            row["profile.age"] = {"age": s.age_at_signal, "minor": s.is_minor}
        if "profile.gender" in fields:
            row["profile.gender"] = s.get_gender_display()
        if "profile.nationality" in fields:
            row["profile.nationality"] = s.nationality.name if s.nationality else ""
        if "profile.languages" in fields:
            row["profile.languages"] = [lang.name for lang in s.languages.all()]
        if "needs.vulnerabilities" in fields:
            row["needs.vulnerabilities"] = {"lvb": s.get_has_lvb_display(),
                                            "multiple": s.get_has_multiple_problems_display(),
                                            "children": s.children_count}
        if "identity.name" in fields:
            row["identity.name"] = {"identified": s.is_identified,
                                    "name": f"{s.given_names} {s.family_name}".strip(), "aliases": s.aliases}
        if "identity.birth_date" in fields:
            row["identity.birth_date"] = s.birth_date
        if "identity.document" in fields:
            row["identity.document"] = {"type": s.get_document_type_display() if s.document_type else "",
                                        "number": s.document_number}
        if "account" in fields:
            row["account"] = s.account
        signals.append(row)
    data: dict[str, Any] = {"signals": signals}
    if "consent" in fields:
        data["consents"] = list(case.consents.all())
    if "timeline" in fields:
        data["events"] = list(CaseEvent.objects.filter(case=case).select_related("organisation")[:200])
    return data


def handovers_for_case_recipient(case: Case, organisation: Organisation) -> list[Handover]:
    return list(Handover.objects.filter(case=case, recipient=organisation, status="accepted"))


# --- lists and reports --------------------------------------------------------------------------


def handovers_for(organisation: Organisation) -> QuerySet[Handover]:
    return Handover.objects.filter(Q(sender=organisation) | Q(recipient=organisation)).select_related(
        "case", "sender", "recipient")


def case_handovers(case: Case) -> list[Handover]:
    return list(Handover.objects.filter(case=case).select_related("sender", "recipient"))


def access_report(case: Case) -> QuerySet[ProcessingLogEntry]:
    """Every processing of the person's data, leaving out what the register marks confidential."""
    return ProcessingLogEntry.objects.filter(
        subject_pseudonym=case.pseudonym, activity__confidential=False,
    ).select_related("activity", "legal_basis", "organisation").order_by("at")
