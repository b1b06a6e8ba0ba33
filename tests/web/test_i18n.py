"""The Dutch catalogue is complete, compiled and used (docs/i18n.md).

The compiled ``django.mo`` is committed (a fresh machine has no gettext), so these tests catch a
``.po`` that was edited without running ``compilemessages``, untranslated or fuzzy entries left behind
by ``makemessages``, and a language choice that does not reach the page. There is one catalogue, the
project catalogue (``LOCALE_PATHS``): an app-level ``<app>/locale`` directory would make ``makemessages``
put that app's strings there instead, so it is not allowed (docs/i18n.md).
"""

from __future__ import annotations

import ast
import gettext
import re
import struct
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings

LC_MESSAGES = Path(settings.LOCALE_PATHS[0]) / "nl" / "LC_MESSAGES"
PO_PATH = LC_MESSAGES / "django.po"
MO_PATH = LC_MESSAGES / "django.mo"
SOURCE_ROOT = Path(settings.BASE_DIR)
#: The one catalogue (an app-level catalogue is refused by test_one_catalogue_only, but would be checked too).
CATALOGUES = [PO_PATH, *sorted(p for p in SOURCE_ROOT.glob("*/locale/nl/LC_MESSAGES/django.po") if p != PO_PATH)]
CATALOGUE_IDS = [str(p.relative_to(SOURCE_ROOT)) for p in CATALOGUES]
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]")


@dataclass
class PoEntry:
    path: Path
    line: int
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    def __str__(self) -> str:
        return f"{self.path.relative_to(SOURCE_ROOT)} line {self.line}: {self.msgid!r}"


def parse_po(path: Path) -> list[PoEntry]:
    """A small .po reader: msgctxt, msgid, msgid_plural, msgstr / msgstr[n], flags. Skips obsolete (#~)."""
    entries: list[PoEntry] = []
    entry: PoEntry | None = None
    target: tuple[str, int] | None = None
    pending_flags: set[str] = set()
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#"):
            entry, target = None, None
            if line.startswith("#,"):
                pending_flags |= {f.strip() for f in line[2:].split(",") if f.strip()}
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            assert entry is not None and target is not None, f"stray string on line {number}"
            text = ast.literal_eval(line)
        else:
            text = ast.literal_eval(rest)
        if keyword in ("msgctxt", "msgid") and (entry is None or entry.msgstr):
            entry = PoEntry(path=path, line=number, flags=pending_flags)
            pending_flags = set()
            entries.append(entry)
        assert entry is not None
        if line.startswith('"'):
            name, index = target  # type: ignore[misc]
            if name == "msgstr":
                entry.msgstr[index] += text
            else:
                setattr(entry, name, getattr(entry, name) + text)
        elif keyword.startswith("msgstr"):
            index = int(keyword[7:-1]) if keyword.startswith("msgstr[") else 0
            entry.msgstr[index] = text
            target = ("msgstr", index)
        else:
            setattr(entry, keyword, text)
            target = (keyword, 0)
    return entries


def messages(po_path: Path = PO_PATH) -> list[PoEntry]:
    return [e for e in parse_po(po_path) if e.msgid]


def mo_string_count(path: Path) -> int:
    """Number of strings in a GNU .mo file (its header, word 2), the header entry included."""
    data = path.read_bytes()
    magic = struct.unpack("<I", data[:4])[0]
    order = "<" if magic == 0x950412DE else ">"
    return struct.unpack(order + "I", data[8:12])[0]


def test_catalogue_files_exist() -> None:
    assert PO_PATH.is_file(), PO_PATH
    assert MO_PATH.is_file(), f"{MO_PATH} is missing: run manage.py compilemessages -l nl"
    assert len(messages()) > 100


def test_one_catalogue_only() -> None:
    """makemessages writes a string into the nearest ``locale`` dir above its file: an app-level
    ``locale`` dir would split the catalogue again (and its msgids lose to the project catalogue)."""
    project = Path(settings.LOCALE_PATHS[0]).resolve()
    others = sorted(
        str(d.relative_to(SOURCE_ROOT))
        for d in SOURCE_ROOT.rglob("locale")
        if d.is_dir() and d.resolve() != project and "static" not in d.relative_to(SOURCE_ROOT).parts
    )
    assert not others, f"merge these into {project.relative_to(SOURCE_ROOT)} and delete them: {others}"


@pytest.mark.parametrize("po_path", CATALOGUES, ids=CATALOGUE_IDS)
def test_no_empty_or_fuzzy_entries(po_path: Path) -> None:
    problems = []
    for entry in parse_po(po_path):
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {entry}")
        if entry.msgid and (not entry.msgstr or not all(entry.msgstr.values())):
            problems.append(f"empty msgstr: {entry}")
        if entry.msgid_plural is not None and sorted(entry.msgstr) != [0, 1]:
            problems.append(f"needs two plural forms: {entry}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("po_path", CATALOGUES, ids=CATALOGUE_IDS)
def test_placeholders_are_kept(po_path: Path) -> None:
    problems = []
    for entry in messages(po_path):
        sources = [entry.msgid] if entry.msgid_plural is None else [entry.msgid, entry.msgid_plural]
        wanted = sorted(set(PLACEHOLDER.findall(" ".join(sources))))
        for text in entry.msgstr.values():
            if text and sorted(set(PLACEHOLDER.findall(text))) != wanted:
                problems.append(f"{entry}: {text!r} should use {wanted}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("po_path", CATALOGUES, ids=CATALOGUE_IDS)
def test_mo_is_compiled_from_the_current_po(po_path: Path) -> None:
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.is_file(), f"{mo_path} is missing: run manage.py compilemessages -l nl"
    with mo_path.open("rb") as fh:
        catalogue = gettext.GNUTranslations(fh)
    stale = []
    translated = 0
    for entry in messages(po_path):
        if not all(entry.msgstr.values()):
            continue
        translated += 1
        if entry.msgid_plural is None:
            got = (
                catalogue.pgettext(entry.msgctxt, entry.msgid)
                if entry.msgctxt is not None
                else catalogue.gettext(entry.msgid)
            )
            if got != entry.msgstr[0]:
                stale.append(f"{entry}: .mo has {got!r}, .po has {entry.msgstr[0]!r}")
        else:
            for n, index in ((1, 0), (2, 1)):
                got = (
                    catalogue.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, n)
                    if entry.msgctxt is not None
                    else catalogue.ngettext(entry.msgid, entry.msgid_plural, n)
                )
                if got != entry.msgstr[index]:
                    stale.append(f"{entry} (n={n}): .mo has {got!r}, .po has {entry.msgstr[index]!r}")
    assert not stale, "run manage.py compilemessages -l nl:\n" + "\n".join(stale)
    # No strings in the .mo that the .po no longer has (+1: the header entry).
    assert mo_string_count(mo_path) == translated + 1, "run manage.py compilemessages -l nl"


def test_login_page_follows_accept_language(client, db) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/login/", HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="nl"' in html
    assert "Inloggen" in html
    assert "Log in with the username" not in html


@pytest.mark.parametrize("accept_language", ["nl", "en"])
def test_language_cookie_chooses_english(client, db, accept_language: str) -> None:  # type: ignore[no-untyped-def]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/login/", HTTP_ACCEPT_LANGUAGE=accept_language)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en"' in html
    assert "Log in with the username and password of your Vangnet account." in html
    assert "Inloggen" not in html


def test_dutch_is_the_default_without_preference(client, db) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/login/")
    assert "Inloggen" in response.content.decode()
