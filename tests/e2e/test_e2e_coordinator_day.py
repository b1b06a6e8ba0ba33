"""A coordinator's day in the browser, in Dutch, at 1280 px and at 390 px, with axe on every page:
the start page, the worklist with search and assignment, the notifications (badge that refreshes itself,
inbox, preferences) and the structured case page (summary card, assignment, notes, who looked, print)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.conftest import signal_input
from tests.e2e.support import axe_check, login, logout
from tests.factories import UserFactory
from vangnet.accounts.models import Role
from vangnet.audit.context import processing_context
from vangnet.cases import services
from vangnet.notifications.services import notify
from vangnet.signals.services import register_signal

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def caseload(cast: Any) -> dict[str, Any]:
    """Three signals from the police in Amsterdam: one acute, two regular, one of them closed."""
    with processing_context(actor=cast.reporter):
        acute = register_signal(signal_input(immediate_danger=True), organisation=cast.reporter.organisation,
                                actor=cast.reporter)
        regular = register_signal(signal_input(given_names="Marisol"), organisation=cast.reporter.organisation,
                                  actor=cast.reporter)
        closed = register_signal(signal_input(given_names="Ilse"), organisation=cast.reporter.organisation,
                                 actor=cast.reporter)
    with processing_context(actor=cast.coordinator):
        services.change_status(closed.case.pk, "closed", actor=cast.coordinator, reason="care_completed")
    colleague = UserFactory(username="coordinator2", organisation=cast.coordinator.organisation,
                            role=Role.CARE_COORDINATOR, first_name="Fenna", last_name="Bakker")
    return {"acute": acute, "regular": regular, "closed": closed, "colleague": colleague}


def shot(page: Any, screenshot_dir: Path, name: str) -> None:
    page.screenshot(path=str(screenshot_dir / f"{name}.png"), full_page=True)


def test_coordinators_day_at_1280(page: Any, cast: Any, caseload: dict[str, Any], screenshot_dir: Path,
                                  settings: Any) -> None:
    settings.NOTIFICATIONS_POLL_SECONDS = 1
    acute, regular = caseload["acute"].case, caseload["regular"].case
    login(page, cast.coordinator.username)

    # start page: what needs doing now, and a badge with the three new-signal notifications
    expect(page.locator("[data-block=acute]")).to_contain_text(acute.reference)
    expect(page.locator("[data-block=acute]")).not_to_contain_text(regular.reference)
    expect(page.locator("[data-block=new]")).to_contain_text(regular.reference)
    expect(page.locator("#notification-badge")).to_have_attribute("data-unread", "3")
    axe_check(page, "start page (coordinator)")
    shot(page, screenshot_dir, "start-coordinator")

    # the badge refreshes itself (htmx polling) when a notification arrives
    notify([cast.coordinator], "case_assigned", case=regular, url=f"/cases/{regular.reference}/")
    expect(page.locator("#notification-badge")).to_have_attribute("data-unread", "4", timeout=10_000)

    # worklist: open cases first, search by signal number, assign to me, filter "mine", save the filter
    page.goto("/cases/")
    rows = page.locator("#worklist tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.last).to_contain_text(caseload["closed"].case.reference)
    axe_check(page, "worklist")
    shot(page, screenshot_dir, "worklist-caseload")
    page.locator("#f-q").fill(caseload["regular"].reference)
    page.locator("#filter-submit").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(regular.reference)
    with page.expect_navigation():
        rows.first.locator("button[name=assignee][value=me]").click()
    expect(page.locator("main .utrecht-alert--ok")).to_be_visible()
    expect(page.locator("#worklist tbody tr").first.locator(".vn-assignee")).to_contain_text(
        cast.coordinator.display_name)
    page.goto("/cases/?assigned=mine")
    expect(page.locator("#worklist tbody tr")).to_have_count(1)
    page.locator("details.vn-worklist-tools summary, .vn-worklist-tools details summary").first.click()
    page.locator("#id_filter_name").fill("Mijn dossiers")
    with page.expect_navigation():
        page.locator("#save-filter button[type=submit]").click()
    expect(page.locator("nav[aria-labelledby=h-saved-filters]")).to_contain_text("Mijn dossiers")
    axe_check(page, "worklist with a saved filter")

    # the structured case page: summary card, assign to a colleague, a note, who looked, print
    page.goto(f"/cases/{acute.reference}/")
    expect(page.locator("#summary-assignee")).to_contain_text("Nog niemand")
    page.locator("#assignee").select_option(label=caseload["colleague"].display_name)
    with page.expect_navigation():
        page.locator("#assign-submit").click()
    expect(page.locator("#summary-assignee")).to_contain_text(caseload["colleague"].display_name)
    page.locator("#id_text").fill("Tolk Roemeens geregeld voor dinsdag.")
    with page.expect_navigation():
        page.locator("#note-submit").click()
    expect(page.locator("#h-notes + .vn-notes")).to_contain_text("Tolk Roemeens geregeld voor dinsdag.")
    page.locator("#id_file").set_input_files(files=[{"name": "programma.exe", "mimeType": "application/pdf",
                                                     "buffer": b"MZ\x90\x00\x03"}])
    with page.expect_navigation():
        page.locator("#attachment-submit").click()
    expect(page.locator("main .utrecht-alert--error, main .vn-error-summary").first).to_be_visible()
    axe_check(page, "case page with a refused upload")
    page.locator("#id_file").set_input_files(files=[{"name": "afspraken.txt", "mimeType": "text/plain",
                                                     "buffer": b"Afspraak met tolk op dinsdag."}])
    with page.expect_navigation():
        page.locator("#attachment-submit").click()
    expect(page.locator("#attachments")).to_contain_text("afspraken.txt")
    expect(page.locator("#viewers")).to_contain_text(cast.coordinator.display_name)
    expect(page.locator("main .vn-timeline")).to_contain_text("Dossier toegewezen aan")
    axe_check(page, "case page")
    shot(page, screenshot_dir, "case-structured")
    page.locator("nav.vn-case-nav a[href$='/print/']").click()
    page.wait_for_url(re.compile(r"/print/$"))
    expect(page.locator("main")).to_contain_text("Olumide")
    axe_check(page, "printable summary")
    page.emulate_media(media="print")
    expect(page.locator("nav.vn-nav")).to_be_hidden()
    shot(page, screenshot_dir, "case-print")
    page.emulate_media(media="screen")

    # notifications: inbox, open one (marks it read), mark all read, preferences
    page.locator("#notification-badge").click()
    page.wait_for_url("**/notifications/")
    expect(page.locator("#notifications li")).to_have_count(4)
    axe_check(page, "notifications")
    shot(page, screenshot_dir, "notifications")
    page.locator("#notifications li[data-kind=case_assigned] a").click()
    page.wait_for_url(f"**/cases/{regular.reference}/")
    page.goto("/notifications/")
    expect(page.locator("#notifications li[data-read=no]")).to_have_count(3)
    page.locator("#mark-all-read").click()
    expect(page.locator("#notifications li[data-read=no]")).to_have_count(0)
    expect(page.locator("#notification-badge")).to_have_attribute("data-unread", "0")
    page.goto("/notifications/preferences/")
    page.locator("#email-case_assigned").check()
    page.locator("#in_app-signal_new").uncheck()
    page.locator("#save-preferences").click()
    expect(page.locator("main .utrecht-alert--ok")).to_be_visible()
    expect(page.locator("#email-case_assigned")).to_be_checked()
    expect(page.locator("#in_app-signal_new")).not_to_be_checked()
    axe_check(page, "notification preferences")
    shot(page, screenshot_dir, "notification-preferences")
    logout(page)

    # the colleague was told about the assignment
    login(page, caseload["colleague"].username)
    expect(page.locator("#notification-badge")).to_have_attribute("data-unread", re.compile(r"[1-9]"))
    page.goto("/notifications/")
    expect(page.locator("#notifications li[data-kind=case_assigned]")).to_contain_text(acute.reference)


@pytest.mark.parametrize("who", ["coordinator", "reporter"])
def test_pages_on_a_phone(new_context: Any, cast: Any, caseload: dict[str, Any], screenshot_dir: Path,
                          who: str) -> None:
    page = new_context(viewport=PHONE).new_page()
    acute = caseload["acute"].case
    login(page, getattr(cast, who).username)
    axe_check(page, f"start page at 390 px ({who})")
    if who == "reporter":
        expect(page.locator("[data-block=my_signals]")).to_contain_text(caseload["acute"].reference)
        shot(page, screenshot_dir, "start-reporter-390")
        return
    expect(page.locator("[data-block=acute]")).to_contain_text(acute.reference)
    shot(page, screenshot_dir, "start-coordinator-390")
    page.goto("/cases/")
    axe_check(page, "worklist at 390 px")
    shot(page, screenshot_dir, "worklist-caseload-390")
    page.goto(f"/cases/{acute.reference}/")
    page.locator("#assign-me").click()
    expect(page.locator("#summary-assignee")).to_contain_text(cast.coordinator.display_name)
    axe_check(page, "case page at 390 px")
    shot(page, screenshot_dir, "case-structured-390")
    page.goto("/notifications/")
    axe_check(page, "notifications at 390 px")
    shot(page, screenshot_dir, "notifications-390")
