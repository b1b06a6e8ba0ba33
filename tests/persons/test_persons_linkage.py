"""Uniqueness without names: encodings per signal, clusters into persons, human decisions."""

from __future__ import annotations

import datetime
import io
import os
import subprocess
import sys

import pytest
from django.apps import apps
from django.db import connection
from django.db.models import Q

from tests.conftest import signal_input
from vangnet.audit.context import processing_context
from vangnet.persons import services
from vangnet.persons.models import MatchDecision, PossibleMatch, SignalEncoding
from vangnet.persons.selectors import person_counts
from vangnet.signals.services import register_signal

NAMES = ("Olumide", "Adeyemi", "Olumidé", "Adeyemmi", "Ionescu", "Ionesco", "Mihaela")


def register(cast, **overrides):
    with processing_context(actor=cast.reporter):
        return register_signal(signal_input(**overrides), organisation=cast.reporter.organisation,
                               actor=cast.reporter)


def test_spelling_variants_of_one_person_end_in_one_cluster(cast):
    first = register(cast)
    second = register(cast, given_names="Olumidé", family_name="Adeyemmi")
    other = register(cast, given_names="Mihaela", family_name="Ionescu", birth_date=datetime.date(1987, 1, 9),
                     nationality=None)
    for signal in (first, second, other):
        services.link_signal(signal.pk)
    clusters = dict(SignalEncoding.objects.values_list("signal_id", "cluster_id"))
    assert clusters[first.pk] == clusters[second.pk] != clusters[other.pk]
    first.case.refresh_from_db()
    second.case.refresh_from_db()
    assert first.case.person_key == second.case.person_key  # two cases, one person
    counts = person_counts()
    assert (counts.signals, counts.persons_identified) == (3, 2)


def test_anonymous_signals_are_not_encoded_but_still_counted(cast):
    signal = register(cast, is_identified=False, given_names="", family_name="", birth_date=None,
                      estimated_age=30)
    services.link_signal(signal.pk)
    assert not SignalEncoding.objects.exists()
    assert person_counts().persons_estimate == 1


def test_a_human_decision_overrides_the_score_and_can_be_withdrawn(cast):
    first, second = register(cast), register(cast, given_names="Olumidé", family_name="Adeyemmi")
    services.link_all()
    a, b = (f"s{first.pk}", f"s{second.pk}")
    assert SignalEncoding.objects.get(record_id=a).cluster_id == SignalEncoding.objects.get(record_id=b).cluster_id
    with processing_context(actor=cast.national):
        services.decide(a, b, same=False, actor=cast.national, note="different mothers' names")
    assert SignalEncoding.objects.get(record_id=a).cluster_id != SignalEncoding.objects.get(record_id=b).cluster_id
    with processing_context(actor=cast.national):
        services.decide(a, b, same=None, actor=cast.national)
    assert SignalEncoding.objects.get(record_id=a).cluster_id == SignalEncoding.objects.get(record_id=b).cluster_id
    assert MatchDecision.objects.count() == 2  # the history stays


def test_encodings_under_another_secret_are_never_compared_but_re_encoded(cast, settings):
    first = register(cast)
    services.link_signal(first.pk)
    old_key = SignalEncoding.objects.get(signal=first).key_id
    settings.PSEUDONYMISATION_SECRET = "another-secret-entirely"
    _index, current = services.build_index()
    assert current == []  # the old-secret encoding is not compared as it is
    second = register(cast)  # the very same person
    services.link_signal(second.pk)  # relink re-encodes the stale encoding from its signal
    rows = {r.signal_id: r for r in SignalEncoding.objects.all()}
    assert rows[first.pk].key_id == rows[second.pk].key_id != old_key
    assert rows[first.pk].cluster_id == rows[second.pk].cluster_id


