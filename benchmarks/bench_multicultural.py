"""Linkage on realistic multicultural names (issue 10): clusters, hard negatives, variant types, Splink.

Run:  .venv/bin/python benchmarks/bench_multicultural.py [--persons 12000] [--seeds 2026,31] [--no-splink]
      [--no-attack] [--quick] [--json OUT]

For every evaluation seed (never a training seed: the shipped model was counted on seeds 101 and
102 of the same generator, thresholds were chosen on seeds 7 and 11) it generates about 20,000
signals of 12,000 persons from 14 origins (``vangnet.linkage.testset``), links them from keyed
encodings only and reports:

* cluster pairwise precision/recall/F1, B-cubed F1, clusters vs persons, the largest cluster vs
  the largest true person, merged hard-negative pairs (twins, siblings, namesakes), F1 per variant;
* Splink (4/5) + DuckDB on the normalised *plaintext* of the same records in the same run, set
  up as its deduplication tutorial does (see ``splink()``): clusters from Splink's own
  ``cluster_pairwise_predictions_at_threshold`` at 0.5 and at its best threshold, plus its links;
* the default encoding is salted with two-year birth-year bands (``salt="year_band"``); the
  unsalted encoding (the default before) and ``salt="birth_year"`` run on the same records, to
  show what the salt costs; the unsplit date-less blocking keys (``block_split="none"``);
* Double Metaphone as a further blocking key and also in the name filters (off by default);
* the optional no-date rule (``MatchModel.no_date_rule``, off by default) and what it does to
  "date missing";
* a frequency-alignment attack on the stored filters, the full-name token and the name-sound
  blocking key, and the blocking-key histogram (largest key count / median) per encoding;
* that the same input, key and settings give identical output (run twice).

Targets (exit 1 when missed): cluster pairwise F1 >= 0.85, B-cubed F1 >= 0.95, largest cluster
<= 2x the largest true person, Vangnet's cluster F1 above Splink's.
"""

from __future__ import annotations

import argparse
import collections
import dataclasses
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from vangnet.linkage import EncodingConfig, RecordEncoder, deduplicate
from vangnet.linkage.clustering import cluster_roots
from vangnet.linkage.evaluation import cluster_metrics, variant_metrics
from vangnet.linkage.matching import EncodedBatch, MatchModel
from vangnet.linkage.normalise import (
    normalise_gender,
    normalise_name_tokens,
    normalise_nationality,
    parse_birth_date,
    phonetic_key,
)
from vangnet.linkage.testset import MulticulturalDataset, generate_multicultural

SECRET = b"benchmark-secret-not-for-production-use"


def hard_negative_merges(data: MulticulturalDataset, clusters: list[Any]) -> dict[str, str]:
    by_person: dict[str, set[Any]] = collections.defaultdict(set)
    for person, cluster in zip(data.entity_ids, clusters, strict=True):
        by_person[person].add(cluster)
    merged: collections.Counter[str] = collections.Counter()
    total: collections.Counter[str] = collections.Counter()
    for kind, a, b in data.hard_negatives:
        total[kind] += 1
        merged[kind] += bool(by_person[a] & by_person[b])
    return {kind: f"{merged[kind]}/{total[kind]}" for kind in sorted(total)}


def vangnet(
    data: MulticulturalDataset,
    config: EncodingConfig | None = None,
    model: MatchModel | None = None,
) -> tuple[dict[str, Any], list[str]]:
    t = time.perf_counter()
    encodings = RecordEncoder(SECRET, config).encode_many(data.records)
    t_enc = time.perf_counter() - t
    t = time.perf_counter()
    result = deduplicate(EncodedBatch.from_encodings(encodings), model=model)
    t_link = time.perf_counter() - t
    metrics: dict[str, Any] = dict(cluster_metrics(result.cluster_ids, data.entity_ids))
    metrics["hard_negatives_merged"] = hard_negative_merges(data, result.cluster_ids)
    metrics["encode_seconds"] = round(t_enc, 2)
    metrics["link_seconds"] = round(t_link, 2)
    return metrics, result.cluster_ids


