"""Federated login in a real browser, in Dutch, against a real OpenID provider on 127.0.0.1, with Vangnet's
Content-Security-Policy enforced (form-action 'self' must not block the way to the provider and back)."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from playwright.sync_api import expect

from vangnet.accounts.models import ExternalIdentity, IdentityProvider

pytestmark = pytest.mark.e2e


def test_login_via_the_organisations_identity_provider(new_context: Any, cast: Any, live_server: Any,
                                                       provider_url: str, settings: Any,
                                                       screenshot_dir: Any) -> None:
    settings.VANGNET_BASE_URL = live_server.url  # the redirect URI registered at the provider
    cast.reporter.email = "r.jansen@politie.example"
    cast.reporter.save()
    IdentityProvider.objects.create(organisation=cast.reporter.organisation, name="Politie inlogdienst",
                                    issuer=provider_url, client_id="vangnet-e2e", client_secret="e2e-geheim")
    requests.put(f"{provider_url}/users/sub-e2e-jansen", json={"email": "r.jansen@politie.example",
                                                              "email_verified": True}, timeout=5)
    page = new_context(bypass_csp=False).new_page()
    violations: list[str] = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)

    page.goto("/login/")
    page.get_by_role("link", name="Inloggen via uw organisatie").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggen via uw organisatie")
    page.screenshot(path=str(screenshot_dir / "oidc-choose-nl.png"), full_page=True)
    page.get_by_role("link", name="Politie Amsterdam (test) – Politie inlogdienst").click()

    page.wait_for_url(f"{provider_url}/oauth2/authorize**")  # at the organisation's own login service
    page.fill("#subject-input", "sub-e2e-jansen")
    page.locator("form:has(#subject-input) button[type=submit]").click()

    page.wait_for_url(f"{live_server.url}/")
    expect(page.locator("header form[action='/logout/']")).to_be_visible()
    assert ExternalIdentity.objects.filter(user=cast.reporter, subject="sub-e2e-jansen").exists()
    assert not violations, violations

    # Logging out offers the provider's logout too; a link, so the CSP lets it through, and back at the login page
    page.locator("header form[action='/logout/'] button").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("U bent uitgelogd bij Vangnet")
    page.screenshot(path=str(screenshot_dir / "oidc-logged-out-nl.png"), full_page=True)
    page.get_by_role("link", name="Ook uitloggen bij Politie inlogdienst").click()
    page.wait_for_url(f"{provider_url}/oauth2/end_session**")
    page.locator("form[action$='/oauth2/end_session/confirm'] button[type=submit]").first.click()
    page.wait_for_url(f"{live_server.url}/login/")
    assert not violations, violations

    # An unknown person at the same provider gets the Dutch refusal page, not a session.
    other = new_context(bypass_csp=False).new_page()
    other.goto("/account/oidc/")
    other.get_by_role("link", name="Politie Amsterdam (test) – Politie inlogdienst").click()
    other.wait_for_url(f"{provider_url}/oauth2/authorize**")
    other.fill("#subject-input", "sub-unknown@politie.example")
    other.locator("form:has(#subject-input) button[type=submit]").click()
    expect(other.get_by_role("heading", level=1)).to_have_text("Inloggen via uw organisatie is niet gelukt")
    expect(other.get_by_role("alert")).to_contain_text("Er is geen Vangnet-account voor u")
    other.screenshot(path=str(screenshot_dir / "oidc-refused-nl.png"), full_page=True)
