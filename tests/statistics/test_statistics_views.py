"""The figures pages: who may see them, what they show, the CSV downloads and the processing log."""

from __future__ import annotations

import csv
import io
from collections import Counter

import pytest

from tests.statistics.conftest import Y1, Y2
from vangnet.audit.models import ProcessingLogEntry
from vangnet.statistics import views
from vangnet.statistics.capture import LISTS, CaptureHistories
from vangnet.statistics.selectors import Filters

ALL = ["reporter", "colleague", "outsider", "coordinator", "other_coordinator", "national", "analyst", "admin"]
ALLOWED = {"national", "analyst"}
PAGES = ["/figures/", "/figures/estimate/", "/figures/forms.csv", "/figures/summary.csv"]
RANGE = f"?year_from={Y1}&year_to={Y2}"


@pytest.mark.parametrize("who", ALL)
@pytest.mark.parametrize("url", PAGES)
def test_only_the_national_coordinator_and_the_analyst_see_figures(who, url, cast, logged_in):
    response = logged_in(getattr(cast, who)).get(url)
    assert response.status_code == (200 if who in ALLOWED else 404)


def test_anonymous_visitors_are_sent_to_the_login(client, db):
    assert client.get("/figures/").status_code == 302


def test_navigation_shows_figures_to_the_allowed_roles_only(cast, logged_in):
    assert 'href="/figures/"' in logged_in(cast.analyst).get("/figures/").content.decode()
    assert 'href="/figures/"' not in logged_in(cast.reporter).get("/").content.decode()


def test_figures_page_renders_tables_charts_and_logs_the_read(registry, cast, logged_in):
    response = logged_in(cast.analyst).get("/figures/" + RANGE, HTTP_ACCEPT_LANGUAGE="en")
    content = response.content.decode()
    assert response.status_code == 200
    assert content.count("<table") == 9
    assert content.count('role="img"') == 9
    assert "<caption" in content and "<title id=" in content and "<desc id=" in content
    assert "&lt;5" in content
    assert "Adeyemi" not in content and "Popescu" not in content
    entry = ProcessingLogEntry.objects.filter(activity__code="statistics_anonymised").latest("at")
    assert entry.action == "read" and entry.subject_pseudonym == "" and entry.actor == cast.analyst
    assert "gender" in entry.fields


def test_invalid_filters_show_an_error_and_the_default_figures(registry, cast, logged_in):
    response = logged_in(cast.national).get(f"/figures/?year_from={Y2}&year_to={Y1}")
    assert response.status_code == 200
    assert response.context["form"].errors


def test_csv_download_is_suppressed_and_logged(registry, cast, logged_in):
    response = logged_in(cast.national).get("/figures/reporters.csv" + RANGE + "&measure=persons")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert f"reporters-persons-{Y1}-{Y2}" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][1:3] == [str(Y1), str(Y2)]
    values = [v for row in rows[1:] for v in row[1:]]
    assert "<5" in values
    assert not {"1", "2", "3", "4"} & set(values)
    assert ProcessingLogEntry.objects.filter(activity__code="statistics_anonymised", action="export").exists()


def test_unknown_csv_is_404(cast, logged_in):
    assert logged_in(cast.analyst).get("/figures/persons.csv").status_code == 404


def test_estimate_page_with_the_library_message_on_a_tiny_registry(registry, cast, logged_in):
    response = logged_in(cast.analyst).get("/figures/estimate/" + RANGE, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    content = response.content.decode()
    assert "Traceback" not in content
    assert response.context["result"] is not None or response.context["error"]
    assert "anonymous signals" in content


def _fake_capture(counts):
    def build(filters: Filters, lists=LISTS):
        return CaptureHistories(filters, lists, Counter(counts), anonymous_signals=12)
    return build


def test_estimate_page_shows_the_result(monkeypatch, cast, logged_in):
    counts = {(1, 0, 0, 0, 0): 200, (0, 1, 0, 0, 0): 150, (0, 0, 0, 0, 1): 120, (1, 1, 0, 0, 0): 30,
              (1, 0, 0, 0, 1): 25, (0, 1, 0, 0, 1): 20, (1, 1, 0, 0, 1): 5}
    monkeypatch.setattr(views, "capture_histories", _fake_capture(counts))
    response = logged_in(cast.national).get("/figures/estimate/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    result = response.context["result"]
    assert result is not None and not response.context["error"]
    assert result["observed"] == 550
    assert result["lists"] == ["Police", "Royal Marechaussee (KMar)",
                               "Care coordination, shelters, care, NGOs, municipalities and others"]
    content = response.content.decode()
    assert "Estimated total" in content and result["total"] in content and result["ci_low"] in content
    assert "12 anonymous signals" in content
    assert ProcessingLogEntry.objects.filter(activity__code="statistics_anonymised").exists()


def test_estimate_page_shows_the_library_message_when_no_estimate_exists(monkeypatch, cast, logged_in):
    # two lists that never overlap: the estimate does not exist
    monkeypatch.setattr(views, "capture_histories", _fake_capture({(1, 0, 0, 0, 0): 40, (0, 1, 0, 0, 0): 30}))
    response = logged_in(cast.national).get("/figures/estimate/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response.context["result"] is None
    assert response.context["error"]
    assert response.context["error"] in response.content.decode()
    assert "No estimate can be made" in response.content.decode()
