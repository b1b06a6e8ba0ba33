"""Withdrawing (or refusing) consent ends the access that rested on it, whichever path recorded it:
the case page's consent form, the sharing consent page, a signal or the API."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from vangnet.cases.models import Consent, ConsentStatus


@receiver(post_save, sender=Consent, dispatch_uid="sharing_end_access_on_consent")
def end_access_on_consent_change(sender: Any, instance: Consent, created: bool, **kwargs: Any) -> None:
    if kwargs.get("raw") or instance.status == ConsentStatus.GIVEN:
        return
    from vangnet.sharing.services import end_access_resting_on_consent

    end_access_resting_on_consent(instance)
