"""Shared fixtures: a fixed cast of users for every permission rule, and a registered signal.

The cast (docs/adr/0002-access-by-involvement.md):
- ``reporter``: police officer in Amsterdam who registers the signal
- ``colleague``: another officer of the same police unit
- ``outsider``: an NGO worker in Utrecht, not involved
- ``coordinator``: care coordinator of region Amsterdam (leads cases from Amsterdam)
- ``other_coordinator``: care coordinator of region Rotterdam
- ``national``: national coordinator
- ``analyst``: analyst at the National Rapporteur (figures only)
- ``admin``: functional administrator at the national coordination centre
"""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from tests.e2e.fixtures import (  # noqa: F401  (browser fixtures, shared by every e2e test)
    browser,
    new_context,
    page,
    playwright_instance,
    pytest_runtest_makereport,
    screenshot_dir,
)
from tests.factories import (
    PASSWORD,  # noqa: F401  (re-exported for the tests)
    OrganisationFactory,
    UserFactory,
)
from vangnet.accounts.models import OrganisationType, Role
from vangnet.audit.context import processing_context
from vangnet.signals.input import SignalInput
from vangnet.signals.models import ExploitationForm, Indicator
from vangnet.signals.services import register_signal


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    """Open the processing log's purge window in the test database, so flushes between transactional
    tests may clear the log. Tests of the append-only rule close it inside their own transaction."""
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute("INSERT INTO audit_processing_log_purge_window (opened_by) VALUES ('test-suite')")


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    """``VANGNET_BROWSER_TESTS=0`` leaves the browser tests (marker ``e2e``) out of a run.

    CI runs the whole suite twice, on SQLite and on PostgreSQL. The browser tests check what a person sees
    and does in the browser, which does not depend on the database; what does (locks, constraints,
    concurrency, the log's roles) is tested below the browser on both. So CI runs them once, on SQLite, and
    stays well inside its time limit."""
    if os.environ.get("VANGNET_BROWSER_TESTS", "1") != "0":
        return
    skip = pytest.mark.skip(reason="browser tests run once per CI run, on SQLite (VANGNET_BROWSER_TESTS=0)")
    for item in items:
        if "e2e" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """PBKDF2 with a million rounds costs half a second per user; tests need no such strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def no_linkage_index_from_another_test() -> Any:
    """The task worker keeps its linkage index between tasks; a test starts without one from an earlier test
    (whose database rows were rolled back)."""
    from vangnet.persons import services

    services._forget_cached_index()
    yield
    services._forget_cached_index()


@dataclass
class Cast:
    reporter: Any
    colleague: Any
    outsider: Any
    coordinator: Any
    other_coordinator: Any
    national: Any
    analyst: Any
    admin: Any

    def all(self) -> dict[str, Any]:
        return dict(self.__dict__)


@pytest.fixture
def cast(db: Any) -> Cast:
    T = OrganisationType
    police = OrganisationFactory(name="Politie Amsterdam (test)", type=T.POLICE, municipality_id="GM0363",
                                 region_id="AM")
    ngo = OrganisationFactory(name="NGO Utrecht (test)", type=T.NGO, municipality_id="GM0344", region_id="MN")
    care_am = OrganisationFactory(name="Zorgcoördinatie Amsterdam (test)", type=T.CARE_COORDINATION,
                                  municipality_id="GM0363", region_id="AM")
    care_rt = OrganisationFactory(name="Zorgcoördinatie Rotterdam (test)", type=T.CARE_COORDINATION,
                                  municipality_id="GM0599", region_id="RT")
    ncc = OrganisationFactory(name="Landelijk coördinatiecentrum (test)", type=T.NATIONAL_COORDINATION_CENTRE,
                              municipality_id="GM0307")
    rapporteur = OrganisationFactory(name="Rapporteur (test)", type=T.RAPPORTEUR, municipality_id="GM0518")
    return Cast(
        reporter=UserFactory(username="reporter", organisation=police, role=Role.REPORTER),
        colleague=UserFactory(username="colleague", organisation=police, role=Role.REPORTER),
        outsider=UserFactory(username="outsider", organisation=ngo, role=Role.REPORTER),
        coordinator=UserFactory(username="coordinator", organisation=care_am, role=Role.CARE_COORDINATOR),
        other_coordinator=UserFactory(username="other_coordinator", organisation=care_rt,
                                      role=Role.CARE_COORDINATOR),
        national=UserFactory(username="national", organisation=ncc, role=Role.NATIONAL_COORDINATOR),
        analyst=UserFactory(username="analyst", organisation=rapporteur, role=Role.ANALYST),
        admin=UserFactory(username="admin", organisation=ncc, role=Role.FUNCTIONAL_ADMIN),
    )


def signal_input(**overrides: Any) -> SignalInput:
    from vangnet.core.models import Country, Language
    from vangnet.regions.models import Municipality

    values: dict[str, Any] = {
        "observed_on": timezone.localdate() - datetime.timedelta(days=1),
        "municipality": Municipality.objects.get(pk="GM0363"),
        "forms": [ExploitationForm.objects.get(pk="sexual")],
        "indicators": list(Indicator.objects.filter(group__in=["general", "sexual"]).order_by("order")[:2]),
        "immediate_danger": False,
        "is_identified": True,
        "given_names": "Olumide",
        "family_name": "Adeyemi",
        "birth_date": datetime.date(1999, 4, 12),
        "gender": "female",
        "nationality": Country.objects.get(pk="NG"),
        "languages": [Language.objects.get(pk="en")],
        "account": "Synthetic test account: met at a window brothel check.",
    }
    values.update(overrides)
    return SignalInput(**values)


@pytest.fixture
def registered_signal(cast: Cast) -> Any:
    with processing_context(actor=cast.reporter):
        return register_signal(signal_input(), organisation=cast.reporter.organisation, actor=cast.reporter)


@pytest.fixture
def logged_in(client: Any) -> Any:
    def login(user: Any) -> Any:
        client.force_login(user)
        return client

    return login
