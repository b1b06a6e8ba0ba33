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


def sharing_mismatches(procedure_codes: set[str], field_codes: set[str]) -> list[str]:
    """Sharing fields ``procedure.<code>`` that name no procedure, and procedures with no sharing field
    (a recipient could never be shown them)."""
    from vangnet.procedures.panels import FIELD_PREFIX

    named = {c[len(FIELD_PREFIX):] for c in field_codes if c.startswith(FIELD_PREFIX)}
    return ([f"sharing field {FIELD_PREFIX}{c} names no procedure" for c in sorted(named - procedure_codes)]
            + [f"procedure {c} has no sharing field {FIELD_PREFIX}{c}" for c in sorted(procedure_codes - named)])


@checks.register()
def check_procedures_in_sharing_policies(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    from vangnet.procedures.definitions import ProcedureDataError, load
    from vangnet.sharing.policies import POLICY_FILE, PolicyError, load_policies

    try:
        procedures, policies = load(), load_policies()
    except (ProcedureDataError, PolicyError, KeyError, TypeError, AttributeError):
        return []  # the files' own checks report it
    return [checks.Error(f"{POLICY_FILE.name}: {problem}", id="procedures.E002")
            for problem in sharing_mismatches(set(procedures.procedures), set(policies.fields))]
