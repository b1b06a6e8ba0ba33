"""``rank_catalogue`` (per criterion, lazy) gives exactly what ``rank`` (candidate by candidate) gives."""

from __future__ import annotations

import random

import pytest

from vangnet.shelters.matching import Catalogue, MatchResult, Needs, adjacency, rank, rank_catalogue

TYPES = ["cosm", "omm", "women", "men", "minors", "crisis"]
LABELS = {t: f"label {t}" for t in TYPES}


def _catalogue(rng: random.Random, regions: list[str]) -> Catalogue:
    rows = []
    for cap_id in rng.sample(range(1, 5000), 300):
        region = rng.choice(regions)
        muni = f"GM{rng.randint(1, 40):04d}"
        rows.append((cap_id, cap_id // 3, f"Loc {rng.randint(0, 30)}", f"Prov {rng.randint(0, 8)}", muni,
                     f"Muni {muni}", region, f"Region {region}", rng.choice(TYPES), rng.randint(0, 6),
                     frozenset(rng.choice([["female"], ["male"], ["female", "male", "x"]])),
                     rng.choice([0, 12, 18]), rng.choice([17, 25, 120]), rng.random() < 0.4, rng.random() < 0.4,
                     rng.random() < 0.4, rng.random() < 0.3, rng.random() < 0.3,
                     frozenset(rng.sample(["nl", "en", "ar", "ro"], 2)),
                     frozenset(rng.sample(["male_sexual", "labour", "criminal"], rng.randint(0, 2)))))
    return Catalogue(rows)


def _plain(result: MatchResult) -> tuple[list, list]:
    return ([(m.candidate, m.score, m.reasons, m.exclusions) for m in result.fitting],
            [(m.candidate, m.score, m.reasons, m.exclusions) for m in result.excluded])


@pytest.mark.parametrize("seed", range(40))
def test_rank_catalogue_equals_rank(seed: int) -> None:
    rng = random.Random(seed)
    regions = sorted(code for code in adjacency() if isinstance(code, str))
    catalogue = _catalogue(rng, regions)
    taken = {row[0]: rng.randint(0, 7) for row in catalogue.rows if rng.random() < 0.6}
    region = rng.choice([None, *regions])
    needs = Needs(
        gender=rng.choice(["female", "male", "x", "unknown"]), age=rng.choice([None, 15, 30, 70]),
        is_minor=rng.random() < 0.2, children_count=rng.choice([0, 0, 2]), lvb=rng.random() < 0.3,
        addiction=rng.random() < 0.3, psychiatric=rng.random() < 0.2, multiple_problems=rng.random() < 0.3,
        wheelchair=rng.random() < 0.2, languages={"ar": "Arabic", "en": "English"} if rng.random() < 0.5 else {},
        place_types=frozenset(rng.sample(TYPES, 2)) if rng.random() < 0.2 else frozenset(),
        specialisms={"labour": "Labour"} if rng.random() < 0.5 else {},
        exploitation_municipality=f"GM{rng.randint(1, 40):04d}" if region else None, exploitation_region=region,
        exploitation_region_name="Somewhere", avoid_region=rng.random() < 0.7,
        avoid_adjacent_regions=rng.random() < 0.4,
        avoid_municipalities=frozenset(f"GM{rng.randint(1, 40):04d}" for _ in range(rng.randint(0, 3))),
    )
    expected = rank(needs, catalogue.candidates(taken, LABELS))
    got = rank_catalogue(needs, catalogue, taken, LABELS)
    assert len(got.fitting) == len(expected.fitting) and len(got.excluded) == len(expected.excluded)
    assert _plain(got) == _plain(expected)
    assert got.exclusion_counts() == MatchResult(expected.fitting, expected.excluded).exclusion_counts()
    assert list(got.exclusion_counts().items()) == list(expected.exclusion_counts().items())
    assert got.excluded[:5] == list(expected.excluded[:5])
