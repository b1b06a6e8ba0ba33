"""Open data from the hand-made registry (tests/statistics/conftest.py): one row per person, CTDC columns."""

from __future__ import annotations

import csv

import pytest
from django.core.management import CommandError, call_command

from tests.statistics.conftest import Y1, Y2
from vangnet.audit.models import ProcessingLogEntry
from vangnet.statistics.kanonymity import is_k_anonymous
from vangnet.statistics.opendata import (
    QUASI_IDENTIFIERS,
    age_band,
    eurostat_victims,
    is_other_exploitation,
    person_records,
)

pytestmark = pytest.mark.django_db


def test_one_row_per_person_not_per_signal(registry):
    rows = person_records()
    # person A (two signals, one cluster), two anonymous signals, person B, person C
    assert len(rows) == 5
    a = [r for r in rows if r["citizenship"] == "NG"]
    assert len(a) == 1 and a[0]["yearOfRegistration"] == str(Y1) and a[0]["gender"] == "Female"
    assert a[0]["isSexualExploit"] == "1" and a[0]["isForcedLabour"] == "0"
    b = next(r for r in rows if r["citizenship"] == "NL")
    assert (b["gender"], b["ageBroad"], b["majorityStatus"], b["isForcedLabour"]) == ("Male", "39--47", "Adult", "1")
    c = next(r for r in rows if r["citizenship"] == "RO")
    assert (c["ageBroad"], c["majorityStatus"], c["isOtherExploit"]) == ("9--17", "Minor", "1")
    anonymous = [r for r in rows if r["citizenship"] == ""]
    assert len(anonymous) == 2 and all(r["gender"] == "" and r["ageBroad"] == "30--38" for r in anonymous)


def test_year_range(registry):
    assert len(person_records(Y2, Y2)) == 2


def test_no_identifying_column_leaves_the_database(registry):
    text = repr(person_records())
    for word in ("Olumide", "Adeyemi", "Jansen", "Popescu", "1999", "VN-", "window"):
        assert word not in text


def test_command_writes_a_k_anonymous_file_and_logs(registry, tmp_path):
    out, euro = tmp_path / "persons.csv", tmp_path / "eurostat.csv"
    call_command("export_open_data", "--k", "2", "--out", str(out), "--eurostat", str(euro))
    with out.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 5 and "yearOfRegistration" in rows[0] and "CountryOfExploitation" in rows[0]
    assert is_k_anonymous(rows, QUASI_IDENTIFIERS, 2)
    with euro.open(encoding="utf-8") as fh:
        table = list(csv.DictReader(fh))
    assert {r["EXPLOIT"] for r in table} >= {"SEX", "LAB", "OTH"}
    assert all(r["OBS_VALUE"] == "<5" for r in table)  # every cell of this tiny registry is small
    assert ProcessingLogEntry.objects.filter(activity__code="statistics_anonymised", action="export").exists()


def test_command_refuses_bad_arguments(registry, tmp_path):
    with pytest.raises(CommandError, match="--k"):
        call_command("export_open_data", "--k", "1", "--out", str(tmp_path / "x.csv"))
    with pytest.raises(CommandError, match="Cannot write"):
        call_command("export_open_data", "--k", "3", "--out", str(tmp_path / "no" / "such" / "dir.csv"))


def test_age_bands_and_other_forms():
    assert [age_band(a, False) for a in (0, 8, 9, 17, 18, 29, 30, 47, 48, 90)] == [
        "0--8", "0--8", "9--17", "9--17", "18--20", "27--29", "30--38", "39--47", "48+", "48+"]
    assert age_band(None, True) == "0--17" and age_band(None, False) == ""
    assert is_other_exploitation({"criminal"})
    assert is_other_exploitation({"other", "forced_begging"})
    assert not is_other_exploitation({"other", "forced_marriage"})
    assert not is_other_exploitation({"sexual", "labour"})


def test_eurostat_counts_persons_by_form():
    records = [{"yearOfRegistration": "2025", "gender": "Female", "ageBroad": "21--23", "citizenship": "RO",
                "isSexualExploit": "1", "isForcedLabour": "0", "isForcedMarriage": "0", "isOrganRemoval": "0",
                "isOtherExploit": "0"}] * 7
    [row] = eurostat_victims(records)
    assert (row["SEX"], row["AGE"], row["CITIZEN"], row["EXPLOIT"], row["OBS_VALUE"]) == (
        "F", "Y_GE18", "EU_OTH", "SEX", "7")
