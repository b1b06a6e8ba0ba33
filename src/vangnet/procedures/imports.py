"""Steps from chain partners (police, KMar, Labour Inspectorate, OM, IND) in a CSV file: validated per row.

Columns (a header row, UTF-8, comma or semicolon): ``case``, ``procedure``, ``step``, ``date``
(YYYY-MM-DD or DD-MM-YYYY) and, optionally, ``document``. Each row is checked and stored on its own, exactly
as the same step recorded on the case page: the case must be visible to the importing user and writable
by them (``selectors.may_record``), the step must follow the procedure's state and be one their
organisation type may record. A step that comes first in a procedure that is not running yet starts it on
the same date. A row that fails is reported with its line number and a clear reason; the rows before and
after it are kept.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from vangnet.cases.access import get_case_or_404
from vangnet.procedures.definitions import load
from vangnet.procedures.models import Procedure, ProcedureStep
from vangnet.procedures.selectors import may_record
from vangnet.procedures.services import ProcedureRefused, record_step, start_procedure

REQUIRED = ("case", "procedure", "step", "date")
MAX_ROWS = 5000
MAX_BYTES = 2 * 1024 * 1024


@dataclass
class RowError:
    line: int
    message: str


@dataclass
class ImportReport:
    stored: int = 0
    duplicates: int = 0  # rows delivered before, not stored twice
    errors: list[RowError] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return self.stored + self.duplicates + len(self.errors)


class ImportFileError(ValueError):
    """The file as a whole cannot be read (nothing was stored)."""


def _parse_date(value: str) -> date | None:
    for pattern in ("%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.strptime(value.strip(), pattern).date()
        except ValueError:
            continue
    return None


def read_rows(data: bytes) -> list[tuple[int, dict[str, str]]]:
    if len(data) > MAX_BYTES:
        raise ImportFileError(_("The file is larger than 2 MB. Split it into smaller files."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(_("The file is not UTF-8 text. Save it as CSV (UTF-8).")) from None
    if "\x00" in text:
        raise ImportFileError(_("The file is not a CSV text file."))
    try:
        dialect = csv.Sniffer().sniff(text.splitlines()[0] if text else "", delimiters=",;")
    except csv.Error:
        dialect = csv.excel  # type: ignore[assignment]
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ImportFileError(_("The first row must name the columns %(columns)s; missing: %(missing)s.")
                              % {"columns": ", ".join(REQUIRED), "missing": ", ".join(missing)})
    reader.fieldnames = header
    rows = []
    for number, row in enumerate(reader, start=2):
        if number - 1 > MAX_ROWS:
            raise ImportFileError(_("The file has more than %(n)s rows. Split it into smaller files.")
                                  % {"n": MAX_ROWS})
        if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
            continue
        rows.append((number, {k: (v or "").strip() for k, v in row.items() if isinstance(k, str)
                              and isinstance(v, str)}))
    return rows


def import_steps(user: Any, data: bytes) -> ImportReport:
    """Store every valid row; report every invalid one. Raises ``ImportFileError`` for an unreadable file."""
    rows = read_rows(data)
    definitions = load()
    report = ImportReport()
    for line, row in rows:
        try:
            stored = _import_row(user, definitions, row)
        except _RowRefused as exc:
            report.errors.append(RowError(line, str(exc)))
        except ProcedureRefused as exc:
            report.errors.append(RowError(line, str(exc.message)))
        else:
            report.stored += stored
            report.duplicates += not stored
    return report


class _RowRefused(Exception):
    pass


def _import_row(user: Any, definitions: Any, row: dict[str, str]) -> bool:
    """Store one row; False when exactly this step was delivered before (not stored twice)."""
    try:
        access = get_case_or_404(user, row["case"])
    except Http404:
        raise _RowRefused(_("Case %(case)s was not found, or your organisation is not involved in it.")
                          % {"case": row["case"][:40]}) from None
    if not may_record(user, access):
        raise _RowRefused(_("You cannot record procedure steps on case %(case)s.") % {"case": row["case"][:40]})
    try:
        definition = definitions.get(row["procedure"])
    except LookupError:
        raise _RowRefused(_("Unknown procedure “%(code)s”.") % {"code": row["procedure"][:40]}) from None
    step = definition.steps.get(row["step"])
    if step is None:
        raise _RowRefused(_("The procedure “%(procedure)s” has no step “%(code)s”.")
                          % {"procedure": definition.code, "code": row["step"][:40]})
    on = _parse_date(row["date"])
    if on is None:
        raise _RowRefused(_("“%(value)s” is not a date. Write it as 2026-03-31.") % {"value": row["date"][:20]})
    if ProcedureStep.objects.filter(procedure__case=access.case, procedure__code=definition.code, code=step.code,
                                    on=on).exists():
        return False  # delivered before: nothing to do
    with transaction.atomic():  # a procedure started for this row goes again when its step is refused
        procedure = Procedure.objects.filter(case=access.case, code=definition.code, is_open=True).first()
        ended = Procedure.objects.filter(case=access.case, code=definition.code, is_open=False).first()
        if procedure is None and ended is not None:
            raise _RowRefused(_("The procedure “%(procedure)s” on this case has ended already (%(state)s). Record a "
                                "new procedure on the case page if this is really a new one.")
                              % {"procedure": definition.code, "state": ended.state})
        if procedure is None:
            if "start" not in step.from_states:
                raise _RowRefused(_("The procedure “%(procedure)s” is not running on this case, and “%(step)s” "
                                    "cannot be its first step.") % {"procedure": definition.code, "step": step.code})
            # whoever may record the first step may open the procedure for it
            procedure = start_procedure(access.case, definition.code, organisation=user.organisation, actor=user,
                                        on=on, check_organisation=user.organisation.type not in step.by)
        record_step(procedure.pk, step.code, on=on, organisation=user.organisation, actor=user,
                    document_reference=row.get("document", ""))
    return True
