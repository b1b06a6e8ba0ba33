from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def can_see(access: Any, section: str) -> bool:
    """``{% if access|can_see:"identity" %}``: whether a case section may be shown."""
    return bool(access) and access.can(section)
