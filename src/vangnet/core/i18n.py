"""Bilingual reference data: pick the Dutch or English text for the active language."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import get_language


def active_language() -> str:
    """``"nl"`` when Dutch is active, else ``"en"``: bilingual data is shown in English to a reader of
    another language (the public pages are offered in more languages than nl/en)."""
    return "nl" if (get_language() or "nl").startswith("nl") else "en"


def localised(nl: str, en: str) -> str:
    """The English text when English is active, else the Dutch."""
    return en if active_language() == "en" else nl


def pick(text: Mapping[str, str] | None) -> str:
    """From a ``{"nl": ..., "en": ...}`` mapping out of a data file, the text in the active language."""
    if not text:
        return ""
    return text.get(active_language()) or text.get("nl") or ""


def in_reader_order(queryset: Any) -> Any:
    """Countries or languages (``BilingualName``) sorted by their name in the reader's language."""
    return queryset.order_by("name_en" if active_language() == "en" else "name_nl")
