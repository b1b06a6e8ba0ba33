"""Browser test: a municipality's supervisor registers a prostitution control (first with a mistake), the
national coordinator reads the report against targets. axe on every page, in Dutch and English."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.support import A11yAudit, login, logout, switch_language
from tests.factories import OrganisationFactory, UserFactory
from vangnet.accounts.models import OrganisationType, Role
from vangnet.controls.models import Control

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_register_a_control_and_read_the_report(page: Any, cast: Any) -> None:
    org = OrganisationFactory(name="Gemeente Rotterdam (test)", type=OrganisationType.MUNICIPALITY,
                              municipality_id="GM0599", region_id=None)
    supervisor = UserFactory(username="toezicht", organisation=org, role=Role.REPORTER)
    audit = A11yAudit()
    login(page, supervisor.username)
    page.goto("/controls/")
    audit.check(page, "controls (municipality)")
    page.get_by_role("link", name="Controle registreren").click()
    audit.check(page, "register a control")

    # a date in the future: a clear error, what was typed stays
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    page.locator("#id_performed_on").fill(tomorrow.isoformat())
    page.get_by_label("Raam").check()
    page.locator("#id_workers_spoken").fill("6")
    page.get_by_label("Heeft geen eigen identiteitsbewijs", exact=False).check()
    page.get_by_role("button", name="Controle registreren").click()
    expect(page.locator(".vn-error-summary")).to_contain_text("De datum")
    expect(page.locator("#id_workers_spoken")).to_have_value("6")
    audit.check(page, "register a control, with errors")

    page.locator("#id_performed_on").fill((tomorrow - datetime.timedelta(days=3)).isoformat())
    page.get_by_role("button", name="Controle registreren").click()
    expect(page.get_by_text("De controle is geregistreerd.")).to_be_visible()
    control = Control.objects.get()
    assert control.workers_spoken == 6 and control.municipality_id == "GM0599"
    assert control.indicators_checked.filter(pk="general.no_identity_documents").exists()
    logout(page)

    login(page, cast.national.username)
    page.goto(f"/controls/report/?year={control.performed_on.year}")
    row = page.locator("table").first.locator("tr", has_text="Rotterdam")
    expect(row).to_contain_text("1")
    for language in ("nl", "en"):
        switch_language(page, language)
        audit.check(page, "controls report (national coordinator)")
    audit.assert_clean()
