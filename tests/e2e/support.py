"""Helpers for the browser tests: log in and out through the real forms, switch the language through the
header form, fill the steps of the signal flow, and run axe-core.

Selectors prefer names, values and ids over visible text, so the tests hold in Dutch and in English and
survive copy edits. The header holds its own submit buttons (log out, language), so form buttons are
always looked up inside ``main``.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.factories import PASSWORD

AXE_JS = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
DRAFT_STEP_URL = re.compile(r"/signals/drafts/[0-9a-f-]{36}/(?P<step>[a-z]+)/$")
CASE_URL = re.compile(r"/cases/(?P<reference>[^/]+)/$")


# --- session ------------------------------------------------------------------------------------


def login(page: Any, username: str, password: str = PASSWORD) -> None:
    page.goto("/login/")
    page.locator("main #id_username").fill(username)
    page.locator("main #id_password").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(lambda url: "/login/" not in url)
    expect(page.locator("header form[action='/logout/']")).to_be_visible()


def logout(page: Any) -> None:
    page.locator("header form[action='/logout/'] button[type=submit]").click()
    page.wait_for_url("**/login/")


def switch_language(page: Any, language: str) -> None:
    """Use the header's language form (a POST to Django's set_language, which returns to this page)."""
    with page.expect_navigation():  # set_language redirects back, also when nothing changes
        page.locator(f"header button[name=language][value={language}]").click()
    expect(page.locator("html")).to_have_attribute("lang", language)


# --- the signal flow ----------------------------------------------------------------------------


@dataclass
class SignalEntry:
    """What the reporter types. The names are synthetic and unusual, so a leak is easy to find."""

    observed_on: datetime.date = field(
        default_factory=lambda: datetime.date.today() - datetime.timedelta(days=2))
    municipality: str = "Amsterdam"
    municipality_code: str = "GM0363"
    immediate_danger: str = "no"
    form: str = "sexual"
    given_names: str = "Zoltrania"
    family_name: str = "Quibbelstein"
    birth_date: datetime.date = datetime.date(1998, 3, 14)
    gender: str = "female"
    nationality: str = "NG"
    consent: str = "given"
    consent_purpose: str = "care_coordination"
    consent_obtained_by: str = "Agent J. de Vries"
    account: str = "Synthetic e2e account: met during a check at a massage parlour."


def start_signal(page: Any) -> None:
    """From the home page: the "register a new signal" button (a POST that creates a draft)."""
    page.goto("/")
    page.locator("main form[action='/signals/new/'] button[type=submit]").click()
    page.wait_for_url(DRAFT_STEP_URL)
    assert page.url.endswith("/situation/"), page.url


def draft_url(page: Any, step: str) -> str:
    match = DRAFT_STEP_URL.search(page.url)
    assert match, f"not on a draft step: {page.url}"
    return page.url[: match.start("step")] + step + "/"


def save_and_continue(page: Any, expected: str) -> None:
    """The primary button of a step; ``expected`` is the next step's slug (or "review")."""
    page.locator("main button[name=action][value=next]").click()
    page.wait_for_url(f"**/{expected}/")


def submit_step(page: Any, action: str = "next") -> None:
    """Press "Save and continue" (``next``) or "Save draft" (``save``) and wait for the answer, which
    may be the same URL again (a draft save, or a step with errors)."""
    with page.expect_navigation():
        page.locator(f"main button[name=action][value={action}]").click()


def save_draft(page: Any) -> None:
    current = page.url
    submit_step(page, "save")
    assert page.url == current, f"saving a draft should stay on the step, not go to {page.url}"
    expect(page.locator("main .utrecht-alert--ok")).to_be_visible()


def fill_situation(page: Any, entry: SignalEntry) -> None:
    page.locator("#id_observed_on").fill(entry.observed_on.isoformat())
    page.locator("#id_municipality").select_option(label=entry.municipality)
    page.locator(f"input[name=immediate_danger][value={entry.immediate_danger}]").check()
    page.locator(f"input[name=forms][value={entry.form}]").check()


def choose_indicators(page: Any, count: int = 2) -> list[str]:
    """Tick the first ``count`` signs; returns their texts (as the labels show them)."""
    boxes = page.locator("main input[type=checkbox][name=indicators]")
    assert boxes.count() > count, "too few indicators offered"
    texts = []
    for i in range(count):
        box = boxes.nth(i)
        box.check()
        texts.append(page.locator(f"label[for='{box.get_attribute('id')}']").inner_text().strip())
    expect(page.locator("main input[name=indicators]:checked")).to_have_count(count)
    return texts


