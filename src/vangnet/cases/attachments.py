"""Attachments on a case: what may be uploaded, what it really is, and whether it is clean.

- **Size**: at most ``settings.ATTACHMENT_MAX_BYTES``.
- **Type**: a short allow-list (PDF, PNG, JPEG, plain text, Word .docx). The type is decided by the file's
  own bytes (sniffed), never by the browser's Content-Type; the file name's extension must agree with it.
- **Viruses**: a pluggable scanner (``settings.ATTACHMENT_SCANNER``): ``"clamd"`` talks to a ClamAV daemon
  (``settings.CLAMD_ADDRESS``, ``unix:/path`` or ``tcp:host:port``) over its INSTREAM protocol; ``"none"``
  stores the file marked "not checked for viruses" (development; a system check warns elsewhere); a dotted
  path names any class with ``scan(data: bytes) -> ScanResult`` (the tests use one).
- **At rest**: the content and the file name are encrypted (``core.fields``), stored apart from the list.
"""

from __future__ import annotations

import io
import socket
import struct
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

#: sniffed type -> (MIME type, extensions the file name may have)
ALLOWED_TYPES = {
    "pdf": ("application/pdf", (".pdf",)),
    "png": ("image/png", (".png",)),
    "jpeg": ("image/jpeg", (".jpg", ".jpeg")),
    "text": ("text/plain", (".txt",)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",)),
}


class AttachmentRefused(Exception):
    """The upload is not stored; the message says why in plain language."""


def sniff(data: bytes) -> str | None:
    """The file's real type from its first bytes (and, for .docx, its zip directory); None when unknown."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return None
        if "word/document.xml" in names and "[Content_Types].xml" in names and not any(
                n.lower().endswith(".bin") for n in names):  # no embedded macros (vbaProject.bin)
            return "docx"
        return None
    if b"\x00" not in data:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return None
        return "text"
    return None


@dataclass(frozen=True)
class ScanResult:
    clean: bool
    #: "clean", "infected" or "not_scanned"
    status: str
    detail: str = ""


class Scanner(Protocol):
    def scan(self, data: bytes) -> ScanResult: ...


class NoScanner:
    """Stores without a check; the attachment is shown as "not checked for viruses"."""

    def scan(self, data: bytes) -> ScanResult:
        return ScanResult(clean=True, status="not_scanned")


class ScannerUnavailable(Exception):
    pass


class ClamdScanner:
    """ClamAV's daemon over its INSTREAM protocol (``zINSTREAM``, 4-byte big-endian chunk lengths)."""

    CHUNK = 64 * 1024

    def __init__(self, address: str | None = None, timeout: float = 30.0) -> None:
        self.address = address or settings.CLAMD_ADDRESS
        self.timeout = timeout

    def _connect(self) -> socket.socket:
        kind, _sep, rest = self.address.partition(":")
        if kind == "unix":
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            target: object = rest
        elif kind == "tcp":
            host, _sep, port = rest.rpartition(":")
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            target = (host, int(port))
        else:
            raise ScannerUnavailable(f"CLAMD_ADDRESS must start with unix: or tcp:, not {self.address!r}")
        sock.settimeout(self.timeout)
        try:
            sock.connect(target)  # type: ignore[arg-type]
        except OSError as exc:
            sock.close()
            raise ScannerUnavailable(str(exc)) from exc
        return sock

    def scan(self, data: bytes) -> ScanResult:
        with self._connect() as sock:
            try:
                sock.sendall(b"zINSTREAM\0")
                for start in range(0, len(data), self.CHUNK):
                    chunk = data[start:start + self.CHUNK]
                    sock.sendall(struct.pack("!L", len(chunk)) + chunk)
                sock.sendall(struct.pack("!L", 0))
                reply = b""
                while not reply.endswith(b"\0"):
                    part = sock.recv(4096)
                    if not part:
                        break
                    reply += part
            except OSError as exc:
                raise ScannerUnavailable(str(exc)) from exc
        text = reply.rstrip(b"\0").decode("utf-8", "replace").strip()
        if text.endswith("OK"):
            return ScanResult(clean=True, status="clean")
        if text.endswith("FOUND"):
            return ScanResult(clean=False, status="infected", detail=text.split(":", 1)[-1].strip())
        raise ScannerUnavailable(f"unexpected answer from clamd: {text[:200]!r}")


@lru_cache(maxsize=4)
def _scanner(name: str) -> Scanner:
    if name == "clamd":
        return ClamdScanner()
    if name in ("", "none"):
        return NoScanner()
    return import_string(name)()  # type: ignore[no-any-return]


def scanner() -> Scanner:
    return _scanner(settings.ATTACHMENT_SCANNER)


@dataclass(frozen=True)
class CheckedFile:
    kind: str
    content_type: str
    scan: ScanResult


def check(name: str, data: bytes) -> CheckedFile:
    """Size, type (sniffed, and agreeing with the name) and virus scan. Raises ``AttachmentRefused``."""
    if not data:
        raise AttachmentRefused(_("The file is empty."))
    if len(data) > settings.ATTACHMENT_MAX_BYTES:
        raise AttachmentRefused(_("The file is too large: at most %(mb)s MB.")
                                % {"mb": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)})
    kind = sniff(data)
    if kind is None:
        raise AttachmentRefused(_("This kind of file cannot be added. Allowed: PDF, PNG, JPEG, text (.txt) and "
                                  "Word (.docx) without macros."))
    content_type, extensions = ALLOWED_TYPES[kind]
    if not name.lower().endswith(extensions):
        raise AttachmentRefused(_("The file name does not fit its content: this is a %(kind)s file. Give it the "
                                  "extension %(ext)s.") % {"kind": kind.upper(), "ext": extensions[0]})
    try:
        result = scanner().scan(data)
    except ScannerUnavailable as exc:
        raise AttachmentRefused(_("The virus check is not available now, so the file was not added. "
                                  "Try again later.")) from exc
    if not result.clean:
        raise AttachmentRefused(_("The virus check found a threat in this file. It was not added."))
    return CheckedFile(kind=kind, content_type=content_type, scan=result)
