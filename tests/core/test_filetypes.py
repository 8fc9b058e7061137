"""Evidence uploads are identified by their content, never by their name."""

from __future__ import annotations

import bz2
import codecs
import contextlib
import gzip
import io
import lzma
import struct
import tarfile
import uuid
import zipfile
import zlib
from pathlib import Path

import pytest

from wfld.core import files, filetypes
from wfld.core.filetypes import (
    ARCHIVE,
    DOC,
    DOCX,
    EMPTY,
    EVIDENCE_TYPES,
    MACROS,
    NOT_EVIDENCE,
    ODP,
    ODS,
    ODT,
    OLD_OFFICE,
    PPT,
    PPTX,
    PROGRAM,
    SCRIPT,
    SVG_IMAGE,
    WEB_PAGE,
    XLS,
    XLSX,
    UploadRefused,
    identify,
)

# Sample files, built here -----------------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
GIF = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00"
    b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        checksum = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + checksum

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)  # 1×1, 8-bit RGB
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def _webp() -> bytes:
    payload = b"WEBP" + b"VP8L" + struct.pack("<I", 5) + b"\x2f\x00\x00\x00\x00" + b"\x00"
    return b"RIFF" + struct.pack("<I", len(payload)) + payload


def _zip(members: dict[str, bytes], *, stored_first: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for number, (name, data) in enumerate(members.items()):
            stored = stored_first and number == 0
            archive.writestr(name, data, zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def _content_types(*overrides: tuple[str, str]) -> bytes:
    parts = "".join(f'<Override PartName="{p}" ContentType="{t}"/>' for p, t in overrides)
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f"{parts}</Types>"
    ).encode()


RELS = (
    b'<?xml version="1.0"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>'
)
OOXML_MAIN = "application/vnd.openxmlformats-officedocument"


def _docx(
    *extra: tuple[str, bytes], main: str = f"{OOXML_MAIN}.wordprocessingml.document"
) -> bytes:
    return _zip(
        {
            "[Content_Types].xml": _content_types(("/word/document.xml", f"{main}.main+xml")),
            "_rels/.rels": RELS,
            "word/document.xml": b"<w:document><w:body><w:p/></w:body></w:document>",
            **dict(extra),
        }
    )


def _xlsx(*extra: tuple[str, bytes], main: str = f"{OOXML_MAIN}.spreadsheetml.sheet") -> bytes:
    return _zip(
        {
            "[Content_Types].xml": _content_types(("/xl/workbook.xml", f"{main}.main+xml")),
            "_rels/.rels": RELS,
            "xl/workbook.xml": b"<workbook><sheets/></workbook>",
            "xl/worksheets/sheet1.xml": b"<worksheet><sheetData/></worksheet>",
            **dict(extra),
        }
    )


def _pptx(
    *extra: tuple[str, bytes], main: str = f"{OOXML_MAIN}.presentationml.presentation"
) -> bytes:
    return _zip(
        {
            "[Content_Types].xml": _content_types(("/ppt/presentation.xml", f"{main}.main+xml")),
            "_rels/.rels": RELS,
            "ppt/presentation.xml": b"<p:presentation/>",
            **dict(extra),
        }
    )


def _opendocument(mimetype: str, *, stored: bool = True) -> bytes:
    return _zip(
        {
            "mimetype": mimetype.encode("ascii"),
            "META-INF/manifest.xml": b"<manifest:manifest/>",
            "content.xml": b"<office:document-content/>",
        },
        stored_first=stored,
    )


FREE, END_OF_CHAIN, FAT_SECTOR, NO_STREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
Tree = dict[str, "Tree"]


def _compound_file(tree: Tree, *, root_class: bytes = bytes(16)) -> bytes:
    """A minimal OLE2 compound file (version 3, 512-byte sectors) with the given storages
    (non-empty dicts) and empty streams; only its directory is filled in."""
    entries: list[list] = []  # name, type, left, right, child, class id

    def add(name: str, kind: int, children: Tree, class_id: bytes = bytes(16)) -> int:
        index = len(entries)
        entries.append([name, kind, NO_STREAM, NO_STREAM, NO_STREAM, class_id])
        ids = [add(child, 1 if sub else 2, sub) for child, sub in children.items()]
        for before, after in zip(ids, ids[1:], strict=False):
            entries[before][3] = after  # a right-leaning chain is a valid sibling tree
        if ids:
            entries[index][4] = ids[0]
        return index

    add("Root Entry", 5, tree, root_class)
    while len(entries) % 4:
        entries.append(["", 0, NO_STREAM, NO_STREAM, NO_STREAM, bytes(16)])
    directory = b""
    for name, kind, left, right, child, class_id in entries:
        encoded = (name + "\0").encode("utf-16-le") if name else b""
        directory += (
            encoded.ljust(64, b"\0")
            + struct.pack("<HBB3I", len(encoded), kind, 1, left, right, child)
            + class_id
            + bytes(4 + 8 + 8)  # state bits, created, modified
            + struct.pack("<IQ", END_OF_CHAIN, 0)  # start sector, size
        )
    directory_sectors = len(directory) // 512
    chain = [*range(2, directory_sectors + 1), END_OF_CHAIN]  # sector 0 is the FAT
    fat = struct.pack("<I", FAT_SECTOR) + struct.pack(f"<{len(chain)}I", *chain)
    fat = fat.ljust(512, b"\xff")
    header = (
        filetypes.OLE_MAGIC
        + bytes(16)
        + struct.pack("<5H", 0x3E, 3, 0xFFFE, 9, 6)
        + bytes(6)
        + struct.pack("<9I", 0, 1, 1, 0, 4096, END_OF_CHAIN, 0, END_OF_CHAIN, 0)
        + struct.pack("<I", 0)
        + struct.pack("<108I", *[FREE] * 108)
    )
    assert len(header) == 512
    return header + fat + directory


def _tar() -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        data = b"some notes\n"
        info = tarfile.TarInfo("notes.txt")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


MSI_CLASS = uuid.UUID("000c1084-0000-0000-c000-000000000046").bytes_le
TEXT = "Reflective account: supervision on 3 March — safeguarding, café meeting, £20 résumé.\n"
LONG_TEXT = ("é" * 40_000).encode()  # 80,000 bytes: the first 64 KiB ends inside nothing broken
STRADDLING = b"a" + "é".encode() * 40_000  # the 64 KiB read ends part-way through an "é"
PE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(48) + b"PE\x00\x00"


# Accepted -----------------------------------------------------------------------------------

ACCEPTED = [
    pytest.param("certificate.pdf", PDF, "application/pdf", id="pdf"),
    pytest.param("photo.png", _png(), "image/png", id="png"),
    pytest.param("photo.jpg", JPEG, "image/jpeg", id="jpeg"),
    pytest.param("photo.gif", GIF, "image/gif", id="gif"),
    pytest.param("photo.webp", _webp(), "image/webp", id="webp"),
    pytest.param("report.docx", _docx(), DOCX, id="docx"),
    pytest.param("figures.xlsx", _xlsx(), XLSX, id="xlsx"),
    pytest.param("slides.pptx", _pptx(), PPTX, id="pptx"),
    pytest.param("report.odt", _opendocument(ODT), ODT, id="odt"),
    pytest.param("figures.ods", _opendocument(ODS), ODS, id="ods"),
    pytest.param("slides.odp", _opendocument(ODP), ODP, id="odp"),
    pytest.param("report.odt", _opendocument(ODT, stored=False), ODT, id="odt-compressed-mimetype"),
    pytest.param("old.doc", filetypes.OLE_MAGIC + bytes(504), OLD_OFFICE, id="ole2-header-only"),
    pytest.param(
        "old.doc", _compound_file({"WordDocument": {}, "1Table": {}}), DOC, id="legacy-word"
    ),
    pytest.param("old.xls", _compound_file({"Workbook": {}}), XLS, id="legacy-excel"),
    pytest.param("old.xls", _compound_file({"Book": {}}), XLS, id="legacy-excel-95"),
    pytest.param(
        "old.ppt", _compound_file({"PowerPoint Document": {}}), PPT, id="legacy-powerpoint"
    ),
    pytest.param(
        "old.doc",
        _compound_file({"ObjectPool": {"_1234": {"Workbook": {}}}, "WordDocument": {}}),
        DOC,
        id="legacy-word-with-embedded-sheet",
    ),
    pytest.param(
        "old.doc",
        _compound_file({f"Stream{n}": {} for n in range(9)} | {"WordDocument": {}}),
        DOC,
        id="legacy-directory-over-several-sectors",
    ),
    pytest.param(
        "email.msg", _compound_file({"__properties_version1.0": {}}), OLD_OFFICE, id="ole2-other"
    ),
    pytest.param("notes.txt", TEXT.encode(), "text/plain", id="utf8-text"),
    pytest.param("notes.txt", codecs.BOM_UTF8 + TEXT.encode(), "text/plain", id="utf8-bom"),
    pytest.param(
        "notes.txt", b"Plain ASCII\r\nWindows lines\r\n\tand a tab", "text/plain", id="ascii"
    ),
    pytest.param(
        "hours.csv",
        "date,activity,hours\n2026-03-03,Supervision — Zoë,1.5\n".encode(),
        "text/plain",
        id="csv",
    ),
    pytest.param("notes.txt", b"MZ notes from Mary Zeal", "text/plain", id="text-starting-mz"),
    pytest.param("notes.txt", b"if a < b and c > d", "text/plain", id="text-with-angles"),
    pytest.param(
        "data.xml",
        b'<?xml version="1.0"?>\n<record><name>x</name></record>',
        "text/plain",
        id="xml",
    ),
    pytest.param("long.txt", LONG_TEXT, "text/plain", id="long-text"),
    pytest.param("long.txt", STRADDLING, "text/plain", id="text-cut-mid-character"),
    pytest.param("notes.exe", TEXT.encode(), "text/plain", id="name-does-not-matter"),
]


@pytest.mark.parametrize(("name", "content", "expected"), ACCEPTED)
def test_accepted_files_are_identified(tmp_path: Path, name: str, content: bytes, expected: str):
    path = tmp_path / name
    path.write_bytes(content)
    assert identify(path) == expected
    assert expected in EVIDENCE_TYPES


# Refused ------------------------------------------------------------------------------------

REFUSED = [
    # Web pages, in the spellings browsers accept
    pytest.param("page.pdf", b"<!DOCTYPE html><html><body>Hi</body></html>", WEB_PAGE, id="html"),
    pytest.param("page.txt", b"<!doctype HTML>\n<title>x</title>", WEB_PAGE, id="html-lowercase"),
    pytest.param("page.txt", b" \r\n\t <html lang='en'>", WEB_PAGE, id="html-after-whitespace"),
    pytest.param("page.txt", codecs.BOM_UTF8 + b"<HTML>\n<BODY>", WEB_PAGE, id="html-bom-upper"),
    pytest.param("page.txt", b"<body onload='x()'>", WEB_PAGE, id="html-body"),
    pytest.param("page.txt", b"<iframe src='https://example.org'>", WEB_PAGE, id="html-iframe"),
    pytest.param("page.txt", b"<p>Fragment</p>", WEB_PAGE, id="html-fragment"),
    pytest.param("page.txt", b"<!-- saved -->\n<div>", WEB_PAGE, id="html-comment"),
    pytest.param(
        "page.txt",
        b"Some text first\n" * 20 + b"<html>\n<body>hello</body></html>",
        WEB_PAGE,
        id="html-after-text",
    ),
    pytest.param(
        "page.xml",
        b'<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><body/></html>',
        WEB_PAGE,
        id="xhtml",
    ),
    # SVG
    pytest.param(
        "logo.png", b'<svg xmlns="http://www.w3.org/2000/svg"></svg>', SVG_IMAGE, id="svg"
    ),
    pytest.param(
        "logo.xml",
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "x.dtd">\n'
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        SVG_IMAGE,
        id="xml-svg",
    ),
    # Scripts
    pytest.param("notes.txt", b"Notes\n<script>alert(1)</script>", SCRIPT, id="text-with-script"),
    pytest.param("notes.txt", b"Notes\n<SCRIPT src=x.js></SCRIPT>", SCRIPT, id="text-with-SCRIPT"),
    pytest.param("notes.txt", b"#!/bin/sh\nrm -rf ~\n", SCRIPT, id="shebang"),
    pytest.param("notes.txt", b"<?php echo 'hi'; ?>", SCRIPT, id="php"),
    # Programs
    pytest.param("report.pdf", PE, PROGRAM, id="windows-exe"),
    pytest.param("report.pdf", b"\x7fELF\x02\x01\x01\x00" + bytes(56), PROGRAM, id="elf"),
    pytest.param(
        "report.pdf", b"\xcf\xfa\xed\xfe\x07\x00\x00\x01" + bytes(24), PROGRAM, id="mach-o"
    ),
    pytest.param(
        "report.pdf", b"\xca\xfe\xba\xbe\x00\x00\x00\x41" + bytes(8), PROGRAM, id="java-class"
    ),
    pytest.param(
        "setup.doc", _compound_file({"Property": {}}, root_class=MSI_CLASS), PROGRAM, id="msi"
    ),
    # Archives
    pytest.param("report.docx", _zip({"notes.txt": b"hello"}), ARCHIVE, id="zip"),
    pytest.param(
        "report.docx",
        _zip({"word/document.xml": b"<w:document/>"}),
        ARCHIVE,
        id="zip-named-docx-without-content-types",
    ),
    pytest.param(
        "report.docx",
        _zip({"[Content_Types].xml": _content_types(), "other/part.xml": b"<x/>"}),
        ARCHIVE,
        id="zip-with-content-types-but-no-office-part",
    ),
    pytest.param(
        "book.epub",
        _opendocument("application/epub+zip"),
        ARCHIVE,
        id="epub",
    ),
    pytest.param("report.docx", b"PK\x03\x04" + b"\x14\x00" * 40, ARCHIVE, id="broken-zip"),
    pytest.param("report.pdf", b"Rar!\x1a\x07\x01\x00" + bytes(24), ARCHIVE, id="rar"),
    pytest.param("report.pdf", b"7z\xbc\xaf\x27\x1c\x00\x04" + bytes(24), ARCHIVE, id="7z"),
    pytest.param("report.pdf", gzip.compress(b"hello " * 100), ARCHIVE, id="gzip"),
    pytest.param("report.pdf", bz2.compress(b"hello " * 100), ARCHIVE, id="bzip2"),
    pytest.param("report.pdf", lzma.compress(b"hello " * 100), ARCHIVE, id="xz"),
    pytest.param("report.pdf", _tar(), ARCHIVE, id="tar"),
    pytest.param("report.pdf", b"MSCF\x00\x00\x00\x00" + bytes(28), ARCHIVE, id="cab"),
    # Macros
    pytest.param(
        "report.docx",
        _docx(
            ("word/vbaProject.bin", b"\xd0\xcf\x11\xe0"),
            main="application/vnd.ms-word.document.macroEnabled",
        ),
        MACROS,
        id="docm",
    ),
    pytest.param(
        "figures.xlsx",
        _xlsx(main="application/vnd.ms-excel.sheet.macroEnabled"),
        MACROS,
        id="xlsm-content-type-only",
    ),
    pytest.param(
        "slides.pptx", _pptx(("ppt/VBAProject.bin", b"\x00")), MACROS, id="pptx-with-vba-part"
    ),
    pytest.param(
        "figures.xlsx",
        _xlsx(("xl/macrosheets/sheet1.xml", b"<xm:macrosheet/>")),
        MACROS,
        id="xlsx-with-excel4-macros",
    ),
    pytest.param(
        "old.doc",
        _compound_file({"WordDocument": {}, "Macros": {"VBA": {"_VBA_PROJECT": {}, "dir": {}}}}),
        MACROS,
        id="legacy-word-with-macros",
    ),
    pytest.param(
        "old.xls",
        _compound_file({"Workbook": {}, "_VBA_PROJECT_CUR": {"VBA": {"dir": {}}}}),
        MACROS,
        id="legacy-excel-with-macros",
    ),
    # Anything else
    pytest.param(
        "drawing.odg",
        _opendocument("application/vnd.oasis.opendocument.graphics"),
        NOT_EVIDENCE,
        id="odf-drawing",
    ),
    pytest.param("data.bin", b"\x00\x01\x02\x00" * 4, NOT_EVIDENCE, id="binary-with-nuls"),
    pytest.param("notes.txt", b"Hello\x00world", NOT_EVIDENCE, id="text-with-nul"),
    pytest.param("notes.txt", "résumé".encode("latin-1"), NOT_EVIDENCE, id="not-utf8"),
    pytest.param("notes.txt", "Notes".encode("utf-16"), NOT_EVIDENCE, id="utf16"),
    pytest.param("notes.txt", b"bell\x07 and escape\x1b[0m", NOT_EVIDENCE, id="control-chars"),
    pytest.param("photo.heic", b"\x00\x00\x00\x18ftypheic" + bytes(16), NOT_EVIDENCE, id="heic"),
    pytest.param("empty.pdf", b"", EMPTY, id="empty"),
]


@pytest.mark.parametrize(("name", "content", "message"), REFUSED)
def test_refused_files_say_what_they_are(tmp_path: Path, name: str, content: bytes, message: str):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(UploadRefused) as refused:
        identify(path)
    assert str(refused.value) == message


def test_the_refusals_read_as_govuk_error_messages():
    assert "web page (HTML). Save it as a PDF" in WEB_PAGE
    assert "is a program and cannot be uploaded" in PROGRAM
    assert "is a script and cannot be uploaded" in SCRIPT
    assert "Upload the files in it one at a time" in ARCHIVE
    assert "Save it without macros (as .docx, .xlsx or .pptx)" in MACROS
    assert NOT_EVIDENCE.startswith("The selected file must be a PDF, Word, Excel, PowerPoint")
    for message in (WEB_PAGE, SVG_IMAGE, PROGRAM, SCRIPT, ARCHIVE, MACROS, NOT_EVIDENCE, EMPTY):
        assert message.startswith("The selected file") and not message.endswith(".")


@pytest.mark.parametrize(
    ("content", "opened"),
    [
        pytest.param(_docx(), ["[Content_Types].xml"], id="ooxml"),
        pytest.param(_opendocument(ODT), ["mimetype"], id="opendocument"),
        pytest.param(_zip({"a.txt": b"a", "b.txt": b"b"}), [], id="plain-zip"),
    ],
)
def test_zips_are_never_extracted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: bytes, opened: list[str]
):
    """Only the names and one tiny part are read, so a zip bomb costs nothing."""
    seen: list[str] = []
    real_open = zipfile.ZipFile.open

    def spy(self: zipfile.ZipFile, name, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        seen.append(name if isinstance(name, str) else name.filename)
        return real_open(self, name, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", spy)
    path = tmp_path / "upload"
    path.write_bytes(content)
    with contextlib.suppress(UploadRefused):
        identify(path)
    assert seen == opened


def test_a_bomb_inside_an_office_file_is_not_inflated(tmp_path: Path):
    bomb = _docx(("word/media/huge.bin", bytes(64 * 1024 * 1024)))
    assert len(bomb) < 1024 * 1024
    path = tmp_path / "report.docx"
    path.write_bytes(bomb)
    assert identify(path) == DOCX


# Through files.store --------------------------------------------------------------------------


def _stored_files(app) -> list[Path]:  # noqa: ANN001
    return [p for p in Path(app.config["UPLOAD_FOLDER"]).rglob("*") if p.is_file()]


def test_upload_refused_is_one_class():
    assert files.UploadRefused is UploadRefused


def test_store_refuses_by_content_and_keeps_nothing(app):  # noqa: ANN001
    with app.app_context(), pytest.raises(files.UploadRefused) as refused:
        files.store(
            io.BytesIO(b"<!DOCTYPE html><html><script>x()</script></html>"),
            filename="evidence.pdf",
            allowed=EVIDENCE_TYPES,
            max_bytes=10 * 1024 * 1024,
            identify=identify,
        )
    assert str(refused.value) == WEB_PAGE
    assert _stored_files(app) == []


def test_store_keeps_an_office_document_with_its_type(app):  # noqa: ANN001
    content = _docx()
    with app.app_context():
        stored = files.store(
            io.BytesIO(content),
            filename="reflection.docx",
            allowed=EVIDENCE_TYPES,
            max_bytes=10 * 1024 * 1024,
            identify=identify,
        )
    assert stored.content_type == DOCX
    assert stored.original_name == "reflection.docx"
    assert stored.size_bytes == len(content)
    assert [p.read_bytes() for p in _stored_files(app)] == [content]
    assert _stored_files(app)[0].name == stored.storage_key


def test_store_still_checks_the_identified_type_against_allowed(app):  # noqa: ANN001
    with app.app_context(), pytest.raises(files.UploadRefused) as refused:
        files.store(
            io.BytesIO(_docx()),
            filename="reflection.docx",
            allowed={"application/pdf": "PDF"},
            max_bytes=10 * 1024 * 1024,
            identify=identify,
        )
    assert str(refused.value) == "The selected file must be a PDF"
    assert _stored_files(app) == []
