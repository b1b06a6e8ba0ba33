"""``vangnet linkage``: evaluate linkage accuracy or deduplicate a CSV of records.

    vangnet linkage evaluate --dataset demo|multicultural|febrl4 [--format json|text]
    vangnet linkage evaluate FILE.csv --truth COLUMN [--columns NAME=COLUMN,...]
    vangnet linkage dedup FILE.csv [-o OUT] [--columns NAME=COLUMN,...] [--pairs PAIRS.csv]
                                   [--seed N] [--progress|--no-progress] [--format csv|json]

The secret comes from ``--secret`` or the environment variable
``VANGNET_PSEUDONYMISATION_SECRET`` (UTF-8 text, at least 16 bytes).  ``evaluate``
alone falls back to a clearly labelled, public demo secret.  Errors exit with status 2
and a one-line message.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sys
import time
from collections.abc import Sequence
from typing import Any, NoReturn

import numpy as np

from vangnet.linkage.encoding import ENV_SECRET, EncodingConfig, PersonRecord, RecordEncoder
from vangnet.linkage.matching import Thresholds

#: Public, documented demo secret: only for ``evaluate`` on synthetic/public data.
DEMO_SECRET = b"vangnet-DEMO-secret-NOT-for-production"

RECORD_COLUMNS = ("first_name", "last_name", "birth_date", "gender", "nationality")


class CliError(Exception):
    """A user error: printed as one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise CliError(message)


def _secret(args: argparse.Namespace, *, allow_demo: bool) -> tuple[bytes, str]:
    text = args.secret if args.secret is not None else os.environ.get(ENV_SECRET)
    if text:
        secret = text.encode("utf-8")
        if len(secret) < 16:
            raise CliError("the pseudonymisation secret must be at least 16 bytes")
        return secret, "--secret" if args.secret is not None else ENV_SECRET
    if allow_demo:
        return DEMO_SECRET, "DEMO SECRET (public; never use for real data)"
    raise CliError(f"no secret: pass --secret or set {ENV_SECRET}")


def _config(args: argparse.Namespace) -> EncodingConfig:
    try:
        return EncodingConfig(
            salt=args.salt,
            block_split=args.block_split,
            double_metaphone=args.double_metaphone,
            xor_fold=args.xor_fold,
            balance=args.balance,
            flip_probability=args.flip,
            noise_seed=args.seed,
        )
    except ValueError as exc:
        raise CliError(str(exc)) from exc


