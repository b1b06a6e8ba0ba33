"""Exceptions raised by :mod:`vangnet.estimation`.

Every error the library raises on purpose derives from :class:`EstimationError`, so a caller (the CLI,
a web view) can catch that one type and show ``str(error)`` to a person: the messages are written as
plain sentences, without jargon where that is possible.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from vangnet.estimation.checks import ModelCheck


class EstimationError(ValueError):
    """Base class of every error raised on purpose by the estimation library."""


class TableError(EstimationError):
    """The capture-history table is malformed (bad value, duplicate history, too few lists, ...)."""


class ModelError(EstimationError):
    """A model specification cannot be understood, or a model search was asked for something impossible."""


class NotEstimableError(EstimationError):
    """The maximum-likelihood estimate does not exist, or the model is not identifiable, for this table.

    ``check`` holds the full diagnosis (see :class:`vangnet.estimation.checks.ModelCheck`).
    """

    def __init__(self, message: str, check: ModelCheck | None = None) -> None:
        super().__init__(message)
        self.check = check
