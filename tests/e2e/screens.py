"""Screenshots for docs/screenshots/: written to test-artifacts/screenshots/ on every run, and into
docs/screenshots/ only with VANGNET_UPDATE_SCREENSHOTS=1 (so a test run never dirties the working tree)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "screenshots"
DOCS = ROOT / "docs" / "screenshots"


def doc_screenshot(page: Any, name: str, **options: Any) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), **options)
    if os.environ.get("VANGNET_UPDATE_SCREENSHOTS") == "1":
        shutil.copyfile(path, DOCS / path.name)
    return path
