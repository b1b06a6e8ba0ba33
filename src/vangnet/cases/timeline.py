"""Timeline lines rendered at read time, in the reader's language."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext

if TYPE_CHECKING:
    from vangnet.cases.models import CaseEvent


def _value(value: object) -> str:
    """A value, or a ``{"nl": ..., "en": ...}`` label from a data file in the reader's language."""
    if isinstance(value, dict):
        from vangnet.core.i18n import pick

        return pick(value)
    return str(value)


def render_event(event: CaseEvent) -> str:
    if not event.message:
        return event.summary
    try:
        return gettext(event.message) % {key: _value(value) for key, value in (event.params or {}).items()}
    except (KeyError, ValueError, TypeError):
        return gettext(event.message)
