from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings

from vangnet.infopoint.languages import switcher

register = template.Library()


@register.simple_tag(takes_context=True)
def public_languages(context: dict[str, Any]) -> list[dict[str, Any]]:
    return switcher(context["request"])


@register.filter
def language_name(code: str) -> str:
    """A language code (``ro``) as the language's name in the reader's language ("Roemeens" / "Romanian")."""
    from django.utils.translation import get_language_info

    from vangnet.infopoint.languages import NAMES

    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return NAMES.get(code, (code, ""))[0]


@register.simple_tag
def quick_exit_url() -> str:
    return str(settings.INFOPOINT_QUICK_EXIT_URL)
