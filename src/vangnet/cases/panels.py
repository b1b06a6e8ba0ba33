"""Extension point of the case page: other capabilities add a panel without editing the case template.

An app registers a panel in its ``AppConfig.ready()``::

    from vangnet.cases.panels import CasePanel, register
    register(CasePanel(key="placement", order=30, template="shelters/_case_panel.html",
                       section="placement", context=placement_panel_context))

``context(request, access)`` returns the template context (or None to hide the panel). A panel is
shown only when ``section`` is in the sections the user may see (``CaseAccess.sections``); add new
section names to ``cases.access.SECTIONS``. A panel whose section a handover recipient may see in part
(some of its fields) passes ``visible(access)`` instead, and its context shows only that part.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

_PANELS: dict[str, CasePanel] = {}


@dataclass(frozen=True)
class CasePanel:
    key: str
    order: int
    template: str
    section: str
    context: Callable[[Any, Any], dict[str, Any] | None]
    visible: Callable[[Any], bool] | None = None


def register(panel: CasePanel) -> None:
    _PANELS[panel.key] = panel


def render_context(request: Any, access: Any) -> list[dict[str, Any]]:
    result = []
    for panel in sorted(_PANELS.values(), key=lambda p: p.order):
        if not (panel.visible(access) if panel.visible else access.can(panel.section)):
            continue
        context = panel.context(request, access)
        if context is not None:
            result.append({"key": panel.key, "template": panel.template, "context": context})
    return result
