from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from vangnet.accounts.models import OrganisationType, Role

#: (url name, label, roles that see it)
NAVIGATION = [
    ("home", _("Home"), None),
    ("cases:worklist", _("Worklist"), {Role.CARE_COORDINATOR, Role.NATIONAL_COORDINATOR, Role.SHELTER_INTAKE,
                                       Role.REPORTER}),
    ("signals:mine", _("My signals"), {Role.REPORTER, Role.CARE_COORDINATOR, Role.SHELTER_INTAKE,
                                       Role.NATIONAL_COORDINATOR}),
    ("procedures:deadlines", _("Deadlines"), {Role.CARE_COORDINATOR, Role.NATIONAL_COORDINATOR,
                                              Role.SHELTER_INTAKE, Role.REPORTER}),
    ("sharing:list", _("Handovers"), {Role.REPORTER, Role.CARE_COORDINATOR, Role.SHELTER_INTAKE,
                                      Role.NATIONAL_COORDINATOR}),
    ("shelters:index", _("Shelter placement"), {Role.CARE_COORDINATOR, Role.NATIONAL_COORDINATOR,
                                                Role.SHELTER_INTAKE, Role.REPORTER}),
    ("persons:review", _("Same person?"), {Role.NATIONAL_COORDINATOR}),
    ("infopoint:consultations", _("Questions to the information point"), {Role.NATIONAL_COORDINATOR}),
    ("statistics:index", _("Figures"), {Role.ANALYST, Role.NATIONAL_COORDINATOR}),
    ("controls:index", _("Prostitution controls"), {Role.ANALYST, Role.NATIONAL_COORDINATOR, Role.REPORTER,
                                                    Role.CARE_COORDINATOR}),
    ("audit:log", _("Processing log"), {Role.FUNCTIONAL_ADMIN, Role.NATIONAL_COORDINATOR}),
    ("sharing:policies", _("Sharing rules"), {Role.FUNCTIONAL_ADMIN, Role.NATIONAL_COORDINATOR}),
    ("triage:rules", _("Triage rules"), {Role.FUNCTIONAL_ADMIN, Role.NATIONAL_COORDINATOR}),
    ("administration:users", _("Users and roles"), {Role.FUNCTIONAL_ADMIN}),
    ("administration:organisations", _("Organisations"), {Role.FUNCTIONAL_ADMIN}),
    ("lifecycle:requests", _("Requests from data subjects"), {Role.FUNCTIONAL_ADMIN}),
    ("audit:register", _("Register of processing activities"), None),
    ("audit:security", _("Security"), {Role.FUNCTIONAL_ADMIN}),
]

#: items that people in a working role see only when their organisation is of one of these types
ORGANISATION_TYPES = {"controls:index": {OrganisationType.MUNICIPALITY, OrganisationType.POLICE}}


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    items = []
    for name, label, roles in NAVIGATION:
        if roles is not None and user.role not in roles:
            continue
        if name in ORGANISATION_TYPES and user.role in {Role.REPORTER, Role.CARE_COORDINATOR} and (
                getattr(user.organisation, "type", None) not in ORGANISATION_TYPES[name]):
            continue
        url = reverse(name)
        active = request.path == url if name == "home" else request.path.startswith(url)
        items.append({"url": url, "label": label, "active": active})
    longest = max((len(item["url"]) for item in items if item["active"]), default=0)
    for item in items:  # only the most specific match is current (/log/security/ is not also /log/)
        item["active"] = item["active"] and len(item["url"]) == longest
    return {"nav_items": items}
