"""The functional administrator's screens, the API documentation, the processing log search and the
figures with their charts: axe-clean at 1280 and 390 px, and Dutch screenshots in docs/screenshots/."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.screens import doc_screenshot
from tests.e2e.support import axe_check, login

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("width", [1280, 390])
def test_admin_screens(new_context: Any, cast: Any, width: int) -> None:
    page = new_context(viewport={"width": width, "height": 900}, locale="nl-NL").new_page()
    login(page, cast.admin.username)
    for url, name in (("/administration/users/", "admin-users"), ("/administration/organisations/", "admin-orgs"),
                      ("/administration/users/invite/", "admin-invite"),
                      (f"/administration/users/{cast.reporter.pk}/", "admin-user")):
        page.goto(url)
        expect(page.locator("html")).to_have_attribute("lang", "nl")
        axe_check(page, f"{url} at {width}")
        doc_screenshot(page, f"{name}-nl-{width}", full_page=width == 1280)
    page.goto("/administration/users/invite/")
    page.locator("main form[method=post] button[type=submit]").click()  # empty form: error state
    page.wait_for_load_state()
    expect(page.locator("main .vn-error-summary")).to_be_visible()
    axe_check(page, f"invite with errors at {width}")


@pytest.mark.parametrize("width", [1280, 390])
def test_api_docs_log_search_and_figures(new_context: Any, cast: Any, registered_signal: Any, width: int) -> None:
    page = new_context(viewport={"width": width, "height": 900}, locale="nl-NL").new_page()
    page.goto("/api/docs/")
    axe_check(page, f"API docs at {width}")
    if width == 1280:
        doc_screenshot(page, "api-docs-nl-1280")
    login(page, cast.national.username)
    page.goto(f"/log/?case={registered_signal.case.reference}")
    expect(page.locator("main table")).to_be_visible()
    axe_check(page, f"log search by case number at {width}")
    doc_screenshot(page, f"log-search-nl-{width}")
    page.goto("/figures/")
    axe_check(page, f"figures at {width}")
    # every chart is drawn in Dutch: its positioned elements have numeric y attributes (no decimal commas)
    placed = page.locator("main svg [y]")
    assert placed.count() > 0
    assert all("," not in (placed.nth(i).get_attribute("y") or "") for i in range(min(placed.count(), 20)))
    if width == 1280:
        doc_screenshot(page, "figures-nl-1280", full_page=False)
