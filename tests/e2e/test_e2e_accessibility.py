"""axe-core (WCAG 2.0 and 2.1, levels A and AA) finds zero violations on every page, in Dutch and in
English; and the worklist and the first step of the signal fit a 375 px wide phone screen.

The language is switched with the header's language form, as a user would. Pages are checked with real
data in them (a registered signal, a draft, log entries), and forms also in their error state. Each test
walks its pages in both languages and reports every failing page at once (``A11yAudit``); one test per
role keeps the number of database flushes (the slow part on PostgreSQL) down.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.support import (
    A11yAudit,
    SignalEntry,
    choose_indicators,
    draft_url,
    fill_consent,
    fill_person,
    fill_situation,
    has_horizontal_scroll,
    login,
    logout,
    save_and_continue,
    send_signal,
    start_signal,
    submit_step,
    switch_language,
)

pytestmark = pytest.mark.e2e

LANGUAGES = ("nl", "en")
PHONE_WIDTH = 375


def _goto(page: Any, path: str, status: int = 200) -> None:
    response = page.goto(path)
    assert response is not None and response.status == status, f"{path}: HTTP {response and response.status}"


def _overflowing(page: Any, width: int) -> list[str]:
    """The outermost elements that stick out to the right of the viewport (for the failure message)."""
    return page.evaluate(
        """(width) => [...document.querySelectorAll('body *')]
            .filter(el => el.getBoundingClientRect().right > width + 1)
            .filter(el => !el.parentElement || el.parentElement.getBoundingClientRect().right <= width + 1)
            .slice(0, 10)
            .map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
                 + (typeof el.className === 'string' && el.className.trim()
                    ? '.' + el.className.trim().split(/\\s+/).join('.') : '')
                 + ' (right edge ' + Math.round(el.getBoundingClientRect().right) + 'px)')""",
        width,
    )


def test_public_pages(page: Any, cast: Any) -> None:
    audit = A11yAudit()
    for language in LANGUAGES:
        _goto(page, "/login/")
        switch_language(page, language)
        audit.check(page, "login")

        page.locator("main #id_username").fill("reporter")
        page.locator("main #id_password").fill("not-the-password")
        page.locator("main form button[type=submit]").click()
        expect(page.locator("main .utrecht-alert--error")).to_be_visible()
        audit.check(page, "login with an error")

        _goto(page, "/privacy/")
        audit.check(page, "privacy statement")
        _goto(page, "/this-page-does-not-exist/", status=404)
        audit.check(page, "404 page (anonymous)")
    audit.assert_clean()


def test_reporter_pages_and_signal_steps(page: Any, cast: Any) -> None:
    """One signal is filled in Dutch; each of its steps is then also checked in English (the draft keeps
    the answers), which saves walking the flow twice."""
    audit = A11yAudit()
    entry = SignalEntry()
    login(page, "reporter")
    for language in LANGUAGES:
        switch_language(page, language)
        audit.check(page, "home")

    switch_language(page, "nl")
    start_signal(page)
    audit.check(page, "step 1: situation")
    submit_step(page, "next")
    expect(page.locator("main .vn-error-summary")).to_be_visible()
    audit.check(page, "step 1: situation, with errors")
    fill_situation(page, entry)
    save_and_continue(page, "indicators")
    audit.check(page, "step 2: indicators")
    choose_indicators(page, 2)
    save_and_continue(page, "person")
    audit.check(page, "step 3: person")
    fill_person(page, entry)
    save_and_continue(page, "consent")
    audit.check(page, "step 4: consent")
    fill_consent(page, entry)
    save_and_continue(page, "review")
    audit.check(page, "review")

    switch_language(page, "en")
    audit.check(page, "review")
    for step in ("situation", "indicators", "person", "consent"):
        _goto(page, draft_url(page, step))
        audit.check(page, f"step {step}")
    _goto(page, draft_url(page, "review"))

    send_signal(page)
    audit.check(page, "case page (reporter, just sent)")
    switch_language(page, "nl")
    audit.check(page, "case page (reporter, just sent)")

    start_signal(page)  # a second draft: "My signals" then lists a draft and a sent signal
    switch_language(page, "en")
    submit_step(page, "next")
    expect(page.locator("main .vn-error-summary")).to_be_visible()
    audit.check(page, "step 1: situation, with errors")

    for language in LANGUAGES:
        switch_language(page, language)
        _goto(page, "/signals/")
        expect(page.locator("main table")).to_be_visible()
        audit.check(page, "my signals")
        _goto(page, "/log/register/")
        audit.check(page, "register of processing activities")
        _goto(page, "/cases/NO-SUCH-CASE/", status=404)
        audit.check(page, "404 page (logged in)")
    audit.assert_clean()


def test_coordinator_pages(page: Any, registered_signal: Any) -> None:
    audit = A11yAudit()
    reference = registered_signal.case.reference
    login(page, "coordinator")
    for language in LANGUAGES:
        switch_language(page, language)
        _goto(page, "/cases/")
        expect(page.locator("main table").get_by_role("link", name=reference, exact=True)).to_be_visible()
        audit.check(page, "worklist (care coordinator)")

        _goto(page, f"/cases/{reference}/")
        audit.check(page, "case page (care coordinator)")
        if page.locator("main details:not([open])").count():  # folded away (the consent form, …)
            page.locator("main details:not([open]) > summary").first.click()
            page.eval_on_selector_all("main details", "all => all.forEach(d => { d.open = true; })")
            audit.check(page, "case page (care coordinator), folded sections open")
    audit.assert_clean()


def test_national_coordinator_and_admin_pages(page: Any, registered_signal: Any) -> None:
    audit = A11yAudit()
    reference = registered_signal.case.reference
    login(page, "national")
    for language in LANGUAGES:
        switch_language(page, language)
        _goto(page, f"/cases/{reference}/")
        expect(page.locator("main h1")).to_have_text(reference)
        audit.check(page, "case page (national coordinator)")
        _goto(page, "/cases/")
        audit.check(page, "worklist (national coordinator)")
        for path, label in (("/persons/review/", "same person? review queue"), ("/figures/", "figures"),
                            ("/figures/estimate/", "dark number estimate"), ("/triage/rules/", "triage rules"),
                            ("/sharing/policies/", "sharing rules"), ("/shelters/national/", "national shelter view"),
                            ("/info/consultations/", "questions to the national centre")):
            _goto(page, path)
            audit.check(page, f"{label} (national coordinator)")
    logout(page)

    login(page, "admin")  # the functional admin sees their organisation's log: the national's reads
    for language in LANGUAGES:
        switch_language(page, language)
        _goto(page, "/log/")
        expect(page.locator("main table tbody tr").first).to_be_visible()
        audit.check(page, "processing log (functional admin)")
        _goto(page, "/log/register/")
        audit.check(page, "register of processing activities (functional admin)")
    audit.assert_clean()


def test_phone_width_has_no_horizontal_scroll(new_context: Any, registered_signal: Any) -> None:
    """WCAG 1.4.10 (reflow): nothing may need sideways scrolling on a 375 px wide phone."""
    audit = A11yAudit()
    page = new_context(viewport={"width": PHONE_WIDTH, "height": 800}, is_mobile=True, has_touch=True).new_page()

    def check_width(screen: str) -> None:
        scrolls, width = has_horizontal_scroll(page, PHONE_WIDTH)
        if scrolls:
            lang = page.locator("html").get_attribute("lang")
            audit.problem(f"{screen} [{lang}] is {width}px wide at {PHONE_WIDTH}px; sticking out: "
                          f"{_overflowing(page, PHONE_WIDTH)}")
        audit.check(page, f"{screen} at {PHONE_WIDTH}px")

    login(page, "reporter")
    for language in LANGUAGES:
        switch_language(page, language)
        start_signal(page)
        check_width("signal step 1")
    logout(page)

    login(page, "coordinator")
    for language in LANGUAGES:
        switch_language(page, language)
        _goto(page, "/cases/")
        expect(page.locator("main table")).to_be_attached()
        check_width("worklist")
    audit.assert_clean()
