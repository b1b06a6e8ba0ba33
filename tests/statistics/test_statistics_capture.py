"""Capture histories from the registry, and the CSV the estimation CLI reads."""

from __future__ import annotations

import dataclasses
import io
from collections import Counter

import pytest
from django.core.management import CommandError, call_command

from tests.statistics.conftest import Y1, Y2
from vangnet.estimation import read_table
from vangnet.estimation.cli import main as estimate_cli
from vangnet.statistics.capture import LISTS, CaptureHistories, capture_histories
from vangnet.statistics.selectors import Filters


def test_every_organisation_type_is_on_exactly_one_list():
    from vangnet.accounts.models import OrganisationType

    for value in OrganisationType.values:
        assert sum(value in lst.types for lst in LISTS) == 1, value


def test_a_person_on_two_lists_counts_once_in_the_11_cell(registry):
    capture = capture_histories(registry.filters)
    codes = [lst.code for lst in capture.lists]
    police, labour, care = codes.index("police"), codes.index("labour_inspectorate"), codes.index("care_other")

    def history(*on):
        return tuple(int(j in on) for j in range(len(codes)))

    # A: police and NGO (one person, two lists); B: labour inspectorate; C: police
    assert capture.counts == Counter({history(police, care): 1, history(labour): 1, history(police): 1})
    assert capture.observed == 3
    assert capture.anonymous_signals == 2
    used, rows = capture.rows()
    assert used == ["police", "labour_inspectorate", "care_other"]  # KMar and IND/COA/OM: nobody on them
    assert dict(rows) == {(1, 0, 1): 1, (1, 0, 0): 1, (0, 1, 0): 1}
    table = capture.table()
    assert table.observed == 3
    assert table.overlap(0, 2) == 1


def test_the_year_range_and_form_limit_the_histories(registry):
    y1 = capture_histories(dataclasses.replace(registry.filters, year_to=Y1))
    assert y1.observed == 1 and y1.anonymous_signals == 2
    labour = capture_histories(dataclasses.replace(registry.filters, form="labour"))
    assert labour.observed == 1 and labour.anonymous_signals == 0


def test_export_command_writes_what_vangnet_estimate_reads(registry, tmp_path, capsys):
    out = tmp_path / "histories.csv"
    call_command("export_capture_histories", "--years", f"{Y1}-{Y2}", str(out), stdout=io.StringIO())
    text = out.read_text()
    assert text.splitlines()[0] == "police,labour_inspectorate,care_other,count"
    table = read_table(out)
    assert table.observed == 3
    assert table.lists == ("police", "labour_inspectorate", "care_other")
    # the CLI runs on it: an estimate or a one-line error, never a traceback
    status = estimate_cli([str(out)])
    captured = capsys.readouterr()
    assert status in (0, 2)
    assert "Traceback" not in captured.err


def test_export_command_rejects_bad_years(db):
    with pytest.raises(CommandError):
        call_command("export_capture_histories", "--years", "2026-2022", "x.csv")
    with pytest.raises(CommandError):
        call_command("export_capture_histories", "--years", "last year", "x.csv")


def test_csv_of_a_larger_table_round_trips(tmp_path):
    counts = Counter({(1, 0, 0, 0, 0): 40, (0, 1, 0, 0, 0): 9, (1, 0, 0, 0, 1): 6, (0, 0, 0, 0, 1): 30})
    capture = CaptureHistories(Filters(2022, 2026), LISTS, counts, anonymous_signals=0)
    buffer = io.StringIO()
    capture.write_csv(buffer)
    path = tmp_path / "t.csv"
    path.write_text(buffer.getvalue())
    assert read_table(path).list_totals() == {"police": 46, "kmar": 9, "care_other": 36}
