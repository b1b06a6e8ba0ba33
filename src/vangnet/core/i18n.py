"""Bilingual reference data: pick the Dutch or English text for the active language."""

from __future__ import annotations

from django.utils.translation import get_language


def localised(nl: str, en: str) -> str:
    """The English text when English is active, else the Dutch (the default language)."""
    return en if (get_language() or "nl").startswith("en") else nl
