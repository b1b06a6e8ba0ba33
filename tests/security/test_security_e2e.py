"""The security screens in the browser: axe-clean in Dutch and English, no sideways scroll on a phone; Dutch
screenshots at 1280 and 390 px (test-artifacts/; with VANGNET_UPDATE_SCREENSHOTS=1 also docs/screenshots/)."""

from __future__ import annotations

import os
import shutil
import time
from typing import Any

import pytest
from axes.utils import reset
from django.conf import settings as django_settings

from tests.e2e.support import A11yAudit, has_horizontal_scroll, login, switch_language
from tests.e2e.test_e2e_accessibility import _overflowing
from vangnet.accounts import mfa
from vangnet.accounts.models import ApiToken

pytestmark = pytest.mark.e2e


def _shot(page: Any, screenshot_dir: Any, name: str) -> None:
    path = screenshot_dir / f"security-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    docs = django_settings.REPO_DIR / "docs" / "screenshots"
    if os.environ.get("VANGNET_UPDATE_SCREENSHOTS") and docs.is_dir():  # refresh the committed ones on request
        shutil.copy(path, docs / path.name)


def test_security_screens(new_context: Any, cast: Any, screenshot_dir: Any) -> None:
    ApiToken.issue(cast.reporter.organisation, "registratiesysteem politie")
    audit = A11yAudit()
    for width in (1280, 390):
        page = new_context(viewport={"width": width, "height": 900}).new_page()
        # a locked login
        page.goto("/login/", wait_until="domcontentloaded")
        for _ in range(10):
            page.fill("main #id_username", "reporter")
            page.fill("main #id_password", "wrong-password-123")
            with page.expect_navigation():
                page.click("main form button[type=submit]")
        assert "Te veel pogingen" in page.content()
        audit.check(page, f"locked out ({width})")
        assert not has_horizontal_scroll(page, width)[0], width
        _shot(page, screenshot_dir, f"locked-out-{width}")
        reset()  # the browser's address is locked too; lift it for the next screens
        # the functional admin's screens
        admin = new_context(viewport={"width": width, "height": 900}).new_page()
        login(admin, "admin")
        for path, name in (("/account/tokens/", "tokens"), ("/log/security/", "log"), ("/account/locks/", "locks"),
                           ("/account/users/mfa/", "mfa-users")):
            for language in ("en", "nl"):
                switch_language(admin, language)
                response = admin.goto(path)
                assert response is not None and response.status == 200, path
                audit.check(admin, f"{name} ({language}, {width})")
            # at both widths: wide tables scroll inside their container, never the whole page
            assert not has_horizontal_scroll(admin, width)[0], (path, width, _overflowing(admin, width))
            _shot(admin, screenshot_dir, f"{name}-{width}")
        # enrolment of two-step verification
        user = new_context(viewport={"width": width, "height": 900}).new_page()
        login(user, "coordinator" if width == 1280 else "national")
        user.goto("/account/mfa/enrol/")
        audit.check(user, f"mfa enrol ({width})")
        _shot(user, screenshot_dir, f"mfa-enrol-{width}")
        secret = user.locator("#mfa-secret").inner_text().replace(" ", "")
        user.fill("#id_code", mfa.code_at(secret, time.time()))
        with user.expect_navigation():
            user.click("main form button[type=submit]")
        assert user.locator("#recovery-codes li").count() == 10
        audit.check(user, f"recovery codes ({width})")
    audit.assert_clean()


def test_csp_blocks_nothing_the_site_needs(new_context: Any, registered_signal: Any) -> None:
    """With the real policy enforced (no bypass), pages and htmx work without a single CSP violation."""
    page = new_context(bypass_csp=False).new_page()
    violations: list[str] = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    login(page, "coordinator")
    reference = registered_signal.case.reference
    for path in ("/", "/cases/", f"/cases/{reference}/", "/signals/", "/shelters/", "/info/", "/info/guide/"):
        response = page.goto(path)
        assert response is not None and response.status < 400, path
        assert "default-src 'self'" in response.headers["content-security-policy"]
    assert page.evaluate("typeof window.htmx") == "object"  # the deferred htmx script loaded under the policy
    assert not violations, violations