def test_rotation_re_encodes_everything_and_keeps_clusters_and_decisions(cast, settings):
    signals = [register(cast), register(cast, given_names="Olumidé", family_name="Adeyemmi"),
               register(cast, given_names="Mihaela", family_name="Ionescu", birth_date=datetime.date(1987, 1, 9)),
               register(cast, given_names="Mihaela", family_name="Ionesco", birth_date=datetime.date(1987, 1, 9))]
    services.link_all()
    ids = [f"s{s.pk}" for s in signals]
    with processing_context(actor=cast.national):
        services.decide(ids[2], ids[3], same=False, actor=cast.national)
    before = services.partition()
    old_keys = set(SignalEncoding.objects.values_list("key_id", flat=True))
    old_encodings = set(SignalEncoding.objects.values_list("encoding", flat=True))
    with processing_context(actor_label="test"):
        result = services.rotate_secret("a-brand-new-pseudonymisation-secret")
    assert result["reencoded"] == 4 and result["records_in_changed_clusters"] == 0
    assert services.partition() == before
    new_keys = set(SignalEncoding.objects.values_list("key_id", flat=True))
    assert len(new_keys) == 1 and not new_keys & old_keys
    assert not set(SignalEncoding.objects.values_list("encoding", flat=True)) & old_encodings
    # After the switch the application works with the new secret and the decision still holds.
    settings.PSEUDONYMISATION_SECRET = "a-brand-new-pseudonymisation-secret"
    assert services.relink()["reencoded"] == 0
    assert services.partition() == before
    clusters = dict(SignalEncoding.objects.values_list("record_id", "cluster_id"))
    assert clusters[ids[0]] == clusters[ids[1]] and clusters[ids[2]] != clusters[ids[3]]


def test_rotation_command_reads_the_new_secret_from_a_file(cast, tmp_path, settings):
    from django.core.management import CommandError, call_command

    register(cast)
    services.link_all()
    path = tmp_path / "new-secret"
    path.write_text("rotated-secret-from-a-file-0123\n", encoding="utf-8")
    out = io.StringIO()
    call_command("rotate_pseudonymisation_secret", "--new-secret-file", str(path), stdout=out)
    assert "re-encoded: 1 signals" in out.getvalue()
    assert set(SignalEncoding.objects.values_list("key_id", flat=True)) == {
        services.encoder("rotated-secret-from-a-file-0123").key_id}
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("rotate_pseudonymisation_secret", "--new-secret-file", str(tmp_path / "missing"))
    path.write_text("short", encoding="utf-8")
    with pytest.raises(CommandError, match="at least 16 bytes"):
        call_command("rotate_pseudonymisation_secret", "--new-secret-file", str(path))


def test_secret_file_setting_wins_over_the_variable(tmp_path):
    path = tmp_path / "secret"
    path.write_text("secret-from-a-file-outside-the-db-host\n", encoding="utf-8")
    code = "from django.conf import settings; print(settings.PSEUDONYMISATION_SECRET)"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "vangnet.settings",
           "VANGNET_PSEUDONYMISATION_SECRET": "from-the-variable-0123456789",
           "VANGNET_PSEUDONYMISATION_SECRET_FILE": str(path)}
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60,  # noqa: S603
                          check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "secret-from-a-file-outside-the-db-host"


def test_database_holds_no_name_in_the_clear_after_identified_signals(cast):
    register(cast)
    register(cast, given_names="Mihaela", family_name="Ionescu")
    services.link_all()
    found = []
    with connection.cursor() as cursor:
        for model in apps.get_models():
            table = model._meta.db_table
            columns = [f.column for f in model._meta.concrete_fields
                       if f.get_internal_type() in {"CharField", "TextField", "JSONField"}]
            for column in columns:
                cursor.execute(f"SELECT {connection.ops.quote_name(column)} FROM {connection.ops.quote_name(table)}")  # noqa: S608
                for (value,) in cursor.fetchall():
                    text = str(value or "")
                    found += [(table, column, name) for name in NAMES if name.lower() in text.lower()]
    assert found == []


REVIEW = {who: 404 for who in ("reporter", "colleague", "outsider", "coordinator", "other_coordinator",
                               "analyst", "admin")} | {"national": 200}


@pytest.mark.parametrize("who", sorted(REVIEW))
def test_only_the_national_coordinator_reviews(who, cast, logged_in):
    first, second = register(cast), register(cast, given_names="Olu", family_name="Adeyemi")
    services.link_all()
    client = logged_in(getattr(cast, who))
    assert client.get("/persons/review/").status_code == REVIEW[who]
    response = client.post("/persons/review/decide/", {"record_a": f"s{first.pk}", "record_b": f"s{second.pk}",
                                                        "decision": "different"})
    assert response.status_code == (302 if who == "national" else 404)
    assert MatchDecision.objects.exists() == (who == "national")


