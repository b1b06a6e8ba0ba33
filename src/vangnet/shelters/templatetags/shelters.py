from typing import Any

from django import template

register = template.Library()


@register.filter
def region_total(row: Any, key: str) -> int:
    return int(row.total(key))
