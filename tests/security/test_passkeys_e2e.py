"""Passkeys (WebAuthn) as step 2 of logging in, in Chromium with a virtual authenticator (Chrome DevTools
Protocol: WebAuthn.enable, WebAuthn.addVirtualAuthenticator): add a passkey, then log in with it."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.support import login, logout
from vangnet.accounts.models import Passkey
from vangnet.audit.models import SecurityEvent

pytestmark = pytest.mark.e2e


def _virtual_authenticator(context: Any, page: Any) -> tuple[Any, str]:
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    result = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "transport": "internal", "hasResidentKey": True, "hasUserVerification": True,
        "isUserVerified": True, "automaticPresenceSimulation": True}})
    return cdp, result["authenticatorId"]


def test_add_a_passkey_then_log_in_with_it(new_context: Any, cast: Any, live_server: Any, settings: Any,
                                           screenshot_dir: Any) -> None:
    settings.VANGNET_BASE_URL = live_server.url  # the relying party: localhost, origin http://localhost:port
    settings.VANGNET_MFA_REQUIRED = True
    context = new_context(bypass_csp=False)
    page = context.new_page()
    cdp, authenticator = _virtual_authenticator(context, page)

    # No step 2 yet: the enrolment page offers a passkey instead of an app.
    login(page, cast.coordinator.username)
    page.goto("/account/mfa/enrol/")
    page.get_by_role("link", name="Of gebruik een passkey in plaats van een app").click()
    page.fill("#id_passkey_name", "Werklaptop")
    page.get_by_role("button", name="Een passkey toevoegen").click()
    expect(page.locator("#passkey-list")).to_contain_text("Werklaptop")
    page.screenshot(path=str(screenshot_dir / "passkeys-nl.png"), full_page=True)
    passkey = Passkey.objects.get(user=cast.coordinator)
    assert passkey.name == "Werklaptop" and len(cdp.send("WebAuthn.getCredentials", {
        "authenticatorId": authenticator})["credentials"]) == 1
    assert SecurityEvent.objects.filter(kind="mfa_changed", user=cast.coordinator,
                                        detail__change="passkey added").exists()

    # Next login: the password, then the passkey as step 2.
    logout(page)
    login(page, cast.coordinator.username)
    page.goto("/cases/")
    page.wait_for_url("**/account/mfa/**")
    page.get_by_role("button", name="Mijn passkey gebruiken").click()
    page.wait_for_url(f"{live_server.url}/cases/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    passkey.refresh_from_db()
    assert passkey.last_used_at is not None and passkey.sign_count >= 1

    # A passkey that is not on this device (another authenticator): refused with a Dutch message, no session step.
    logout(page)
    cdp.send("WebAuthn.removeVirtualAuthenticator", {"authenticatorId": authenticator})
    _virtual_authenticator(context, page)
    login(page, cast.coordinator.username)
    page.goto("/account/mfa/")
    page.get_by_role("button", name="Mijn passkey gebruiken").click()
    expect(page.locator("#passkey-status")).to_be_visible()
    assert "/account/mfa/" in page.url
