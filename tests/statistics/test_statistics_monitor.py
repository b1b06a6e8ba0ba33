"""The annual monitor: built from the registry, disclosure control applied, page and PDF, reproducible."""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from django.urls import reverse
from pypdf import PdfReader

from tests.statistics.conftest import Y2
from tests.statistics.test_statistics_chain import chain_registry  # noqa: F401  (fixture)
from vangnet.statistics import monitor

pytestmark = pytest.mark.django_db


def test_the_monitor_holds_every_part(chain_registry):  # noqa: F811
    result = monitor.build(Y2)
    assert result.filters.year_to == Y2 and len(result.filters.years) == monitor.YEARS_SHOWN
    assert [t.key for t in result.figures] == list(monitor.MONITOR_TABLES)
    assert result.chain.persons == 5
    assert result.controls.year == Y2
    # this tiny registry has too few lists for an estimate: the reason is shown, nothing is made up
    assert result.estimate.total is None and result.estimate.error
    # disclosure control: no published cell shows a number from 1 to 4
    tables = [*result.figures, result.chain.flow, result.shelter.table, *result.chain.breakdowns]
    for table in tables:
        for row in table.rows:
            for cell in row.cells:
                assert not (0 < cell.value < 5) or cell.display == "<5"


@pytest.mark.parametrize("who, status", [("analyst", 200), ("national", 200), ("coordinator", 404),
                                         ("outsider", 404), ("admin", 404)])
def test_who_sees_the_monitor(chain_registry, cast, logged_in, who, status):  # noqa: F811
    client = logged_in(getattr(cast, who))
    assert client.get(reverse("statistics:monitor"), {"year": Y2}).status_code == status
    assert client.get(reverse("statistics:monitor_pdf", args=[Y2])).status_code == status


def test_the_pdf_opens_and_says_what_the_page_says(chain_registry, cast, logged_in):  # noqa: F811
    client = logged_in(cast.analyst)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    response = client.get(reverse("statistics:monitor_pdf", args=[Y2]))
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert f"Jaarmonitor {Y2}" in text
    headings = ("Van signaal tot uitspraak", "Opvang", "Prostitutiecontroles", "Schatting van het verborgen aantal")
    for heading in headings:
        assert heading.lower() in text.lower(), heading
    assert "Olumide" not in text and "Popescu" not in text
    again = client.get(reverse("statistics:monitor_pdf", args=[Y2]))
    assert again.content == response.content  # same data, same settings: the same report


def test_a_year_in_the_future_is_not_a_monitor(chain_registry, cast, logged_in):  # noqa: F811
    client = logged_in(cast.analyst)
    assert client.get(reverse("statistics:monitor_pdf", args=[2999])).status_code == 404
    page = client.get(reverse("statistics:monitor"), {"year": "abc"})
    assert page.status_code == 200 and page.context["monitor"].year == Y2
