"""Server-rendered bar charts: geometry for an inline SVG, drawn by ``shelters/_bar_chart.html``.

Each group has a value bar and a reference bar (e.g. occupied vs. places, median vs. 90th percentile).
The template always renders the same numbers as a table too, so the chart is never the only source.
"""

from __future__ import annotations

from typing import Any

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
            "value_rect": {"x": round(x, 1), "y": round(baseline - vh, 1), "w": round(bar, 1), "h": round(vh, 1)},
            "total_rect": {"x": round(x + bar, 1), "y": round(baseline - th, 1), "w": round(bar, 1),
                           "h": round(th, 1)},
            "label_x": round(LEFT + i * group + group / 2, 1), "label_y": baseline + 14,
        })
    ticks = [{"y": round(baseline - f * BAR_AREA_HEIGHT, 1), "value": _tick(top_value * f)} for f in (0, 0.5, 1)]
    return {"title": title, "value_label": value_label, "total_label": total_label, "groups": groups,
            "width": WIDTH, "height": TOP + BAR_AREA_HEIGHT + LABEL_HEIGHT, "baseline": baseline, "left": LEFT,
            "ticks": ticks}


def _tick(value: float) -> str:
    return f"{value:.0f}" if value >= 10 or value == int(value) else f"{value:.1f}"
