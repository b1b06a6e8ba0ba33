"""Who may register controls and see which part of the report.

- Registering: people (reporter or care coordinator role) of a municipality or a police organisation. A
  municipality registers controls in its own municipality; a police organisation in the municipalities of
  its police unit (every municipality when it serves no single unit).
- The report: the national coordinator and the analyst see every municipality; the registering
  organisations see their own municipalities. Everyone else gets a 404, as for any page they may not see.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from vangnet.accounts.models import OrganisationType, Role
from vangnet.regions.models import Municipality

REGISTERING_TYPES = {OrganisationType.MUNICIPALITY, OrganisationType.POLICE}
REGISTERING_ROLES = {Role.REPORTER, Role.CARE_COORDINATOR}
NATIONAL_ROLES = {Role.NATIONAL_COORDINATOR, Role.ANALYST}


def may_register(user: Any) -> bool:
    org = getattr(user, "organisation", None)
    return bool(user.is_active and org is not None and org.is_active and org.type in REGISTERING_TYPES
                and user.role in REGISTERING_ROLES)


def sees_national_report(user: Any) -> bool:
    return bool(user.is_active and user.role in NATIONAL_ROLES)


def municipalities_for(user: Any) -> QuerySet[Municipality]:
    """The municipalities in which ``user`` may register controls (and whose report they see)."""
    if not may_register(user):
        return Municipality.objects.none()
    org = user.organisation
    if org.type == OrganisationType.MUNICIPALITY:
        return Municipality.objects.filter(pk=org.municipality_id)
    if org.region_id:
        return Municipality.objects.filter(police_unit_id=org.region_id)
    return Municipality.objects.all()


def require_register(user: Any) -> None:
    if not may_register(user):
        raise Http404


def require_report(user: Any) -> None:
    if not (sees_national_report(user) or may_register(user)):
        raise Http404