def fill_person(page: Any, entry: SignalEntry) -> None:
    page.locator("input[name=is_identified][value=identified]").check()
    page.locator("#id_given_names").fill(entry.given_names)
    page.locator("#id_family_name").fill(entry.family_name)
    page.locator("#id_birth_date").fill(entry.birth_date.isoformat())
    page.locator(f"input[name=gender][value={entry.gender}]").check()
    page.locator("#id_nationality").select_option(value=entry.nationality)


def fill_consent(page: Any, entry: SignalEntry) -> None:
    page.locator(f"input[name=consent][value={entry.consent}]").check()
    page.locator(f"input[name=consent_purposes][value={entry.consent_purpose}]").check()
    page.locator("#id_consent_obtained_by").fill(entry.consent_obtained_by)
    page.locator("#id_consent_obtained_on").fill(entry.observed_on.isoformat())
    page.locator("#id_account").fill(entry.account)


def fill_complete_signal(page: Any, entry: SignalEntry) -> list[str]:
    """Start a signal and walk all four steps to the review page; returns the ticked indicator texts."""
    start_signal(page)
    fill_situation(page, entry)
    save_and_continue(page, "indicators")
    indicators = choose_indicators(page, 2)
    save_and_continue(page, "person")
    fill_person(page, entry)
    save_and_continue(page, "consent")
    fill_consent(page, entry)
    save_and_continue(page, "review")
    return indicators


def send_signal(page: Any) -> str:
    """Send from the review page; returns the new case's reference (the case page is where it lands)."""
    with page.expect_navigation():
        page.locator("main form[method=post] button[type=submit]").click()
    match = CASE_URL.search(page.url)
    assert match, f"sending did not open the case page but {page.url}: {alerts(page)}"
    return match.group("reference")


def alerts(page: Any) -> str:
    """The alerts and error messages on the page, for assertion messages."""
    texts = page.locator("main .utrecht-alert, main .vn-field-error").all_inner_texts()
    return " | ".join(" ".join(t.split()) for t in texts) or "(no alerts)"


# --- accessibility ------------------------------------------------------------------------------

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page: Any) -> list[dict[str, Any]]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    return page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})).violations",
        AXE_TAGS,
    )


def format_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} [{v.get('impact')}]: {v['help']} <{v.get('helpUrl', '')}>")
        for node in v["nodes"][:8]:
            target = " ".join(str(t) for t in node["target"])
            summary = " ".join((node.get("failureSummary") or "").split())
            lines.append(f"    at {target}: {summary[:300]}")
        if len(v["nodes"]) > 8:
            lines.append(f"    … and {len(v['nodes']) - 8} more element(s)")
    return "\n".join(lines)


def axe_check(page: Any, label: str = "") -> None:
    """Run axe-core with the WCAG 2.0/2.1 A and AA rules on the current page; fail on any violation."""
    violations = axe_violations(page)
    lang = page.locator("html").get_attribute("lang")
    assert not violations, (
        f"axe: {len(violations)} WCAG A/AA violation(s) on {label or 'page'} (lang={lang}, {page.url}):\n"
        + format_violations(violations)
    )


class A11yAudit:
    """Collects axe violations over many pages, so one run reports every page that fails, then
    ``assert_clean()`` fails once with all of them."""

    def __init__(self) -> None:
        self.failures: list[str] = []
        self.checked: list[str] = []

    def check(self, page: Any, label: str) -> None:
        lang = page.locator("html").get_attribute("lang")
        name = f"{label} [{lang}]"
        self.checked.append(name)
        violations = axe_violations(page)
        if violations:
            self.failures.append(f"{name} ({page.url}):\n{format_violations(violations)}")

    def problem(self, text: str) -> None:
        self.failures.append(text)

    def assert_clean(self) -> None:
        assert not self.failures, (
            f"{len(self.failures)} of {len(self.checked)} page check(s) failed:\n\n" + "\n\n".join(self.failures)
        )


def has_horizontal_scroll(page: Any, width: int) -> tuple[bool, int]:
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    return scroll_width > width + 1, scroll_width