def splink(data: MulticulturalDataset) -> dict[str, Any]:
    """Splink 4/5 + DuckDB on the normalised plaintext, set up as its documentation's deduplication
    tutorial does (no tuning to this file):

    * comparisons: ``NameComparison`` for first and last name with term-frequency adjustments (a
      common name counts less), ``DateOfBirthComparison`` on the ISO date (a year-only date is
      invalid there and counts as missing), ``ExactMatch`` for sex and nationality;
    * blocking for predictions: first+last name, first name+date of birth, last name+date of birth,
      and the initials with the birth year (catches misspelt names);
    * prior from the deterministic rule "same first name, last name and date of birth" at recall 0.6;
      u from 10 million random pairs; m by EM in two sessions (blocked on first+last name+birth year,
      which trains the date, sex and nationality; blocked on date of birth, which trains the names).
      Blocked on first+last name alone (the tutorial's choice), EM on this file settles on "same
      name" instead of "same person" (m of an exact date 0.04): names are shared by many namesakes.
      The setup was checked on generator seed 7 only, never on the evaluation seeds;
    * predictions kept from match weight -5 upwards, clusters by Splink's
      ``cluster_pairwise_predictions_at_threshold`` (connected components) at 0.5 and at the
      threshold with the best cluster F1 in a grid (an upper bound: a real user has no labels).
    """
    import logging

    import pandas as pd
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    logging.getLogger("splink").setLevel(logging.ERROR)
    rows = []
    for r in data.records:
        birth = parse_birth_date(r.birth_date)
        full = birth is not None and birth.day is not None
        rows.append({
            "uid": r.record_id,
            "first": " ".join(normalise_name_tokens(r.first_name)) or None,
            "last": " ".join(normalise_name_tokens(r.last_name)) or None,
            "dob": birth.isoformat() if full and birth else None,
            "birth_year": str(birth.year) if birth else None,
            "gender": normalise_gender(r.gender),
            "nationality": normalise_nationality(r.nationality),
        })  # fmt: skip
    frame = pd.DataFrame(rows)
    db_api = DuckDBAPI()
    settings = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="uid",
        comparisons=[
            cl.NameComparison("first").configure(term_frequency_adjustments=True),
            cl.NameComparison("last").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.ExactMatch("gender"),
            cl.ExactMatch("nationality"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("first", "last"),
            block_on("first", "dob"),
            block_on("last", "dob"),
            block_on("substr(first, 1, 1)", "substr(last, 1, 1)", "birth_year"),
        ],
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )
    t = time.perf_counter()
    linker = Linker(db_api.register(frame), settings, log_level=logging.ERROR)
    linker.training.estimate_probability_two_random_records_match([block_on("first", "last", "dob")], recall=0.6)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e7, seed=1)
    for rule in (block_on("first", "last", "birth_year"), block_on("dob")):
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    predictions = linker.inference.predict(threshold_match_weight=-5)
    pred = predictions.as_pandas_dataframe()
    pos = {r.record_id: k for k, r in enumerate(data.records)}
    n = len(data.records)

    def splink_clusters(threshold: float) -> list[int]:
        frame = linker.clustering.cluster_pairwise_predictions_at_threshold(
            predictions, threshold_match_probability=threshold
        ).as_pandas_dataframe()
        roots = np.arange(n)
        first_of: dict[Any, int] = {}
        for uid, cluster in zip(frame["uid"], frame["cluster_id"], strict=True):
            roots[pos[uid]] = first_of.setdefault(cluster, pos[uid])
        return roots.tolist()

    at_half = splink_clusters(0.5)
    seconds = time.perf_counter() - t
    i = np.array([pos[x] for x in pred["uid_l"]], dtype=np.int64)
    j = np.array([pos[x] for x in pred["uid_r"]], dtype=np.int64)
    p = pred["match_probability"].to_numpy()
    out: dict[str, Any] = dict(cluster_metrics(at_half, data.entity_ids))
    out["hard_negatives_merged"] = hard_negative_merges(data, at_half)
    # Threshold scan with the same connected components (vangnet's union-find, identical result).
    best = (out["pairwise_f1"], 0.5)
    grid = (0.5, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999)
    for threshold in grid[1:]:
        keep = p >= threshold
        m = cluster_metrics(cluster_roots(n, i[keep], j[keep]).tolist(), data.entity_ids)
        if m["pairwise_f1"] > best[0]:
            best = (m["pairwise_f1"], threshold)
    best_clusters = splink_clusters(best[1])
    best_metrics = cluster_metrics(best_clusters, data.entity_ids)
    from vangnet.linkage.evaluation import pair_metrics, true_pair_codes

    truth, _ = true_pair_codes(data.entity_ids)
    codes = np.minimum(i, j) * n + np.maximum(i, j)
    out["links_f1"] = pair_metrics(np.unique(codes[p >= 0.5]), truth)["f1"]
    out["links_best_f1"] = max(
        pair_metrics(np.unique(codes[p >= t]), truth)["f1"] for t in (0.05, 0.1, 0.2, 0.3, *grid)
    )
    out["best_threshold"] = best[1]
    out["best"] = dict(best_metrics)
    out["best"]["hard_negatives_merged"] = hard_negative_merges(data, best_clusters)
    out["best_threshold_pairwise_f1"] = best_metrics["pairwise_f1"]
    out["seconds"] = round(seconds, 1)
    return out


