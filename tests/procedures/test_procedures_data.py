"""The procedures data as a state machine: no dead ends, every final state reachable, every deadline can be
met; labels in both languages; the timeline and the panel in the reader's language; the reminder command."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import translation

from vangnet.audit.context import processing_context
from vangnet.procedures import services
from vangnet.procedures.calendar_feed import _fold
from vangnet.procedures.definitions import START, load

PROCEDURES = sorted(load().procedures)


def reachable(code: str) -> set[str]:
    definition = load().get(code)
    seen, todo = {START}, [START]
    while todo:
        state = todo.pop()
        for step in definition.steps_from(state):
            if step.to_state not in seen:
                seen.add(step.to_state)
                todo.append(step.to_state)
    return seen


@pytest.mark.parametrize("code", PROCEDURES)
def test_no_dead_ends_and_every_final_state_reachable(code: str) -> None:
    definition = load().get(code)
    states = reachable(code)
    assert definition.final <= states
    for state in states - definition.final:
        assert definition.steps_from(state), f"{code}: no step leads out of {state!r}"
    for state in definition.final:
        assert definition.steps_from(state) == []


@pytest.mark.parametrize("code", PROCEDURES)
def test_every_deadline_is_used_and_met_by_a_step(code: str) -> None:
    definition = load().get(code)
    opened = set(definition.opens) | {d for s in definition.steps.values() for d in s.opens}
    closers = {d for s in definition.steps.values() for d in s.closes}
    assert opened == set(definition.deadlines), "a declared deadline is never opened"
    assert opened <= closers, f"no step meets {sorted(opened - closers)}"


def test_timeline_and_panel_follow_the_readers_language(cast: Any, registered_signal: Any, logged_in: Any) -> None:
    case = registered_signal.case
    with processing_context(actor=cast.reporter):
        p = services.start_procedure(case, "police_report", organisation=cast.reporter.organisation,
                                     on=datetime.date(2026, 1, 5))
        services.record_step(p.pk, "filed", on=datetime.date(2026, 1, 5), organisation=cast.reporter.organisation)
    event = case.events.get(message="%(procedure)s: %(step)s")
    with translation.override("nl"):
        assert event.text == "Aangifte: Aangifte gedaan"
    with translation.override("en"):
        assert event.text == "Police report: Police report filed"
    client = logged_in(cast.reporter)
    client.cookies["django_language"] = "en"
    with translation.override("nl"):  # restores the thread's language after the English request
        html = client.get(f"/cases/{case.reference}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Procedures and deadlines" in html and "Police report filed" in html


def test_reminder_command_runs(cast: Any, registered_signal: Any, capsys: Any) -> None:
    call_command("deadline_reminders")
    assert "due: 0, overdue: 0" in capsys.readouterr().out


def test_calendar_lines_fold_at_75_octets_without_splitting_characters() -> None:
    line = "SUMMARY:" + "Beëindiging bedenktijd – " * 6
    folded = _fold(line)
    parts = folded.split("\r\n")
    assert all(len(p.encode("utf-8")) <= 75 for p in parts)
    assert "".join(p[1:] if i else p for i, p in enumerate(parts)) == line
