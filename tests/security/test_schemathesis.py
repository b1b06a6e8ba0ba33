"""A bounded schemathesis run against ``openapi.yaml`` in-process (the WSGI application, test database).

Every operation of the committed schema gets generated requests, valid and invalid; the run fails on any
server error or contract violation (status codes, content types, headers and bodies not in the schema).
The number of examples per operation is bounded by ``VANGNET_SCHEMATHESIS_EXAMPLES`` (default 25).
"""

from __future__ import annotations

import os
from collections import Counter
from typing import Any

import pytest
import schemathesis
from django.conf import settings
from django.core import signals as core_signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from vangnet.accounts.models import ApiToken

#: Fields that hold a code from reference data (municipalities, countries, catalogue entries). A schema-valid
#: request may name a code that does not exist; the answer is then a 400 problem naming only such fields,
#: which the built-in "positive data acceptance" check cannot know. Any other 400 on valid data still fails.
REFERENCE_CODE_FIELDS = {"municipality", "exploitation_municipality", "forms", "indicators", "person.nationality",
                         "person.languages"}
EXAMPLES = int(os.environ.get("VANGNET_SCHEMATHESIS_EXAMPLES", "25"))


@pytest.fixture
def wsgi_app() -> Any:
    """The real WSGI application, kept inside the test's transaction (no connection closing per request)."""
    core_signals.request_started.disconnect(close_old_connections)
    core_signals.request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        core_signals.request_started.connect(close_old_connections)
        core_signals.request_finished.connect(close_old_connections)


def operations() -> list[tuple[str, str]]:
    schema = schemathesis.openapi.from_path(str(settings.REPO_DIR / "openapi.yaml"))
    return sorted((op.ok().method.upper(), op.ok().path) for op in schema.get_all_operations())


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["valid", "invalid"])
@pytest.mark.parametrize(("method", "path"), operations())
def test_api_operation_has_no_server_errors_and_keeps_its_contract(method, path, mode, db, cast, wsgi_app,
                                                                   registered_signal):
    key = ApiToken.issue(cast.reporter.organisation, "schemathesis")[1]
    schema = schemathesis.openapi.from_path(str(settings.REPO_DIR / "openapi.yaml"))
    schema.app = wsgi_app
    # NUL is refused by contract (the schema's descriptions; tests/security/test_hostile_input.py checks it).
    schema.config.generation.update(allow_x00=False, with_security_parameters=False)
    schema.config.update(headers={"Authorization": f"Token {key}"})
    operation = schema[path][method]
    failures: list[str] = []
    calls = {"n": 0}
    statuses: Counter[int] = Counter()

    @given(case=operation.as_strategy(generation_mode=mode))
    @hsettings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
               suppress_health_check=list(HealthCheck))
    def run(case: Any) -> None:
        calls["n"] += 1
        try:
            response = case.call()
            statuses[response.status_code] += 1
            if mode is GenerationMode.POSITIVE and response.status_code == 400:
                fields = {e["field"].split(".")[0] if e["field"].split(".")[0] in ("forms", "indicators")
                          else e["field"].rsplit(".", 1)[0] if e["field"].endswith(tuple("0123456789"))
                          else e["field"] for e in response.json().get("errors", [])}
                if not fields or not fields <= REFERENCE_CODE_FIELDS:
                    failures.append(f"valid data refused: {response.text[:500]}")
                case.validate_response(response, excluded_checks=[positive_data_acceptance])
                return
            case.validate_response(response)
        except Exception as exc:  # collect, so one run reports every kind of failure
            failures.append(f"{type(exc).__name__}: {str(exc)[:600]}\n{response.text[:500]}")

    run()
    print(f"schemathesis {method} {path} {mode.value}: {calls['n']} requests, statuses {dict(statuses)}")
    assert calls["n"] > 0
    assert not [code for code in statuses if code >= 500], statuses
    assert not failures, f"{len(failures)} of {calls['n']} requests failed:\n" + "\n---\n".join(failures[:5])
