"""Domain events of shelter placement, sent after the transaction that caused them has committed.

Receivers get ``placement_id``. ``hold_expiring``: a reservation will lapse soon without an answer from the
shelter; ``hold_expired``: it lapsed, and the requesting organisation must choose another place.
"""

from __future__ import annotations

from django.dispatch import Signal

hold_expiring = Signal()
hold_expired = Signal()
