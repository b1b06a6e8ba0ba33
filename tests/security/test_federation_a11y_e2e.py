"""The new login screens are axe-clean in Dutch and English: "log in via your organisation", its refusal page,
the functional admin's login services (list and form with errors), passkeys, and step 2 with a passkey."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.support import A11yAudit, login, switch_language
from vangnet.accounts.models import IdentityProvider, Passkey

pytestmark = pytest.mark.e2e


def test_federated_login_and_passkey_screens_are_accessible(new_context: Any, cast: Any, settings: Any) -> None:
    idp = IdentityProvider.objects.create(organisation=cast.reporter.organisation, name="Politie inlogdienst",
                                          issuer="https://login.politie.example", client_id="v", client_secret="g")
    Passkey.objects.create(user=cast.national, name="Sleutel", credential_id="Y3JlZA", public_key=b"\x00")
    settings.VANGNET_MFA_REQUIRED = True
    audit = A11yAudit()
    anonymous = new_context().new_page()
    for language in ("nl", "en"):
        anonymous.goto("/login/")
        switch_language(anonymous, language)
        audit.check(anonymous, "login with federated link")
        anonymous.goto("/account/oidc/")
        audit.check(anonymous, "log in via your organisation")
        anonymous.goto(f"/account/oidc/{idp.pk}/callback/?code=x&state=y")
        audit.check(anonymous, "federated login refused")

    admin = new_context().new_page()
    login(admin, cast.admin.username)
    admin.goto("/account/mfa/enrol/")
    audit.check(admin, "enrol with passkey link")
    admin.goto("/account/passkeys/")
    audit.check(admin, "passkeys (first step 2)")
    settings.VANGNET_MFA_REQUIRED = False
    for language in ("nl", "en"):
        switch_language(admin, language)
        for path in ("/administration/login-services/", "/administration/login-services/new/",
                     f"/administration/login-services/{idp.pk}/"):
            admin.goto(path)
            audit.check(admin, path)
        admin.goto("/administration/login-services/new/")
        admin.locator("main form.vn-form button[type=submit]").click()
        admin.wait_for_load_state()
        audit.check(admin, "login service form with errors")

    settings.VANGNET_MFA_REQUIRED = True
    national = new_context().new_page()
    login(national, cast.national.username)
    national.goto("/account/mfa/")
    audit.check(national, "step 2 with a passkey")
    audit.assert_clean()


def test_the_page_after_logging_out_of_a_federated_session_is_accessible(new_context: Any, cast: Any,
                                                                         monkeypatch: Any) -> None:
    """The page that offers to log out at the provider too, in Dutch and English (the provider is stood in
    for: its logout address comes from discovery, tested against the real test provider in test_oidc.py)."""
    from django.contrib.sessions.backends.db import SessionStore

    from vangnet.accounts import oidc

    idp = IdentityProvider.objects.create(organisation=cast.reporter.organisation, name="Politie inlogdienst",
                                          issuer="https://login.politie.example", client_id="v", client_secret="g")
    monkeypatch.setattr(oidc, "end_session",
                        lambda provider_id: (idp, "https://login.politie.example/logout?client_id=v"))
    audit = A11yAudit()
    for language in ("nl", "en"):
        page = new_context().new_page()
        login(page, cast.reporter.username)
        switch_language(page, language)
        key = next(c["value"] for c in page.context.cookies() if c["name"] == "vangnet_session")
        session = SessionStore(session_key=key)
        session[oidc.LOGIN_METHOD] = f"oidc:{idp.pk}"
        session.save()
        page.locator("header form[action='/logout/'] button[type=submit]").click()
        page.wait_for_load_state()
        link = page.locator("#provider-logout")
        assert link.get_attribute("href") == "https://login.politie.example/logout?client_id=v"
        audit.check(page, f"logged out, offer to log out at the provider ({language})")
    audit.assert_clean()
