"""k-anonymity of the open-data release (pure core): generalise first, suppress last."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vangnet.statistics.kanonymity import EMPTY, Hierarchy, anonymise, group_sizes, is_k_anonymous
from vangnet.statistics.opendata import HIERARCHIES, QUASI_IDENTIFIERS, SUPPRESSION_ORDER

YEARS = [str(y) for y in range(2019, 2027)]
GENDERS = ["Female", "Male", "Transgender/NonConforming", ""]
AGES = ["0--8", "9--17", "18--20", "21--23", "24--26", "27--29", "30--38", "39--47", "48+", ""]
COUNTRIES = ["NL", "RO", "BG", "PL", "NG", "ER", "VN", "CN", "SY", "MA", "UA", "BR", "IN", "HU", ""]

person = st.fixed_dictionaries({
    "yearOfRegistration": st.sampled_from(YEARS), "gender": st.sampled_from(GENDERS),
    "ageBroad": st.sampled_from(AGES), "citizenship": st.sampled_from(COUNTRIES),
    "isSexualExploit": st.sampled_from(["0", "1"]),
})


def generalisations(hierarchy: Hierarchy, value: str) -> set[str]:
    return {hierarchy.generalise(value, level) for level in range(hierarchy.height + 1)} | {EMPTY}


@settings(max_examples=150, deadline=None)
@given(records=st.lists(person, max_size=120), k=st.integers(min_value=2, max_value=12))
def test_every_release_is_k_anonymous_and_truthful(records, k):
    released, report = anonymise(records, HIERARCHIES, k, suppression_order=SUPPRESSION_ORDER)
    if len(records) < k:
        assert released == [] and report.withheld_records == len(records)
        return
    assert len(released) == len(records)
    assert is_k_anonymous(released, QUASI_IDENTIFIERS, k)
    assert report.smallest_group >= k
    for before, after in zip(records, released, strict=True):
        assert after["isSexualExploit"] == before["isSexualExploit"]  # other columns are untouched
        for h in HIERARCHIES:  # a value is only ever coarsened or emptied, never changed into another one
            assert after[h.column] in generalisations(h, before[h.column])


def test_generalises_before_it_suppresses():
    # 12 persons in 2021 and 12 in 2022 of one country each: by year they are groups of 1-2 per country, but
    # the country's continent (Europe: RO, BG, PL are all EU) makes them groups of 4 without suppression
    records = [{"yearOfRegistration": "2021", "gender": "Female", "ageBroad": "18--20", "citizenship": c}
               for c in ["RO", "BG", "PL", "HU"] * 3]
    released, report = anonymise(records, HIERARCHIES, 4, suppression_order=SUPPRESSION_ORDER)
    assert report.levels["citizenship"] == 1 and report.levels["yearOfRegistration"] == 0
    assert {r["citizenship"] for r in released} == {"EU/EEA/CH"}
    assert sum(report.suppressed_values.values()) == 0


def test_a_lone_outlier_is_suppressed_not_the_whole_release_generalised():
    records = [{"yearOfRegistration": "2022", "gender": "Female", "ageBroad": "18--20", "citizenship": "NG"}] * 40
    records = [dict(r) for r in records] + [
        {"yearOfRegistration": "2022", "gender": "Male", "ageBroad": "48+", "citizenship": "VN"}]
    released, report = anonymise(records, HIERARCHIES, 5, suppression_order=SUPPRESSION_ORDER)
    assert is_k_anonymous(released, QUASI_IDENTIFIERS, 5)
    assert report.levels == {"yearOfRegistration": 0, "gender": 0, "ageBroad": 0, "citizenship": 0}
    sizes = group_sizes(released, QUASI_IDENTIFIERS)
    assert sizes[("", "", "", "")] == 5  # the outlier plus four donors from the large group
    assert Counter(r["citizenship"] for r in released)["NG"] == 36


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="k must"):
        anonymise([], HIERARCHIES, 0)
    with pytest.raises(ValueError, match="suppression order"):
        anonymise([], HIERARCHIES, 3, suppression_order=["gender"])
