"""Emitted after commit when a handover changes status (e.g. for notifications). Receivers get
``handover`` (the Handover), ``from_status`` and ``to_status``."""

from django.dispatch import Signal

handover_status_changed = Signal()
