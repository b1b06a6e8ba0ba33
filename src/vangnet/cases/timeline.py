"""Timeline lines rendered at read time, in the reader's language (docs/i18n.md, "Timeline lines").

A line is stored as an English message id (marked with ``gettext_noop``) and ``params``. A param value is
one of:

- a plain string or number: shown as it is (case and signal numbers, organisation names, rule versions);
- ``{"code": "<namespace>:<value>"}``: a code shown by its label in the reader's language, e.g.
  ``{"code": "cases.CaseStatus:new"}`` -> "Nieuw" / "New" (make it with :func:`code` or :func:`choice`);
- ``{"date": "2026-12-04"}`` / ``{"datetime": "2026-12-04T13:05:00+00:00"}``: written in the reader's date
  format (``DATE_FORMAT`` / ``DATETIME_FORMAT``, local time) (make them with :func:`date` / :func:`datetime`);
- a list of such values: rendered one by one and joined with ", ".

Rows written before messages had ids (``summary`` only) were read back into a message id and params by the
migration ``cases.0008_timeline_legacy_messages`` (``parse_legacy``); a row it could not read is shown as written.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Callable
from functools import cache
from importlib import import_module
from typing import TYPE_CHECKING, Any

from django.utils import formats, timezone, translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext, gettext_lazy

if TYPE_CHECKING:
    from vangnet.cases.models import CaseEvent

#: code namespaces: choices classes (by dotted path) and data-file codes (a function code -> label)
CHOICES: dict[str, str] = {
    "cases.CaseStatus": "vangnet.cases.models.CaseStatus",
    "cases.CloseReason": "vangnet.cases.models.CloseReason",
    "cases.Urgency": "vangnet.cases.models.Urgency",
    "cases.InvolvementRole": "vangnet.cases.models.InvolvementRole",
    "cases.ConsentPurpose": "vangnet.cases.models.ConsentPurpose",
    "cases.ConsentStatus": "vangnet.cases.models.ConsentStatus",
    "shelters.PlaceType": "vangnet.shelters.models.PlaceType",
    "shelters.EscalationReason": "vangnet.shelters.models.EscalationReason",
    "shelters.DeclineReason": "vangnet.shelters.models.DeclineReason",
    "shelters.DischargeDestination": "vangnet.shelters.models.DischargeDestination",
    "sharing.HandoverStatus": "vangnet.sharing.models.HandoverStatus",
}

#: the parts of a triage a professional can change (Triage.overridden_parts)
TRIAGE_PARTS = {"urgency": gettext_lazy("urgency"), "needs": gettext_lazy("needs"), "route": gettext_lazy("route")}


def _sharing_purpose(value: str) -> str:
    from vangnet.sharing.policies import load_policies

    purpose = load_policies().purposes.get(value)
    return purpose.label if purpose else value


RESOLVERS: dict[str, Callable[[str], str]] = {
    "sharing.purpose": _sharing_purpose,
    "triage.part": lambda value: str(TRIAGE_PARTS.get(value, value)),
}


@cache
def _choices(namespace: str) -> Any:
    path = CHOICES[namespace]
    module, _dot, name = path.rpartition(".")
    return getattr(import_module(module), name)


def code(namespace: str, value: str) -> dict[str, str]:
    """A code to show by its label at read time; ``namespace`` is a key of CHOICES or RESOLVERS."""
    if namespace not in CHOICES and namespace not in RESOLVERS:
        raise KeyError(f"unknown timeline code namespace {namespace!r}")
    return {"code": f"{namespace}:{value}"}


def choice(member: enum.Enum | str, namespace: str | None = None) -> dict[str, str]:
    """A member of a registered choices class, e.g. ``choice(CaseStatus.NEW)``."""
    if namespace is None:
        cls = type(member)
        namespace = next((key for key, path in CHOICES.items() if path == f"{cls.__module__}.{cls.__qualname__}"),
                         None)
        if namespace is None:
            raise KeyError(f"{cls.__qualname__} is not a timeline code namespace (add it to CHOICES)")
    return code(namespace, str(getattr(member, "value", member)))


def date(value: dt.date) -> dict[str, str]:
    return {"date": value.isoformat()}


def datetime(value: dt.datetime) -> dict[str, str]:
    return {"datetime": value.isoformat()}


def label(text: str) -> str:
    """The label of ``"<namespace>:<value>"`` in the active language (the value itself when unknown)."""
    namespace, _sep, value = text.partition(":")
    try:
        if namespace in RESOLVERS:
            return RESOLVERS[namespace](value)
        return str(_choices(namespace)(value).label)
    except (KeyError, ValueError, ImportError, AttributeError):
        return value


def render_value(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(render_value(v) for v in value)
    if isinstance(value, dict):
        if "code" in value:
            return label(str(value["code"]))
        if "nl" in value or "en" in value:  # a label from a data file (procedures), in the reader's language
            from vangnet.core.i18n import pick

            return pick(value)
        if "date" in value:
            parsed = parse_date(str(value["date"]))
            return formats.date_format(parsed, "DATE_FORMAT") if parsed else str(value["date"])
        if "datetime" in value:
            moment = parse_datetime(str(value["datetime"]))
            if moment is None:
                return str(value["datetime"])
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            return formats.date_format(moment, "DATETIME_FORMAT")
        return ""
    return str(value)


def render(message: str, params: dict[str, Any] | None) -> str:
    """A message id with its params, in the active language."""
    try:
        return gettext(message) % {key: render_value(value) for key, value in (params or {}).items()}
    except (KeyError, ValueError, TypeError):
        return gettext(message)


def render_event(event: CaseEvent) -> str:
    if not event.message:
        return event.summary
    return render(event.message, event.params)


# --- rows written before message ids (summary text in the writer's language) -------------------------

#: every message id the services write, so legacy text can be read back into a message id and params
MESSAGES = [
    "Case opened, led by %(org)s", "%(org)s involved: %(role)s", "Status changed from “%(from)s” to “%(to)s”",
    "Consent for “%(purpose)s”: %(status)s", "Signal %(ref)s registered by %(org)s",
    "The national coordination centre decided that this signal concerns a person known from another signal.",
    "The national coordination centre decided that this signal concerns another person than a similar signal.",
    "The national coordination centre withdrew an earlier decision about the same person.",
    "Triage with rules %(version)s: %(urgency)s, %(steps)s steps in the route",
    "Triage changed by a professional (%(parts)s): %(urgency)s",
    "Handover requested to %(org)s for “%(purpose)s”", "Handover to %(org)s for “%(purpose)s”: %(status)s",
    "Placement requested (%(urgency)s)", "Placement escalated to the national coordinator: %(reason)s",
    "Placement request put on the waiting list", "Placement request cancelled",
    "Place reserved: %(place)s, held until %(until)s", "Reservation expired without an answer: %(place)s",
    "The shelter accepted the placement: %(place)s", "The shelter declined the placement (%(reason)s): %(place)s",
    "Admitted to the shelter on %(date)s: %(place)s", "Left the shelter on %(date)s; destination: %(destination)s",
    "Reservation given back: %(place)s", "A fitting shelter place became free",
]
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _legacy_patterns(messages: list[str] | None = None) -> list[tuple[re.Pattern[str], str]]:
    """Patterns that read a message's Dutch or English text back (``messages``: the timeline's by default)."""
    patterns = []
    for message in MESSAGES if messages is None else messages:
        for language in ("nl", "en"):
            with translation.override(language):
                text = gettext(message)
            parts = PLACEHOLDER.split(text)
            regex = "".join(re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)" for i, part in enumerate(parts))
            patterns.append((re.compile(f"^{regex}$"), message))
    return patterns


def _legacy_labels() -> dict[str, dict[str, str]]:
    """Label text (Dutch and English) -> code param, for the registered choices."""
    labels: dict[str, dict[str, str]] = {}
    for namespace in CHOICES:
        for value, text in _choices(namespace).choices:
            for language in ("nl", "en"):
                with translation.override(language):
                    labels.setdefault(str(text), code(namespace, value))
    return labels


def parse_legacy(summary: str, patterns: list[tuple[re.Pattern[str], str]] | None = None,
                 labels: dict[str, dict[str, str]] | None = None) -> tuple[str, dict[str, Any]] | None:
    """``(message id, params)`` for a legacy summary written by one of the services, else None.

    Labels of registered choices become codes again; other values (names, numbers, dates) stay as written.
    """
    patterns = _legacy_patterns() if patterns is None else patterns
    labels = _legacy_labels() if labels is None else labels
    for pattern, message in patterns:
        found = pattern.match(summary)
        if found:
            return message, {key: labels.get(value, value) for key, value in found.groupdict().items()}
    return None
