"""Clustering: stability under new records, stable ids, human overrides."""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vangnet.linkage import (
    DecisionConflictError,
    HumanDecision,
    LinkageIndex,
    PersonRecord,
    RecordEncoder,
    Thresholds,
    deduplicate,
)
from vangnet.linkage.clustering import ConstrainedUnionFind, cluster_roots
from vangnet.linkage.demo import generate_demo

SECRET = b"clustering-test-secret-0123456789"


def encoder() -> RecordEncoder:
    return RecordEncoder(SECRET, rng=random.Random(11))


def people() -> list[PersonRecord]:
    return [
        PersonRecord("a1", "Olumide", "Okafor", "1994-03-02", "F", "NG"),
        PersonRecord("a2", "Olumidé", "OKAFOR", "02-03-1994", "V", "Nigeriaans"),
        PersonRecord("a3", "Olumedi", "Okafor", "1994", None, "Nigeria"),
        PersonRecord("b1", "Oleksandr", "Shevchenko", "1990-05-01", "M", "UA"),
        PersonRecord("b2", "Олександр", "Шевченко", "1990-05-01", "man", "Oekraïne"),
        PersonRecord("b3", "Aleksandr", "Shevchenko", "01-05-1990", "M", "UKR"),
        PersonRecord("c1", "Maria", "Popescu", "1988-01-01", "F", "RO"),
        PersonRecord("d1", "Wei", "Zhang", "1999-12-12", "M", "CN"),
        PersonRecord("d2", "Zhang", "Wei", "1999-12-12", "M", "China"),
    ]


def test_issue_examples_cluster_together() -> None:
    index = LinkageIndex()
    for enc in encoder().encode_many(people()):
        index.add(enc)
    clusters = index.clusters()
    assert clusters["a1"] == ["a1", "a2", "a3"]
    assert clusters["b1"] == ["b1", "b2", "b3"]
    assert clusters["c1"] == ["c1"]
    assert clusters["d1"] == ["d1", "d2"]


def test_cluster_id_is_oldest_member_and_changes_are_reported() -> None:
    encs = encoder().encode_many(people())
    index = LinkageIndex()
    first = index.add(encs[1])  # a2 first: it names the cluster
    assert first.cluster_id == "a2" and first.changed == {"a2": "a2"}
    second = index.add(encs[0])
    assert second.cluster_id == "a2"
    assert second.changed == {"a1": "a2"}
    assert any(link.a == "a2" and link.b == "a1" for link in second.links)


def test_adding_records_never_splits_clusters() -> None:
    data = generate_demo(250, seed=3)
    encs = encoder().encode_many(data.records)
    index = LinkageIndex()
    previous: dict[str, str] = {}
    for enc in encs:
        index.add(enc)
        current = {rid: index.cluster_id(rid) for rid in previous}
        # two records together before are still together
        groups: dict[str, set[str]] = {}
        for rid, cid in previous.items():
            groups.setdefault(cid, set()).add(rid)
        for members in groups.values():
            assert len({current[m] for m in members}) == 1
        previous = {**current, enc.record_id: index.cluster_id(enc.record_id)}


def test_incremental_equals_batch_and_build() -> None:
    data = generate_demo(300, seed=4)
    encs = encoder().encode_many(data.records)
    index = LinkageIndex()
    index.add_many(encs)
    batch = deduplicate(encs)
    assert [index.cluster_id(e.record_id) for e in encs] == batch.cluster_ids
    built = LinkageIndex.build(encs)
    assert built.clusters() == index.clusters()
    assert {(lk.a, lk.b) for lk in built.review_queue()} == {(lk.a, lk.b) for lk in index.review_queue()}


def test_human_different_splits_and_blocks_future_links() -> None:
    encs = encoder().encode_many(people())
    index = LinkageIndex()
    index.add_many(encs[:3])
    assert index.members("a1") == ["a1", "a2", "a3"]
    changed = index.decide("a1", "a3", same=False)
    assert index.cluster_id("a1") != index.cluster_id("a3")
    assert changed  # someone moved
    # The remaining automatic links are still used, consistently with the constraint.
    assert index.cluster_id("a2") in {index.cluster_id("a1"), index.cluster_id("a3")}
    # A new, obviously matching record can not join a1 and a3 again.
    more = encoder().encode(PersonRecord("a4", "Olumide", "Okafor", "1994-03-02", "F", "NG"))
    index.add(more)
    assert index.cluster_id("a1") != index.cluster_id("a3")
    assert ("a1", "a3") not in {(lk.a, lk.b) for lk in index.review_queue()}
    assert HumanDecision("a1", "a3", False) in index.decisions()


