"""The task worker's heartbeat: a row the worker touches every minute, read by /readyz."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class WorkerHeartbeat(models.Model):
    name = models.CharField(max_length=64, primary_key=True)
    seen_at = models.DateTimeField(default=timezone.now)
