"""Domain events of cases, sent after the transaction that caused them has committed."""

from __future__ import annotations

from django.dispatch import Signal

#: Sent with ``case_id``, ``assignee_id`` and ``actor_id`` when a case is assigned to a named coordinator.
case_assigned = Signal()
