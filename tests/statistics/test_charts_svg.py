"""Charts render in every language: the SVG parses as XML and its numeric attributes are plain numbers
(a decimal point, never the Dutch decimal comma that makes the browser draw nothing)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from tests.factories import OrganisationFactory
from tests.shelters.conftest import make_location
from tests.statistics.conftest import Y1, Y2
from vangnet.accounts.models import OrganisationType
from vangnet.core.svg import svg_number

NUMERIC = {"x", "y", "x1", "x2", "y1", "y2", "width", "height"}
NUMBER = re.compile(r"-?\d+(\.\d+)?")
SVG = re.compile(r"<svg\b.*?</svg>", re.S)


def svgs(html: str) -> list[ET.Element]:
    found = SVG.findall(html)
    charts = [svg for svg in found if "vn-chart" in svg or "vn-stat-chart" in svg]
    return [ET.fromstring(svg) for svg in charts]  # noqa: S314  (our own page, not untrusted input)


def check_numbers(svg: ET.Element) -> int:
    checked = 0
    for element in svg.iter():
        for name, value in element.attrib.items():
            if name in NUMERIC:
                assert NUMBER.fullmatch(value), f"{element.tag} {name}={value!r}"
                checked += 1
        if "viewBox" in element.attrib:
            assert all(NUMBER.fullmatch(part) for part in element.attrib["viewBox"].split())
        transform = element.attrib.get("transform", "")
        assert "," not in transform.replace(", ", ""), transform
    return checked


@pytest.mark.parametrize(("value", "text"), [(12.0, "12"), (12.34, "12.3"), (0.05, "0.1"), (-0.01, "0"), (7, "7")])
def test_svg_number_is_locale_independent(value, text, settings):
    settings.LANGUAGE_CODE = "nl"
    assert svg_number(value) == text


def test_national_shelter_charts_parse_in_dutch(cast, logged_in, db):
    provider = OrganisationFactory(name="Opvang (test)", type=OrganisationType.SHELTER_PROVIDER,
                                   municipality_id="GM0344", region_id="MN")
    make_location(provider, "Locatie A", "GM0344", places=3)
    html = logged_in(cast.national).get("/shelters/national/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    charts = svgs(html)
    assert len(charts) == 2
    assert sum(check_numbers(svg) for svg in charts) > 10
    assert html.count("<table") >= len(charts)


def test_figures_charts_parse_in_dutch(registry, cast, logged_in):
    html = logged_in(cast.analyst).get(f"/figures/?year_from={Y1}&year_to={Y2}",
                                       HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert 'lang="nl"' in html
    charts = svgs(html)
    assert len(charts) == 9
    assert sum(check_numbers(svg) for svg in charts) > 50
    assert html.count("<table") >= len(charts)
