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
