"""Rate limits that hold with several workers: atomic counters in the database (``RateCounter``).

A fixed window per key: ``hit(key, limit, window_seconds)`` tells whether the key has used its allowance in
the current window, and with ``increment`` counts one more use — an atomic ``UPDATE … SET count = count + 1``
(or the first INSERT), so concurrent workers never lose a count. Keys must not hold personal data (hash
addresses first). Counters of past windows are deleted as new windows start.
"""

from __future__ import annotations

import time

from django.db import IntegrityError, transaction
from django.db.models import F

from vangnet.core.models import RateCounter


def hit(key: str, *, limit: int, window_seconds: int, increment: bool = False) -> bool:
    """True when ``key`` has reached ``limit`` uses in the current window (before this one is counted)."""
    window = int(time.time()) // window_seconds * window_seconds
    current = RateCounter.objects.filter(key=key, window=window).values_list("count", flat=True).first() or 0
    if current >= limit:
        return True
    if increment:
        _increment(key, window)
    return False


def _increment(key: str, window: int) -> None:
    if RateCounter.objects.filter(key=key, window=window).update(count=F("count") + 1):
        return
    try:
        with transaction.atomic():
            RateCounter.objects.create(key=key, window=window, count=1)
    except IntegrityError:  # another worker created it first
        RateCounter.objects.filter(key=key, window=window).update(count=F("count") + 1)
    RateCounter.objects.filter(key=key, window__lt=window).delete()
