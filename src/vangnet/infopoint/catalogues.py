"""Catalogues of the public pages in the extra languages, built from the content files
``infopoint/data/languages/<code>.yaml`` (see docs/i18n.md, "Public pages in more languages").

Each language's ``locale/<code>/LC_MESSAGES/django.po`` holds every msgid the public pages use: the
translation from the content file, or else the English msgid itself (so a text that is not translated yet
shows in English, never in Dutch, Django's fallback language). ``manage.py infopoint_catalogues`` writes the
``.po`` and ``.mo`` files; ``--check`` fails when they are out of date.
"""

from __future__ import annotations

import ast
import re
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings

LANGUAGE_FILES = Path(__file__).resolve().parent / "data" / "languages"
LOCALE = Path(settings.LOCALE_PATHS[0])
#: the files whose strings appear on public pages (as "#:" references in the Dutch catalogue)
PUBLIC_SOURCES = re.compile(
    r"infopoint/(templates/infopoint/(?!answer|consultations)|forms|views|models)|templates/base\.html"
    r"|templates/partials/(messages|error_summary|alert_icon)|templates/forms/|templates/django/forms"
    r"|templates/404")


@dataclass(frozen=True)
class Language:
    code: str
    strings: dict[str, str]
    #: the step-by-step guide's texts per node (title, question, text, options[], advice[])
    guide: dict[str, dict[str, Any]] = field(default_factory=dict)


def languages() -> list[Language]:
    result = []
    for path in sorted(LANGUAGE_FILES.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if data.get("language") != path.stem:
            raise ValueError(f"{path.name}: 'language' must be {path.stem!r}")
        result.append(Language(path.stem, {str(k): str(v) for k, v in (data.get("strings") or {}).items()},
                               dict(data.get("guide") or {})))
    return result


def public_msgids() -> list[str]:
    """The msgids of the public pages, in the order of the Dutch catalogue (no contexts, no plurals)."""
    text = (LOCALE / "nl" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    found: list[str] = []
    for block in text.split("\n\n"):
        lines = block.splitlines()
        refs = " ".join(line for line in lines if line.startswith("#:"))
        body = [line for line in lines if not line.startswith("#")]
        if not PUBLIC_SOURCES.search(refs) or any(line.startswith(("msgctxt", "msgid_plural")) for line in body):
            continue
        msgid, reading = "", False
        for line in body:
            if line.startswith("msgid "):
                msgid, reading = ast.literal_eval(line[6:]), True
            elif line.startswith("msgstr"):
                break
            elif reading and line.startswith('"'):
                msgid += ast.literal_eval(line)
        if msgid and msgid not in found:
            found.append(msgid)
    return found


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def po_text(language: Language, msgids: list[str]) -> str:
    lines = [
        f"# Public pages of Vangnet in language {language.code!r}. Written by build from",
        f"# src/vangnet/infopoint/data/languages/{language.code}.yaml (do not edit; edit that file).",
        "# Translations need review by a native speaker. An msgstr equal to its msgid is not translated yet.",
        'msgid ""', 'msgstr ""', '"Content-Type: text/plain; charset=UTF-8\\n"',
        f'"Language: {language.code}\\n"', "",
    ]
    for msgid in [*msgids, *[m for m in language.strings if m not in msgids]]:
        lines += [f"msgid {_quote(msgid)}", f"msgstr {_quote(language.strings.get(msgid, msgid))}", ""]
    return "\n".join(lines)


def mo_bytes(language: Language, msgids: list[str]) -> bytes:
    """A GNU .mo file (no hash table), as Python's Tools/i18n/msgfmt.py writes it."""
    entries = {"": f"Content-Type: text/plain; charset=UTF-8\nLanguage: {language.code}\n"}
    for msgid in [*msgids, *language.strings]:
        entries[msgid] = language.strings.get(msgid, msgid)
    keys = sorted(entries)
    ids, strs, offsets = b"", b"", []
    for key in keys:
        k, v = key.encode(), entries[key].encode()
        offsets.append((len(ids), len(k), len(strs), len(v)))
        ids += k + b"\0"
        strs += v + b"\0"
    start = 7 * 4 + 16 * len(keys)
    key_table, value_table = [], []
    for o1, l1, o2, l2 in offsets:
        key_table += [l1, o1 + start]
        value_table += [l2, o2 + start + len(ids)]
    header = struct.pack("Iiiiiii", 0x950412DE, 0, len(keys), 7 * 4, 7 * 4 + 8 * len(keys), 0, 0)
    return header + struct.pack(f"{len(key_table)}i", *key_table) + struct.pack(
        f"{len(value_table)}i", *value_table) + ids + strs


def paths(code: str) -> tuple[Path, Path]:
    folder = LOCALE / code / "LC_MESSAGES"
    return folder / "django.po", folder / "django.mo"


def build(check: bool = False) -> list[str]:
    """Write (or with ``check`` compare) every language's .po and .mo; returns the files that differ."""
    msgids = public_msgids()
    stale = []
    for language in languages():
        po, mo = paths(language.code)
        want = {po: po_text(language, msgids).encode("utf-8"), mo: mo_bytes(language, msgids)}
        for path, content in want.items():
            if not path.exists() or path.read_bytes() != content:
                stale.append(str(path))
                if not check:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_bytes(content)
    return stale
