from __future__ import annotations

from typing import Any

from django import template

from vangnet.audit.labels import field_labels

register = template.Library()


@register.filter
def log_fields(entry: Any) -> str:
    """A log entry's fields as labels in the reader's language, comma-separated."""
    return ", ".join(field_labels(entry.fields or "", entry.object_type or ""))
