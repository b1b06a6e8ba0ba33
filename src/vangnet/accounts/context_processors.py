from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def security(request: HttpRequest) -> dict[str, Any]:
    return {"mfa_required": settings.VANGNET_MFA_REQUIRED}
