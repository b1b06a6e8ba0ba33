"""Demo shelter locations for the three demo shelter providers (synthetic names and addresses)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from vangnet.accounts.models import Organisation, Role, User
from vangnet.audit.context import processing_context
from vangnet.core.models import Language
from vangnet.regions.models import Municipality
from vangnet.shelters import services
from vangnet.shelters.models import ShelterLocation

F, M, X = "female", "male", "x"

#: (provider key, name, municipality, address, genders, ages, flags, languages, specialisms, places per type)
DEMO_LOCATIONS: list[tuple[Any, ...]] = [
    ("shelter:north", "Huis aan de Haven", "GM0014", "Havenkade 1, 9711 AA Groningen (demo)", [F], (18, 120),
     {"accepts_children": True, "accepts_lvb": True}, ["en", "ro"], [], {"cosm": 6, "women": 4}),
    ("shelter:north", "De Vuurtoren", "GM0080", "Lichtweg 3, 8911 AB Leeuwarden (demo)", [M], (18, 120),
     {"accepts_addiction": True}, ["en", "pl"], ["male_sexual", "labour"], {"men": 5, "crisis": 2}),
    ("shelter:north", "Het Anker", "GM0193", "Ankerstraat 9, 8011 AA Zwolle (demo)", [F, M, X], (18, 120),
     {"accepts_addiction": True, "offers_psychiatric_care": True, "accepts_lvb": True}, ["en"], [],
     {"omm": 8}),
    ("shelter:west", "Het Baken", "GM0599", "Bakenweg 12, 3011 AA Rotterdam (demo)", [F], (18, 120),
     {"accepts_children": True, "wheelchair_accessible": True}, ["en", "es", "fr"], [], {"cosm": 8, "crisis": 2}),
    ("shelter:west", "De Duinen", "GM0518", "Duinlaan 4, 2511 AA Den Haag (demo)", [F], (12, 17),
     {"accepts_lvb": True}, ["en", "ar"], [], {"minors": 6}),
    ("shelter:west", "Het Veerhuis", "GM0202", "Veerweg 2, 6811 AA Arnhem (demo)", [M], (18, 120), {},
     ["en", "bg", "ro"], ["labour", "criminal"], {"men": 6}),
    ("shelter:south", "Zuiderlicht", "GM0796", "Lichtstraat 5, 5211 AA 's-Hertogenbosch (demo)", [F, X],
     (18, 120), {"accepts_children": True}, ["en", "es"], [], {"cosm": 6, "women": 6}),
    ("shelter:south", "De Linde", "GM0935", "Lindeplein 8, 6211 AA Maastricht (demo)", [F, M, X], (18, 120),
     {"accepts_addiction": True, "offers_psychiatric_care": True}, ["en", "fr"], [], {"omm": 6, "crisis": 2}),
    ("shelter:south", "Het Kompas", "GM0855", "Kompasweg 6, 5011 AA Tilburg (demo)", [M, F], (12, 17),
     {"accepts_lvb": True, "wheelchair_accessible": True}, ["en", "nl"], ["criminal"], {"minors": 5}),
]


@transaction.atomic
def create_shelter_locations(orgs: dict[str, Organisation]) -> int:
    """Create the demo locations and their places (idempotent: existing locations are left alone)."""
    created = 0
    with processing_context(actor_label="load_demo"):
        for key, name, municipality, address, genders, (low, high), flags, langs, specialisms, places in DEMO_LOCATIONS:
            provider = orgs[key]
            if ShelterLocation.objects.filter(provider=provider, name=name).exists():
                continue
            data = {"name": name, "municipality": Municipality.objects.get(pk=municipality), "address": address,
                    "genders": genders, "min_age": low, "max_age": high, "specialisms": specialisms, **flags}
            location = services.save_location(provider=provider, data=data,
                                              languages=Language.objects.filter(pk__in=langs))
            for place_type, count in places.items():
                services.set_capacity(location, place_type, count)
            created += 1
    return created


def _intake_user(provider: Organisation) -> User:
    """A (non-login) shelter intake user of ``provider`` to answer the demo reservations."""
    user, _created = User.objects.get_or_create(
        username=f"gen.shelter.{provider.pk}",
        defaults={"role": Role.SHELTER_INTAKE, "organisation": provider, "first_name": "Intake",
                  "last_name": provider.name[:100], "email": f"gen.shelter.{provider.pk}@demo.vangnet.invalid"})
    if user.has_usable_password():
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def place_demo_cases(limit: int = 40) -> dict[str, int]:
    """Make the demo consistent: an open case with status "placed" has a shelter place.

    For each such case (newest first, up to ``limit``) the real flow runs: placement request by the lead,
    the best fitting place reserved, accepted and the person admitted by the provider. A case for which no
    place fits (or beyond ``limit``) goes back to "in care", as the lead would record it.
    """
    from vangnet.cases.models import Case, CaseStatus
    from vangnet.cases.services import change_status
    from vangnet.shelters.models import Placement, PlacementStatus
    from vangnet.shelters.selectors import find_matches

    placed = admitted = moved_back = 0
    today = timezone.localdate()
    cases = (Case.objects.filter(status=CaseStatus.PLACED)
             .exclude(placement_requests__placements__status=PlacementStatus.ADMITTED)
             .select_related("lead_organisation").order_by("-updated_at"))
    for case in cases:
        lead_user = (User.objects.filter(organisation=case.lead_organisation, is_active=True)
                     .order_by("-role", "pk").first())
        if lead_user is None:
            continue
        signal = case.signals.order_by("submitted_at").first()
        with transaction.atomic(), processing_context(actor=lead_user):
            fitted = None
            if placed < limit and signal is not None:
                req = services.create_request(case, actor=lead_user, data={
                    "urgency": "urgent" if case.urgency == "acute" else case.urgency, "gender": signal.gender
                    if signal.gender in ("female", "male", "x") else "unknown", "age": signal.age_at_signal,
                    "is_minor": case.is_minor, "exploitation_municipality": signal.exploitation_municipality})
                best = find_matches(req).best
                if best is not None:
                    placement = services.reserve(req.pk, best.candidate.capacity_id, actor=lead_user)
                    intake = _intake_user(placement.capacity.location.provider)
                    services.accept(placement.pk, actor=intake)
                    services.admit(placement.pk, actor=intake, admission_date=today)
                    fitted = Placement.objects.get(pk=placement.pk)
                else:
                    services.cancel_request(req.pk, actor=lead_user)
            if fitted is not None:
                placed += 1
                admitted += 1
            else:
                change_status(case.pk, CaseStatus.IN_CARE, actor=lead_user,
                              note="demo: no fitting shelter place, the person stays in care elsewhere")
                moved_back += 1
    return {"admitted": admitted, "back_in_care": moved_back}
