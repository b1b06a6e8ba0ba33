"""Browser: the functional admin registers a data-subject request, reads the access overview and the
retention report — axe-clean in Dutch and English, usable at phone width."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.support import A11yAudit, has_horizontal_scroll, login, switch_language
from tests.lifecycle.helpers import new_signal
from vangnet.lifecycle.models import DataSubjectRequest

pytestmark = pytest.mark.e2e

DOCS_SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def shoot(page: Any, name: str, screenshot_dir: Path) -> None:
    """Keep what the page looked like; with VANGNET_DOCS_SCREENSHOTS=1 also into docs/screenshots."""
    page.screenshot(path=str(screenshot_dir / f"{name}.png"), full_page=True)
    if os.environ.get("VANGNET_DOCS_SCREENSHOTS"):
        page.screenshot(path=str(DOCS_SCREENSHOTS / f"{name}.png"), full_page=True)


def test_functional_admin_handles_an_access_request(cast, new_context, screenshot_dir) -> None:
    signal = new_signal(cast.reporter)
    audit = A11yAudit()
    page = new_context().new_page()
    login(page, cast.admin.username)
    page.get_by_role("link", name="Verzoeken van betrokkenen").first.click()
    expect(page.locator("h1")).to_have_text("Verzoeken van betrokkenen")
    page.get_by_role("link", name="Verzoek vastleggen").click()

    page.get_by_label("Inzage (art. 15)").check()
    page.get_by_label("Casusnummer").fill("VN-0000-000000")
    page.get_by_role("button", name="Verzoek vastleggen").click()
    expect(page.locator(".vn-error-summary")).to_contain_text("Er is geen casus met dit nummer")
    audit.check(page, "new request with an error")

    page.get_by_label("Casusnummer").fill(signal.case.reference)
    page.get_by_label("Wat de persoon vraagt, in eigen woorden").fill("Ik wil zien wat er over mij is vastgelegd.")
    page.get_by_role("button", name="Verzoek vastleggen").click()
    expect(page.locator(".utrecht-alert, .vn-alert").first).to_contain_text("is vastgelegd")
    request = DataSubjectRequest.objects.get()
    expect(page.locator("h1")).to_contain_text(request.reference)
    audit.check(page, "request detail")
    shoot(page, "data-subject-request", screenshot_dir)

    page.get_by_role("link", name="Overzicht om te printen").click()
    expect(page.locator("main")).to_contain_text("Adeyemi")
    audit.check(page, "access overview")
    shoot(page, "data-subject-access-overview", screenshot_dir)

    page.goto("/lifecycle/retention/")
    expect(page.locator("h1")).to_have_text("Bewaartermijnen")
    audit.check(page, "retention report")
    shoot(page, "retention-report", screenshot_dir)

    switch_language(page, "en")
    expect(page.locator("h1")).to_have_text("Retention periods")
    audit.check(page, "retention report")
    page.goto(f"/lifecycle/requests/{request.reference}/")
    audit.check(page, "request detail")
    page.goto("/lifecycle/requests/")
    audit.check(page, "request list")

    phone = new_context(viewport={"width": 390, "height": 844}).new_page()
    login(phone, cast.admin.username)
    for path in ("/lifecycle/requests/", f"/lifecycle/requests/{request.reference}/", "/lifecycle/retention/"):
        phone.goto(path)
        scrolls, width = has_horizontal_scroll(phone, 390)
        if scrolls:
            audit.problem(f"{path} scrolls sideways at 390 px ({width} px)")
    phone.goto(f"/lifecycle/requests/{request.reference}/")
    shoot(phone, "data-subject-request-phone", screenshot_dir)
    audit.assert_clean()
