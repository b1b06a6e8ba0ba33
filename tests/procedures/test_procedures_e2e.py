"""Browser test: a Dublin signal → its 4-week assessment deadline on the worklist → a reminder → the police
record the assessment → the deadline is gone. axe (WCAG 2.1 A/AA) on every page; screenshots at 1280 and 390 px."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.support import axe_check, login, logout
from vangnet.procedures.models import Deadline, Procedure
from vangnet.procedures.reminders import send_reminders

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def shoot(page: Any, folder: Path, name: str) -> None:
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_dublin_deadline_from_signal_to_met(page: Any, cast: Any, registered_signal: Any,
                                            screenshot_dir: Path) -> None:
    case = registered_signal.case

    # the care coordinator records that the person is a Dublin claimant: triage routes to the Dublin assessment
    login(page, cast.coordinator.username)
    page.goto(f"/triage/cases/{case.reference}/facts/")
    page.locator("main input[name=residence_status][value=dublin]").check()
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/cases/{case.reference}/"))
    procedure = Procedure.objects.get(case=case, code="dublin_report")
    due = Deadline.objects.get(procedure=procedure).due_on
    page.goto(f"/cases/{case.reference}/#procedures")
    panel = page.locator("main #procedures")
    expect(panel.locator("[data-procedure=dublin_report]")).to_be_visible()
    expect(panel.locator("[data-deadline=assessment][data-open=yes]")).to_contain_text(str(due.year))
    axe_check(page, "case page with procedures")

    # the worklist shows the next deadline, sorted and filtered on it
    page.goto("/cases/?scope=involved&deadline=any&sort=deadline")
    row = page.locator("main tbody tr", has_text=case.reference)
    expect(row.locator(".vn-next-deadline")).to_contain_text(str(due.day))
    expect(page.locator("main")).to_contain_text("Eerstvolgende termijn")
    axe_check(page, "worklist with deadlines")
    shoot(page, screenshot_dir, "procedures-worklist")
    logout(page)

    # the daily reminder run, five days before the end: the police get a reminder
    counts = send_reminders(today=due - timezone.timedelta(days=5), days_before=5)
    assert counts["due"] >= 1
    login(page, cast.reporter.username)
    page.goto("/procedures/deadlines/")
    reminder = page.locator("main #reminders li[data-kind=deadline_due]")
    expect(reminder).to_contain_text(case.reference)
    expect(page.locator("main")).to_contain_text("Termijnen")
    axe_check(page, "deadlines page")
    shoot(page, screenshot_dir, "procedures-deadlines")

    # the police record the assessment from the case page
    reminder.locator("a").click()
    page.wait_for_url(re.compile(rf"/cases/{case.reference}/"))
    page.locator(f"main a[href='/procedures/{case.reference}/{procedure.pk}/step/']").click()
    page.wait_for_url(re.compile(r"/step/$"))
    axe_check(page, "record a step")
    page.locator("main input[name=step][value=assessed_continue]").check()
    page.locator("main input[name=document_reference]").fill("PL-2026-4711")
    shoot(page, screenshot_dir, "procedures-record-step")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/cases/{case.reference}/"))
    expect(page.locator("main #procedures [data-deadline=assessment][data-open=no]")).to_contain_text("gehaald")
    axe_check(page, "case page after the step")
    shoot(page, screenshot_dir, "procedures-case-panel")
    logout(page)

    # the deadline is gone from the worklist and the deadlines page
    login(page, cast.coordinator.username)
    page.goto("/cases/?scope=involved&sort=deadline")
    expect(page.locator("main tbody tr", has_text=case.reference).locator(".vn-next-deadline")).to_have_text("–")
    page.goto("/procedures/deadlines/")
    expect(page.locator("main")).not_to_contain_text(case.reference)
    assert not Deadline.objects.filter(case=case, closed_on__isnull=True).exists()
