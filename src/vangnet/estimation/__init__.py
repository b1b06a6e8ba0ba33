"""Population estimation by multiple systems estimation (MSE) — pure Python, no Django.

Several organisations each keep a list of presumed victims.  People on more than one list link
the lists; the pattern of overlaps, modelled by a Poisson log-linear model, tells how many people
are on none of them (the *dark figure*).  This package implements:

* input validation of capture-history tables (:func:`read_table`, :class:`CaptureTable`);
* hierarchical log-linear models (:class:`Model`, :func:`parse_model`, SparseMSE notation
  ``[12,13,24]``) and their maximum-likelihood fit (:func:`fit_model`);
* checks, before fitting, that the MLE exists and the model is identifiable
  (:func:`check_model`, Chan, Silverman & Vincent 2021; Fienberg & Rinaldo 2012);
* model selection: SparseMSE stepwise, AIC/BIC over all hierarchical models, or a fixed model;
* intervals: Wald on the log dark figure, profile likelihood (Rcapture), bootstrap with model
  re-selection (percentile and BCa);
* stratified estimates with a bootstrap interval for the sum (:func:`estimate_stratified`).

Typical use::

    from vangnet.estimation import read_table, estimate
    result = estimate(read_table("lists.csv"), method="stepwise", ci="bootstrap", seed=1)
    print(result.summary())

See ``docs/estimation.md`` for the statistics and the comparison with published results.
"""

from typing import TYPE_CHECKING

# Names are imported on first use (PEP 562), so that ``vangnet estimate --help`` and other light uses
# do not pay for numpy and scipy.
_LAZY = {
    "Estimate": "api",
    "StratifiedEstimate": "api",
    "estimate": "api",
    "estimate_stratified": "api",
    "ModelCheck": "checks",
    "check_model": "checks",
    "EstimationError": "errors",
    "ModelError": "errors",
    "NotEstimableError": "errors",
    "TableError": "errors",
    "FitResult": "fitting",
    "fit_model": "fitting",
    "BootstrapResult": "intervals",
    "ProfileResult": "intervals",
    "bootstrap": "intervals",
    "profile_interval": "intervals",
    "wald_interval": "intervals",
    "Model": "models",
    "parse_model": "models",
    "Selection": "selection",
    "enumerate_models": "selection",
    "select_by_ic": "selection",
    "stepwise": "selection",
    "CaptureTable": "table",
    "read_stratified_table": "table",
    "read_table": "table",
}

if TYPE_CHECKING:  # pragma: no cover
    from vangnet.estimation.api import Estimate, StratifiedEstimate, estimate, estimate_stratified
    from vangnet.estimation.checks import ModelCheck, check_model
    from vangnet.estimation.errors import EstimationError, ModelError, NotEstimableError, TableError
    from vangnet.estimation.fitting import FitResult, fit_model
    from vangnet.estimation.intervals import (
        BootstrapResult,
        ProfileResult,
        bootstrap,
        profile_interval,
        wald_interval,
    )
    from vangnet.estimation.models import Model, parse_model
    from vangnet.estimation.selection import Selection, enumerate_models, select_by_ic, stepwise
    from vangnet.estimation.table import CaptureTable, read_stratified_table, read_table

__all__ = [
    "BootstrapResult",
    "CaptureTable",
    "Estimate",
    "EstimationError",
    "FitResult",
    "Model",
    "ModelCheck",
    "ModelError",
    "NotEstimableError",
    "ProfileResult",
    "Selection",
    "StratifiedEstimate",
    "TableError",
    "bootstrap",
    "check_model",
    "enumerate_models",
    "estimate",
    "estimate_stratified",
    "fit_model",
    "parse_model",
    "profile_interval",
    "read_stratified_table",
    "read_table",
    "select_by_ic",
    "stepwise",
    "wald_interval",
]


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'vangnet.estimation' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"vangnet.estimation.{module}"), name)
    globals()[name] = value
    return value
