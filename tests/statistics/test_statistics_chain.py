"""The chain from signal to verdict on the hand-made registry (tests/statistics/conftest.py), in persons."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from tests.factories import OrganisationFactory
from tests.statistics.conftest import Y1, Y2
from vangnet.accounts.models import OrganisationType
from vangnet.procedures.services import record_step, start_procedure
from vangnet.statistics import chain
from vangnet.statistics.selectors import Filters

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain_registry(registry, cast):
    """Person B (labour, Y2): police report, case with the OM, summons, verdict. Person C (Y2): reflection period
    granted, then dismissal. Person A (Y1, two signals): police report only."""
    police = cast.reporter.organisation
    om = OrganisationFactory(name="OM (test)", type=OrganisationType.PUBLIC_PROSECUTOR, municipality_id="GM0599")
    ind = OrganisationFactory(name="IND (test)", type=OrganisationType.IND, municipality_id="GM0518")
    b, c, a = (registry.signals[k].case for k in ("b", "c", "a2"))
    day = datetime.date(Y2, 3, 10)
    report = start_procedure(b, "police_report", organisation=police, on=day)
    record_step(report.pk, "filed", on=day + datetime.timedelta(days=2), organisation=police)
    prosecution = start_procedure(b, "prosecution", organisation=police, on=day + datetime.timedelta(days=40))
    record_step(prosecution.pk, "summoned", on=day + datetime.timedelta(days=100), organisation=om)
    record_step(prosecution.pk, "verdict", on=day + datetime.timedelta(days=200), organisation=om)
    reflection = start_procedure(c, "reflection_period", organisation=police, on=datetime.date(Y2, 5, 2))
    record_step(reflection.pk, "requested", on=datetime.date(Y2, 5, 2), organisation=police)
    record_step(reflection.pk, "granted", on=datetime.date(Y2, 5, 9), organisation=ind)
    om_c = start_procedure(c, "prosecution", organisation=om, on=datetime.date(Y2, 8, 1))
    record_step(om_c.pk, "dismissed", on=datetime.date(Y2, 9, 1), organisation=om)
    report_a = start_procedure(a, "police_report", organisation=police, on=datetime.date(Y1, 10, 1))
    record_step(report_a.pk, "filed", on=datetime.date(Y1, 10, 1), organisation=police)
    return registry


def by_person(paths):
    return {p.person: p for p in paths}


def test_persons_and_the_stages_they_reached(chain_registry):
    paths = chain.person_paths(Filters(year_from=Y1, year_to=Y2))
    # A (one person with two cases), two anonymous signals (one case each), B, C
    assert len(paths) == 5
    stages = sorted(tuple(code for code in chain.STAGE_CODES if code in p.reached) for p in paths)
    assert stages.count(("signal", "triage")) == 2  # the two anonymous persons stop after triage
    b = next(p for p in paths if "verdict" in p.reached)
    assert b.cohort == Y2 and b.outcome == "summoned" and b.forms == {"labour"}
    day = datetime.date(Y2, 3, 10)
    assert b.reached["report"] == day + datetime.timedelta(days=2)
    assert b.reached["investigation"] == day + datetime.timedelta(days=40)
    assert b.reached["verdict"] == day + datetime.timedelta(days=200)
    c = next(p for p in paths if "reflection" in p.reached)
    assert c.outcome == "dismissed" and c.reached["reflection"] == datetime.date(Y2, 5, 9)
    assert "verdict" not in c.reached and c.age_group == "lt18"
    a = next(p for p in paths if p.cohort == Y1 and "report" in p.reached)
    assert not a.person.startswith("case:")  # the linked person, not one of the two cases


def test_flow_counts_drop_out_and_time(chain_registry):
    paths = chain.person_paths(Filters(year_from=Y1, year_to=Y2))
    last = chain.dropped_out(paths)
    assert last == {"triage": 2, "report": 1, "prosecution": 1, "verdict": 1}
    spent = chain.durations(paths)
    assert spent["prosecution"] == [100]  # B: summons after 100 days, verdict after 200
    table = chain.flow_table(paths, Filters(year_from=Y1, year_to=Y2))
    assert [row.cells[-1].value for row in table.rows] == [5, 5, 0, 1, 2, 2, 2, 1]
    assert all(cell.display == "<5" for row in table.rows for cell in row.cells if 0 < cell.value < 5)


def test_cohort_years_and_form_filter(chain_registry):
    assert len(chain.person_paths(Filters(year_from=Y2, year_to=Y2))) == 2
    only_labour = chain.person_paths(Filters(year_from=Y1, year_to=Y2, form="labour"))
    assert len(only_labour) == 1 and "verdict" in only_labour[0].reached


def test_breakdowns(chain_registry):
    paths = chain.person_paths(Filters(year_from=Y1, year_to=Y2))
    forms = chain.breakdown(paths, "form")
    labour = next(r for r in forms.rows if r.cells and r.label.lower().startswith(("arbeid", "labour")))
    assert [c.value for c in labour.cells] == [1, 1, 0, 0, 1, 1, 1, 1]
    with pytest.raises(ValueError):
        chain.breakdown(paths, "shoe size")


def test_the_chain_page_for_figures_roles_only(chain_registry, cast, logged_in):
    url = reverse("statistics:chain")
    assert logged_in(cast.outsider).get(url).status_code == 404
    assert logged_in(cast.coordinator).get(url).status_code == 404
    response = logged_in(cast.analyst).get(url, {"year_from": Y1, "year_to": Y2})
    assert response.status_code == 200
    assert response.context["chain"].persons == 5
    bad = logged_in(cast.analyst).get(url, {"year_from": "abc", "year_to": Y2})
    assert bad.status_code in (200, 400)
