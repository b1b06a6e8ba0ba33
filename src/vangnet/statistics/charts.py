"""Horizontal bar charts as inline SVG geometry, drawn by ``statistics/_chart.html``.

A chart shows one column of a published table (after suppression): a suppressed cell gets no bar, only
its published text (``<5`` or ``x``). The table next to it is the chart's text alternative.
Numbers in SVG attributes are strings from ``svg_number``: a decimal point in every language.
"""

from __future__ import annotations

from typing import Any

from vangnet.core.svg import svg_number as num
from vangnet.statistics.selectors import FigureTable

WIDTH = 720
LABEL_WIDTH = 260
VALUE_WIDTH = 70
ROW_HEIGHT = 24
BAR_HEIGHT = 16
TOP = 8


def bar_chart(table: FigureTable) -> dict[str, Any]:
    rows = [r for r in table.rows if not r.is_total]
    column = table.chart_column if table.chart_column >= 0 else len(table.columns) + table.chart_column
    cells = [(r.label, r.cells[column]) for r in rows]
    top = max([c.published or 0 for _l, c in cells] + [1])
    area = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    bars = []
    for i, (label, cell) in enumerate(cells):
        y = TOP + i * ROW_HEIGHT
        width = round((cell.published or 0) / top * area, 1)
        bars.append({
            "label": label, "text": cell.display, "y": num(y), "bar_y": num(y + (ROW_HEIGHT - BAR_HEIGHT) / 2),
            "text_y": num(y + ROW_HEIGHT / 2), "width": num(width) if width else "",
            "value_x": num(LABEL_WIDTH + width + 6),
        })
    return {
        "bars": bars, "width": num(WIDTH), "height": num(TOP * 2 + ROW_HEIGHT * max(len(bars), 1)),
        "label_x": num(LABEL_WIDTH - 8), "left": num(LABEL_WIDTH), "bar_height": num(BAR_HEIGHT),
        "column": table.columns[column],
    }
