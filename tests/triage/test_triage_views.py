"""Permissions with the fixed cast, the case panel, the rules page and the figures page."""

from __future__ import annotations

from html import escape
from typing import Any

import pytest
from django.urls import reverse

from vangnet.triage.models import Triage, Trigger
from vangnet.triage.rules import current_rules

pytestmark = pytest.mark.django_db

CAST = ["reporter", "colleague", "outsider", "coordinator", "other_coordinator", "national", "analyst", "admin"]


def _status(client: Any, user: Any, url: str, method: str = "get", data: Any = None) -> int:
    client.force_login(user)
    response = getattr(client, method)(url, data or {})
    client.logout()
    return response.status_code


@pytest.mark.parametrize("who, expected", [
    ("reporter", 404), ("colleague", 404), ("outsider", 404), ("coordinator", 200),
    ("other_coordinator", 404), ("national", 404), ("analyst", 404), ("admin", 404),
])
def test_only_the_lead_care_coordinator_records_facts_and_overrides(client: Any, cast: Any, registered_signal: Any,
                                                                     who: str, expected: int) -> None:
    ref = registered_signal.case.reference
    user = getattr(cast, who)
    assert _status(client, user, reverse("triage:facts", args=[ref])) == expected
    assert _status(client, user, reverse("triage:override", args=[ref])) == expected
    if expected == 404:
        before = Triage.objects.count()
        assert _status(client, user, reverse("triage:facts", args=[ref]), "post", {"pursued": "yes"}) == 404
        assert Triage.objects.count() == before


def test_anonymous_is_sent_to_login(client: Any, registered_signal: Any) -> None:
    for name, args in (("triage:rules", []), ("triage:statistics", []),
                       ("triage:facts", [registered_signal.case.reference])):
        response = client.get(reverse(name, args=args))
        assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("who, rules, stats", [
    ("reporter", 404, 404), ("colleague", 404, 404), ("outsider", 404, 404), ("coordinator", 200, 404),
    ("other_coordinator", 200, 404), ("national", 200, 200), ("analyst", 404, 200), ("admin", 200, 200),
])
def test_rules_and_statistics_pages_by_role(client: Any, cast: Any, who: str, rules: int, stats: int) -> None:
    user = getattr(cast, who)
    assert _status(client, user, reverse("triage:rules")) == rules
    assert _status(client, user, reverse("triage:statistics")) == stats


def test_rules_page_shows_every_rule_condition_source_and_version(client: Any, cast: Any) -> None:
    client.force_login(cast.admin)
    html = client.get(reverse("triage:rules"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    rs = current_rules()
    assert rs.version in html
    for rule in rs.rules:
        assert escape(rule.description["en"]) in html
        assert f"<code>{rule.id}</code>" not in html and f">{rule.id}<" not in html  # no ids in the reader's view
    assert "rules.yaml" not in html
    assert "Kamerstukken I 2021/22" in html
    assert escape(rs.rule("return").reason["en"]) in html  # practice shows its reason
    assert "within 3 months" in html or "binnen 3 maanden" in html
    nav = client.get("/").content.decode()
    assert reverse("triage:rules") in nav  # the nav item for the functional admin


def test_facts_form_updates_the_triage_and_the_panel_explains(client: Any, cast: Any, registered_signal: Any) -> None:
    case = registered_signal.case
    client.force_login(cast.coordinator)
    data = {"danger_now": "unknown", "pursued": "yes", "pregnant": "no", "residence_status": "none",
            "addiction": "unknown", "health": "unknown", "psychological": "unknown", "psychiatric": "no",
            "debts": "yes",
            "wants_return": "no", "suspected_offence": "unknown"}
    response = client.post(reverse("triage:facts", args=[case.reference]), data)
    assert response.status_code == 302
    row = Triage.objects.filter(case=case).first()
    assert row.trigger == Trigger.FACTS and row.urgency == "acute"
    case.refresh_from_db()
    assert case.urgency == "acute"
    page = client.get(reverse("cases:detail", args=[case.reference])).content.decode()
    assert 'id="h-triage"' in page
    rs = current_rules()
    for rid in ("pursued", "no-lawful-residence", "debts"):
        assert escape(rs.rule(rid).description["nl"]) in page
        assert f"<code>{rid}</code>" not in page
    assert reverse("triage:override", args=[case.reference]) in page


def test_override_form(client: Any, cast: Any, registered_signal: Any) -> None:
    case = registered_signal.case
    client.force_login(cast.coordinator)
    url = reverse("triage:override", args=[case.reference])
    bad = client.post(url, {"urgency": "urgent", "route": ["reflection_period", "dublin_assessment"],
                            "reason": "Testing exclusive steps."})
    assert bad.status_code == 400
    ok = client.post(url, {"urgency": "urgent", "needs": ["safe_shelter"], "route": ["care_coordination"],
                           "reason": "The person asked to be placed soon; few steps for now."})
    assert ok.status_code == 302
    page = client.get(reverse("cases:detail", args=[case.reference])).content.decode()
    assert "The person asked to be placed soon" in page


def test_national_coordinator_sees_the_panel_read_only(client: Any, cast: Any, registered_signal: Any) -> None:
    client.force_login(cast.national)
    page = client.get(reverse("cases:detail", args=[registered_signal.case.reference])).content.decode()
    assert 'id="h-triage"' in page
    assert reverse("triage:facts", args=[registered_signal.case.reference]) not in page


@pytest.mark.parametrize("who, status", [
    ("reporter", 404), ("coordinator", 404), ("analyst", 404), ("national", 200), ("admin", 200),
])
def test_scenarios_page_for_reviewers(client: Any, cast: Any, who: str, status: int) -> None:
    assert _status(client, getattr(cast, who), reverse("triage:scenarios")) == status


def test_scenarios_page_shows_every_case_in_words(client: Any, cast: Any) -> None:
    from vangnet.triage.scenarios import current_scenarios

    client.force_login(cast.national)
    html = client.get(reverse("triage:scenarios")).content.decode()
    assert html.count('class="utrecht-ordered-list__item vn-scenario"') == len(current_scenarios()) >= 40
    assert escape("Roemeense vrouw in raamprostitutie") in html
    assert "Categorale opvang slachtoffers mensenhandel (COSM)" in html
    assert "eu_eea_ch" not in html and "shelter_cosm" not in html  # codes stay in the data
    assert "verschilt" not in html
