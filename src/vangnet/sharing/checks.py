"""``manage.py check`` validates the sharing policy file against the register of processing activities."""

from __future__ import annotations

from typing import Any

from django.core import checks


@checks.register()
def check_policies(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    from vangnet.sharing.policies import POLICY_FILE, PolicyError, load_policies

    load_policies.cache_clear()
    try:
        load_policies()
    except (PolicyError, KeyError, TypeError) as exc:
        return [checks.Error(f"{POLICY_FILE.name}: {exc}", id="sharing.E001")]
    return []
