"""The security alert travels by an event after commit: the audit layer emits, notifications subscribes."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest

from vangnet.audit import security
from vangnet.audit.events import security_alert_raised
from vangnet.audit.models import SecurityEventKind
from vangnet.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_the_alert_is_delivered_only_after_commit(cast: Any, settings: Any,
                                                  django_capture_on_commit_callbacks: Any) -> None:
    settings.VANGNET_SECURITY_ALERT_THRESHOLD = 3
    raised: list[dict[str, Any]] = []

    def spy(sender: Any, **kwargs: Any) -> None:
        raised.append(kwargs)

    security_alert_raised.connect(spy, dispatch_uid="test-spy")
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            for _ in range(3):
                security.record(SecurityEventKind.LOGIN_FAILED, username="nobody")
            security.record(SecurityEventKind.CASE_ACCESS_REFUSED, username="nobody")
            security.record(SecurityEventKind.TOKEN_ISSUED, username="nobody")  # does not count, no check
        # inside the transaction: nothing emitted, nobody told
        assert raised == [] and not Notification.objects.filter(kind="security_alert").exists()
        assert len(callbacks) == 4, "each counting event is checked after the commit"
        for callback in callbacks:
            callback()
    finally:
        security_alert_raised.disconnect(dispatch_uid="test-spy")
    assert raised and raised[0]["cause"] == "threshold" and raised[0]["url"] == security.SECURITY_LOG_URL
    alert = Notification.objects.get(kind="security_alert")  # once per window: later crossings add nothing
    assert alert.recipient == cast.admin and alert.url == "/log/security/"


def test_a_lockout_alerts_at_once_and_a_rolled_back_one_never(cast: Any, settings: Any,
                                                                django_capture_on_commit_callbacks: Any) -> None:
    from django.db import transaction

    settings.VANGNET_SECURITY_ALERT_THRESHOLD = 1000
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                security.record(SecurityEventKind.LOCKED_OUT, username="reporter")
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
    assert not Notification.objects.filter(kind="security_alert").exists()
    with django_capture_on_commit_callbacks(execute=True):
        security.record(SecurityEventKind.LOCKED_OUT, username="reporter")
    assert list(Notification.objects.filter(kind="security_alert").values_list("recipient", flat=True)) == [
        cast.admin.pk]


def test_the_audit_layer_does_not_import_notifications() -> None:
    root = Path(security.__file__).parent
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            assert not any(n.startswith("vangnet.notifications") for n in names), path
