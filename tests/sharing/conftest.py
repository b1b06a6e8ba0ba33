"""Fixtures for the sharing tests: organisations that receive handovers, on top of the fixed cast."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from tests.factories import OrganisationFactory, UserFactory
from vangnet.accounts.models import OrganisationType, Role
from vangnet.audit.context import processing_context
from vangnet.cases.services import record_consent

ROLE_FOR_TYPE = {OrganisationType.CARE_COORDINATION: Role.CARE_COORDINATOR,
                 OrganisationType.SHELTER_PROVIDER: Role.SHELTER_INTAKE}


def member_of(org_type: str, username: str | None = None) -> Any:
    """A user with a case-working role in a (new) organisation of ``org_type``."""
    org = OrganisationFactory(name=f"{org_type} (sharing test)", type=org_type, municipality_id="GM0599",
                              region_id="RT")
    return UserFactory(username=username or f"{org_type}-worker", organisation=org,
                       role=ROLE_FOR_TYPE.get(org_type, Role.REPORTER))


@pytest.fixture
def shelter_user(cast: Any) -> Any:
    return member_of(OrganisationType.SHELTER_PROVIDER, "shelter")


@pytest.fixture
def case(registered_signal: Any) -> Any:
    return registered_signal.case


def give_consent(case: Any, purpose: str, actor: Any, status: str = "given") -> Any:
    with processing_context(actor=actor):
        return record_consent(case, purpose=purpose, status=status, obtained_by="Test worker",
                              obtained_on=datetime.date(2026, 1, 5), method="verbal", actor=actor)
