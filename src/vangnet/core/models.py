"""Reference data shared by every capability: countries and languages (loaded from data files)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from vangnet.core.i18n import localised


class BilingualName(models.Model):
    """A code with a Dutch and an English name; ``name`` follows the active language."""

    code = models.CharField(_("code"), max_length=16, primary_key=True)
    name_nl = models.CharField(_("Dutch name"), max_length=120)
    name_en = models.CharField(_("English name"), max_length=120)

    class Meta:
        abstract = True
        ordering = ["name_nl"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localised(self.name_nl, self.name_en)


class Country(BilingualName):
    class Meta(BilingualName.Meta):
        verbose_name = _("country")
        verbose_name_plural = _("countries")


class Language(BilingualName):
    class Meta(BilingualName.Meta):
        verbose_name = _("language")
        verbose_name_plural = _("languages")


class RateCounter(models.Model):
    """A rate-limit counter per key and fixed time window, in the database so every worker shares it."""

    key = models.CharField(max_length=100)
    window = models.BigIntegerField(help_text="Start of the window, seconds since the epoch")
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "window"], name="one_rate_counter_per_key_and_window")]
