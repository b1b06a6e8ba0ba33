"""Domain events of signals, sent after the transaction that caused them has committed."""

from __future__ import annotations

from django.dispatch import Signal as DjangoSignal

#: Sent with ``signal_id`` once a signal is stored. Receivers must not assume the request context.
signal_registered = DjangoSignal()
