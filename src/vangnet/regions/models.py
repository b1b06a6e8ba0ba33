"""Provinces, the 10 regional police units and municipalities (CBS codes), loaded from data files.

A care coordination region is modelled as a police unit's area: every municipality belongs to one,
so every signal has exactly one regional care coordinator (see docs/adr/0003-regions.md).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Province(models.Model):
    code = models.CharField(_("code"), max_length=4, primary_key=True)
    cbs_code = models.CharField(_("CBS code"), max_length=8, unique=True)
    name = models.CharField(_("name"), max_length=80)

    class Meta:
        ordering = ["name"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")

    def __str__(self) -> str:
        return self.name


class PoliceUnit(models.Model):
    code = models.CharField(_("code"), max_length=4, primary_key=True)
    name = models.CharField(_("name"), max_length=80)

    class Meta:
        ordering = ["name"]
        verbose_name = _("police unit")
        verbose_name_plural = _("police units")

    def __str__(self) -> str:
        return self.name


class Municipality(models.Model):
    cbs_code = models.CharField(_("CBS code"), max_length=6, primary_key=True)
    name = models.CharField(_("name"), max_length=80, unique=True)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="municipalities")
    police_unit = models.ForeignKey(PoliceUnit, on_delete=models.PROTECT, related_name="municipalities")

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        return self.name
