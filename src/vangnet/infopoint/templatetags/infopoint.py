from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings

from vangnet.infopoint.languages import switcher

register = template.Library()


@register.simple_tag(takes_context=True)
def public_languages(context: dict[str, Any]) -> list[dict[str, Any]]:
    return switcher(context["request"])


@register.simple_tag
def quick_exit_url() -> str:
    return str(settings.INFOPOINT_QUICK_EXIT_URL)
