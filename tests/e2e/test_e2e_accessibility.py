"""axe-core (WCAG 2.0 and 2.1, levels A and AA) finds zero violations on every page, in Dutch and in
English; and the worklist and the first step of the signal fit a 375 px wide phone screen.

The language is chosen with the header's language form, as a user would. Pages are checked with real
data in them (a registered signal, a draft, log entries), and forms also in their error state.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.support import (
    SignalEntry,
    axe_check,
    choose_indicators,
    fill_consent,
    fill_person,
    fill_situation,
    has_horizontal_scroll,
    login,
    logout,
    save_and_continue,
    send_signal,
    start_signal,
    switch_language,
)

pytestmark = pytest.mark.e2e

PHONE_WIDTH = 375


@pytest.fixture(params=["nl", "en"])
def language(request: Any) -> str:
    return request.param


def _open(new_context: Any, language: str, **context_kwargs: Any) -> Any:
    """A fresh browser on the login page, switched to ``language`` with the header form."""
    page = new_context(**context_kwargs).new_page()
    page.goto("/login/")
    switch_language(page, language)
    return page


def _goto(page: Any, path: str, status: int = 200) -> None:
    response = page.goto(path)
    assert response is not None and response.status == status, f"{path}: HTTP {response and response.status}"


def _overflowing(page: Any, width: int) -> list[str]:
    """Elements that stick out to the right of the viewport (for a readable failure message)."""
    return page.evaluate(
        """(width) => [...document.querySelectorAll('body *')]
            .filter(el => el.getBoundingClientRect().right > width + 1)
            .filter(el => !el.parentElement || el.parentElement.getBoundingClientRect().right <= width + 1)
            .slice(0, 10)
            .map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
                 + (el.className && typeof el.className === 'string'
                    ? '.' + el.className.trim().split(/\\s+/).join('.') : '')
                 + ' (right edge ' + Math.round(el.getBoundingClientRect().right) + 'px)')""",
        width,
    )


def test_public_pages(new_context: Any, cast: Any, language: str) -> None:
    page = _open(new_context, language)
    axe_check(page, "login")

    page.locator("main #id_username").fill("reporter")
    page.locator("main #id_password").fill("not-the-password")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main .utrecht-alert--error")).to_be_visible()
    axe_check(page, "login with an error")

    _goto(page, "/privacy/")
    axe_check(page, "privacy statement")
    _goto(page, "/this-page-does-not-exist/", status=404)
    axe_check(page, "404 page (anonymous)")


def test_reporter_pages_and_signal_steps(new_context: Any, cast: Any, language: str) -> None:
    entry = SignalEntry()
    page = _open(new_context, language)
    login(page, "reporter")
    expect(page.locator("html")).to_have_attribute("lang", language)
    axe_check(page, "home")

    start_signal(page)
    axe_check(page, "step 1: situation")
    page.locator("main button[name=action][value=next]").click()
    expect(page.locator("main .vn-error-summary")).to_be_visible()
    axe_check(page, "step 1: situation, with errors")
    fill_situation(page, entry)
    save_and_continue(page, "indicators")
    axe_check(page, "step 2: indicators")
    choose_indicators(page, 2)
    save_and_continue(page, "person")
    axe_check(page, "step 3: person")
    fill_person(page, entry)
    save_and_continue(page, "consent")
    axe_check(page, "step 4: consent")
    fill_consent(page, entry)
    save_and_continue(page, "review")
    axe_check(page, "review")

    send_signal(page)
    axe_check(page, "case page (reporter, just sent)")

    start_signal(page)  # leave a draft, so "My signals" lists both a draft and a sent signal
    _goto(page, "/signals/")
    expect(page.locator("main table")).to_be_visible()
    axe_check(page, "my signals")
    _goto(page, "/log/register/")
    axe_check(page, "register of processing activities")
    _goto(page, "/privacy/")
    axe_check(page, "privacy statement (logged in)")
    _goto(page, "/cases/NO-SUCH-CASE/", status=404)
    axe_check(page, "404 page (logged in)")


def test_coordinator_pages(new_context: Any, registered_signal: Any, language: str) -> None:
    reference = registered_signal.case.reference
    page = _open(new_context, language)
    login(page, "coordinator")
    _goto(page, "/cases/")
    expect(page.locator("main table").get_by_role("link", name=reference, exact=True)).to_be_visible()
    axe_check(page, "worklist (care coordinator)")

    _goto(page, f"/cases/{reference}/")
    axe_check(page, "case page (care coordinator)")
    details = page.locator("main details.vn-details")
    if details.count():
        details.locator("summary").click()  # the consent form is folded away; check it open too
        axe_check(page, "case page (care coordinator), consent form open")


def test_national_coordinator_and_admin_pages(
    new_context: Any, registered_signal: Any, language: str
) -> None:
    reference = registered_signal.case.reference
    page = _open(new_context, language)
    login(page, "national")
    _goto(page, f"/cases/{reference}/")
    expect(page.locator("main h1")).to_have_text(reference)
    axe_check(page, "case page (national coordinator)")
    _goto(page, "/cases/")
    axe_check(page, "worklist (national coordinator)")
    logout(page)

    login(page, "admin")  # the functional admin sees the log of their organisation: the national's reads
    _goto(page, "/log/")
    expect(page.locator("main table tbody tr").first).to_be_visible()
    axe_check(page, "processing log (functional admin)")
    _goto(page, "/log/register/")
    axe_check(page, "register of processing activities (functional admin)")


@pytest.mark.parametrize("screen", ["signal step 1", "worklist"])
def test_phone_width_has_no_horizontal_scroll(
    new_context: Any, registered_signal: Any, language: str, screen: str
) -> None:
    """WCAG 1.4.10 (reflow): nothing may need sideways scrolling on a 375 px wide phone."""
    size = {"width": PHONE_WIDTH, "height": 800}
    page = _open(new_context, language, viewport=size, is_mobile=True, has_touch=True)
    if screen == "signal step 1":
        login(page, "reporter")
        start_signal(page)
    else:
        login(page, "coordinator")
        _goto(page, "/cases/")
        expect(page.locator("main table")).to_be_attached()
    scrolls, width = has_horizontal_scroll(page, PHONE_WIDTH)
    assert not scrolls, f"{screen} is {width}px wide at {PHONE_WIDTH}px: {_overflowing(page, PHONE_WIDTH)}"
    axe_check(page, f"{screen} at {PHONE_WIDTH}px")
