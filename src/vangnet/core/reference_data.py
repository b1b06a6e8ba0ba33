"""Load versioned reference data files into the database.

Every sync is an idempotent upsert, run after each ``migrate`` (and each test-database flush) by a
``post_migrate`` handler, so the database always matches the data files in the repository.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import yaml
from django.db import models

DATA_DIR = Path(__file__).resolve().parent / "data"


def read_csv(path: Path) -> Iterator[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            yield {key.strip(): (value or "").strip() for key, value in row.items() if key}


def read_yaml(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def upsert(model: type[models.Model], objects: Sequence[models.Model], unique_field: str) -> int:
    """Insert or update ``objects`` by ``unique_field`` in one statement per batch."""
    if not objects:
        return 0
    update_fields = [
        f.name
        for f in model._meta.concrete_fields
        if not f.primary_key and f.name != unique_field and not getattr(f, "auto_now_add", False)
    ]
    model._default_manager.bulk_create(
        objects,
        update_conflicts=True,
        unique_fields=[unique_field],
        update_fields=update_fields,
        batch_size=500,
    )
    return len(objects)


def sync_core_reference_data() -> dict[str, int]:
    from vangnet.core.models import Country, Language

    result = {}
    for model, filename in ((Country, "countries.csv"), (Language, "languages.csv")):
        rows = [model(code=r["code"], name_nl=r["name_nl"], name_en=r["name_en"])
                for r in read_csv(DATA_DIR / filename)]
        result[model._meta.model_name or filename] = upsert(model, rows, "code")
    return result
