"""The multicultural test-set generator and the cluster metrics."""

from __future__ import annotations

from collections import Counter

import pytest

from vangnet.linkage import RecordEncoder, deduplicate
from vangnet.linkage.evaluation import cluster_metrics, variant_metrics
from vangnet.linkage.testset import ORIGINS, VARIANT_TYPES, generate_multicultural


def test_generator_is_deterministic_and_covers_origins_variants_and_hard_negatives() -> None:
    a = generate_multicultural(1500, seed=4)
    b = generate_multicultural(1500, seed=4)
    assert a.records == b.records and a.entity_ids == b.entity_ids
    assert a.records != generate_multicultural(1500, seed=5).records
    assert len(set(a.entity_ids)) == 1500 and 2200 < len(a.records) < 3200
    assert set(a.variant_types) <= {"original", *VARIANT_TYPES}
    assert {"transliteration", "name_order", "date_default", "nickname"} <= set(a.variant_types)
    assert {kind for kind, _, _ in a.hard_negatives} == {"twin", "sibling", "namesake"}
    nationalities = Counter(r.nationality for r in a.records if r.nationality and len(r.nationality) == 2)
    assert {code for code in nationalities if code.isupper()} == set(ORIGINS)
    # Twins share the date of birth and the family name, and are different persons.
    _kind, x, y = next(h for h in a.hard_negatives if h[0] == "twin")
    first_x = next(r for r, e, v in zip(a.records, a.entity_ids, a.variant_types, strict=True)
                   if e == x and v == "original")
    first_y = next(r for r, e, v in zip(a.records, a.entity_ids, a.variant_types, strict=True)
                   if e == y and v == "original")
    assert first_x.birth_date == first_y.birth_date and first_x.first_name != first_y.first_name


def test_cluster_metrics_by_hand() -> None:
    truth = ["a", "a", "a", "b", "b", "c"]
    predicted = [1, 1, 2, 2, 2, 3]  # one a split off and merged with the b's
    m = cluster_metrics(predicted, truth)
    # predicted pairs: (0,1) true, (2,3) (2,4) false, (3,4) true -> P 2/4; true pairs 3 + 1 -> R 2/4
    assert m["pairwise_precision"] == pytest.approx(0.5) and m["pairwise_recall"] == pytest.approx(0.5)
    assert m["largest_cluster"] == 3 and m["largest_person"] == 3 and m["largest_cluster_persons"] == 2
    assert (m["clusters"], m["persons"]) == (3, 3)
    # B-cubed precision: records 0,1: 1; record 2: 1/3; records 3,4: 2/3; record 5: 1
    assert m["bcubed_precision"] == pytest.approx((1 + 1 + 1 / 3 + 2 / 3 + 2 / 3 + 1) / 6)
    per = variant_metrics(predicted, truth, ["original", "typo", "typo", "original", "original", "original"])
    assert per["typo"]["true_pairs"] == 3 and per["typo"]["recall"] == pytest.approx(1 / 3)


def test_clusters_do_not_chain_on_a_generated_set() -> None:
    data = generate_multicultural(1500, seed=8)
    result = deduplicate(RecordEncoder(b"testset-secret-0123456789abcdef").encode_many(data.records))
    m = cluster_metrics(result.cluster_ids, data.entity_ids)
    assert m["largest_cluster"] <= 2 * m["largest_person"]
    assert m["pairwise_f1"] > 0.8 and m["bcubed_f1"] > 0.93
