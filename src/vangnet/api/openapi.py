"""The committed OpenAPI document (``openapi.yaml``): generated from the code, in English."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.utils import translation
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiYamlRenderer

COMMITTED = Path(settings.REPO_DIR) / "openapi.yaml"


def generate() -> str:
    """The schema as YAML. Always English: enum descriptions come from translatable labels."""
    with translation.override("en"):
        schema = SchemaGenerator().get_schema(request=None, public=True)
        return OpenApiYamlRenderer().render(schema, renderer_context={}).decode("utf-8")


def drift() -> str | None:
    """None when the committed document matches the code, else a unified diff."""
    import difflib

    generated = generate()
    committed = COMMITTED.read_text(encoding="utf-8") if COMMITTED.exists() else ""
    if generated == committed:
        return None
    return "".join(difflib.unified_diff(committed.splitlines(True), generated.splitlines(True),
                                        "openapi.yaml (committed)", "openapi.yaml (from the code)"))
