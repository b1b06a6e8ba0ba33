"""The client's address, taken from the trusted proxy only.

With ``VANGNET_TRUSTED_PROXY_COUNT = 0`` (no proxy) the address is ``REMOTE_ADDR`` and any
``X-Forwarded-For`` a client sends is ignored, so it cannot choose its own address. With N trusted proxies
each appends the address it received the request from; the client is then the N-th address from the right.
Addresses a client put further left are never trusted.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    remote = _valid(request.META.get("REMOTE_ADDR", "") or "") or "0.0.0.0"  # noqa: S104
    count = settings.VANGNET_TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < count:
        return remote
    return _valid(forwarded[-count]) or remote
