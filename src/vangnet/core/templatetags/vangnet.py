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


@register.simple_tag
def elided_pages(page_obj: Any) -> list[Any]:
    """Page numbers around the current page with ``…`` gaps, without looping over every page."""
    paginator = page_obj.paginator
    return list(paginator.get_elided_page_range(page_obj.number, on_each_side=2, on_ends=1))
