"""Attachments: size and type limits (sniffed, not trusted from the browser), the virus check through a
pluggable scanner (a test scanner, and the ClamAV INSTREAM client against a fake clamd), encryption at rest,
access by involvement and the processing log."""

from __future__ import annotations

import io
import socketserver
import struct
import threading
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from vangnet.audit.models import ProcessingLogEntry
from vangnet.cases import attachments
from vangnet.cases.attachments import ClamdScanner, ScannerUnavailable, ScanResult, sniff
from vangnet.cases.models import CaseAttachment, CaseEvent

pytestmark = pytest.mark.django_db

EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


class EicarScanner:
    """The test scanner: finds the EICAR test string, like a real scanner would."""

    def scan(self, data: bytes) -> ScanResult:
        if EICAR in data:
            return ScanResult(clean=False, status="infected", detail="Eicar-Test-Signature")
        return ScanResult(clean=True, status="clean")


class BrokenScanner:
    def scan(self, data: bytes) -> ScanResult:
        raise ScannerUnavailable("down")


@pytest.fixture(autouse=True)
def test_scanner(settings: Any) -> Iterator[None]:
    settings.ATTACHMENT_SCANNER = "tests.cases.test_attachments.EicarScanner"
    attachments._scanner.cache_clear()
    yield
    attachments._scanner.cache_clear()


def docx(extra: dict[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_sniffing_decides_the_type_not_the_name() -> None:
    assert sniff(PDF) == "pdf" and sniff(PNG) == "png" and sniff(b"\xff\xd8\xff\xe0rest") == "jpeg"
    assert sniff("Gewoon tekst, met é".encode()) == "text"
    assert sniff(docx()) == "docx"
    assert sniff(docx({"word/vbaProject.bin": b"macro"})) is None
    assert sniff(b"MZ\x90\x00\x03\x00") is None  # a Windows program
    assert sniff(b"PK\x03\x04not really a zip") is None


def upload(client: Any, case: Any, name: str, data: bytes, content_type: str = "application/pdf") -> Any:
    return client.post(f"/cases/{case.reference}/attachments/",
                       {"file": SimpleUploadedFile(name, data, content_type=content_type)})


def test_upload_is_stored_encrypted_logged_and_downloadable(cast: Any, registered_signal: Any,
                                                            logged_in: Any) -> None:
    case = registered_signal.case
    client = logged_in(cast.coordinator)
    response = upload(client, case, "verklaring-Olumide.pdf", PDF, content_type="image/png")  # browser type ignored
    assert response.status_code == 302
    attachment = CaseAttachment.objects.get(case=case)
    assert (attachment.kind, attachment.content_type, attachment.scan_status) == ("pdf", "application/pdf", "clean")
    with connection.cursor() as cursor:
        cursor.execute("SELECT filename FROM cases_caseattachment WHERE id = %s", [attachment.pk])
        assert "Olumide" not in cursor.fetchone()[0]
        cursor.execute("SELECT data FROM cases_caseattachmentcontent WHERE attachment_id = %s", [attachment.pk])
        stored = cursor.fetchone()[0]
        assert "%PDF" not in stored and "JVBER" not in stored  # neither clear nor merely base64
    assert CaseEvent.objects.filter(case=case, kind="attachment", params={"kind": "PDF"}).exists()
    assert ProcessingLogEntry.objects.filter(object_type="cases.caseattachment", action="create").exists()
    page = logged_in(cast.reporter).get(f"/cases/{case.reference}/").content.decode()
    assert "verklaring-Olumide.pdf" in page
    download = logged_in(cast.reporter).get(f"/cases/{case.reference}/attachments/{attachment.pk}/")
    assert download.status_code == 200 and download.content == PDF
    assert download["Content-Type"] == "application/pdf" and download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"].startswith("attachment;")
    assert ProcessingLogEntry.objects.filter(object_type="cases.caseattachment", action="read",
                                             actor=cast.reporter).exists()
    for user in (cast.outsider, cast.other_coordinator, cast.national, cast.analyst):
        assert logged_in(user).get(f"/cases/{case.reference}/attachments/{attachment.pk}/").status_code == 404
        assert upload(logged_in(user), case, "a.pdf", PDF).status_code == 404


@pytest.mark.parametrize("name, data, message", [
    ("virus.txt", EICAR, "virus"),
    ("programma.pdf", b"MZ\x90\x00\x03\x00\x00\x00", "Dit soort bestand"),
    ("foto.pdf", PNG, ".png"),
    ("macro.docx", docx({"word/vbaProject.bin": b"x"}), "Dit soort bestand"),
    ("leeg.pdf", b"", "leeg"),
])
def test_refused_uploads_store_nothing_and_say_why(cast: Any, registered_signal: Any, logged_in: Any,
                                                  name: str, data: bytes, message: str) -> None:
    response = upload(logged_in(cast.coordinator), registered_signal.case, name, data)
    assert response.status_code == 400
    assert message.lower() in response.content.decode().lower()
    assert not CaseAttachment.objects.exists()


def test_too_large_and_scanner_down(cast: Any, registered_signal: Any, logged_in: Any, settings: Any) -> None:
    settings.ATTACHMENT_MAX_BYTES = 100
    response = upload(logged_in(cast.coordinator), registered_signal.case, "groot.txt", b"a" * 101)
    assert response.status_code == 400 and "te groot" in response.content.decode()
    settings.ATTACHMENT_MAX_BYTES = 10_000
    settings.ATTACHMENT_SCANNER = "tests.cases.test_attachments.BrokenScanner"
    attachments._scanner.cache_clear()
    response = upload(logged_in(cast.coordinator), registered_signal.case, "ok.txt", b"gewoon tekst")
    assert response.status_code == 400 and "virus" in response.content.decode().lower()
    assert not CaseAttachment.objects.exists()


class FakeClamd(socketserver.BaseRequestHandler):
    """Speaks clamd's INSTREAM: reads length-prefixed chunks until a zero length, answers OK or FOUND."""

    def handle(self) -> None:
        command = b""
        while not command.endswith(b"\0"):
            command += self.request.recv(1)
        assert command == b"zINSTREAM\0"
        data = b""
        while True:
            (length,) = struct.unpack("!L", self._read(4))
            if length == 0:
                break
            data += self._read(length)
        answer = b"stream: Eicar-Test-Signature FOUND\0" if EICAR in data else b"stream: OK\0"
        self.request.sendall(answer)

    def _read(self, n: int) -> bytes:
        buf = b""
        while len(buf) < n:
            buf += self.request.recv(n - len(buf))
        return buf


def test_clamd_client_speaks_instream() -> None:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), FakeClamd)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        scanner = ClamdScanner(f"tcp:127.0.0.1:{server.server_address[1]}", timeout=5)
        scanner.CHUNK = 7  # several chunks
        assert scanner.scan(b"clean content " * 5) == ScanResult(clean=True, status="clean")
        infected = scanner.scan(b"prefix " + EICAR)
        assert not infected.clean and infected.detail == "Eicar-Test-Signature FOUND"
    finally:
        server.shutdown()
        server.server_close()
    with pytest.raises(ScannerUnavailable):
        ClamdScanner("tcp:127.0.0.1:9", timeout=1).scan(b"x")
    with pytest.raises(ScannerUnavailable):
        ClamdScanner("ftp:nowhere").scan(b"x")
