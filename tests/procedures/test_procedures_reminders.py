"""Reminders N days before a deadline and when it has passed: in-app, and e-mail through a real SMTP
conversation with a small local server started by the test (127.0.0.1, a free port)."""

from __future__ import annotations

import datetime
import socketserver
import threading
from collections.abc import Iterator
from typing import Any

import django
import pytest
from django.utils import translation

from vangnet.audit.context import processing_context
from vangnet.notifications.models import Notification, NotificationPreference
from vangnet.notifications.selectors import render_message
from vangnet.notifications.tasks import send_notification_email
from vangnet.procedures import services
from vangnet.procedures.models import Deadline
from vangnet.procedures.reminders import send_reminders

D = datetime.date


class _SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP (RFC 5321) for Django's smtplib client: EHLO, MAIL, RCPT, DATA, QUIT."""

    def _reply(self, line: str) -> None:
        self.wfile.write((line + "\r\n").encode())

    def handle(self) -> None:
        self._reply("220 localhost test SMTP")
        while True:
            line = self.rfile.readline().decode(errors="replace").strip()
            if not line:
                return
            verb = line.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                self._reply("250 localhost")
            elif verb in ("MAIL", "RCPT", "RSET", "NOOP"):
                if verb == "RCPT":
                    self.server.recipients.append(line.split(":", 1)[1].strip(" <>"))  # type: ignore[attr-defined]
                self._reply("250 OK")
            elif verb == "DATA":
                self._reply("354 End data with <CR><LF>.<CR><LF>")
                data = []
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    data.append(chunk)
                self.server.messages.append(b"".join(data).decode(errors="replace"))  # type: ignore[attr-defined]
                self._reply("250 OK queued")
            elif verb == "QUIT":
                self._reply("221 Bye")
                return
            else:
                self._reply("502 Command not implemented")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[Any]:
    server = _Server(("127.0.0.1", 0), _SMTPHandler)
    server.messages, server.recipients = [], []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    port = server.server_address[1]
    backend = "django.core.mail.backends.smtp.EmailBackend"
    options = {"host": "127.0.0.1", "port": port, "timeout": 5}
    if django.VERSION >= (6, 1):
        settings.MAILERS = {"default": {"BACKEND": backend, "OPTIONS": options}}
    else:  # Django 5.2 LTS
        settings.EMAIL_BACKEND, settings.EMAIL_HOST, settings.EMAIL_PORT = backend, "127.0.0.1", port
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def reflection(cast: Any, registered_signal: Any) -> Any:
    case = registered_signal.case
    with processing_context(actor=cast.coordinator):
        p = services.start_procedure(case, "reflection_period", organisation=cast.coordinator.organisation,
                                     on=D(2026, 1, 5))
        for step in ("requested",):
            services.record_step(p.pk, step, on=D(2026, 1, 5), organisation=cast.coordinator.organisation)
    # IND's steps, recorded as by IND (the organisation type check is the service's, tested elsewhere)
    from tests.factories import OrganisationFactory
    from vangnet.accounts.models import OrganisationType

    ind = OrganisationFactory(name="IND (reminder test)", type=OrganisationType.IND, municipality_id="GM0518")
    with processing_context(actor=None, actor_label="test"):
        services.record_step(p.pk, "granted", on=D(2026, 1, 6), organisation=ind)
        services.record_step(p.pk, "started", on=D(2026, 1, 6), organisation=ind)
    return p  # due Tue 7 Apr 2026 (Easter Monday moves it)


def test_reminder_days_before_then_overdue_once_each(cast: Any, reflection: Any, settings: Any,
                                                     django_capture_on_commit_callbacks: Any) -> None:
    settings.VANGNET_DEADLINE_REMINDER_DAYS = 5
    assert Deadline.objects.get(procedure=reflection).due_on == D(2026, 4, 7)
    assert send_reminders(today=D(2026, 4, 1)) == {"due": 0, "overdue": 0}  # 6 days before: not yet
    counts = send_reminders(today=D(2026, 4, 2))  # 5 days before
    assert counts["due"] >= 1
    note = Notification.objects.get(recipient=cast.coordinator, kind="deadline_due")
    assert note.due_on == D(2026, 4, 7) and note.url.endswith("#procedures")
    assert send_reminders(today=D(2026, 4, 3)) == {"due": 0, "overdue": 0}  # idempotent
    assert send_reminders(today=D(2026, 4, 8))["overdue"] >= 1
    assert send_reminders(today=D(2026, 4, 9))["overdue"] == 0
    # the police (reporter) may end a reflection period (data: ended, ended_early), so they are reminded too
    assert Notification.objects.filter(recipient=cast.reporter, kind="deadline_due").exists()
    assert not Notification.objects.filter(recipient__in=[cast.outsider, cast.other_coordinator]).exists()


