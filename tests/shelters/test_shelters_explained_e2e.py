"""Browser test: triage advice in the request form, and every match explained (score per criterion,
distances, why it ranks above the next) in Dutch, with axe; screenshots at 1280 px and 390 px."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.conftest import signal_input
from tests.e2e.support import axe_check, login
from tests.shelters.conftest import make_location
from vangnet.audit.context import processing_context
from vangnet.cases.services import change_status
from vangnet.core.models import Country, Language
from vangnet.signals.models import Indicator
from vangnet.signals.services import register_signal

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def romanian_case(cast: Any) -> Any:
    """A Romanian woman exploited in Amsterdam, threatened, with a debt to the exploiters."""
    indicators = list(Indicator.objects.filter(code__in=["general.threats_or_violence", "general.debt_to_others"]))
    with processing_context(actor=cast.reporter):
        signal = register_signal(signal_input(nationality=Country.objects.get(pk="RO"), indicators=indicators,
                                              languages=[Language.objects.get(pk="ro")]),
                                 organisation=cast.reporter.organisation, actor=cast.reporter)
    with processing_context(actor=cast.coordinator):
        change_status(signal.case.pk, "in_triage", actor=cast.coordinator)
    return signal.case


def test_matches_are_explained_in_dutch(new_context: Any, cast: Any, provider: Any, other_provider: Any,
                                        romanian_case: Any, screenshot_dir: Path) -> None:
    make_location(provider, "Huis Noord", "GM0014", place_type="cosm", languages=("ro", "en"))
    make_location(provider, "Huis IJssel", "GM0193", place_type="cosm", places=4)
    make_location(other_provider, "Huis Maas", "GM0935", place_type="cosm", places=1)
    make_location(other_provider, "Vrouwenhuis Dom", "GM0344", place_type="women")  # not the advised type

    page = new_context().new_page()
    login(page, cast.coordinator.username)
    page.goto(f"/cases/{romanian_case.reference}/")
    triage = page.locator("main #h-triage").locator("..")
    expect(triage).to_contain_text("EU-burger")  # nationality decides the route
    expect(triage).not_to_contain_text("Verblijfsstatus uitzoeken")
    expect(triage).to_contain_text("Geweld of bedreiging")
    expect(page.locator("main code")).to_have_count(0)  # no rule ids
    triage.screenshot(path=str(screenshot_dir / "triage-panel-eu-citizen.png"))
    page.goto(f"/shelters/cases/{romanian_case.reference}/request/")
    expect(page.locator("input[name=place_types][value=cosm]")).to_be_checked()  # the triage advice
    expect(page.locator("input[name=place_types][value=omm]")).not_to_be_checked()
    expect(page.locator("input[name=care_needs][value=safe_shelter]")).to_be_checked()
    expect(page.locator("input[name=care_needs][value=debt_help]")).to_be_checked()
    page.locator("select[name=network_municipality]").select_option("GM0193")
    axe_check(page, "placement request form with triage advice")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/shelters/requests/\d+/$"))

    needs = page.locator("main section[aria-labelledby=h-needs]")
    expect(needs).to_contain_text("Hulp bij schulden")
    expect(needs).to_contain_text("Categorale opvang")
    matches = page.locator("main .vn-match")
    expect(matches).to_have_count(3)
    for i in range(3):
        match = matches.nth(i)
        expect(match.locator(".vn-distances")).to_contain_text("km hemelsbreed")
        match.locator("details.vn-score summary").click()
        expect(match.locator("details.vn-score table")).to_contain_text("Ver van de plaats van uitbuiting")
    # Groningen: Romanian-speaking staff and the farthest from Amsterdam; Zwolle (the network) comes second
    expect(matches.nth(0)).to_contain_text("Huis Noord")
    expect(matches.nth(1)).to_contain_text("Huis IJssel")
    lead = matches.nth(0).locator(".vn-lead")
    expect(lead).to_contain_text("Staat boven nummer 2 omdat")
    expect(lead).to_contain_text("Medewerkers spreken de taal van de persoon: 2 punten meer")
    expect(matches.nth(1).locator(".vn-distances")).to_contain_text("0 km hemelsbreed")  # network in Zwolle
    expect(matches.nth(2).locator(".vn-lead")).to_have_count(0)  # the last one has no next
    expect(page.locator("main .vn-matches")).not_to_contain_text("Vrouwenhuis Dom")  # left out: not the advised type
    expect(page.locator("main")).not_to_contain_text("safety_km")
    axe_check(page, "explained matches")
    page.screenshot(path=str(screenshot_dir / "matches-explained-1280.png"), full_page=True)
    matches.first.screenshot(path=str(screenshot_dir / "match-explained-first.png"))

    phone = new_context(viewport={"width": 390, "height": 800}, is_mobile=True, has_touch=True).new_page()
    login(phone, cast.coordinator.username)
    phone.goto(page.url)
    phone.locator("main .vn-match details.vn-score summary").first.click()
    axe_check(phone, "explained matches on a phone")
    phone.screenshot(path=str(screenshot_dir / "matches-explained-390.png"), full_page=True)

    login(page, cast.national.username)
    page.goto("/triage/scenarios/")
    expect(page.locator("main .vn-scenario")).to_have_count(44)
    axe_check(page, "triage scenarios")
    page.screenshot(path=str(screenshot_dir / "triage-scenarios-1280.png"))
