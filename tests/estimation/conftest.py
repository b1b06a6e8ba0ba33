"""Fixtures for the estimation tests: the shared reference data (never copied into the repo).

The data live in ``<repo>/../shared/data/mse`` (override with ``VANGNET_SHARED_DIR``).  If they are
missing the tests fail with a clear message rather than being skipped.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from vangnet.estimation import CaptureTable, read_table


def mse_data_dir() -> Path:
    """Directory of the reference MSE tables."""
    base = os.environ.get("VANGNET_SHARED_DIR")
    root = Path(base) if base else Path(__file__).resolve().parents[2] / ".." / "shared"
    return (root / "data" / "mse").resolve()


@pytest.fixture(scope="session")
def mse_dir() -> Path:
    d = mse_data_dir()
    if not (d / "published.csv").is_file():
        pytest.fail(f"Reference data not found in {d}; set VANGNET_SHARED_DIR to the shared/ folder.")
    return d


@pytest.fixture(scope="session")
def load(mse_dir: Path) -> Callable[[str], CaptureTable]:
    cache: dict[str, CaptureTable] = {}

    def _load(name: str) -> CaptureTable:
        if not name.endswith(".csv"):
            name += ".csv"
        if name not in cache:
            cache[name] = read_table(mse_dir / name)
        return cache[name]

    return _load


@pytest.fixture(scope="session")
def published(mse_dir: Path) -> list[dict[str, str]]:
    with (mse_dir / "published.csv").open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))
