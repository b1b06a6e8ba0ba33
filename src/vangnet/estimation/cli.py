"""``vangnet estimate``: population estimation from a capture-history CSV.

Exit status 0 on success, 2 on any error (bad arguments, bad table, a model whose estimate does not
exist...), with a one-line message on standard error and never a traceback.

Only the standard library is imported at module level: numpy, scipy and the estimation code are
imported once the arguments are parsed, so ``--help`` and argument errors answer at once and a
whole run does not import what it does not use (see ``benchmarks/bench_estimation.py``, CLI start).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from vangnet.estimation.errors import EstimationError

if TYPE_CHECKING:  # pragma: no cover
    from vangnet.estimation.api import Estimate, StratifiedEstimate

PROG = "vangnet estimate"
# Kept in step with vangnet.estimation.api (a test checks they agree) so that the parser needs no numpy.
METHODS = ("stepwise", "aic", "bic", "fixed")
CI_METHODS = ("wald", "profile", "bootstrap", "none")


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``vangnet estimate``."""
    p = _Parser(
        prog=PROG,
        description=(
            "Estimate the total number of victims (seen and unseen) from several overlapping lists by "
            "multiple systems estimation (Poisson log-linear models)."
        ),
        epilog=(
            "The table has one 0/1 column per list and a count column; histories not listed have count 0. "
            "Models use SparseMSE notation: [12,13,24] = main effects plus interactions 1:2, 1:3, 2:4 "
            "(lists numbered from 1 in column order)."
        ),
    )
    p.add_argument("table", help="capture-history CSV file")
    p.add_argument(
        "--method",
        choices=METHODS,
        default=None,
        help="model choice (default: stepwise, or fixed when --model is given)",
    )
    p.add_argument(
        "--pthresh", type=float, default=0.02, help="p-value threshold of the stepwise method (0.02)"
    )
    p.add_argument("--max-order", type=int, default=2, help="highest interaction order for aic/bic (2)")
    p.add_argument("--model", help="model for --method fixed, e.g. [12,13,24]")
    p.add_argument("--ci", choices=CI_METHODS, default="wald", help="confidence interval (wald)")
    p.add_argument("--level", type=float, default=0.95, help="confidence level (0.95)")
    p.add_argument("--nboot", type=int, default=1000, help="bootstrap replicates (1000)")
    p.add_argument(
        "--seed", type=int, default=None, help="random seed of the bootstrap (default: random, reported)"
    )
    p.add_argument(
        "--interval", choices=("bca", "percentile"), default="bca", help="bootstrap interval (bca)"
    )
    p.add_argument("--bootstrap-kind", choices=("nonparametric", "parametric"), default="nonparametric")
    p.add_argument(
        "--top", type=int, default=None, help="aic/bic bootstrap: re-select among the best N models only"
    )
    p.add_argument(
        "--extended",
        action="store_true",
        help="allow terms at minus infinity in model selection (SparseMSE/MSE behaviour)",
    )
    p.add_argument("--workers", type=int, default=1, help="processes for the bootstrap (1)")
    p.add_argument("--stratum", help="name of a stratum column: estimate each stratum and the sum")
    p.add_argument("--count-column", help="name of the count column (default: 'count' or the last column)")
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format (text)")
    p.add_argument(
        "--plot", help="write a chart of observed vs estimated to FILE.svg (or .png with matplotlib)"
    )
    p.add_argument(
        "--search",
        choices=("auto", "all", "local"),
        default="auto",
        help="aic/bic: fit all models, or search locally from the stepwise model (auto: local when there "
        "are too many models, e.g. 8 lists with --extended)",
    )
    p.add_argument(
        "--sensitivity",
        action="store_true",
        help="also show the estimates of the credible models (top BIC, stepwise, AIC; strict and extended) "
        "and warn when they disagree by more than --factor",
    )
    p.add_argument("--factor", type=float, default=2.0, help="disagreement factor of --sensitivity (2)")
    p.add_argument("--sensitivity-plot", help="write the --sensitivity chart to FILE.svg")
    p.add_argument(
        "--latent-class",
        action="store_true",
        help="also give the Bayesian latent-class estimate (Dirichlet-process mixture, like LCMCR)",
    )
    p.add_argument("--classes", type=int, default=10, help="latent classes at most (10)")
    p.add_argument("--samples", type=int, default=1000, help="latent-class draws kept per chain (1000)")
    p.add_argument("--burnin", type=int, default=10000, help="latent-class burn-in iterations (10000)")
    p.add_argument("--thin", type=int, default=10, help="latent-class: keep every N-th iteration (10)")
    p.add_argument("--chains", type=int, default=2, help="latent-class chains, compared by R-hat (2)")
    p.add_argument(
        "--covariates",
        help="comma-separated covariate columns (e.g. year,age,gender): fit log-linear models with "
        "list-by-covariate terms and estimate per covariate level",
    )
    p.add_argument(
        "--by", action="append", help="with --covariates: report per level of this covariate (repeatable)"
    )
    p.add_argument(
        "--family",
        choices=("block", "each"),
        default="block",
        help="with --covariates: a covariate enters with all lists at once (block) or list by list (each)",
    )
    p.add_argument(
        "--criterion", choices=("aic", "bic"), default="bic", help="with --covariates: criterion of stepwise"
    )
    prog = p.add_mutually_exclusive_group()
    prog.add_argument("--progress", dest="progress", action="store_true", default=None, help="show progress")
    prog.add_argument("--no-progress", dest="progress", action="store_false", help="never show progress")
    return p