def attack(data: MulticulturalDataset, public: MulticulturalDataset) -> dict[str, dict[str, float]]:
    """Frequency alignment (vangnet.linkage.attack) on the first-name filters and the full-name
    token, with the attacker's public register = another sample of the same population."""
    from vangnet.linkage.attack import frequency_alignment
    from vangnet.linkage.normalise import canonical_given_names

    def facts(ds: MulticulturalDataset) -> tuple[list[str], list[str], list[str], list[str]]:
        first, full, bucket, sound = [], [], [], []
        for r in ds.records:
            given = canonical_given_names(normalise_name_tokens(r.first_name))
            last = normalise_name_tokens(r.last_name)
            first.append("".join(given))
            full.append(" ".join(sorted(given + last)))
            bucket.append(normalise_nationality(r.nationality) or "?")
            sound.append(" ".join(sorted(phonetic_key("".join(x)) for x in (given, last))))
        return first, full, bucket, sound

    first, full, nat, sound = facts(data)
    p_first, p_full, p_nat, p_sound = facts(public)
    out: dict[str, dict[str, float]] = {}
    configs: dict[str, EncodingConfig] = {
        "no noise, no salt": EncodingConfig(flip_probability=0, salt="none", block_split="none"),
        "salt=none (old default)": EncodingConfig(salt="none", block_split="none"),
        "salt=year_band, blocking keys not split": EncodingConfig(block_split="none"),
        "default (year_band, split keys)": EncodingConfig(),
        "salt=birth_year": EncodingConfig(salt="birth_year", block_split="none"),
        "salt=birth_year+balance+xor_fold": EncodingConfig(salt="birth_year", balance=True, xor_fold=True),
    }
    for name, config in configs.items():
        encodings = RecordEncoder(SECRET, config).encode_many(data.records)
        out[name] = {
            "first, all": frequency_alignment(encodings, first, [("", v) for v in p_first],
                                              field=lambda e: e.first)["rate"],
            "first, by nationality": frequency_alignment(encodings, first, list(zip(p_nat, p_first, strict=True)),
                                                         field=lambda e: e.first, buckets=nat)["rate"],
            "first, by nationality, denoised": frequency_alignment(
                encodings, first, list(zip(p_nat, p_first, strict=True)), field=lambda e: e.first, buckets=nat,
                similar=0.95)["rate"],
            "full-name token, by nationality": frequency_alignment(
                encodings, full, list(zip(p_nat, p_full, strict=True)), field=lambda e: e.name_key,
                buckets=nat)["rate"],
            "name-sound blocking key, by nationality": frequency_alignment(
                encodings, sound, list(zip(p_nat, p_sound, strict=True)),
                field=lambda e: e.name_sounds[0] if e.name_sounds else None, buckets=nat)["rate"],
        }
        out[name].update(token_histogram(encodings))
        print(f"  {name:40s} " + "  ".join(f"{k}: {v:.3f}" for k, v in out[name].items()), flush=True)
    return out


def token_histogram(encodings: list[Any]) -> dict[str, float]:
    """How visibly frequent the stored blocking keys are: the largest number of records that
    carry one key, the median, and their ratio (a flat histogram has a ratio near 1)."""
    counts = collections.Counter(k for e in encodings for k in e.blocking)
    values = np.array(sorted(counts.values()))
    median = float(np.median(values))
    return {"blocking key max": float(values[-1]), "median": median, "max/median": values[-1] / median,
            "p99": float(values[int(len(values) * 0.99)])}


