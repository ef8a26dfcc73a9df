"""The check of an uploaded evidence file, by its content alone.

The name and the content type a browser sends are chosen by whoever uploads, so neither is
read here: what a file is, and so the content type and extension it is stored and served
with, is decided from its bytes. Each accepted kind is recognised by its signature and then
opened by a parser for that kind (zipfile, olefile, Pillow), so that a file which merely
starts like a PDF or a ZIP does not pass for a Word document or an image.
"""

from __future__ import annotations

import codecs
import hashlib
import re
import struct
import warnings
import zipfile
import zlib
from dataclasses import dataclass

import olefile
from django.core.exceptions import ValidationError
from django.core.files import File
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from PIL import Image

MAX_BYTES = 20 * 1024 * 1024
MAX_EXPANDED_BYTES = 100 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class CheckedFile:
    kind: str
    content_type: str
    extension: str
    size: int
    sha256: str


def check_file(file: File) -> CheckedFile:
    """What `file` (an UploadedFile or any other File) is, decided from its content, or a
    ValidationError if it is refused. Leaves the file at position 0 either way, for the
    caller to save it."""
    try:
        file.seek(0)
        declared_size = file.size
        if declared_size > MAX_BYTES:
            raise _refusal("too_large", limit=MAX_BYTES // _MB)
        if declared_size == 0:
            raise _refusal("empty")
        kind = _identify(file)
        file.seek(0)
        size, sha256 = _measure(file)
    finally:
        file.seek(0)
    content_type, extension = _FORMATS[kind]
    return CheckedFile(kind, content_type, extension, size, sha256)


_MB = 1024 * 1024
_CHUNK_BYTES = 64 * 1024

# kind: (content type, extension)
_FORMATS: dict[str, tuple[str, str]] = {
    "pdf": ("application/pdf", ".pdf"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
    "doc": ("application/msword", ".doc"),
    "xls": ("application/vnd.ms-excel", ".xls"),
    "odt": ("application/vnd.oasis.opendocument.text", ".odt"),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", ".ods"),
    "png": ("image/png", ".png"),
    "jpeg": ("image/jpeg", ".jpg"),
    "gif": ("image/gif", ".gif"),
    "webp": ("image/webp", ".webp"),
    "csv": ("text/csv; charset=utf-8", ".csv"),
}

_MESSAGES = {
    "empty": _("The file is empty. Check that you chose the right file and attach it again."),
    "too_large": _(
        "The file is larger than %(limit)s MB, the most a file may be. Make it smaller (for "
        "example, scan at a lower resolution, or split it into several files) and attach it "
        "again."
    ),
    "unsupported": _(
        "This kind of file is not accepted. Attach a PDF, a Word or Excel document (.docx, "
        ".xlsx, .doc, .xls), an OpenDocument text or spreadsheet (.odt, .ods), a CSV file "
        "saved as UTF-8, or a PNG, JPEG, GIF or WebP image. For anything else, save it as PDF "
        "and attach that."
    ),
    "svg": _(
        "SVG images can carry scripts, so they are not accepted. Export the image as PNG or "
        "PDF and attach that."
    ),
    "macros": _(
        "This document contains macros, which can run programs on the computer of whoever "
        "opens it, so it is not accepted. Save it as a document without macros (.docx or "
        ".xlsx) or as PDF, and attach that."
    ),
    "encrypted": _(
        "This document is protected by a password, so reviewers could not open it. Remove "
        "the password, save the document and attach it again."
    ),
    "expands": _(
        "Once opened, this document would take up more than %(limit)s MB, more than is "
        "accepted. Split it into smaller documents or save it as PDF, and attach that."
    ),
    "too_many_pixels": _(
        "This image has more than %(limit)s pixels. Reduce its resolution, or save it as "
        "PDF, and attach it again."
    ),
    "damaged": _(
        "This file could not be read; it may be damaged or incomplete. Open it on your "
        "computer, save it again and attach the new copy."
    ),
}


def _refusal(code: str, **params: object) -> ValidationError:
    return ValidationError(_MESSAGES[code], code=code, params=params or None)


def _measure(file: File) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    while chunk := file.read(_CHUNK_BYTES):
        digest.update(chunk)
        size += len(chunk)
    return size, digest.hexdigest()


_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_IMAGE_SIGNATURES = {
    b"\x89PNG\r\n\x1a\n": "png",
    b"\xff\xd8\xff": "jpeg",
    b"GIF87a": "gif",
    b"GIF89a": "gif",
}


def _identify(file: File) -> str:
    head = file.read(16)
    file.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return _identify_zip(file)
    if head.startswith(_OLE_SIGNATURE):
        return _identify_ole(file)
    for signature, kind in _IMAGE_SIGNATURES.items():
        if head.startswith(signature):
            return _check_image(file, kind)
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return _check_image(file, "webp")
    return _check_csv(file)


# What a malformed file makes its parser raise: any of them means it cannot be read.
_UNREADABLE_ZIP = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, RuntimeError)
_UNREADABLE_OLE = (OSError, EOFError, ValueError, IndexError, struct.error)
_UNREADABLE_IMAGE = (OSError, EOFError, SyntaxError, ValueError, IndexError, struct.error)

_ODF_KINDS = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
}
# The content type of the main part as [Content_Types].xml declares it, lower-cased.
_OOXML_KINDS = {
    b"wordprocessingml.document.main+xml": "docx",
    b"spreadsheetml.sheet.main+xml": "xlsx",
}
# A real [Content_Types].xml is a few kilobytes: no more than this is read of one, whatever
# size it claims.
_MAX_MANIFEST_BYTES = _MB


