"""Who may see which case, and how much of it. Every case is loaded through ``get_case_or_404``.

Rules (docs/adr/0002-access-by-involvement.md):
- An organisation sees a case only while it is involved: it reported a signal on it, leads it, or was
  handed it. Every active user of that organisation with a case-working role sees it.
- A handover recipient sees only the fields its handover purpose allows for its organisation type (the
  sharing policies, data); with no policy for that purpose and type it sees nothing (404).
- A reporting organisation (docs/adr/0006): sees the whole case while the case is being set up (status new
  or in triage); after the lead took it over (in care, placed) only a receipt (number, status, lead, its
  signals without identity); after closing that receipt for ``REPORTER_RECEIPT_DAYS_AFTER_CLOSING`` days,
  then nothing. More is a handover with a purpose.
- The national coordinator sees every case, without identity and without the free-text account.
- The analyst and the functional admin never see a case (figures and the log only): 404.
A case the user may not see answers 404, never 403, so its existence is not revealed.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from vangnet.accounts.models import Role
from vangnet.audit import security
from vangnet.audit.models import SecurityEventKind
from vangnet.cases.models import Case, CaseStatus, Involvement, InvolvementRole

#: The sections of a case page. Views and serializers render only the sections in ``CaseAccess``.
SECTIONS = ("summary", "status", "profile", "identity", "account", "indicators", "consent", "timeline",
            "signals", "triage", "placement", "handover", "procedures")
ALL_SECTIONS = frozenset(SECTIONS)
NATIONAL_SECTIONS = ALL_SECTIONS - {"identity", "account"}

#: Handover purpose → sections comes from the sharing policies kept as data
#: (``vangnet/sharing/data/policies.yaml``): the field codes the purpose allows for the receiving
#: organisation's type, plus a coarse section name only when all of its fields are allowed.

CASE_ROLES = frozenset({Role.REPORTER, Role.CARE_COORDINATOR, Role.SHELTER_INTAKE})

#: what a reporting organisation keeps after the lead took the case over (ADR 0006)
REPORTER_RECEIPT = frozenset({"summary", "status"})
#: statuses in which the case is still being set up: the reporter sees it whole
SETTING_UP = frozenset({CaseStatus.NEW, CaseStatus.IN_TRIAGE})


#: Which sections a handover purpose lets an organisation type see: ``(purpose, org_type) -> sections``.
#: ``sharing`` registers its policies (kept as data) at start; ``cases`` does not import it. Until one is
#: registered a handover shows nothing.
_handover_sections: list[Callable[[str, str], frozenset[str]]] = []


def register_handover_sections(provider: Callable[[str, str], frozenset[str]]) -> None:
    _handover_sections[:] = [provider]


def sections_for(purpose: str, org_type: str) -> frozenset[str]:
    return _handover_sections[0](purpose, org_type) if _handover_sections else frozenset()


def receipt_cutoff() -> datetime.datetime:
    """Cases closed before this moment are no longer shown to their reporting organisations."""
    return timezone.now() - datetime.timedelta(days=int(settings.REPORTER_RECEIPT_DAYS_AFTER_CLOSING))


def reporter_sections(case: Case) -> frozenset[str]:
    if case.status in SETTING_UP:
        return ALL_SECTIONS
    if case.status == CaseStatus.CLOSED and case.closed_at is not None and case.closed_at < receipt_cutoff():
        return frozenset()
    return REPORTER_RECEIPT


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
    # Uncorrelated ``IN (SELECT case_id ...)`` rather than a correlated EXISTS per case: PostgreSQL runs each
    # as one hashed subplan over the organisation's involvements (the OR keeps it from turning an EXISTS into a
    # semi-join), which at 50,000 cases is about five times cheaper for the worklist's counts.
    involved = Involvement.objects.active().filter(organisation_id=user.organisation_id).values("case_id")
    not_only_reporter = Q(pk__in=involved.exclude(role=InvolvementRole.REPORTER))
    closed_long_ago = Q(status=CaseStatus.CLOSED, closed_at__lt=receipt_cutoff())
    return Case.objects.filter(not_only_reporter | (Q(pk__in=involved.filter(role=InvolvementRole.REPORTER))
                                                    & ~closed_long_ago))


def involvement_access(case: Case, roles: set[tuple[str, str]], org_type: str) -> CaseAccess | None:
    """What an organisation of ``org_type`` with these active involvements ``(role, purpose)`` in ``case`` may
    see of it (for its case-working staff), or None."""
    if any(r == InvolvementRole.LEAD for r, _ in roles):
        return CaseAccess(case, ALL_SECTIONS, f"involvement:{InvolvementRole.LEAD}")
    reported = reporter_sections(case) if any(r == InvolvementRole.REPORTER for r, _ in roles) else frozenset()
    if reported == ALL_SECTIONS:
        return CaseAccess(case, ALL_SECTIONS, f"involvement:{InvolvementRole.REPORTER}")
    sections: frozenset[str] = frozenset()
    for role, purpose in roles:
        if role in (InvolvementRole.HANDOVER, InvolvementRole.SHELTER):
            # a shelter involved through placement without a handover purpose counts as "shelter"
            sections |= sections_for(purpose or ("shelter" if role == InvolvementRole.SHELTER else ""), org_type)
    if sections:
        return CaseAccess(case, sections | reported, "involvement:handover")
    if reported:
        return CaseAccess(case, reported, f"involvement:{InvolvementRole.REPORTER}")
    return None


def resolve_access(user, case: Case) -> CaseAccess | None:  # type: ignore[no-untyped-def]
    if not user.is_authenticated or not user.is_active:
        return None
    if user.role in CASE_ROLES and user.organisation_id is not None:
        roles = {
            (inv.role, inv.purpose)
            for inv in Involvement.objects.active().filter(case=case, organisation_id=user.organisation_id)
        }
        access = involvement_access(case, roles, user.organisation.type)
        if access is not None:
            return access
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


#: Where a user lands instead of "page not found" when their organisation's access to a case has ended
#: (a revoked handover). ``sharing`` registers the implementation at start; ``cases`` does not import it.
_ended_access_pages: list[Callable[[Any, str], str | None]] = []


def register_ended_access(finder: Callable[[Any, str], str | None]) -> None:
    if finder not in _ended_access_pages:
        _ended_access_pages.append(finder)


def ended_access_url(user: Any, reference: str) -> str | None:
    for finder in _ended_access_pages:
        url = finder(user, reference)
        if url:
            return url
    return None