def test_review_page_shows_evidence_without_names(cast, logged_in, settings):
    settings.LINKAGE_REVIEW_THRESHOLD = 0.0  # every compared pair below "same" waits for review
    first = register(cast)
    # 1 July counts as "year only"; the same birth year keeps the pair comparable under the default
    # year-band salt (names of records born two or more years apart are not compared).
    second = register(cast, family_name="Adebayo", birth_date=datetime.date(1999, 7, 1))
    services.link_all()
    pairs = {frozenset(p) for p in PossibleMatch.objects.values_list("record_a", "record_b")}
    assert frozenset({f"s{first.pk}", f"s{second.pk}"}) in pairs
    page = logged_in(cast.national).get("/persons/review/").content.decode()
    for name in ("Olumide", "Adeyemi", "Adebayo"):
        assert name not in page
    assert first.reference in page and second.reference in page


def test_relinking_writes_only_what_changed(cast):
    """A relink with nothing new writes no cluster, person key or review row: the cost of a new signal must
    not grow with every case the registry holds."""
    signals = [register(cast), register(cast, given_names="Olumidé", family_name="Adeyemmi"),
               register(cast, given_names="Mihaela", family_name="Ionescu", birth_date=datetime.date(1987, 1, 9))]
    services.link_all()
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        result = services.relink()
    writes = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE"))]
    assert result["changed"] == 0
    assert writes == []
    assert len(signals) == SignalEncoding.objects.count()


def test_the_review_queue_keeps_waiting_pairs_and_drops_decided_ones(cast, settings):
    # make every compared pair a "maybe" so the two variants wait for a human
    settings.LINKAGE_SAME_THRESHOLD = 0.9999999
    settings.LINKAGE_REVIEW_THRESHOLD = 0.0001
    first, second = register(cast), register(cast, given_names="Olumidé", family_name="Adeyemmi")
    services.link_all()
    a, b = f"s{first.pk}", f"s{second.pk}"
    pair = Q(record_a=a, record_b=b) | Q(record_a=b, record_b=a)
    waiting = PossibleMatch.objects.get(pair)
    services.relink()
    assert PossibleMatch.objects.get(pair).found_at == waiting.found_at  # still waiting: the same row
    with processing_context(actor=cast.national):
        services.decide(a, b, same=True, actor=cast.national)
    assert not PossibleMatch.objects.filter(pair).exists()


def test_a_burst_of_new_signals_shares_one_relink(cast, monkeypatch):
    """Three link tasks queued together: the first run covers all three encodings, the others skip."""
    signals = [register(cast), register(cast, given_names="Olumidé", family_name="Adeyemmi"),
               register(cast, given_names="Mihaela", family_name="Ionescu", birth_date=datetime.date(1987, 1, 9))]
    generations = []
    real_relink_up_to = services.relink_up_to
    monkeypatch.setattr(services, "relink_up_to", generations.append)  # encode only, as if the tasks were queued
    for signal in signals:
        services.link_signal(signal.pk)
    monkeypatch.setattr(services, "relink_up_to", real_relink_up_to)
    runs = []
    real_relink = services.relink
    monkeypatch.setattr(services, "relink", lambda: runs.append(1) or real_relink())
    assert [services.relink_up_to(g) for g in generations] == [True, False, False]
    assert len(runs) == 1
    clusters = dict(SignalEncoding.objects.values_list("signal_id", "cluster_id"))
    assert clusters[signals[0].pk] == clusters[signals[1].pk] != clusters[signals[2].pk]
    # a signal after the run is not covered by it: it is added to the kept index, no rebuild
    late = register(cast, given_names="Olumide", family_name="Adeyemi")
    services.link_signal(late.pk)
    assert len(runs) == 1
    assert SignalEncoding.objects.get(signal=late).cluster_id == clusters[signals[0].pk]
    late.case.refresh_from_db()
    assert late.case.person_key == clusters[signals[0].pk]


