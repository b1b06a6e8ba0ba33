"""Server-rendered bar charts: geometry for an inline SVG, drawn by ``shelters/_bar_chart.html``.

Every number that ends up in an SVG attribute is a string from ``svg_number`` (a decimal point in every
language). Each group has a value bar and a reference bar (e.g. occupied vs. places, median vs. 90th percentile).
The template always renders the same numbers as a table too, so the chart is never the only source.
"""

from __future__ import annotations

from typing import Any

from django.utils.formats import number_format

from vangnet.core.svg import svg_number as num

WIDTH = 720
BAR_AREA_HEIGHT = 200
LABEL_HEIGHT = 70
TOP = 10
LEFT = 40


def bar_chart(rows: list[tuple[str, float, float]], *, title: Any, value_label: Any,
              total_label: Any) -> dict[str, Any]:
    n = max(len(rows), 1)
    group = (WIDTH - LEFT) / n
    bar = max(min(group * 0.35, 28), 2)
    top_value = max([max(v, t) for _l, v, t in rows] + [1])
    scale = BAR_AREA_HEIGHT / top_value
    baseline = TOP + BAR_AREA_HEIGHT
    groups = []
    for i, (label, value, total) in enumerate(rows):
        x = LEFT + i * group + (group - 2 * bar) / 2
        vh, th = value * scale, total * scale
        groups.append({
            "label": label, "value": value, "total": total,
            "value_rect": {"x": num(x), "y": num(baseline - vh), "w": num(bar), "h": num(vh)},
            "total_rect": {"x": num(x + bar), "y": num(baseline - th), "w": num(bar), "h": num(th)},
            "label_x": num(LEFT + i * group + group / 2), "label_y": num(baseline + 14),
        })
    ticks = [{"y": num(baseline - f * BAR_AREA_HEIGHT), "value": _tick(top_value * f)} for f in (0, 0.5, 1)]
    return {"title": title, "value_label": value_label, "total_label": total_label, "groups": groups,
            "width": num(WIDTH), "height": num(TOP + BAR_AREA_HEIGHT + LABEL_HEIGHT), "baseline": num(baseline),
            "left": num(LEFT), "tick_x": num(LEFT - 4), "ticks": ticks}


def _tick(value: float) -> str:
    """A tick label is text, not geometry: written in the reader's language (``2,5`` in Dutch)."""
    return number_format(value, 0 if value >= 10 or value == int(value) else 1)
