from typing import Any

from django.apps import AppConfig
from django.core import checks


def check_content(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """The guide and its translations in the public languages are valid data (checked at start)."""
    from vangnet.infopoint import content

    try:
        content.guide()
        content.guide_translations()
    except (content.ContentError, KeyError, TypeError, ValueError) as exc:
        return [checks.Error(f"information point content: {exc}", id="infopoint.E001")]
    return []


class InfopointConfig(AppConfig):
    name = "vangnet.infopoint"
    label = "infopoint"

    def ready(self) -> None:
        checks.register(check_content)