def test_the_kept_index_gives_the_clusters_of_a_full_rebuild(cast, monkeypatch):
    """Signals linked one by one through the kept index end in the same clusters, person keys and review
    queue as one rebuild from all encodings; a decision or a removed encoding makes the next run rebuild."""
    variants = [("Olumide", "Adeyemi"), ("Olumidé", "Adeyemmi"), ("Mihaela", "Ionescu"), ("Mihaela", "Ionesco"),
                ("Ana", "Popescu"), ("Anna", "Popescu"), ("Wei", "Zhang"), ("Zhang", "Wei")]
    signals = [register(cast, given_names=g, family_name=f) for g, f in variants]
    full_runs = []
    real_relink = services.relink
    monkeypatch.setattr(services, "relink", lambda: full_runs.append(1) or real_relink())
    for signal in signals:
        services.link_signal(signal.pk)
    assert len(full_runs) == 1  # the first signal builds the index; the other seven extend it
    kept = (dict(SignalEncoding.objects.values_list("record_id", "cluster_id")),
            dict(SignalEncoding.objects.values_list("signal__case_id", "signal__case__person_key")),
            sorted(PossibleMatch.objects.values_list("record_a", "record_b")))
    real_relink()
    rebuilt = (dict(SignalEncoding.objects.values_list("record_id", "cluster_id")),
               dict(SignalEncoding.objects.values_list("signal__case_id", "signal__case__person_key")),
               sorted(PossibleMatch.objects.values_list("record_a", "record_b")))
    assert kept == rebuilt
    assert len(set(kept[0].values())) < len(signals)  # some variants did link

    # another process's decision: the next signal rebuilds instead of extending a stale index
    services.relink_up_to(services._next_generation())  # a run that leaves a kept index in this process
    a, b = f"s{signals[2].pk}", f"s{signals[3].pk}"
    MatchDecision.objects.create(record_a=min(a, b), record_b=max(a, b), same=False, decided_by=cast.national)
    full_runs.clear()
    services.link_signal(register(cast, given_names="Mihaela", family_name="Ionescu").pk)
    assert len(full_runs) == 1
    assert SignalEncoding.objects.get(record_id=a).cluster_id != SignalEncoding.objects.get(record_id=b).cluster_id


def test_a_removed_encoding_or_one_stored_out_of_order_makes_the_next_run_rebuild(cast, monkeypatch):
    """The kept index notices rows it did not see arrive: one removed (an erasure), and one that committed
    after a row with a higher key (two workers). Either way the next run rebuilds and ends where a rebuild
    from all encodings ends."""
    first = [register(cast, given_names=g, family_name=f)
             for g, f in [("Olumide", "Adeyemi"), ("Mihaela", "Ionescu"), ("Ana", "Popescu")]]
    for signal in first:
        services.link_signal(signal.pk)
    full_runs = []
    real_relink = services.relink
    monkeypatch.setattr(services, "relink", lambda: full_runs.append(1) or real_relink())

    # removed: the index still holds it, the table no longer does
    SignalEncoding.objects.filter(signal=first[2]).delete()
    services.link_signal(register(cast, given_names="Wei", family_name="Zhang").pk)
    assert len(full_runs) == 1
    assert f"s{first[2].pk}" not in dict(SignalEncoding.objects.values_list("record_id", "cluster_id"))

    # out of order: a variant of the first person stored below the highest key the index holds
    late = register(cast, given_names="Olumidé", family_name="Adeyemmi")
    services.encode_signal(late)
    SignalEncoding.objects.filter(signal=late).update(id=0)
    full_runs.clear()
    services.link_signal(register(cast, given_names="Anna", family_name="Popescu").pk)
    assert len(full_runs) == 1
    kept = dict(SignalEncoding.objects.values_list("record_id", "cluster_id"))
    assert kept[f"s{late.pk}"] == kept[f"s{first[0].pk}"]
    real_relink()
    assert dict(SignalEncoding.objects.values_list("record_id", "cluster_id")) == kept


def test_a_decision_writes_a_message_id_rendered_in_the_readers_language(cast):
    from django.utils import translation

    from vangnet.cases.models import CaseEvent
    from vangnet.cases.timeline import render_event

    first, second = register(cast), register(cast, given_names="Olumidé", family_name="Adeyemmi")
    services.link_all()
    with processing_context(actor=cast.national):
        services.decide(f"s{first.pk}", f"s{second.pk}", same=False, actor=cast.national)
    event = CaseEvent.objects.filter(case=first.case, kind=CaseEvent.Kind.LINKAGE).latest("at")
    # Stored untranslated (an English message id with params), translated when read.
    assert event.message.startswith("The national coordination centre decided that this signal concerns another")
    assert event.params == {}
    with translation.override("nl"):
        assert render_event(event).startswith("Het landelijk coördinatiecentrum heeft besloten")
    with translation.override("en"):
        assert render_event(event) == event.message