def test_after_the_lead_took_over_the_reporting_organisation_is_no_longer_reminded(
        cast: Any, reflection: Any) -> None:
    """The police reported the case; once the lead has it in care, the police keep a receipt without
    procedures (ADR 0006), so a reminder would tell them of a deadline they can neither see nor meet."""
    from vangnet.cases import services as case_services
    from vangnet.cases.models import CaseStatus

    with processing_context(actor=cast.coordinator):
        for status in (CaseStatus.IN_TRIAGE, CaseStatus.IN_CARE):
            case_services.change_status(reflection.case_id, status, actor=cast.coordinator)
    send_reminders(today=D(2026, 4, 2))
    assert Notification.objects.filter(recipient=cast.coordinator, kind="deadline_due").exists()
    assert not Notification.objects.filter(recipient=cast.reporter).exists()


def test_met_deadline_gets_no_reminder(cast: Any, reflection: Any) -> None:
    with processing_context(actor=cast.coordinator):
        services.record_step(reflection.pk, "ended_early", on=D(2026, 2, 1),
                             organisation=cast.coordinator.organisation)
    assert send_reminders(today=D(2026, 4, 2)) == {"due": 0, "overdue": 0}


def test_email_reminder_goes_through_smtp_without_personal_data(cast: Any, reflection: Any, smtp_server: Any,
                                                                django_capture_on_commit_callbacks: Any) -> None:
    cast.coordinator.email = "coordinator@example.org"
    cast.coordinator.save(update_fields=["email"])
    NotificationPreference.objects.create(user=cast.coordinator, kind="deadline_due", in_app=True, by_email=True)
    with django_capture_on_commit_callbacks(execute=False):
        send_reminders(today=D(2026, 4, 2))
    note = Notification.objects.get(recipient=cast.coordinator, kind="deadline_due")
    send_notification_email.call(note.pk)
    assert smtp_server.recipients == ["coordinator@example.org"]
    message = smtp_server.messages[0]
    assert reflection.case.reference in message and "#procedures" in message
    assert "Olumide" not in message and "Adeyemi" not in message
    note.refresh_from_db()
    assert note.emailed_at is not None
    with translation.override("nl"):
        assert "7 april 2026" in render_message(note)


def test_the_daily_task_reminds_once_and_plans_its_next_run(cast: Any, registered_signal: Any,
                                                            settings: Any) -> None:
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from vangnet.procedures.tasks import TASK_PATH, send_deadline_reminders_task

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
    settings.VANGNET_DEADLINE_REMINDER_DAYS = 5
    with processing_context(actor=cast.coordinator):
        p = services.start_procedure(registered_signal.case, "dublin_report",
                                     organisation=cast.coordinator.organisation,
                                     on=timezone.localdate() - datetime.timedelta(days=10))
    Deadline.objects.filter(procedure=p).update(due_on=timezone.localdate() + datetime.timedelta(days=2))
    first = send_deadline_reminders_task.call()
    assert first["due"] >= 1
    sent = Notification.objects.filter(kind="deadline_due").count()
    assert sent == first["due"]
    again = send_deadline_reminders_task.call()  # the same day again (a retry, or cron next to the worker)
    assert again == {"due": 0, "overdue": 0}
    assert Notification.objects.filter(kind="deadline_due").count() == sent
    queued = DBTaskResult.objects.filter(task_path=TASK_PATH, status="READY")
    assert queued.count() == 1, "one next run waiting, never two"
    run_after = timezone.localtime(queued.get().run_after)
    assert run_after > timezone.now() and run_after.hour == settings.VANGNET_DEADLINE_REMINDER_HOUR
    assert run_after - timezone.now() <= datetime.timedelta(days=1)


def test_the_next_run_is_at_the_reminder_hour_of_the_next_day(settings: Any) -> None:
    from django.utils import timezone

    from vangnet.procedures.tasks import next_run_after

    settings.VANGNET_DEADLINE_REMINDER_HOUR = 7
    tz = timezone.get_current_timezone()
    before = datetime.datetime(2026, 12, 4, 6, 59, tzinfo=tz)
    after = datetime.datetime(2026, 12, 4, 7, 0, tzinfo=tz)
    assert next_run_after(before) == datetime.datetime(2026, 12, 4, 7, 0, tzinfo=tz)
    assert next_run_after(after) == datetime.datetime(2026, 12, 5, 7, 0, tzinfo=tz)
    settings.VANGNET_DEADLINE_REMINDER_HOUR = 24
    with pytest.raises(ValueError, match="0 to 23"):
        next_run_after(before)
