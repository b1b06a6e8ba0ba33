"""The placement panel on the case page (registered in ``SheltersConfig.ready``)."""

from __future__ import annotations

from typing import Any

from vangnet.shelters import selectors
from vangnet.shelters.models import Notification, PlacementRequest

REQUEST_BASES = {"involvement:lead", "involvement:reporter", "national"}


def placement_panel_context(request: Any, access: Any) -> dict[str, Any] | None:
    case = access.case
    requests = list(PlacementRequest.objects.filter(case=case).order_by("-created_at")[:5])
    current = requests[0] if requests else None
    org_id = getattr(request.user, "organisation_id", None)
    return {
        "case": case,
        "current": current,
        "earlier": requests[1:],
        "live": selectors.live_placement(current) if current else None,
        "can_request": access.basis in REQUEST_BASES and (current is None or current.status in (
            "cancelled", "discharged")),
        "notifications": list(Notification.objects.filter(organisation_id=org_id, request__case=case,
                                                          read_at__isnull=True)[:5]) if org_id else [],
    }
