"""Numbers for SVG attributes, written the same way in every language.

Django localises floats in templates (``12,0`` in Dutch), and an SVG coordinate with a decimal comma is
invalid: the browser draws nothing. Chart geometry is therefore handed to templates as strings made here,
never as floats.
"""

from __future__ import annotations


def svg_number(value: float) -> str:
    """``12.0`` -> ``"12"``, ``12.345`` -> ``"12.3"``: a decimal point, no grouping, at most one decimal."""
    text = f"{float(value):.1f}"
    if text.endswith(".0"):
        text = text[:-2]
    return "0" if text == "-0" else text
