"""The one write path of the processing log, and the sync of the register from its data file."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from contextlib import AbstractContextManager
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.db import models

from vangnet.audit import chain
from vangnet.audit.context import current, new_trace_id
from vangnet.audit.models import Action, LegalBasis, ProcessingActivity, ProcessingLogEntry
from vangnet.core.reference_data import read_yaml, upsert

REGISTER_FILE = Path(__file__).resolve().parent / "data" / "processing_activities.yaml"


class UnknownProcessingActivity(LookupError):
    pass


def sync_register(path: Path = REGISTER_FILE) -> dict[str, int]:
    data = read_yaml(path)
    version = str(data["version"])
    bases = [
        LegalBasis(
            code=b["code"], name_nl=b["name"]["nl"], name_en=b["name"]["en"], article=b["article"],
            text_nl=b["text"]["nl"], text_en=b["text"]["en"],
        )
        for b in data["legal_bases"]
    ]
    upsert(LegalBasis, bases, "code")
    basis_ids = dict(LegalBasis.objects.values_list("code", "id"))
    activities = []
    for a in data["activities"]:
        retention = a.get("retention") or {}
        activities.append(
            ProcessingActivity(
                code=a["code"], name_nl=a["name"]["nl"], name_en=a["name"]["en"],
                purpose_nl=a["purpose"]["nl"], purpose_en=a["purpose"]["en"],
                legal_basis_id=basis_ids[a["legal_basis"]],
                data_categories=",".join(a.get("data_categories") or []),
                special_categories=bool(a.get("special_categories")),
                retention_years=retention.get("years"), retention_from=retention.get("from", "") or "",
                recipients=",".join(a.get("recipients") or []),
                confidential=bool(a.get("confidential")), register_version=version,
            )
        )
    upsert(ProcessingActivity, activities, "code")
    _activity.cache_clear()
    return {"legal_bases": len(bases), "processing_activities": len(activities)}


@lru_cache(maxsize=64)
def _activity(code: str) -> tuple[int, int]:
    row = ProcessingActivity.objects.filter(code=code).values_list("id", "legal_basis_id").first()
    if row is None:
        raise UnknownProcessingActivity(f"No processing activity {code!r} in the register")
    return row


def deferred_log() -> AbstractContextManager[None]:
    """Use inside a long write transaction: its processing log entries are chained and written when the
    block ends, still in the transaction, so the log's chain head is not locked for the whole write
    (see :func:`vangnet.audit.chain.deferred`)."""
    return chain.deferred()


def log_processing(
    activity: str,
    action: str | Action,
    *,
    subject: Any = None,
    obj: models.Model | None = None,
    fields: Iterable[str] = (),
    changes: Mapping[str, Any] | None = None,
    legal_basis: str | None = None,
    actor: Any = None,
    organisation: Any = None,
    trace_id: str | None = None,
) -> ProcessingLogEntry:
    """Append one entry. ``subject`` is anything with a ``pseudonym`` (a case) or a pseudonym string.

    Actor, organisation and trace id default to the current processing context (the request).
    """
    ctx = current()
    actor = actor if actor is not None else (ctx.actor if ctx else None)
    organisation = organisation if organisation is not None else (
        ctx.organisation if ctx and ctx.organisation is not None else getattr(actor, "organisation", None)
    )
    activity_id, default_basis_id = _activity(activity)
    basis_id = default_basis_id
    if legal_basis is not None:
        basis_id = LegalBasis.objects.values_list("id", flat=True).get(code=legal_basis)
    pseudonym = subject if isinstance(subject, str) else getattr(subject, "pseudonym", "") or ""
    return chain.append(ProcessingLogEntry(
        trace_id=trace_id or (ctx.trace_id if ctx else new_trace_id()),
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=_actor_label(ctx, actor),
        organisation=organisation,
        activity_id=activity_id,
        legal_basis_id=basis_id,
        action=str(action),
        subject_pseudonym=pseudonym,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        fields=",".join(sorted(fields)),
        changes=dict(changes or {}),
    ))


def _actor_label(ctx: Any, actor: Any) -> str:
    if ctx is not None and actor is ctx.actor:
        return ctx.actor_label or "system"
    return getattr(actor, "username", "") or "system"
