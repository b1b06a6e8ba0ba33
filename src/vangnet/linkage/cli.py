"""``vangnet linkage``: evaluate linkage accuracy or deduplicate a CSV of records.

    vangnet linkage evaluate --dataset demo|febrl4 [--format json|text]
    vangnet linkage dedup FILE.csv [--output OUT] [--format csv|json]

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
from collections.abc import Sequence
from typing import Any, NoReturn

from vangnet.linkage.encoding import ENV_SECRET, EncodingConfig, PersonRecord, RecordEncoder
from vangnet.linkage.matching import Decision, Thresholds

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
            xor_fold=args.xor_fold,
            balance=args.balance,
            flip_probability=args.flip,
        )
    except ValueError as exc:
        raise CliError(str(exc)) from exc


def _thresholds(args: argparse.Namespace) -> Thresholds:
    try:
        return Thresholds(same=args.same, review=args.review)
    except ValueError as exc:
        raise CliError(str(exc)) from exc


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--secret", help=f"pseudonymisation secret (default: ${ENV_SECRET})")
    p.add_argument(
        "--same", type=float, default=Thresholds().same, help="match probability for 'same person'"
    )
    p.add_argument("--review", type=float, default=Thresholds().review, help="match probability for 'review'")
    p.add_argument(
        "--fit",
        action="store_true",
        help="estimate the model from the data (random-pair u, EM for m; no labels)",
    )
    p.add_argument("--salt", choices=("none", "birth_year"), default="none", help="salt name filters")
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
    ev = sub.add_parser("evaluate", help="precision, recall and F1 on a labelled dataset")
    ev.add_argument("--dataset", required=True, choices=("demo", "febrl4"))
    ev.add_argument("--format", choices=("json", "text"), default="text")
    ev.add_argument("--persons", type=int, default=2000, help="demo: number of synthetic persons")
    ev.add_argument("--seed", type=int, default=2024, help="demo: generator seed")
    ev.add_argument("--fields", choices=("core", "all"), default="all", help="febrl4: columns to use")
    _common(ev)
    dd = sub.add_parser("dedup", help="cluster the records of a CSV file into persons")
    dd.add_argument(
        "file", help="CSV with an id column and first_name,last_name,birth_date,gender,nationality"
    )
    dd.add_argument("--id-column", default="id")
    dd.add_argument(
        "--extra", default="", help="comma-separated further columns to compare (e.g. place_of_birth)"
    )
    dd.add_argument("--output", "-o", help="output file (default: standard output)")
    dd.add_argument("--format", choices=("csv", "json"), default="csv")
    _common(dd)
    return parser


def _evaluate(args: argparse.Namespace) -> int:
    from vangnet.linkage.evaluation import DatasetUnavailableError, evaluate, load_dataset

    secret, source = _secret(args, allow_demo=True)
    if args.persons < 1:
        raise CliError("--persons must be positive")
    try:
        dataset = load_dataset(args.dataset, persons=args.persons, seed=args.seed, fields=args.fields)
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
            f"precision {out['precision']:.4f}  recall {out['recall']:.4f}  F1 {out['f1']:.4f}  "
            f"(same >= {args.same}; model {'estimated from the data' if fit else 'default'})\n"
            f"review pairs {out['review_pairs']}; recall including review {out['recall_with_review']:.4f}\n"
            f"secret: {source}\n"
        )
    return 0


def _read_csv(path: str, id_column: str, extra: Sequence[str]) -> list[PersonRecord]:
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            header = reader.fieldnames or []
            if id_column not in header:
                raise CliError(f"{path}: no id column {id_column!r} (columns: {', '.join(header) or 'none'})")
            known = [c for c in (*RECORD_COLUMNS, *extra) if c in header]
            if not known:
                raise CliError(f"{path}: none of the columns {', '.join(RECORD_COLUMNS)}")
            missing = [c for c in extra if c not in header]
            if missing:
                raise CliError(f"{path}: no column(s) {', '.join(missing)}")
            records = []
            seen: set[str] = set()
            for line, row in enumerate(reader, start=2):
                rid = (row.get(id_column) or "").strip()
                if not rid:
                    raise CliError(f"{path}:{line}: empty id")
                if rid in seen:
                    raise CliError(f"{path}:{line}: duplicate id {rid!r}")
                seen.add(rid)

                def get(col: str, row: dict[str, Any] = row) -> str | None:
                    value = row.get(col)
                    return (value.strip() or None) if isinstance(value, str) else None

                records.append(
                    PersonRecord(
                        record_id=rid,
                        first_name=get("first_name"),
                        last_name=get("last_name"),
                        birth_date=get("birth_date"),
                        gender=get("gender"),
                        nationality=get("nationality"),
                        extra={c: get(c) for c in extra},
                    )
                )
    except OSError as exc:
        raise CliError(f"cannot read {path}: {exc.strerror or exc}") from exc
    except (UnicodeDecodeError, csv.Error) as exc:
        raise CliError(f"{path}: not a UTF-8 CSV file ({exc})") from exc
    if not records:
        raise CliError(f"{path}: no records")
    return records


def _dedup(args: argparse.Namespace) -> int:
    from vangnet.linkage.index import deduplicate

    secret, _ = _secret(args, allow_demo=False)
    extra = [c.strip() for c in args.extra.split(",") if c.strip()]
    records = _read_csv(args.file, args.id_column, extra)
    encodings = RecordEncoder(secret, _config(args)).encode_many(records)
    result = deduplicate(encodings, thresholds=_thresholds(args), fit=args.fit)
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
        writer.writerow([args.id_column, "cluster_id"])
        writer.writerows((r.record_id, c) for r, c in zip(records, cluster_ids, strict=True))
        text = buf.getvalue()
    if args.output:
        try:
            with open(args.output, "w", encoding="utf-8", newline="") as fh:
                fh.write(text)
        except OSError as exc:
            raise CliError(f"cannot write {args.output}: {exc.strerror or exc}") from exc
    else:
        sys.stdout.write(text)
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
