"""Fixtures for the shelter tests: two shelter providers with intake staff, and locations."""

from __future__ import annotations

from typing import Any

import pytest

from tests.factories import OrganisationFactory, UserFactory
from vangnet.accounts.models import OrganisationType, Role
from vangnet.audit.context import processing_context
from vangnet.core.models import Language
from vangnet.regions.models import Municipality
from vangnet.shelters import services

ADDRESS = "Geheimstraat 12, 9711 AB Groningen"


@pytest.fixture
def provider(db: Any) -> Any:
    return OrganisationFactory(name="Opvang Noord (test)", type=OrganisationType.SHELTER_PROVIDER,
                               municipality_id="GM0014", region_id="NN")


@pytest.fixture
def other_provider(db: Any) -> Any:
    return OrganisationFactory(name="Opvang West (test)", type=OrganisationType.SHELTER_PROVIDER,
                               municipality_id="GM0599", region_id="RT")


@pytest.fixture
def intake(provider: Any) -> Any:
    return UserFactory(username="intake", organisation=provider, role=Role.SHELTER_INTAKE)


@pytest.fixture
def other_intake(other_provider: Any) -> Any:
    return UserFactory(username="other_intake", organisation=other_provider, role=Role.SHELTER_INTAKE)


def make_location(provider: Any, name: str, municipality: str, *, place_type: str = "women", places: int = 3,
                  address: str = ADDRESS, languages: tuple[str, ...] = ("en",), **criteria: Any) -> Any:
    data = {"name": name, "municipality": Municipality.objects.get(pk=municipality), "address": address,
            "genders": ["female"], "min_age": 18, "max_age": 120}
    data.update(criteria)
    with processing_context(actor_label="test"):
        location = services.save_location(provider=provider, data=data,
                                          languages=Language.objects.filter(pk__in=languages))
        services.set_capacity(location, place_type, places)
    return location


@pytest.fixture
def location(provider: Any) -> Any:
    """Groningen (region Noord-Nederland): far from Amsterdam, women's shelter, 3 places."""
    return make_location(provider, "Huis Noord", "GM0014")


@pytest.fixture
def amsterdam_location(other_provider: Any) -> Any:
    """In Amsterdam: the region of exploitation in the default signal, so excluded for safety."""
    return make_location(other_provider, "Huis Amstel", "GM0363", address="Amstelgracht 1, Amsterdam")


@pytest.fixture
def needs_data() -> dict[str, Any]:
    return {"urgency": "urgent", "gender": "female", "age": 26, "is_minor": False, "children_count": 0,
            "lvb": False, "addiction": False, "psychiatric": False, "multiple_problems": False, "wheelchair": False,
            "place_types": [], "specialisms": [], "exploitation_municipality": Municipality.objects.get(pk="GM0363"),
            "avoid_region": True, "avoid_adjacent_regions": False}


@pytest.fixture
def placement_request(registered_signal: Any, cast: Any, needs_data: dict[str, Any]) -> Any:
    with processing_context(actor=cast.coordinator):
        return services.create_request(registered_signal.case, actor=cast.coordinator, data=needs_data,
                                       languages=Language.objects.filter(pk="en"))
