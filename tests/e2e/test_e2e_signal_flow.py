"""Acceptance test of issue 2: a police officer registers a signal in the browser; the region's care
coordinator finds it in the worklist and opens it; an uninvolved organisation gets a 404; and the
processing log holds every step — without ever holding the person's name."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.support import (
    SignalEntry,
    choose_indicators,
    fill_consent,
    fill_person,
    fill_situation,
    login,
    logout,
    save_and_continue,
    send_signal,
    start_signal,
)
from vangnet.audit.models import ProcessingLogEntry
from vangnet.cases.models import Case
from vangnet.signals.models import Signal, SignalDraft

pytestmark = pytest.mark.e2e

NOT_FOUND_TITLE = re.compile(r"Page not found|Pagina niet gevonden")


def test_reporter_registers_signal_and_coordinator_finds_it(
    page: Any, new_context: Any, cast: Any, screenshot_dir: Path
) -> None:
    entry = SignalEntry()

    # --- the police officer registers the signal ---------------------------------------------------
    login(page, "reporter")
    start_signal(page)
    draft = SignalDraft.objects.get(owner=cast.reporter)
    page.screenshot(path=str(screenshot_dir / "signal-step-1-situation.png"), full_page=True)

    fill_situation(page, entry)
    save_and_continue(page, "indicators")
    indicators = choose_indicators(page, 2)
    save_and_continue(page, "person")
    fill_person(page, entry)
    save_and_continue(page, "consent")
    fill_consent(page, entry)
    save_and_continue(page, "review")

    review = page.locator("main")
    expect(review).to_contain_text(entry.municipality)
    expect(review).to_contain_text(entry.given_names)
    expect(review).to_contain_text(entry.family_name)
    expect(review).to_contain_text(str(entry.birth_date.year))
    expect(review).to_contain_text(entry.account)
    for text in indicators:
        expect(review).to_contain_text(text)
    expect(review.locator(".utrecht-alert--warning")).to_have_count(0)  # no step is incomplete
    page.screenshot(path=str(screenshot_dir / "signal-review.png"), full_page=True)

    reference = send_signal(page)
    case = Case.objects.get(reference=reference)
    signal = Signal.objects.get(case=case)
    case_url = f"/cases/{reference}/"
    assert signal.indicators.count() == 2
    assert not SignalDraft.objects.filter(pk=draft.pk).exists(), "the sent draft should be gone"
    logout(page)

    # --- the care coordinator of region Amsterdam finds and opens it -------------------------------
    login(page, "coordinator")
    page.goto("/cases/")
    link = page.locator("main table").get_by_role("link", name=reference, exact=True)
    expect(link).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "worklist-coordinator.png"), full_page=True)
    link.click()
    page.wait_for_url(f"**{case_url}")
    main = page.locator("main")
    expect(main.locator("h1")).to_have_text(reference)
    for text in indicators:
        expect(main.get_by_text(text, exact=True)).to_be_visible()
    expect(main).to_contain_text(f"{entry.given_names} {entry.family_name}")
    logout(page)

    # --- an uninvolved organisation gets a 404, and nothing is logged for the case -----------------
    entries_for_case = ProcessingLogEntry.objects.filter(subject_pseudonym=case.pseudonym).count()
    outsider_page = new_context().new_page()
    login(outsider_page, "outsider")
    response = outsider_page.goto(case_url)
    assert response is not None and response.status == 404
    expect(outsider_page.locator("main h1")).to_have_text(NOT_FOUND_TITLE)
    expect(outsider_page.locator("main")).not_to_contain_text(entry.family_name)
    outsider_log = ProcessingLogEntry.objects.filter(actor=cast.outsider)
    assert ProcessingLogEntry.objects.filter(subject_pseudonym=case.pseudonym).count() == entries_for_case
    assert not outsider_log.filter(subject_pseudonym=case.pseudonym).exists()
    assert not outsider_log.filter(object_type="cases.case", object_id=str(case.pk)).exists()

    # --- the processing log holds every step -------------------------------------------------------
    log = ProcessingLogEntry.objects.select_related("activity")

    draft_saves = log.filter(activity__code="signal_registration", action="update", actor=cast.reporter,
                             object_type="signals.signaldraft", object_id=str(draft.pk))
    assert draft_saves.count() >= 4, "one draft save per step (situation, indicators, person, consent)"
    saved_fields = {f for e in draft_saves for f in e.fields.split(",")}
    assert {"municipality", "indicators", "given_names", "consent"} <= saved_fields

    created = log.get(activity__code="signal_registration", action="create", object_type="signals.signal",
                      object_id=str(signal.pk))
    assert created.subject_pseudonym == case.pseudonym
    assert created.actor == cast.reporter
    assert created.organisation == cast.reporter.organisation

    case_created = log.get(activity__code="case_management", action="create", object_type="cases.case",
                           object_id=str(case.pk))
    assert case_created.subject_pseudonym == case.pseudonym
    assert case_created.actor == cast.reporter

    assert log.filter(activity__code="worklist", action="read", actor=cast.coordinator).exists()

    case_read = log.filter(activity__code="case_management", action="read", actor=cast.coordinator,
                           subject_pseudonym=case.pseudonym)
    assert case_read.exists()
    assert case_read.first().organisation == cast.coordinator.organisation

    # --- and never the person's name ----------------------------------------------------------------
    secrets = [entry.given_names, entry.family_name, entry.birth_date.isoformat()]
    for e in ProcessingLogEntry.objects.all():
        haystack = " ".join([e.fields, json.dumps(e.changes, ensure_ascii=False), e.actor_label,
                             e.subject_pseudonym, e.object_id]).lower()
        for secret in secrets:
            assert secret.lower() not in haystack, f"log entry {e.pk} ({e}) contains {secret!r}"
