"""Browser test: the analyst opens the chain and the annual monitor from the figures page; axe in Dutch and
English; the PDF link answers with a PDF."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.support import A11yAudit, login, switch_language
from tests.statistics.conftest import Y1, Y2
from tests.statistics.test_statistics_chain import chain_registry  # noqa: F401  (fixture)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_chain_and_monitor_pages(page: Any, cast: Any, chain_registry: Any) -> None:  # noqa: F811
    audit = A11yAudit()
    login(page, cast.analyst.username)
    page.goto(f"/figures/?year_from={Y1}&year_to={Y2}")
    page.get_by_role("link", name="Van signaal tot uitspraak: de keten in personen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Van signaal tot uitspraak")
    expect(page.get_by_role("rowheader", name="Uitspraak", exact=True).first).to_be_visible()
    for language in ("nl", "en"):
        switch_language(page, language)
        audit.check(page, "the chain")
    switch_language(page, "nl")
    page.goto(f"/figures/monitor/?year={Y2}")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Jaarmonitor {Y2}")
    for language in ("nl", "en"):
        switch_language(page, language)
        audit.check(page, "annual monitor")
    response = page.request.get(f"/figures/monitor/{Y2}.pdf")
    assert response.status == 200 and response.body()[:5] == b"%PDF-"
    audit.assert_clean()
