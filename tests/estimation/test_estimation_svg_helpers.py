"""The SVG helpers of estimation.plot, shared by the observed/estimated chart and the sensitivity chart."""

from __future__ import annotations

import math

import pytest

from vangnet.estimation import plot, sensitivity
from vangnet.estimation.plot import PlotItem, nice_max, plain_number, svg_chart, svg_open
from vangnet.estimation.sensitivity import IntervalItem, interval_svg


@pytest.mark.parametrize(("value", "expected"), [
    (0, 1.0), (-3, 1.0), (math.inf, 1.0), (1, 1), (1.1, 1.2), (7, 8), (95, 100), (101, 120), (2400, 2500),
])
def test_nice_max(value: float, expected: float) -> None:
    assert nice_max(value) == pytest.approx(expected)


def test_both_charts_open_with_the_shared_tag() -> None:
    file_chart = svg_chart([PlotItem("2025", 100, 250, 180, 400)], "Title", 0.95)
    page_chart = interval_svg([IntervalItem("model <a>", 250, 180, 400)], title="Schatting & interval")
    assert file_chart.startswith(svg_open(420, 360))
    assert page_chart.startswith(svg_open(640, 16 + 26 + 40, label="Schatting & interval"))
    assert 'aria-label="Schatting &amp; interval"' in page_chart and "model &lt;a&gt;" in page_chart
    assert ">500<" in page_chart and plain_number(1234.6) == "1235"  # axis to nice_max(420), no separators


def test_sensitivity_has_no_copy_of_the_helpers() -> None:
    assert sensitivity.nice_max is plot.nice_max and sensitivity.svg_open is plot.svg_open
    assert not any(hasattr(sensitivity, name) for name in ("_nice", "_plain", "_nice_max"))
