"""Chain partners deliver procedure steps by CSV: each valid row is stored, each invalid one reported."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from tests.factories import OrganisationFactory, UserFactory
from vangnet.accounts.models import OrganisationType, Role
from vangnet.cases.models import InvolvementRole
from vangnet.cases.services import involve
from vangnet.procedures.imports import ImportFileError, import_steps
from vangnet.procedures.models import Procedure, ProcedureStep

pytestmark = pytest.mark.django_db
DAY = datetime.date.today() - datetime.timedelta(days=30)


def csv_bytes(*rows: str, header: str = "case,procedure,step,date,document") -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def test_valid_rows_are_stored_and_invalid_rows_reported(cast, registered_signal):
    ref = registered_signal.case.reference
    data = csv_bytes(
        f"{ref},police_report,filed,{DAY.isoformat()},PV-1",         # ok: starts the procedure
        f"{ref},police_report,declined,{DAY.isoformat()},",          # refused: the report is filed already
        f"{ref},police_report,filed,{DAY.isoformat()},PV-1",         # delivered twice: not stored again
        f"VN-1999-999999,police_report,filed,{DAY.isoformat()},",    # unknown case
        f"{ref},no_such_procedure,filed,{DAY.isoformat()},",
        f"{ref},prosecution,verdict,{DAY.isoformat()},",             # not a first step
        f"{ref},reflection_period,requested,31-02-2026,",            # not a date
        f"{ref},reflection_period,requested,{DAY.strftime('%d-%m-%Y')},",  # ok, Dutch date order
    )
    report = import_steps(cast.reporter, data)
    assert (report.stored, report.duplicates, report.rows) == (2, 1, 8)
    assert [e.line for e in report.errors] == [3, 5, 6, 7, 8]
    messages = " | ".join(e.message for e in report.errors)
    assert "VN-1999-999999" in messages
    steps = ProcedureStep.objects.filter(procedure__case=registered_signal.case)
    assert sorted(steps.values_list("code", flat=True)) == ["filed", "requested"]
    assert steps.get(code="filed").document_reference == "PV-1"
    assert not Procedure.objects.filter(code="prosecution").exists()  # the refused row left nothing behind


def test_only_involved_organisations_can_import_for_a_case(cast, registered_signal):
    ref = registered_signal.case.reference
    om = OrganisationFactory(name="OM (test)", type=OrganisationType.PUBLIC_PROSECUTOR, municipality_id="GM0599")
    prosecutor = UserFactory(username="om", organisation=om, role=Role.REPORTER)
    row = csv_bytes(f"{ref},prosecution,dismissed,{DAY.isoformat()},")
    assert import_steps(prosecutor, row).stored == 0  # not involved: the case is not visible
    involve(registered_signal.case, om, InvolvementRole.REPORTER)
    assert import_steps(prosecutor, row).stored == 1
    assert Procedure.objects.get(code="prosecution").state == "dismissed"
    # the police may not record the OM's decision
    other = csv_bytes(f"{ref},prosecution,summoned,{DAY.isoformat()},")
    report = import_steps(cast.reporter, other)
    assert report.stored == 0 and report.errors


@pytest.mark.parametrize("data, message", [
    (b"\xff\xfe\x00garbage", "UTF-8"),
    (b"case;step\nx;y\n", "missing"),
    (b"x" * (2 * 1024 * 1024 + 1), "2 MB"),
])
def test_unreadable_files_are_refused_whole(cast, data, message):
    with translation.override("en"), pytest.raises(ImportFileError, match=message):
        import_steps(cast.reporter, data)


def test_semicolons_and_blank_lines(cast, registered_signal):
    ref = registered_signal.case.reference
    data = csv_bytes(f"{ref};police_report;filed;{DAY.isoformat()};", "", header="case;procedure;step;date;document")
    assert import_steps(cast.reporter, data).stored == 1


def test_upload_page(cast, logged_in, registered_signal):
    url = reverse("procedures:import")
    assert logged_in(cast.outsider).get(url).status_code == 404  # an NGO is no chain partner
    assert logged_in(cast.analyst).get(url).status_code == 404
    client = logged_in(cast.reporter)
    assert client.get(url).status_code == 200
    upload = SimpleUploadedFile("steps.csv", csv_bytes(
        f"{registered_signal.case.reference},police_report,filed,{DAY.isoformat()},",
        f"nope,police_report,filed,{DAY.isoformat()},"), content_type="text/csv")
    response = client.post(url, {"file": upload})
    assert response.status_code == 200
    assert response.context["report"].stored == 1 and len(response.context["report"].errors) == 1
    bad = client.post(url, {"file": SimpleUploadedFile("x.csv", b"\xff\xfe", content_type="text/csv")})
    assert bad.status_code == 400


def test_command(cast, registered_signal, tmp_path):
    path = tmp_path / "steps.csv"
    path.write_bytes(csv_bytes(f"{registered_signal.case.reference},police_report,filed,{DAY.isoformat()},"))
    call_command("import_procedure_steps", str(path), "--user", cast.reporter.username)
    assert ProcedureStep.objects.count() == 1
    with pytest.raises(CommandError, match="No active user"):
        call_command("import_procedure_steps", str(path), "--user", "nobody")