def test_human_same_overrides_score_and_conflicts_raise() -> None:
    encs = encoder().encode_many(people())
    index = LinkageIndex()
    index.add_many(encs)
    assert index.cluster_id("c1") != index.cluster_id("d1")
    changed = index.decide("d1", "c1", same=True)
    assert index.cluster_id("d1") == index.cluster_id("c1") == "c1"
    # d2 is automatically linked to d1 but recorded as male where c1 is female: a hard
    # conflict, so only the human must-link crosses it and d2 stays apart.
    assert changed == {"d1": "c1", "d2": "d2"}
    index.decide("a1", "b1", same=False)
    index.decide("a1", "c1", same=True)
    snapshot = index.clusters()
    with pytest.raises(DecisionConflictError):
        index.decide("b1", "c1", same=True)  # human decisions contradict: a1 = c1, a1 != b1
    assert index.clusters() == snapshot
    # A human 'same' that contradicts only an automatic link wins over it.
    index.decide("b1", "d2", same=True)
    assert index.cluster_id("d2") == index.cluster_id("b1") != index.cluster_id("a1")
    assert index.cluster_id("d1") == index.cluster_id("a1")
    index.forget_decision("b1", "d2")
    # Withdrawing the 'same' decision restores the automatic clustering.
    index.forget_decision("d1", "c1")
    assert index.cluster_id("d1") != index.cluster_id("c1")


def test_overrides_in_batch_dedup() -> None:
    encs = encoder().encode_many(people())
    plain = deduplicate(encs)
    ids = dict(zip([e.record_id for e in encs], plain.cluster_ids, strict=True))
    assert ids["a1"] == ids["a2"] == ids["a3"]
    decided = deduplicate(
        encs,
        decisions=[
            HumanDecision("a1", "a2", False),
            HumanDecision("a3", "a2", False),
            HumanDecision("c1", "d1", True),
        ],
    )
    ids = dict(zip([e.record_id for e in encs], decided.cluster_ids, strict=True))
    assert ids["a1"] != ids["a2"] and ids["a2"] != ids["a3"]
    assert ids["c1"] == ids["d1"] == "c1" != ids["d2"]  # d2 (male) conflicts with c1 (female)
    with pytest.raises(KeyError):
        deduplicate(encs, decisions=[HumanDecision("a1", "zz", True)])


def test_review_band_does_not_merge() -> None:
    encs = encoder().encode_many(people())
    strict = LinkageIndex(thresholds=Thresholds(same=1.0, review=0.1))
    strict.add_many(encs)
    assert all(len(m) == 1 for m in strict.clusters().values())
    queue = strict.review_queue()
    assert {("a1", "a2"), ("b1", "b2")} <= {(lk.a, lk.b) for lk in queue}
    assert queue == sorted(queue, key=lambda lk: -lk.probability)
    explanation = strict.explain(queue[0])
    assert set(explanation) >= {"first", "last", "birth"}


def test_index_rejects_duplicates_and_unknown_ids() -> None:
    enc = encoder().encode(people()[0])
    index = LinkageIndex()
    index.add(enc)
    with pytest.raises(ValueError):
        index.add(enc)
    with pytest.raises(KeyError):
        index.cluster_id("nope")
    with pytest.raises(ValueError):
        index.decide("a1", "a1", same=True)


@settings(max_examples=60, deadline=None)
@given(
    st.integers(2, 30).flatmap(
        lambda n: st.tuples(
            st.just(n), st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=40)
        )
    )
)
def test_union_find_matches_scipy_components(case: tuple[int, list[tuple[int, int]]]) -> None:
    n, edges = case
    uf = ConstrainedUnionFind(n)
    for a, b in edges:
        uf.union(a, b)
    i = np.array([a for a, _ in edges], dtype=np.int64)
    j = np.array([b for _, b in edges], dtype=np.int64)
    assert uf.roots().tolist() == cluster_roots(n, i, j).tolist()
    # roots are the smallest member
    for root, members in uf.members.items():
        assert root == min(members)


def test_cannot_link_is_respected_transitively() -> None:
    uf = ConstrainedUnionFind(4)
    uf.forbid(0, 3)
    assert uf.union(0, 1) == 1
    assert uf.union(2, 3) == 3
    assert uf.union(1, 2) is None  # would join 0 and 3
    assert uf.find(0) != uf.find(3)


def test_explain_uses_the_links_own_fields() -> None:
    enc = encoder()
    index = LinkageIndex()
    index.add(enc.encode(PersonRecord("x1", "Anna", "Visser", "1990-01-02", extra={"place": "Utrecht"})))
    index.add(enc.encode(PersonRecord("y1", "Piotr", "Nowak", "1985-05-05", extra={"alias": "Pit"})))
    result = index.add(enc.encode(PersonRecord("y2", "Piotr", "Nowak", "1985-05-05", extra={"alias": "Pit"})))
    link = result.links[0]
    assert link.fields[-1] == "extra:alias"
    explanation = index.explain(link)
    assert set(explanation) == set(link.fields) and explanation["extra:alias"] > 0
