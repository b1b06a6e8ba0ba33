"""``manage.py check`` refuses an invalid targets file (controls.E001)."""

from __future__ import annotations

from typing import Any

from django.core.checks import Error, register

from vangnet.controls.targets import TargetsError, load


@register()
def targets_check(app_configs: Any, **kwargs: Any) -> list[Error]:
    try:
        load()
    except (TargetsError, OSError) as exc:
        return [Error(f"controls/data/targets.yaml: {exc}", id="controls.E001")]
    return []
