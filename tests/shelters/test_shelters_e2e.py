"""Browser test of the placement flow: acute signal → request → ranked matches with reasons → reserve →
the shelter accepts → admission → only then the placing coordinator sees the address. axe on every page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.conftest import signal_input
from tests.e2e.support import axe_check, login, logout
from tests.shelters.conftest import ADDRESS, make_location
from vangnet.audit.context import processing_context
from vangnet.cases.services import change_status
from vangnet.signals.services import register_signal

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def acute_case(cast: Any) -> Any:
    with processing_context(actor=cast.reporter):
        signal = register_signal(signal_input(immediate_danger=True), organisation=cast.reporter.organisation,
                                 actor=cast.reporter)
    assert signal.case.urgency == "acute"
    with processing_context(actor=cast.coordinator):  # the coordinator picked the acute case up
        change_status(signal.case.pk, "in_triage", actor=cast.coordinator)
    return signal.case


def test_acute_placement_flow_in_the_browser(page: Any, cast: Any, intake: Any, provider: Any,
                                             other_provider: Any, acute_case: Any) -> None:
    # COSM places: the type the triage advises for this adult without multiple problems
    make_location(provider, "Huis Noord", "GM0014", places=2, place_type="cosm")
    make_location(other_provider, "Huis Amstel", "GM0363", address="Amstelgracht 1, Amsterdam", place_type="cosm")

    # the care coordinator asks for a place from the case page
    login(page, cast.coordinator.username)
    page.goto(f"/cases/{acute_case.reference}/")
    page.locator(f"main a[href='/shelters/cases/{acute_case.reference}/request/']").click()
    page.wait_for_url(re.compile(r"/shelters/cases/.+/request/$"))
    expect(page.locator("input[name=urgency][value=acute]")).to_be_checked()  # pre-filled from the signal
    expect(page.locator("input[name=gender][value=female]")).to_be_checked()
    axe_check(page, "placement request form")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/shelters/requests/\d+/$"))

    # ranked matches, each with its reasons; the Amsterdam place is left out for safety
    matches = page.locator("main .vn-match")
    expect(matches).to_have_count(1)
    expect(matches.first).to_contain_text("Huis Noord")
    expect(matches.first.locator(".vn-reasons li")).not_to_have_count(0)
    left_out = page.locator("main section[aria-labelledby=h-excluded] details.vn-details")
    left_out.locator("summary").click()
    expect(left_out).to_contain_text("Huis Amstel")
    axe_check(page, "matches")
    matches.first.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/shelters/placements/\d+/$"))
    placement_url = page.url
    expect(page.locator("#placement-status")).to_have_attribute("data-status", "held")
    expect(page.locator("#placement-address")).not_to_contain_text(ADDRESS)
    axe_check(page, "reserved placement (requester)")
    logout(page)

    # the shelter's intake sees the reservation without name or case, and accepts and admits
    login(page, intake.username)
    page.goto("/shelters/")
    expect(page.locator("main")).not_to_contain_text("Olumide")
    axe_check(page, "shelter inbox")
    page.goto(placement_url)
    expect(page.locator("#placement-address")).to_contain_text("Geheimstraat 12")
    axe_check(page, "placement (provider, held)")
    page.locator("#accept").click()
    expect(page.locator("#placement-status")).to_have_attribute("data-status", "accepted")
    axe_check(page, "placement (provider, accepted)")
    page.locator("#admit").click()
    expect(page.locator("#placement-status")).to_have_attribute("data-status", "admitted")
    page.goto("/shelters/")
    page.locator("main a[href^='/shelters/locations/']").first.click()
    axe_check(page, "location management")
    logout(page)

    # only now the placing coordinator sees the address; the case is placed
    login(page, cast.coordinator.username)
    page.goto(placement_url)
    expect(page.locator("#placement-address")).to_contain_text("Geheimstraat 12")
    page.goto(f"/cases/{acute_case.reference}/")
    expect(page.locator("main .vn-badge--placed")).to_be_visible()
    axe_check(page, "case page with placement panel")
    logout(page)

    # the national coordinator: capacity, open requests, times; no address
    login(page, cast.national.username)
    page.goto("/shelters/national/")
    expect(page.locator("main svg[role=img]")).to_have_count(2)
    axe_check(page, "national overview")
    page.goto(placement_url)
    expect(page.locator("#placement-address")).not_to_contain_text(ADDRESS)
