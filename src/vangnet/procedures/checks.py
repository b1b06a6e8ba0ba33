"""``manage.py check`` validates the procedures file at start."""

from __future__ import annotations

from typing import Any

from django.core import checks


@checks.register()
def check_procedures(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    from vangnet.procedures.definitions import PROCEDURES_FILE, ProcedureDataError, load

    load.cache_clear()
    try:
        load()
    except (ProcedureDataError, KeyError, TypeError, AttributeError) as exc:
        return [checks.Error(f"{PROCEDURES_FILE.name}: {exc}", id="procedures.E001")]
    return []