def _identify_zip(file: File) -> str:
    try:
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
            # Summed from the directory, not by extracting: a zip bomb is only a danger to
            # whoever opens it, and it is refused before anyone does.
            if sum(member.file_size for member in members) > MAX_EXPANDED_BYTES:
                raise _refusal("expands", limit=MAX_EXPANDED_BYTES // _MB)
            names = {member.filename for member in members}
            if members and members[0].filename == "mimetype":
                with archive.open(members[0]) as mimetype:
                    kind = _ODF_KINDS.get(mimetype.read(100).strip())
            elif "[Content_Types].xml" in names:
                with archive.open("[Content_Types].xml") as manifest:
                    kind = _ooxml_kind(manifest.read(_MAX_MANIFEST_BYTES))
            else:
                kind = None
    except _UNREADABLE_ZIP as error:
        raise _refusal("damaged") from error
    if kind is None:
        raise _refusal("unsupported")
    return kind


def _ooxml_kind(manifest: bytes) -> str | None:
    # Searched rather than parsed: the content types are fixed ASCII strings, and an XML
    # parser would only give a hostile manifest more ways to cost time.
    manifest = manifest.lower()
    if b"macroenabled" in manifest or b"vbaproject" in manifest:
        raise _refusal("macros")
    found = {kind for marker, kind in _OOXML_KINDS.items() if marker in manifest}
    return found.pop() if len(found) == 1 else None


def _identify_ole(file: File) -> str:
    try:
        with olefile.OleFileIO(file) as ole:
            is_doc = ole.exists("WordDocument")
            is_xls = ole.exists("Workbook") or ole.exists("Book")
            # Office keeps the macros of a .doc in "Macros", those of an .xls in
            # "_VBA_PROJECT_CUR".
            has_macros = ole.exists("Macros") or ole.exists("_VBA_PROJECT_CUR")
            # A password-protected .docx or .xlsx is an OLE file around the encrypted package.
            is_encrypted = ole.exists("EncryptedPackage")
    except _UNREADABLE_OLE as error:
        raise _refusal("damaged") from error
    if is_encrypted:
        raise _refusal("encrypted")
    if is_doc == is_xls:  # neither (PowerPoint, Outlook, an installer…) or, oddly, both
        raise _refusal("unsupported")
    if has_macros:
        raise _refusal("macros")
    return "doc" if is_doc else "xls"


_PILLOW_FORMATS = {"png": "PNG", "jpeg": "JPEG", "gif": "GIF", "webp": "WEBP"}


def _check_image(file: File, kind: str) -> str:
    try:
        with warnings.catch_warnings():
            # Pillow only warns between its limit and twice it: too big for us all the same.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file, formats=[_PILLOW_FORMATS[kind]]) as image:
                # Counted here as well: the warnings filter above is not thread-safe.
                if image.width * image.height > Image.MAX_IMAGE_PIXELS:
                    raise Image.DecompressionBombError
                image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        limit = number_format(Image.MAX_IMAGE_PIXELS, force_grouping=True)
        raise _refusal("too_many_pixels", limit=limit) from error
    except _UNREADABLE_IMAGE as error:
        raise _refusal("damaged") from error
    return kind


# Control characters other than tab, line feed and carriage return: no CSV has them, and
# nearly every binary file does. In UTF-8 they are single bytes, so the raw bytes are searched.
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_FIRST_TAG = re.compile(r"<([a-z][\w.:-]*)", re.IGNORECASE)


def _check_csv(file: File) -> str:
    """Whatever has no signature may still be a CSV: text in UTF-8 (a BOM is allowed) that is
    neither markup (HTML, XML, SVG) nor a script, which a browser or a shell might run."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    start = ""  # the text from its first non-blank character, up to a chunk of it
    try:
        while chunk := file.read(_CHUNK_BYTES):
            if _CONTROL_BYTES.search(chunk):
                raise _refusal("unsupported")
            text = decoder.decode(chunk)
            if len(start) < _CHUNK_BYTES:
                start = (start + text).lstrip()[:_CHUNK_BYTES]
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as error:
        raise _refusal("unsupported") from error
    if not start:
        raise _refusal("empty")
    if start.startswith("<"):
        first_tag = _FIRST_TAG.search(start)
        is_svg = first_tag is not None and first_tag[1].lower() in {"svg", "svg:svg"}
        raise _refusal("svg" if is_svg else "unsupported")
    if start.startswith("#!"):
        raise _refusal("unsupported")
    return "csv"