def _progress_printer(label: str) -> Callable[[int, int], None]:
    def show(done: int, total: int) -> None:
        end = "\n" if done >= total else ""
        sys.stderr.write(f"\r{PROG}: {label} {done:,}/{total:,} ({done / total:.0%})" + end)
        sys.stderr.flush()

    return show


def _run_covariates(args: argparse.Namespace) -> int:
    from vangnet.estimation.covariates import default_family, estimate_covariates, read_covariate_table
    from vangnet.estimation.sensitivity import covariate_sensitivity, sensitivity_svg

    if args.stratum:
        raise EstimationError("--stratum and --covariates cannot be combined; use the stratum as a covariate.")
    if args.latent_class:
        raise EstimationError("--latent-class works on a table without covariates.")
    covs = [c.strip() for c in args.covariates.split(",") if c.strip()]
    table = read_covariate_table(args.table, covs, count_column=args.count_column)
    family = default_family(table, list_covariate=args.family)
    method = args.method or ("fixed" if args.model else "bic")
    show = args.progress if args.progress is not None else sys.stderr.isatty()
    result = estimate_covariates(
        table,
        method,
        family=family,
        model=args.model,
        criterion=args.criterion,
        ci=args.ci,
        level=args.level,
        by=args.by,
        nboot=args.nboot,
        seed=args.seed,
        bootstrap_kind=args.bootstrap_kind,
        progress=_progress_printer("bootstrap") if show and args.ci == "bootstrap" else None,
    )
    sens = None
    if args.sensitivity or args.sensitivity_plot:
        sens = covariate_sensitivity(table, family=family, factor=args.factor, level=args.level)
    if args.format == "json":
        payload = result.to_dict()
        if sens is not None:
            payload["sensitivity"] = sens.to_dict()
        sys.stdout.write(json.dumps(_clean(payload), default=_json_default) + "\n")
    else:
        text = result.summary()
        if sens is not None:
            text += "\n\nSensitivity to the model (total):\n" + sens.table()
        sys.stdout.write(text + "\n")
    if args.sensitivity_plot and sens is not None:
        Path(args.sensitivity_plot).write_text(sensitivity_svg(sens, title="Estimates of the credible models"))
    return 0


def _json_default(obj: object) -> object:
    import numpy as np

    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, np.floating):
        return float(obj) if math.isfinite(float(obj)) else None
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")


