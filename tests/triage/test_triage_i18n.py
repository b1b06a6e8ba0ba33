"""The Dutch catalogues of the triage and infopoint apps (app-level ``locale/``) are complete and compiled."""

from __future__ import annotations

import gettext
import re
import subprocess
from pathlib import Path

import pytest
from django.test import Client

SRC = Path(__file__).resolve().parents[2] / "src" / "vangnet"
CATALOGUES = [SRC / app / "locale" / "nl" / "LC_MESSAGES" for app in ("triage", "infopoint")]
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def _po_entries(path: Path) -> dict[str, list[str]]:
    """msgid -> msgstr(s), via msgfmt's own parser (compile to a temp .mo and read it back)."""
    out = path.with_suffix(".check.mo")
    try:
        subprocess.run(["msgfmt", "-o", str(out), str(path)], check=True, capture_output=True)  # noqa: S603, S607
        with out.open("rb") as handle:
            catalog = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    finally:
        out.unlink(missing_ok=True)
    entries: dict[str, list[str]] = {}
    for key, value in catalog.items():
        msgid = key[0] if isinstance(key, tuple) else key
        if msgid:
            entries.setdefault(msgid, []).append(value)
    return entries


@pytest.mark.parametrize("folder", CATALOGUES, ids=lambda p: p.parts[-4])
def test_catalogue_complete_and_compiled(folder: Path) -> None:
    po, mo = folder / "django.po", folder / "django.mo"
    text = po.read_text(encoding="utf-8")
    assert "#, fuzzy" not in text
    msgids = re.findall(r'^msgid "(.+)"$', text, flags=re.M)
    assert msgids
    assert not re.search(r'^msgstr ""\n\n', text, flags=re.M), "an empty translation"
    with mo.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    fresh = _po_entries(po)
    committed = {}
    for key, value in compiled.items():
        msgid = key[0] if isinstance(key, tuple) else key
        if msgid:
            committed.setdefault(msgid, []).append(value)
    assert committed == fresh, "django.mo is not compiled from the current django.po (run msgfmt/compilemessages)"
    for msgid, values in fresh.items():
        for value in values:
            assert value.strip(), msgid
            assert sorted(PLACEHOLDER.findall(msgid.split("\x00")[0])) == sorted(PLACEHOLDER.findall(value)) or \
                "\x00" in msgid, f"placeholder lost in {msgid!r}"


@pytest.mark.django_db
def test_dutch_pages_are_dutch() -> None:
    client = Client()
    html = client.get("/info/guide/").content.decode()
    assert "Stap voor stap" in html and "Wie bent u?" in html
    client.cookies["django_language"] = "en"
    html = client.get("/info/guide/").content.decode()
    assert "Step by step" in html and "Who are you?" in html
