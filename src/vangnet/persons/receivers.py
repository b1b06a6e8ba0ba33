from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from vangnet.signals.events import signal_registered


@receiver(signal_registered, dispatch_uid="persons-link-new-signal")
def link_new_signal(sender: Any, signal_id: int, **kwargs: Any) -> None:
    from vangnet.persons.tasks import link_signal

    link_signal.enqueue(signal_id)
