"""Achievement against target per municipality as a horizontal bar chart (inline SVG geometry).

Every number is written as text with a dot here, never through the template's localisation, so the SVG is
valid in every language. The table beside the chart is its text alternative.
"""

from __future__ import annotations

from typing import Any

from vangnet.controls.selectors import ControlsReport

WIDTH, LABEL_WIDTH, VALUE_WIDTH, ROW_HEIGHT, BAR_HEIGHT, TOP = 720, 200, 90, 24, 16, 8
MAX_SHARE = 1.5  # bars stop at 150 % of the target; the text gives the real share


def _n(value: float) -> str:
    return f"{value:.1f}"


def achievement_chart(report: ControlsReport) -> dict[str, Any]:
    rows = [r for r in report.rows if r.target]
    area = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    bars = []
    for i, row in enumerate(rows):
        share = row.achievement or 0.0
        y = TOP + i * ROW_HEIGHT
        width = min(share, MAX_SHARE) / MAX_SHARE * area
        bars.append({
            "label": row.name, "text": f"{round(share * 100)}%", "met": share >= 1,
            "y": _n(y), "bar_y": _n(y + (ROW_HEIGHT - BAR_HEIGHT) / 2), "text_y": _n(y + ROW_HEIGHT / 2),
            "width": _n(width), "value_x": _n(LABEL_WIDTH + width + 6),
        })
    height = TOP * 2 + ROW_HEIGHT * max(len(bars), 1)
    return {
        "bars": bars, "width": str(WIDTH), "height": str(height), "label_x": str(LABEL_WIDTH - 8),
        "left": str(LABEL_WIDTH), "bar_height": str(BAR_HEIGHT),
        "target_x": _n(LABEL_WIDTH + area / MAX_SHARE), "bottom": str(height - TOP),
    }