def _thresholds(args: argparse.Namespace) -> Thresholds:
    try:
        return Thresholds(same=args.same, review=args.review, support=args.support)
    except ValueError as exc:
        raise CliError(str(exc)) from exc


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--secret", help=f"pseudonymisation secret (default: ${ENV_SECRET})")
    p.add_argument(
        "--same", type=float, default=Thresholds().same, help="match probability for 'same person'"
    )
    p.add_argument("--review", type=float, default=Thresholds().review, help="match probability for 'review'")
    p.add_argument(
        "--support",
        type=float,
        default=Thresholds().support,
        help="mean match probability across two clusters needed to merge them",
    )
    p.add_argument(
        "--seed", type=int, default=0, help="seed of the key-derived noise and of the model estimation (default 0)"
    )
    p.add_argument(
        "--columns",
        default="",
        help="map field names to your CSV columns: id=Nr,first_name=Voornaam,last_name=Achternaam,...",
    )
    p.add_argument("--id-column", default=None, help="the id column (same as --columns id=COLUMN)")
    p.add_argument(
        "--extra", default="", help="comma-separated further columns to compare (e.g. place_of_birth)"
    )
    p.add_argument(
        "--fit",
        action="store_true",
        help="estimate the model from the data (random-pair u, EM for m; no labels)",
    )
    p.add_argument("--salt", choices=("none", "birth_year", "year_band"), default="year_band",
                   help="salt name filters (year_band: two-year birth-year bands, off-by-one years still compare)")
    p.add_argument("--block-split", choices=("none", "year_band"), default="year_band",
                   help="split the date-less name blocking keys by birth-year band (hides name-sound frequencies)")
    p.add_argument("--double-metaphone", choices=("off", "blocking", "filters"), default="off",
                   help="Double Metaphone as a further blocking key (blocking) and in the name filters (filters)")
    p.add_argument("--xor-fold", action="store_true", help="XOR-fold the Bloom filters")
    p.add_argument("--balance", action="store_true", help="balance the Bloom filters")
    p.add_argument(
        "--flip", type=float, default=EncodingConfig().flip_probability, help="bit-flip probability"
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``vangnet linkage``."""
    parser = _Parser(
        prog="vangnet linkage", description="Privacy-preserving record linkage on keyed encodings."
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    ev = sub.add_parser("evaluate", help="accuracy on a labelled dataset or on your own labelled CSV")
    ev.add_argument("file", nargs="?", help="your labelled CSV (with --truth); or use --dataset")
    ev.add_argument("--dataset", choices=("demo", "multicultural", "febrl4"))
    ev.add_argument("--truth", help="column of FILE with the true person of each record")
    ev.add_argument("--format", choices=("json", "text"), default="text")
    ev.add_argument("--persons", type=int, default=2000, help="demo/multicultural: number of synthetic persons")
    ev.add_argument("--data-seed", type=int, default=2024, help="demo/multicultural: generator seed")
    ev.add_argument("--fields", choices=("core", "all"), default="all", help="febrl4: columns to use")
    _common(ev)
    dd = sub.add_parser("dedup", help="cluster the records of a CSV file into persons")
    dd.add_argument(
        "file", help="CSV with an id column and first_name,last_name,birth_date,gender,nationality"
    )
    dd.add_argument("--output", "-o", help="output file (default: standard output)")
    dd.add_argument("--format", choices=("csv", "json"), default="csv")
    dd.add_argument("--pairs", help="also write the scored pairs with per-field evidence to this CSV")
    progress = dd.add_mutually_exclusive_group()
    progress.add_argument("--progress", dest="progress", action="store_true", default=None,
                          help="show a progress bar on standard error (default: when it is a terminal)")
    progress.add_argument("--no-progress", dest="progress", action="store_false")
    _common(dd)
    return parser


def _evaluate(args: argparse.Namespace) -> int:
    if args.file and args.dataset:
        raise CliError("give either FILE (with --truth) or --dataset, not both")
    if args.file:
        return _evaluate_file(args)
    if not args.dataset:
        raise CliError("give a labelled FILE with --truth COLUMN, or --dataset demo|multicultural|febrl4")
    from vangnet.linkage.evaluation import DatasetUnavailableError, evaluate, load_dataset

    secret, source = _secret(args, allow_demo=True)
    if args.persons < 2:
        raise CliError("--persons must be at least 2")
    try:
        if args.dataset == "multicultural":
            from vangnet.linkage.demo import LabelledDataset
            from vangnet.linkage.testset import generate_multicultural

            mc = generate_multicultural(args.persons, seed=args.data_seed)
            dataset = LabelledDataset(mc.name, mc.records, mc.entity_ids)
        else:
            dataset = load_dataset(args.dataset, persons=args.persons, seed=args.data_seed, fields=args.fields)
    except DatasetUnavailableError as exc:
        raise CliError(str(exc)) from exc
    fit = args.fit or args.dataset == "febrl4"
    result = evaluate(dataset, secret, config=_config(args), thresholds=_thresholds(args), fit=fit)
    out = result.to_dict()
    out["secret"] = source
    if args.format == "json":
        sys.stdout.write(json.dumps(out, indent=2, sort_keys=True) + "\n")
    else:
        sys.stdout.write(
            f"dataset {out['dataset']}: {out['records']} records, {out['true_pairs']} true pairs, "
            f"{out['candidate_pairs']} candidate pairs (blocking recall {out['blocking_recall']:.4f})\n"
            f"links: precision {out['precision']:.4f}  recall {out['recall']:.4f}  F1 {out['f1']:.4f}  "
            f"(same >= {args.same}; model {'estimated from the data' if fit else 'default'})\n"
            f"review pairs {out['review_pairs']}; recall including review {out['recall_with_review']:.4f}\n"
        )
        if out.get("clusters"):
            sys.stdout.write(_cluster_text(out["clusters"]))
        sys.stdout.write(f"secret: {source}\n")
    return 0


def _cluster_text(m: dict[str, Any]) -> str:
    return (
        f"clusters: pairwise precision {m['pairwise_precision']:.4f}  recall {m['pairwise_recall']:.4f}  "
        f"F1 {m['pairwise_f1']:.4f}\n"
        f"B-cubed: precision {m['bcubed_precision']:.4f}  recall {m['bcubed_recall']:.4f}  "
        f"F1 {m['bcubed_f1']:.4f}\n"
        f"{m['clusters']} clusters for {m['persons']} persons; largest cluster {m['largest_cluster']} records "
        f"({m['largest_cluster_persons']} persons), largest person {m['largest_person']} records\n"
    )


def _column_map(args: argparse.Namespace) -> dict[str, str]:
    """Field name -> CSV column, from the defaults, ``--id-column`` and ``--columns``."""
    mapping = {name: name for name in ("id", *RECORD_COLUMNS)}
    if args.id_column:
        mapping["id"] = args.id_column
    for item in (x.strip() for x in args.columns.split(",")):
        if not item:
            continue
        name, sep, column = item.partition("=")
        name, column = name.strip(), column.strip()
        if not sep or not column:
            raise CliError(f"--columns: expected NAME=COLUMN, got {item!r}")
        if name not in mapping:
            raise CliError(f"--columns: unknown field {name!r} (fields: {', '.join(mapping)})")
        mapping[name] = column
    return mapping


def _read_csv(
    path: str, columns: dict[str, str], extra: Sequence[str], truth: str | None = None
) -> tuple[list[PersonRecord], list[str]]:
    id_column = columns["id"]
    truth_values: list[str] = []
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            sample = fh.read(65536)
            fh.seek(0)
            try:
                dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t|") if sample else csv.excel
            except csv.Error:
                dialect = csv.excel
            reader = csv.DictReader(fh, dialect=dialect)
            header = reader.fieldnames or []
            if not header:
                raise CliError(f"{path}: empty file or no header line")
            if id_column not in header:
                raise CliError(
                    f"{path}: no id column {id_column!r} (columns: {', '.join(header)}); "
                    "use --columns id=COLUMN"
                )
            wanted = {name: columns[name] for name in RECORD_COLUMNS}
            mapped_missing = [
                f"{name}={col}" for name, col in wanted.items() if col != name and col not in header
            ]
            if mapped_missing:
                raise CliError(f"{path}: no column(s) for {', '.join(mapped_missing)}")
            if not any(col in header for col in wanted.values()):
                raise CliError(
                    f"{path}: none of the columns {', '.join(RECORD_COLUMNS)} "
                    f"(columns: {', '.join(header)}); map yours with --columns first_name=...,last_name=..."
                )
            missing = [c for c in extra if c not in header]
            if truth is not None and truth not in header:
                missing.append(truth)
            if missing:
                raise CliError(f"{path}: no column(s) {', '.join(missing)}")
            records = []
            seen: set[str] = set()
            for line, row in enumerate(reader, start=2):
                if None in row:
                    raise CliError(f"{path}:{line}: more fields than the header has")
                rid = (row.get(id_column) or "").strip()
                if not rid:
                    raise CliError(f"{path}:{line}: empty id")
                if rid in seen:
                    raise CliError(f"{path}:{line}: duplicate id {rid!r}")
                seen.add(rid)

                def get(col: str, row: dict[str, Any] = row) -> str | None:
                    value = row.get(col)
                    return (value.strip() or None) if isinstance(value, str) else None

                if truth is not None:
                    label = get(truth)
                    if label is None:
                        raise CliError(f"{path}:{line}: empty truth value in column {truth!r}")
                    truth_values.append(label)
                records.append(
                    PersonRecord(
                        record_id=rid,
                        first_name=get(wanted["first_name"]),
                        last_name=get(wanted["last_name"]),
                        birth_date=get(wanted["birth_date"]),
                        gender=get(wanted["gender"]),
                        nationality=get(wanted["nationality"]),
                        extra={c: get(c) for c in extra},
                    )
                )
    except OSError as exc:
        raise CliError(f"cannot read {path}: {exc.strerror or exc}") from exc
    except (UnicodeDecodeError, csv.Error) as exc:
        raise CliError(f"{path}: not a UTF-8 CSV file ({exc})") from exc
    if not records:
        raise CliError(f"{path}: no records")
    return records, truth_values


class _Progress:
    """A one-line progress bar on standard error."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.started = time.monotonic()

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled or total <= 0:
            return
        width = 30
        filled = int(width * min(done, total) / total)
        sys.stderr.write(
            f"\r{stage:<10} [{'#' * filled}{'.' * (width - filled)}] {done:>9,}/{total:,} "
            f"{time.monotonic() - self.started:6.1f} s"
        )
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def _encode(records: list[PersonRecord], args: argparse.Namespace, progress: _Progress) -> list[Any]:
    encoder = RecordEncoder(_secret(args, allow_demo=False)[0], _config(args))
    out = []
    step = max(1, len(records) // 100)
    for k, record in enumerate(records):
        out.append(encoder.encode(record))
        if k % step == 0:
            progress("encoding", k, len(records))
    progress("encoding", len(records), len(records))
    return out


def _write(path: str | None, text: str) -> None:
    if path:
        try:
            with open(path, "w", encoding="utf-8", newline="") as fh:
                fh.write(text)
        except OSError as exc:
            raise CliError(f"cannot write {path}: {exc.strerror or exc}") from exc
    else:
        sys.stdout.write(text)


def _pairs_csv(result: Any, id_column: str) -> str:
    """Scored pairs (same and review) with the evidence waterfall per field."""
    from vangnet.linkage.matching import waterfall

    model = result.pairs.model
    names = model.field_names
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    header = [f"{id_column}_a", f"{id_column}_b", "probability", "decision", "same_cluster", "prior_weight"]
    for name in names:
        header += [f"{name}_level", f"{name}_weight"]
    writer.writerow([*header, "total_weight"])
    ids, roots = result.ids, result.roots
    p = result.pairs.probability
    keep = np.flatnonzero(p >= result.thresholds.review)
    keep = keep[np.argsort(-p[keep], kind="stable")]
    for k in keep.tolist():
        a, b = int(result.pairs.i[k]), int(result.pairs.j[k])
        steps, total, prob = waterfall(model, [int(x) for x in result.pairs.levels[k]])
        row: list[Any] = [ids[a], ids[b], f"{prob:.4f}", result.thresholds.classify(prob).value,
                          int(roots[a] == roots[b]), f"{steps[0].weight:.2f}"]
        for step in steps[1:]:
            row += [step.label, f"{step.weight:.2f}"]
        writer.writerow([*row, f"{total:.2f}"])
    return buf.getvalue()


def _dedup(args: argparse.Namespace) -> int:
    from vangnet.linkage.index import deduplicate
    from vangnet.linkage.matching import Decision

    columns = _column_map(args)
    extra = [c.strip() for c in args.extra.split(",") if c.strip()]
    records, _ = _read_csv(args.file, columns, extra)
    show = args.progress if args.progress is not None else (sys.stderr.isatty() and len(records) >= 20_000)
    progress = _Progress(show)
    encodings = _encode(records, args, progress)
    progress("linking", 0, 1)
    result = deduplicate(
        encodings,
        thresholds=_thresholds(args),
        fit=args.fit,
        progress=lambda done, total: progress("clustering", done, total),
    )
    progress("linking", 1, 1)
    cluster_ids = result.cluster_ids
    if args.format == "json":
        payload = {
            "records": [
                {"id": r.record_id, "cluster_id": c} for r, c in zip(records, cluster_ids, strict=True)
            ],
            "clusters": result.n_clusters,
            "review": [
                {"a": link.a, "b": link.b, "probability": round(link.probability, 4)}
                for link in result.links(Decision.REVIEW)
            ],
        }
        text = json.dumps(payload, indent=2) + "\n"
    else:
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow([columns["id"], "cluster_id"])
        writer.writerows((r.record_id, c) for r, c in zip(records, cluster_ids, strict=True))
        text = buf.getvalue()
    _write(args.output, text)
    if args.pairs:
        _write(args.pairs, _pairs_csv(result, columns["id"]))
    return 0


def _evaluate_file(args: argparse.Namespace) -> int:
    from vangnet.linkage.evaluation import cluster_metrics, pair_metrics, true_pair_codes
    from vangnet.linkage.index import deduplicate

    if not args.truth:
        raise CliError("evaluating a FILE needs --truth COLUMN (the true person of each record)")
    columns = _column_map(args)
    extra = [c.strip() for c in args.extra.split(",") if c.strip()]
    records, truth = _read_csv(args.file, columns, extra, truth=args.truth)
    secret, source = _secret(args, allow_demo=True)
    encoder = RecordEncoder(secret, _config(args))
    thresholds = _thresholds(args)
    result = deduplicate(encoder.encode_many(records), thresholds=thresholds, fit=args.fit)
    n = len(records)
    true_codes, _ = true_pair_codes(truth)
    scored = result.pairs
    same = scored.probability >= thresholds.same
    links = pair_metrics((scored.i * n + scored.j)[same], true_codes)
    out: dict[str, Any] = {
        "file": args.file,
        "records": n,
        "true_pairs": len(true_codes),
        "candidate_pairs": len(scored.i),
        "links": {k: links[k] for k in ("precision", "recall", "f1")},
        "clusters": cluster_metrics(result.cluster_ids, truth),
        "thresholds": {"same": thresholds.same, "review": thresholds.review, "support": thresholds.support},
        "secret": source,
    }
    if args.format == "json":
        sys.stdout.write(json.dumps(out, indent=2, sort_keys=True) + "\n")
    else:
        sys.stdout.write(
            f"{args.file}: {n} records, {out['true_pairs']} true pairs, {out['candidate_pairs']} candidate pairs\n"
            f"links: precision {links['precision']:.4f}  recall {links['recall']:.4f}  F1 {links['f1']:.4f}\n"
            + _cluster_text(out["clusters"])
            + f"secret: {source}\n"
        )
    return 0


def main(argv: list[str]) -> int:
    """Entry point used by ``vangnet linkage``; returns the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if args.command == "evaluate":
            return _evaluate(args)
        return _dedup(args)
    except CliError as exc:
        sys.stderr.write(f"vangnet linkage: error: {exc}\n")
        return 2
    except SystemExit as exc:  # --help
        return int(exc.code or 0) if isinstance(exc.code, int) else 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main(sys.argv[1:]))
