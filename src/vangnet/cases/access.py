"""Who may see which case, and how much of it. Every case is loaded through ``get_case_or_404``.

Rules (docs/adr/0002-access-by-involvement.md):
- An organisation sees a case only while it is involved: it reported a signal on it, leads it, or was
  handed it. Every active user of that organisation with a case-working role sees it.
- A handover recipient sees only the fields its handover purpose allows for its organisation type (the
  sharing policies, data); with no policy for that purpose and type it sees nothing (404).
- The national coordinator sees every case, without identity and without the free-text account.
- The analyst and the functional admin never see a case (figures and the log only): 404.
A case the user may not see answers 404, never 403, so its existence is not revealed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from vangnet.accounts.models import Role
from vangnet.audit import security
from vangnet.audit.models import SecurityEventKind
from vangnet.cases.models import Case, Involvement, InvolvementRole
from vangnet.sharing.policies import sections_for

#: The sections of a case page. Views and serializers render only the sections in ``CaseAccess``.
SECTIONS = ("summary", "status", "profile", "identity", "account", "indicators", "consent", "timeline",
            "signals", "triage", "placement", "handover")
ALL_SECTIONS = frozenset(SECTIONS)
NATIONAL_SECTIONS = ALL_SECTIONS - {"identity", "account"}

#: Handover purpose → sections comes from the sharing policies kept as data
#: (``vangnet/sharing/data/policies.yaml``): the field codes the purpose allows for the receiving
#: organisation's type, plus a coarse section name only when all of its fields are allowed.

CASE_ROLES = frozenset({Role.REPORTER, Role.CARE_COORDINATOR, Role.SHELTER_INTAKE})


@dataclass(frozen=True)
class CaseAccess:
    case: Case
    sections: frozenset[str]
    basis: str  # "involvement:<role>" or "national"

    def can(self, section: str) -> bool:
        return section in self.sections

    @property
    def can_change_status(self) -> bool:
        return self.basis == f"involvement:{InvolvementRole.LEAD}"


def visible_cases(user) -> QuerySet[Case]:  # type: ignore[no-untyped-def]
    """All cases the user may open (any section)."""
    if not user.is_authenticated or not user.is_active:
        return Case.objects.none()
    if user.role == Role.NATIONAL_COORDINATOR:
        return Case.objects.all()
    if user.role not in CASE_ROLES or user.organisation_id is None:
        return Case.objects.none()
    involved = Involvement.objects.active().filter(case=OuterRef("pk"), organisation_id=user.organisation_id)
    return Case.objects.filter(Exists(involved))


def resolve_access(user, case: Case) -> CaseAccess | None:  # type: ignore[no-untyped-def]
    if not user.is_authenticated or not user.is_active:
        return None
    if user.role in CASE_ROLES and user.organisation_id is not None:
        roles = {
            (inv.role, inv.purpose)
            for inv in Involvement.objects.active().filter(case=case, organisation_id=user.organisation_id)
        }
        for role in (InvolvementRole.LEAD, InvolvementRole.REPORTER):
            if any(r == role for r, _ in roles):
                return CaseAccess(case, ALL_SECTIONS, f"involvement:{role}")
        sections: frozenset[str] = frozenset()
        org_type = user.organisation.type
        for role, purpose in roles:
            if role in (InvolvementRole.HANDOVER, InvolvementRole.SHELTER):
                # a shelter involved through placement without a handover purpose counts as "shelter"
                sections |= sections_for(purpose or ("shelter" if role == InvolvementRole.SHELTER else ""),
                                         org_type)
        if sections:
            return CaseAccess(case, sections, "involvement:handover")
    if user.role == Role.NATIONAL_COORDINATOR:
        return CaseAccess(case, NATIONAL_SECTIONS, "national")
    return None


def get_case_or_404(user, reference: str, *, for_update: bool = False) -> CaseAccess:  # type: ignore[no-untyped-def]
    """Load a case by its reference for ``user``; 404 when it does not exist or may not be seen."""
    queryset = Case.objects.select_related("lead_organisation", "municipality", "region")
    if for_update:
        queryset = queryset.select_for_update()
    case = queryset.filter(reference=reference).first()
    access = resolve_access(user, case) if case is not None else None
    if access is None:
        security.record(SecurityEventKind.CASE_ACCESS_REFUSED, user=user,
                        detail={"case": str(reference)[:40], "exists": case is not None})
        raise Http404("No case found")
    return access
