"""System checks: the retention schedule must be valid and every category must have a handler."""

from __future__ import annotations

from typing import Any

from django.core.checks import Error, register

from vangnet.lifecycle.schedule import ScheduleError, load


@register()
def retention_schedule_check(app_configs: Any, **kwargs: Any) -> list[Any]:
    from vangnet.lifecycle.retention import HANDLERS

    try:
        sched = load()
    except ScheduleError as exc:
        return [Error(f"The retention schedule (lifecycle/data/retention.yaml) is invalid: {exc}",
                      id="vangnet.lifecycle.E001")]
    problems: list[Any] = []
    for category in sched.categories:
        if category.code not in HANDLERS:
            problems.append(Error(f"Retention category {category.code!r} has no handler in lifecycle.retention",
                                  id="vangnet.lifecycle.E002"))
        # a category whose model is not installed yet (the security log) is skipped by the run and shown
        # as "not in use yet" in the report; that is not a problem worth a message on every command
    return problems
