"""Uniqueness without names: keyed encodings per signal, clusters of signals into persons, and the
human decisions that override the score.

The registry stores only ``vangnet.linkage`` encodings (keyed Bloom filters and keyed pseudonyms),
computed with ``VANGNET_PSEUDONYMISATION_SECRET``; never a name.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SignalEncoding(models.Model):
    signal = models.OneToOneField("signals.Signal", on_delete=models.CASCADE, related_name="encoding")
    record_id = models.CharField(max_length=32, unique=True)
    encoding = models.TextField(help_text=_("Keyed encodings only (JSON); no name in the clear"))
    key_id = models.CharField(max_length=64, help_text=_("Which pseudonymisation secret made the encoding"))
    cluster_id = models.CharField(max_length=32, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("signal encoding")
        verbose_name_plural = _("signal encodings")


class MatchDecision(models.Model):
    """A national coordinator's decision on a pair. Append-only: the newest row per pair is in force;
    a row with ``same=None`` withdraws the earlier decision (reversible)."""

    record_a = models.CharField(max_length=32)
    record_b = models.CharField(max_length=32)
    same = models.BooleanField(null=True)
    note = models.CharField(_("reason"), max_length=500, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["decided_at", "pk"]
        indexes = [models.Index(fields=["record_a", "record_b"])]


class PossibleMatch(models.Model):
    """A pair the score could not decide, waiting for a human (refreshed on every linkage run)."""

    record_a = models.CharField(max_length=32)
    record_b = models.CharField(max_length=32)
    probability = models.FloatField()
    evidence = models.JSONField(default=dict, help_text=_("Per-field weights of evidence; no values"))
    found_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-probability", "pk"]
        constraints = [models.UniqueConstraint(fields=["record_a", "record_b"], name="one_possible_match_per_pair")]


class LinkageState(models.Model):
    """One row that lets many "link this signal" tasks share one re-clustering.

    Every stored encoding raises ``generation`` in its own transaction; a relink run remembers the generation
    it saw as ``linked_generation``. A task whose encoding is already covered by a later run has nothing left
    to do, so a burst of new signals costs one relink instead of one each."""

    generation = models.PositiveBigIntegerField(default=0)
    linked_generation = models.PositiveBigIntegerField(default=0)
    linked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("linkage state")
        verbose_name_plural = _("linkage states")
