"""A prostitution control: where, when, what kind of location, who was spoken to, what was checked."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LocationKind(models.TextChoices):
    WINDOW = "window", _("Window")
    CLUB = "club", _("Club or private house")
    ESCORT_HOTEL = "escort_hotel", _("Escort or hotel")
    HOME = "home", _("Home-based")
    MASSAGE = "massage", _("Massage parlour")
    ONLINE = "online", _("Online (advertisements)")


class Control(models.Model):
    municipality = models.ForeignKey("regions.Municipality", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("municipality"))
    performed_on = models.DateField(_("date of the control"))
    location_kind = models.CharField(_("kind of location"), max_length=16, choices=LocationKind.choices)
    workers_spoken = models.PositiveSmallIntegerField(_("sex workers spoken to"))
    indicators_checked = models.ManyToManyField("signals.Indicator", related_name="+", blank=True,
                                                verbose_name=_("indicators checked"))
    signals = models.ManyToManyField("signals.Signal", related_name="controls", blank=True,
                                     verbose_name=_("signals raised"))
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("carried out by"))
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    registered_at = models.DateTimeField(default=timezone.now)
    targets_version = models.CharField(max_length=32)

    class Meta:
        ordering = ["-performed_on", "-id"]
        verbose_name = _("prostitution control")
        verbose_name_plural = _("prostitution controls")
        indexes = [models.Index(fields=["municipality", "performed_on"]),
                   models.Index(fields=["organisation", "-performed_on"])]
        constraints = [models.CheckConstraint(condition=models.Q(workers_spoken__lte=500),
                                              name="control_workers_spoken_plausible")]
