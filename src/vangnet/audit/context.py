"""Who is processing, for which request: a context variable set per request or per API call."""

from __future__ import annotations

import contextvars
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ProcessingContext:
    actor: Any  # accounts.User or None
    actor_label: str
    organisation: Any  # accounts.Organisation or None
    trace_id: str


_current: contextvars.ContextVar[ProcessingContext | None] = contextvars.ContextVar(
    "vangnet_processing_context", default=None
)


def new_trace_id() -> str:
    return uuid.uuid4().hex


def current() -> ProcessingContext | None:
    return _current.get()


@contextmanager
def processing_context(
    actor: Any = None, organisation: Any = None, actor_label: str = "", trace_id: str | None = None
) -> Iterator[ProcessingContext]:
    label = actor_label or (getattr(actor, "username", "") if actor is not None else "system")
    if organisation is None and actor is not None:
        organisation = getattr(actor, "organisation", None)
    ctx = ProcessingContext(actor=actor, actor_label=label, organisation=organisation,
                            trace_id=trace_id or new_trace_id())
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)
