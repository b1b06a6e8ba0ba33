"""Triage tells which route a case takes; the procedures that route starts by itself are opened after commit."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from vangnet.triage.models import Triage


@receiver(post_save, sender=Triage, dispatch_uid="procedures_start_for_triage_route")
def start_procedures_for_route(sender: Any, instance: Triage, created: bool, **kwargs: Any) -> None:
    if kwargs.get("raw") or not created or not instance.route:
        return
    case_id, routes = instance.case_id, list(instance.route)
    on = timezone.localdate(instance.created_at) if instance.created_at else None

    def start() -> None:
        from vangnet.audit.context import processing_context
        from vangnet.cases.models import Case
        from vangnet.procedures.services import start_for_routes

        case = Case.objects.select_related("lead_organisation").get(pk=case_id)
        with processing_context(actor=None, actor_label="system:triage-route"):
            start_for_routes(case, routes, on=on, actor=None)

    transaction.on_commit(start)
