"""Yearly figures on the hand-made registry (tests/statistics/conftest.py): signals and persons."""

from __future__ import annotations

import dataclasses

import pytest
from django.utils import translation

from tests.statistics.conftest import Y1, Y2
from vangnet.persons.models import SignalEncoding
from vangnet.statistics import selectors


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def by_position(table):
    return [[c.value for c in r.cells] for r in table.rows]


def test_the_registry_links_person_a(registry):
    a1, a2 = registry.signals["a1"], registry.signals["a2"]
    clusters = dict(SignalEncoding.objects.values_list("signal_id", "cluster_id"))
    assert clusters[a1.pk] == clusters[a2.pk]
    assert registry.signals["anon1"].pk not in clusters


def test_summary_counts_signals_persons_and_cases(registry):
    table = selectors.summary_table(registry.filters)
    assert [r.label for r in table.rows[:2]] == [str(Y1), str(Y2)]
    # Y1: 4 signals, persons = A + 2 anonymous; Y2: B and C; all years: 5 persons
    assert by_position(table) == [[4, 3, 4], [2, 2, 2], [6, 5, 6]]
    assert table.rows[-1].is_total


def test_forms_by_year_in_persons_and_signals(registry):
    persons = selectors.form_table(registry.filters)
    labels = [r.label for r in persons.rows]
    assert labels == ["Sexual exploitation", "Labour exploitation", "Criminal exploitation", "Other form",
                      "All forms"]
    assert by_position(persons)[0] == [3, 0, 3]  # sexual: A once + 2 anonymous
    assert by_position(persons)[1] == [0, 1, 1]  # labour: B
    assert by_position(persons)[2] == [0, 1, 1]  # criminal: C
    assert by_position(persons)[3] == [0, 0, 0]  # other
    assert by_position(persons)[-1] == [3, 2, 5]
    signals = selectors.form_table(dataclasses.replace(registry.filters, measure="signals"))
    assert by_position(signals)[0] == [4, 0, 4]
    assert by_position(signals)[-1] == [4, 2, 6]


def test_a_person_counts_once_per_reporter_type_and_once_in_the_total(registry):
    table = selectors.reporter_table(registry.filters)
    rows = {r.label: [c.value for c in r.cells] for r in table.rows}
    assert rows["Police"] == [3, 1, 4]  # A + 2 anonymous in Y1; C in Y2
    assert rows["NGO"] == [1, 0, 1]  # A again
    assert rows["Netherlands Labour Authority"] == [0, 1, 1]
    assert table.rows[-1].cells[0].value == 3  # Y1 total: A counts once, not twice


def test_age_gender_nationality_and_region(registry):
    f = registry.filters
    age = {r.label: [c.value for c in r.cells] for r in selectors.age_table(f).rows}
    assert age["<18"] == [0, 1, 1]
    assert age["24–30"] == [3, 0, 3]
    assert age["31–45"] == [0, 1, 1]
    assert age["46+"] == [0, 0, 0]
    gender = by_position(selectors.gender_table(f))
    assert gender[0] == [1, 1, 2]  # female: A, C
    assert gender[1] == [0, 1, 1]  # male: B
    assert gender[3] == [2, 0, 2]  # unknown: the anonymous signals
    nationality = selectors.nationality_table(f)
    labels = [r.label for r in nationality.rows]
    assert len(labels) == 3 + 3  # NG, NL, RO, other, unknown, total
    values = by_position(nationality)
    assert values[labels.index("Nigeria")] == [1, 0, 1]
    assert values[labels.index("Romania")] == [0, 1, 1]
    assert values[-2] == [2, 0, 2]  # unknown
    assert values[-3] == [0, 0, 0]  # other
    region = {r.label: [c.value for c in r.cells] for r in selectors.region_table(f).rows}
    assert region["Amsterdam"] == [3, 1, 4]
    assert region["Rotterdam"] == [0, 1, 1]


def test_the_chain_of_cases(registry):
    status = {r.label: [c.value for c in r.cells] for r in selectors.status_table(registry.filters).rows}
    assert status["New"] == [3, 2, 5]
    assert status["Closed"] == [1, 0, 1]
    assert status["All cases"] == [4, 2, 6]
    reasons = selectors.close_reason_table(registry.filters)
    first = reasons.rows[0]
    assert [c.value for c in first.cells] == [1, 0, 1]  # no indications of trafficking
    assert [c.value for c in reasons.rows[-1].cells] == [1, 0, 1]


def test_form_filter_and_year_range(registry):
    labour = dataclasses.replace(registry.filters, form="labour")
    assert by_position(selectors.summary_table(labour)) == [[0, 0, 0], [1, 1, 1], [1, 1, 1]]
    only_y2 = dataclasses.replace(registry.filters, year_from=Y2)
    assert by_position(selectors.summary_table(only_y2)) == [[2, 2, 2], [2, 2, 2]]


def test_published_cells_are_suppressed(registry):
    table = selectors.reporter_table(registry.filters)
    published = [c.display for r in table.rows for c in r.cells]
    assert "1" not in published and "3" not in published and "4" not in published
    assert "<5" in published
    assert table.csv_rows()[0][1:3] == [str(Y1), str(Y2)]


def test_no_person_is_loaded(registry, django_assert_max_num_queries):
    # every table is a handful of grouped aggregates, whatever the number of signals
    with django_assert_max_num_queries(60):
        selectors.all_tables(registry.filters)
