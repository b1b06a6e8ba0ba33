"""Events of the audit layer, sent after the transaction that caused them has committed.

The audit layer sits below the apps that tell people things; it emits, and ``vangnet.notifications``
subscribes in its ``AppConfig.ready`` and decides who is told (docs: ARCHITECTURE.md).
"""

from __future__ import annotations

from django.dispatch import Signal

#: Sent with ``event_id`` (the ``SecurityEvent`` that crossed the line), ``cause`` ("lockout" or
#: "threshold"), ``dedupe_key`` (one alert per window and cause) and ``url`` (the security log), after the
#: event's transaction has committed. A receiver returns whether it alerted anyone.
security_alert_raised = Signal()
