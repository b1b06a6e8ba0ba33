"""Drafts of the signal flow: what was typed survives a closed browser, and a step with errors keeps the
input and names every missing field in the error summary."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.utils import translation
from playwright.sync_api import expect

from tests.e2e.support import DRAFT_STEP_URL, SignalEntry, login, save_draft, start_signal, submit_step
from vangnet.signals.forms import SituationForm
from vangnet.signals.models import SignalDraft

pytestmark = pytest.mark.e2e


def _goto_step_via_nav(page: Any, step: str) -> None:
    page.locator(f"main nav.vn-steps a[href$='/{step}/']").click()
    page.wait_for_url(f"**/{step}/")


def test_draft_survives_a_closed_browser(new_context: Any, cast: Any) -> None:
    entry = SignalEntry()
    first = new_context()
    page = first.new_page()
    login(page, "reporter")
    start_signal(page)
    draft_path = DRAFT_STEP_URL.search(page.url)
    assert draft_path
    draft_prefix = page.url[draft_path.start(): draft_path.start("step")]  # /signals/drafts/<uuid>/

    # Step 1, partly: a municipality and the danger question, no form of exploitation yet.
    page.locator("#id_municipality").select_option(label=entry.municipality)
    page.locator("input[name=immediate_danger][value=yes]").check()
    save_draft(page)
    # Step 3, partly: the given names and the nationality.
    _goto_step_via_nav(page, "person")
    page.locator("#id_given_names").fill(entry.given_names)
    page.locator("#id_nationality").select_option(value=entry.nationality)
    save_draft(page)
    first.close()  # the browser is closed: cookies and session are gone

    page = new_context().new_page()
    login(page, "reporter")
    assert SignalDraft.objects.filter(owner=cast.reporter).count() == 1

    # Home offers the draft to continue …
    expect(page.locator(f"main a[href^='{draft_prefix}']")).to_have_count(1)
    # … and so does "My signals", reached through the main menu.
    page.locator("nav.vn-nav a[href='/signals/']").click()
    page.wait_for_url("**/signals/")
    continue_link = page.locator(f"main a[href^='{draft_prefix}']")
    expect(continue_link).to_have_count(1)
    continue_link.click()
    page.wait_for_url(DRAFT_STEP_URL)
    assert draft_prefix in page.url

    if not page.url.endswith("/person/"):
        _goto_step_via_nav(page, "person")
    expect(page.locator("#id_given_names")).to_have_value(entry.given_names)
    expect(page.locator("#id_nationality")).to_have_value(entry.nationality)

    _goto_step_via_nav(page, "situation")
    expect(page.locator("#id_municipality")).to_have_value(entry.municipality_code)
    expect(page.locator("input[name=immediate_danger][value=yes]")).to_be_checked()
    expect(page.locator("main input[name=forms]:checked")).to_have_count(0)


def test_step_with_missing_fields_shows_error_summary_and_keeps_input(page: Any, cast: Any) -> None:
    entry = SignalEntry()
    login(page, "reporter")
    start_signal(page)
    step_url = page.url
    page.locator("#id_observed_on").fill(entry.observed_on.isoformat())
    page.locator("#id_municipality").select_option(label=entry.municipality)
    # No answer to the danger question, no form of exploitation: both are required.
    submit_step(page, "next")
    assert page.url == step_url, f"the step should not be left with errors: {page.url}"

    summary = page.locator("main .vn-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()  # autofocus: screen readers start at the list of problems
    lang = page.locator("html").get_attribute("lang") or "nl"
    with translation.override(lang):
        fields = SituationForm.base_fields
        missing = {name: str(fields[name].label) for name in ("immediate_danger", "forms")}
        filled = {name: str(fields[name].label) for name in ("observed_on", "municipality")}
        error_prefix = translation.gettext("Error:")
    expect(page).to_have_title(re.compile("^" + re.escape(error_prefix)))
    links = summary.locator("a")
    expect(links).to_have_count(len(missing))
    for label in missing.values():
        expect(summary).to_contain_text(label)
    for label in filled.values():
        expect(summary).not_to_contain_text(label)
    for href in links.evaluate_all("links => links.map(a => a.getAttribute('href'))"):
        assert href.startswith("#"), href
        expect(page.locator(href)).to_have_count(1)  # every problem links to its field

    # What was entered is kept, and the fields in error say so to assistive technology.
    expect(page.locator("#id_municipality")).to_have_value(entry.municipality_code)
    expect(page.locator("#id_observed_on")).to_have_value(entry.observed_on.isoformat())
    expect(page.locator("main input[name=immediate_danger][aria-invalid=true]")).to_have_count(2)
    expect(page.locator("main input[name=forms]:checked")).to_have_count(0)