def line(name: str, m: dict[str, Any]) -> str:
    return (
        f"{name:28s} P {m['pairwise_precision']:.3f}  R {m['pairwise_recall']:.3f}  F1 {m['pairwise_f1']:.3f}  "
        f"B3 {m['bcubed_f1']:.3f}  clusters {m['clusters']}/{m['persons']}  "
        f"largest {m['largest_cluster']} ({m['largest_cluster_persons']} persons) vs {m['largest_person']}  "
        f"merged {m['hard_negatives_merged']}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=12_000)
    parser.add_argument("--seeds", default="2026,31", help="evaluation seeds (never 7, 11, 101, 102)")
    parser.add_argument("--no-splink", action="store_true")
    parser.add_argument("--no-attack", action="store_true")
    parser.add_argument("--json", help="write the figures to this file")
    parser.add_argument("--quick", action="store_true",
                        help="6,000 persons, first seed only, no Splink, no attack (a few minutes)")
    args = parser.parse_args(argv)
    if args.quick:
        args.persons = min(args.persons, 6_000)
        args.seeds = args.seeds.split(",")[0]
        args.no_splink = args.no_attack = True
    load = os.getloadavg()
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; {os.cpu_count()} CPUs")
    results: dict[str, Any] = {"load_average": load}
    ok = True
    for seed in (int(s) for s in args.seeds.split(",")):
        data = generate_multicultural(args.persons, seed=seed)
        print(f"\n=== seed {seed}: {len(data.records)} signals of {args.persons} persons ===")
        mine, clusters = vangnet(data)
        print(line("Vangnet (default, year_band)", mine), f"[{mine['encode_seconds']} s encode, "
              f"{mine['link_seconds']} s link]")
        again, clusters_again = vangnet(data)
        identical = clusters == clusters_again and again["pairwise_f1"] == mine["pairwise_f1"]
        print(f"same input, key and settings twice: {'identical' if identical else 'DIFFERENT'}")
        unsalted, _ = vangnet(data, EncodingConfig(salt="none", block_split="none"))
        print(line("Vangnet, no salt, no split (old)", unsalted))
        unsplit, _ = vangnet(data, EncodingConfig(block_split="none"))
        print(line("Vangnet, year_band, keys unsplit", unsplit))
        hardened, _ = vangnet(data, EncodingConfig(salt="birth_year", block_split="none"))
        print(line("Vangnet, salt=birth_year", hardened))
        dm_rows = {}
        for mode in ("blocking", "filters"):
            dm_rows[mode], _ = vangnet(data, EncodingConfig(double_metaphone=mode))
            print(line(f"Vangnet, double metaphone {mode}", dm_rows[mode]))
        no_date, no_date_clusters = vangnet(data, model=dataclasses.replace(MatchModel.default(), no_date_rule=True))
        print(line("Vangnet, no-date rule on", no_date))
        no_date_variant = variant_metrics(no_date_clusters, data.entity_ids, data.variant_types)["date_missing"]
        print(f"  date missing with the no-date rule: P {no_date_variant['precision']:.3f}  "
              f"R {no_date_variant['recall']:.3f}  F1 {no_date_variant['f1']:.3f}")
        per_variant = variant_metrics(clusters, data.entity_ids, data.variant_types)
        print("F1 per variant type (cluster pairs involving a record of that type):")
        for kind, m in sorted(per_variant.items(), key=lambda kv: kv[1]["f1"]):
            print(f"  {kind:22s} P {m['precision']:.3f}  R {m['recall']:.3f}  F1 {m['f1']:.3f}  "
                  f"({m['true_pairs']} true pairs)")
        base = None
        if not args.no_splink:
            try:
                base = splink(data)
                print(line("Splink plaintext, 0.5", base), f"[{base['seconds']} s]")
                print(line(f"Splink plaintext, best {base['best_threshold']}", base["best"]))
                print(f"  Splink links (pairs, no clustering): F1 {base['links_f1']:.3f} at 0.5, "
                      f"{base['links_best_f1']:.3f} at its best threshold")
            except Exception as exc:
                print(f"Splink failed: {type(exc).__name__}: {exc}")
        targets = {
            "cluster pairwise F1 >= 0.85": mine["pairwise_f1"] >= 0.85,
            "B-cubed F1 >= 0.95": mine["bcubed_f1"] >= 0.95,
            "largest cluster <= 2x largest person": mine["largest_cluster"] <= 2 * mine["largest_person"],
            "identical output twice": identical,
        }
        if base is not None:
            targets["ahead of Splink (cluster F1, also at its best threshold)"] = (
                mine["pairwise_f1"] > max(base["pairwise_f1"], base["best_threshold_pairwise_f1"])
            )
        for name, met in targets.items():
            print(f"  [{'x' if met else ' '}] {name}")
            ok &= met
        results[str(seed)] = {"vangnet": mine, "unsalted": unsalted, "hardened": hardened, "unsplit": unsplit,
                              "no_date_rule": no_date, "double_metaphone": dm_rows,
                              "variants": per_variant,
                              "splink": base, "targets": targets}
    if not args.no_attack:
        print("\n=== frequency-alignment attack: share of records re-identified (attacker holds the encodings and a "
              "public name register, not the secret) ===")
        results["attack"] = attack(generate_multicultural(args.persons, seed=int(args.seeds.split(",")[0])),
                                   generate_multicultural(args.persons, seed=77))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