def _clean(obj: object) -> object:
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if isinstance(obj, dict):
        return {k: _clean(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_clean(v) for v in obj]
    return obj


def _run(args: argparse.Namespace) -> int:
    if args.sensitivity_plot and not args.sensitivity_plot.lower().endswith(".svg"):
        raise EstimationError("--sensitivity-plot writes SVG; give a file name ending in .svg.")
    if args.covariates:
        return _run_covariates(args)
    import numpy as np

    from vangnet.estimation.api import StratifiedEstimate, estimate, estimate_stratified
    from vangnet.estimation.plot import PlotItem, check_plot_path, write_plot
    from vangnet.estimation.table import read_stratified_table, read_table

    method = args.method or ("fixed" if args.model else "stepwise")
    if args.plot:
        check_plot_path(args.plot)
    if args.nboot < 10:
        raise EstimationError("--nboot must be at least 10.")
    if args.workers < 1:
        raise EstimationError("--workers must be at least 1.")
    seed = args.seed
    uses_bootstrap = args.ci == "bootstrap" or bool(args.stratum)
    if seed is None and uses_bootstrap:
        seed = int(np.random.SeedSequence().generate_state(1)[0])
    opts = {
        "pthresh": args.pthresh,
        "max_order": args.max_order,
        "model": args.model,
        "ci": args.ci,
        "level": args.level,
        "nboot": args.nboot,
        "seed": seed,
        "bootstrap_kind": args.bootstrap_kind,
        "interval": args.interval,
        "top": args.top,
        "workers": args.workers,
        "extended": args.extended,
        "search": args.search,
    }
    show = args.progress if args.progress is not None else sys.stderr.isatty()
    if show and args.ci == "bootstrap" and not args.stratum:
        opts["progress"] = _progress_printer("bootstrap replicates")
    result: Estimate | StratifiedEstimate
    if args.stratum:
        tables = read_stratified_table(args.table, args.stratum, count_column=args.count_column)
        result = estimate_stratified(tables, method, **opts)  # type: ignore[arg-type]
        items = [PlotItem(k, e.observed, e.total, e.ci_low, e.ci_high) for k, e in result.strata.items()]
        items.append(PlotItem("sum", result.observed, result.total, result.ci_low, result.ci_high))
    else:
        table = read_table(args.table, count_column=args.count_column)
        result = estimate(table, method, **opts)  # type: ignore[arg-type]
        items = [
            PlotItem(Path(args.table).stem, result.observed, result.total, result.ci_low, result.ci_high)
        ]
    sens = latent = None
    if (args.sensitivity or args.sensitivity_plot or args.latent_class) and args.stratum:
        raise EstimationError("--sensitivity and --latent-class work on a table without --stratum.")
    if args.sensitivity or args.sensitivity_plot:
        from vangnet.estimation.sensitivity import sensitivity

        sens = sensitivity(table, factor=args.factor, max_order=args.max_order, pthresh=args.pthresh)
    if args.latent_class:
        from vangnet.estimation.latent import latent_class_estimate

        latent = latent_class_estimate(
            table,
            classes=args.classes,
            samples=args.samples,
            burnin=args.burnin,
            thin=args.thin,
            chains=args.chains,
            seed=args.seed,
            level=args.level,
            progress=_progress_printer("latent-class iterations") if show else None,
        )
    if args.format == "json":
        payload = result.to_dict()
        if isinstance(result, StratifiedEstimate):
            payload["seed"] = seed
        if sens is not None:
            payload["sensitivity"] = sens.to_dict()
        if latent is not None:
            payload["latent_class"] = latent.to_dict()
        sys.stdout.write(json.dumps(_clean(payload), default=_json_default) + "\n")
    else:
        text = result.summary()
        if seed is not None and uses_bootstrap:
            text += f"\n(bootstrap seed {seed}; rerun with --seed {seed} to reproduce)"
        if latent is not None:
            text += "\n\nBeside the log-linear estimate, a model without log-linear model choice:\n" + latent.summary()
        if sens is not None:
            text += "\n\nSensitivity to the model:\n" + sens.table()
        sys.stdout.write(text + "\n")
    if args.sensitivity_plot and sens is not None:
        from vangnet.estimation.sensitivity import sensitivity_svg

        Path(args.sensitivity_plot).write_text(
            sensitivity_svg(sens, title=f"Estimates of the credible models: {Path(args.table).name}"),
            encoding="utf-8",
        )
    if args.plot:
        write_plot(args.plot, items, f"Estimated population: {Path(args.table).name}", args.level)
        if args.format == "text":
            sys.stdout.write(f"Chart written to {args.plot}\n")
    return 0


def main(argv: list[str]) -> int:
    """Entry point used by ``vangnet estimate``; returns the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except _UsageError as exc:
        sys.stderr.write(f"{PROG}: error: {exc} (see '{PROG} --help')\n")
        return 2
    except SystemExit as exc:  # --help
        return int(exc.code) if isinstance(exc.code, int) else 0
    try:
        return _run(args)
    except EstimationError as exc:
        message = " ".join(str(exc).split())
        sys.stderr.write(f"{PROG}: error: {message}\n")
        return 2
    except OSError as exc:
        sys.stderr.write(f"{PROG}: error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": ") + "\n")
        return 2
    except Exception as exc:
        sys.stderr.write(f"{PROG}: error: unexpected failure ({type(exc).__name__}: {exc})\n")
        return 2


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main(sys.argv[1:]))
