"""System checks of the case capability."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Warning, register


@register()
def attachment_scanner_check(app_configs: Any, **kwargs: Any) -> list[Any]:
    if settings.ATTACHMENT_SCANNER in ("", "none") and settings.VANGNET_ENV not in {"development", "test"}:
        return [Warning("Attachments are not checked for viruses: set VANGNET_CLAMD_ADDRESS (ClamAV) or "
                        "VANGNET_ATTACHMENT_SCANNER", id="vangnet.W101")]
    return []
