"""Browser test of a lawful handover chain, with axe-core on every sharing page.

Police (reporter) hand the case to the Rotterdam care coordination (the person was moved there for safety)
on art. 4:2 Besluit politiegegevens — the policy file extends the provision to the coordination centre's
regional desk, see docs/sharing.md. The coordinator records the person's consent and refers them to a
shelter. The shelter sees only the shelter fields. The person withdraws consent: the shelter's next
request shows no case data, only its ended handover, which says that access ended.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.support import axe_check, login, logout

pytestmark = pytest.mark.e2e


def _goto(pg: Any, path: str, status: int = 200) -> None:
    response = pg.goto(path)
    assert response is not None and response.status == status, f"{path}: HTTP {response and response.status}"


def _check_and_send(pg: Any, reference: str, purpose: str, recipient_pk: int, message: str) -> None:
    _goto(pg, f"/sharing/cases/{reference}/handover/")
    pg.locator("main #id_purpose").select_option(purpose)
    pg.locator("main #id_recipient").select_option(str(recipient_pk))
    pg.locator("main button[name=check]").click()
    expect(pg.locator("main .vn-decision")).to_have_attribute("data-allowed", "yes")
    axe_check(pg, f"may I share ({purpose})")
    pg.locator("main #id_message").fill(message)
    pg.locator("main form[method=post] button[type=submit]").click()
    pg.wait_for_url("**/sharing/handovers/*/")
    expect(pg.locator("#handover-status")).to_have_attribute("data-status", "requested")
    axe_check(pg, "handover detail (sender)")


def _accept_newest(pg: Any) -> None:
    _goto(pg, "/sharing/")
    axe_check(pg, "handover list")
    pg.locator("main section").first.locator("a[href^='/sharing/handovers/']").first.click()
    pg.wait_for_url("**/sharing/handovers/*/")
    axe_check(pg, "handover detail (recipient)")
    pg.locator("main #accept").click()
    pg.wait_for_url("**/sharing/cases/*/")


def test_handover_chain_with_consent_withdrawn(page: Any, cast: Any, registered_signal: Any,
                                                shelter_user: Any) -> None:
    case = registered_signal.case
    ref = case.reference

    # 1. police → care coordination Rotterdam, on art. 4:2 (no consent needed)
    login(page, "reporter")
    _goto(page, f"/sharing/cases/{ref}/handover/")
    axe_check(page, "handover form")
    page.locator("main #id_purpose").select_option("care_coordination")
    page.locator("main #id_recipient").select_option(str(cast.other_coordinator.organisation.pk))
    page.locator("main button[name=check]").click()
    expect(page.locator("main .vn-basis")).to_have_attribute("data-basis", "bpg_4_2_police_to_ncc")
    _check_and_send(page, ref, "care_coordination", cast.other_coordinator.organisation.pk,
                    "Moved to Rotterdam for safety")
    _goto(page, "/sharing/policies/")
    axe_check(page, "sharing rules")
    logout(page)

    # 2. the coordinator accepts, sees the shared case, then may not refer to a shelter without consent
    login(page, "other_coordinator")
    _accept_newest(page)
    expect(page.locator("main")).to_contain_text("Adeyemi")
    expect(page.locator("main [data-field='account']")).to_have_count(0)
    axe_check(page, "shared case (care coordination)")
    _goto(page, f"/sharing/cases/{ref}/handover/?purpose=shelter&recipient={shelter_user.organisation.pk}&check=1")
    expect(page.locator("main .vn-decision")).to_have_attribute("data-allowed", "no")
    expect(page.locator("main form[method=post]")).to_have_count(0)
    axe_check(page, "may I share (consent missing)")
    page.locator("#record-consent-link").click()
    page.wait_for_url("**/consent/?purpose=shelter")
    axe_check(page, "consent page")
    page.locator("main input[name=status][value=given]").check()
    page.locator("main #id_note").fill("Asked with an interpreter")
    page.locator("main form[method=post] button[type=submit]").click()
    page.wait_for_url(f"**/sharing/cases/{ref}/consent/")
    _check_and_send(page, ref, "shelter", shelter_user.organisation.pk, "Needs a safe place today")
    logout(page)

    # 3. the shelter accepts and sees only the shelter fields
    login(page, "shelter")
    _accept_newest(page)
    main = page.locator("main")
    expect(main).to_contain_text("Adeyemi")  # identity.name: the shelter must know who arrives
    for absent in ("account", "identity.birth_date", "indicators", "signal.reporter", "timeline", "consent"):
        expect(page.locator(f"main [data-field='{absent}']")).to_have_count(0)
    assert "window brothel" not in page.content()
    axe_check(page, "shared case (shelter)")
    logout(page)

    # 4. the person withdraws consent for the shelter referral
    login(page, "other_coordinator")
    _goto(page, f"/sharing/cases/{ref}/consent/")
    page.locator("main #id_purpose").select_option("shelter")
    page.locator("main input[name=status][value=withdrawn]").check()
    page.locator("main form[method=post] button[type=submit]").click()
    page.wait_for_url(f"**/sharing/cases/{ref}/consent/")
    logout(page)

    # 5. the shelter's next request shows no case data: it lands on its ended handover, which says so
    login(page, "shelter")
    for path in (f"/sharing/cases/{ref}/", f"/cases/{ref}/"):
        _goto(page, path)
        page.wait_for_url("**/sharing/handovers/*/")
        expect(page.locator("#access-ended")).to_be_visible()
        expect(page.locator("#handover-status")).to_have_attribute("data-status", "revoked")
        assert "window brothel" not in page.content()
    axe_check(page, "ended handover (former receiver)")
    logout(page)

    # 6. the lead (Amsterdam) prints the person's access report
    login(page, "coordinator")
    _goto(page, f"/sharing/cases/{ref}/access-report/")
    expect(page.locator("#access-report tr[data-activity='handover_view']")).not_to_have_count(0)
    axe_check(page, "access report")
