"""A small chart of observed versus estimated numbers with the confidence interval, and the SVG helpers
the estimation charts share (``nice_max``, ``plain_number``, ``svg_open``; the sensitivity chart uses them).

SVG is written directly (no dependency).  A ``.png`` file is drawn with matplotlib when it is
installed; otherwise a clear error asks for an ``.svg`` name instead.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape
from pathlib import Path

from vangnet.estimation.errors import EstimationError


@dataclass(frozen=True)
class PlotItem:
    """One group of bars: observed, estimated total and its interval."""

    label: str
    observed: float
    estimate: float
    low: float
    high: float


def check_plot_path(path: str | Path) -> None:
    """Raise :class:`EstimationError` early if ``path`` cannot be written in its format."""
    suffix = Path(path).suffix.lower()
    if suffix == ".svg":
        return
    if suffix == ".png":
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            raise EstimationError(
                "PNG output needs matplotlib, which is not installed; give a .svg file name instead."
            ) from None
        return
    raise EstimationError(
        f"Unsupported plot format {suffix or '(none)'!r}; use .svg (or .png with matplotlib)."
    )


def write_plot(path: str | Path, items: list[PlotItem], title: str, level: float) -> None:
    """Write the chart to ``path`` (.svg, or .png when matplotlib is available)."""
    check_plot_path(path)
    p = Path(path)
    if p.suffix.lower() == ".png":
        _write_png(p, items, title, level)
    else:
        p.write_text(svg_chart(items, title, level), encoding="utf-8")


def nice_max(value: float) -> float:
    """The axis maximum: the first round number (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 x 10^n) at or above ``value``."""
    if value <= 0 or not math.isfinite(value):
        return 1.0
    exp = 10 ** math.floor(math.log10(value))
    for m in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if m * exp >= value:
            return m * exp
    return 10 * exp  # pragma: no cover


def plain_number(v: float) -> str:
    """A whole number without separators (locale-neutral, for axis labels)."""
    return f"{v:.0f}"


def svg_open(width: int, height: int, *, label: str | None = None) -> str:
    """The opening ``<svg>`` tag. Without ``label``: a fixed-size document (a file). With ``label``: a chart
    for a page, as wide as its container, with ``label`` as its accessible name."""
    if label is None:
        return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
                f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
            f'role="img" aria-label="{escape(label)}" font-family="sans-serif" font-size="12">')


def svg_chart(items: list[PlotItem], title: str, level: float) -> str:
    """The chart as an SVG document (bars for observed and estimated, whiskers for the interval)."""
    width = max(420, 150 * len(items) + 120)
    height = 360
    left, right, top, bottom = 80, 20, 50, 60
    plot_w = width - left - right
    plot_h = height - top - bottom
    finite_highs = [i.high for i in items if math.isfinite(i.high)]
    vmax = nice_max(max([i.estimate for i in items] + finite_highs + [i.observed for i in items]) * 1.05)

    def y(v: float) -> float:
        return top + plot_h * (1 - min(v, vmax) / vmax)

    out = [
        svg_open(width, height),
        f'<rect width="{width}" height="{height}" fill="white"/>',
        f'<text x="{width / 2}" y="24" text-anchor="middle" font-size="15">{escape(title)}</text>',
    ]
    for t in range(6):
        v = vmax * t / 5
        yy = y(v)
        out.append(f'<line x1="{left}" x2="{width - right}" y1="{yy:.1f}" y2="{yy:.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{left - 6}" y="{yy + 4:.1f}" text-anchor="end">{v:,.0f}</text>')
    group = plot_w / len(items)
    bar = min(40.0, group / 3)
    for i, it in enumerate(items):
        cx = left + group * (i + 0.5)
        x_obs = cx - bar - 2
        x_est = cx + 2
        out.append(
            f'<rect x="{x_obs:.1f}" y="{y(it.observed):.1f}" width="{bar:.1f}" '
            f'height="{top + plot_h - y(it.observed):.1f}" fill="#9db4d0">'
            f"<title>observed {it.observed:,.0f}</title></rect>"
        )
        out.append(
            f'<rect x="{x_est:.1f}" y="{y(it.estimate):.1f}" width="{bar:.1f}" '
            f'height="{top + plot_h - y(it.estimate):.1f}" fill="#2c5d8f">'
            f"<title>estimate {it.estimate:,.0f}</title></rect>"
        )
        if math.isfinite(it.low):
            wx = x_est + bar / 2
            hi = it.high if math.isfinite(it.high) else vmax
            out.append(
                f'<line x1="{wx:.1f}" x2="{wx:.1f}" y1="{y(it.low):.1f}" y2="{y(hi):.1f}" stroke="black"/>'
            )
            out.append(
                f'<line x1="{wx - 6:.1f}" x2="{wx + 6:.1f}" y1="{y(it.low):.1f}" '
                f'y2="{y(it.low):.1f}" stroke="black"/>'
            )
            if math.isfinite(it.high):
                out.append(
                    f'<line x1="{wx - 6:.1f}" x2="{wx + 6:.1f}" y1="{y(hi):.1f}" '
                    f'y2="{y(hi):.1f}" stroke="black"/>'
                )
        out.append(
            f'<text x="{cx:.1f}" y="{top + plot_h + 18}" text-anchor="middle">{escape(it.label)}</text>'
        )
        out.append(
            f'<text x="{x_obs + bar / 2:.1f}" y="{y(it.observed) - 4:.1f}" text-anchor="middle" '
            f'font-size="10">{it.observed:,.0f}</text>'
        )
        out.append(
            f'<text x="{x_est + bar + 4:.1f}" y="{y(it.estimate) + 4:.1f}" text-anchor="start" '
            f'font-size="10">{it.estimate:,.0f}</text>'
        )
    pct = round(level * 100)
    ly = height - 14
    out.append(f'<rect x="{left}" y="{ly - 10}" width="12" height="12" fill="#9db4d0"/>')
    out.append(f'<text x="{left + 16}" y="{ly}">observed</text>')
    out.append(f'<rect x="{left + 90}" y="{ly - 10}" width="12" height="12" fill="#2c5d8f"/>')
    out.append(f'<text x="{left + 106}" y="{ly}">estimated total (whisker: {pct}% interval)</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _write_png(path: Path, items: list[PlotItem], title: str, level: float) -> None:  # pragma: no cover
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(max(4.5, 1.6 * len(items) + 1.5), 4))
    xs = range(len(items))
    ax.bar([x - 0.2 for x in xs], [i.observed for i in items], width=0.4, label="observed", color="#9db4d0")
    ax.bar(
        [x + 0.2 for x in xs],
        [i.estimate for i in items],
        width=0.4,
        label="estimated total",
        color="#2c5d8f",
    )
    for x, it in zip(xs, items, strict=True):
        if math.isfinite(it.low) and math.isfinite(it.high):
            ax.errorbar(
                x + 0.2,
                it.estimate,
                yerr=[[it.estimate - it.low], [it.high - it.estimate]],
                color="black",
                capsize=6,
            )
    ax.set_xticks(list(xs), [i.label for i in items])
    ax.set_title(title)
    ax.legend(title=f"whisker: {round(level * 100)}% interval")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
