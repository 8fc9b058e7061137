"""What an uploaded file really is, decided from its content and never from its name.

``identify`` answers with a MIME type from ``EVIDENCE_TYPES`` or refuses the file with a
message fit for a GOV.UK error message: what the file is, and what to do about it.

Only the start of a file is read, plus, for Office and OpenDocument files, the list of names
in the zip and one or two small parts of it. Nothing is ever extracted, so a zip bomb costs
no more than any other upload.
"""

from __future__ import annotations

import codecs
import re
import struct
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path


class UploadRefused(Exception):
    """The file cannot be accepted; the message is fit to show the user.

    It lives here so that ``files`` can import ``identify`` without a cycle; ``files``
    re-exports it, so ``files.UploadRefused`` is the same class.
    """


PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
ODP = "application/vnd.oasis.opendocument.presentation"
DOC = "application/msword"
XLS = "application/vnd.ms-excel"
PPT = "application/vnd.ms-powerpoint"
OLD_OFFICE = "application/x-ole-storage"
PNG = "image/png"
JPEG = "image/jpeg"
GIF = "image/gif"
WEBP = "image/webp"
TEXT = "text/plain"

EVIDENCE_TYPES: dict[str, str] = {
    PDF: "PDF",
    DOCX: "Word document",
    XLSX: "Excel spreadsheet",
    PPTX: "PowerPoint presentation",
    ODT: "OpenDocument text",
    ODS: "OpenDocument spreadsheet",
    ODP: "OpenDocument presentation",
    DOC: "Word document (older format)",
    XLS: "Excel spreadsheet (older format)",
    PPT: "PowerPoint presentation (older format)",
    OLD_OFFICE: "Office document (older format)",
    PNG: "PNG image",
    JPEG: "JPEG image",
    GIF: "GIF image",
    WEBP: "WebP image",
    TEXT: "Plain text",
}

EMPTY = "The selected file is empty"
WEB_PAGE = "The selected file is a web page (HTML). Save it as a PDF and upload that"
SVG_IMAGE = "The selected file is an SVG image. Save it as a PNG or JPEG and upload that"
PROGRAM = "The selected file is a program and cannot be uploaded"
SCRIPT = "The selected file is a script and cannot be uploaded"
ARCHIVE = (
    "The selected file is an archive (such as a zip file). Upload the files in it one at a time"
)
MACROS = (
    "The selected file is a Word, Excel or PowerPoint file with macros. "
    "Save it without macros (as .docx, .xlsx or .pptx)"
)
NOT_EVIDENCE = (
    "The selected file must be a PDF, Word, Excel, PowerPoint or OpenDocument file, "
    "an image (PNG, JPEG, GIF or WebP) or a plain text file"
)

TEXT_LIMIT = 64 * 1024  # the most read to decide anything, including whether it is text
MARKUP_LIMIT = 8 * 1024  # how far into a file to look for the signs of a web page
MIMETYPE_LIMIT = 200  # an OpenDocument ``mimetype`` part is one short line
CONTENT_TYPES_LIMIT = 256 * 1024  # an OOXML [Content_Types].xml is a few KB
DIRECTORY_SECTORS_LIMIT = 64  # enough of an older Office file's directory to see its parts


def identify(path: Path) -> str:
    """The MIME type (a key of ``EVIDENCE_TYPES``) of the file at ``path``, by its content.

    Raises ``UploadRefused`` for anything else, saying what the file is when we can tell.
    """
    with path.open("rb") as handle:
        head = handle.read(TEXT_LIMIT)
        complete = not handle.read(1)
    if not head:
        raise UploadRefused(EMPTY)
    if _is_program(head):
        raise UploadRefused(PROGRAM)
    if _is_archive(head):
        raise UploadRefused(ARCHIVE)
    if head.startswith(OLE_MAGIC):
        return _older_office_type(path)
    if head.startswith(ZIP_MAGICS):
        return _zip_type(path)
    if head.startswith(b"%PDF-"):
        return PDF
    if image := _image_type(head):
        return image
    _refuse_active_text(head)
    if _is_plain_text(head, complete=complete):
        return TEXT
    raise UploadRefused(NOT_EVIDENCE)


# Programs and archives: refused, whatever they are called --------------------------------

PROGRAM_MAGICS = (
    b"\x7fELF",  # Linux and other Unix programs and libraries
    b"\xfe\xed\xfa\xce",  # macOS (Mach-O) programs, 32 and 64 bit, both byte orders
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",  # a Java class file, or a macOS universal (fat) program
    b"\xca\xfe\xba\xbf",
)


def _is_program(head: bytes) -> bool:
    # Windows programs and libraries (.exe, .dll, .scr) start "MZ". A real header has NUL bytes
    # in its first 64; the check spares a text file that happens to start with those letters.
    if head.startswith(b"MZ") and b"\x00" in head[:64]:
        return True
    return head.startswith(PROGRAM_MAGICS)


ARCHIVE_MAGICS = (
    b"Rar!\x1a\x07",  # RAR 4 and 5
    b"7z\xbc\xaf\x27\x1c",  # 7-Zip
    b"\x1f\x8b\x08",  # gzip (.gz, .tgz)
    b"\xfd7zXZ\x00",  # xz
    b"\x28\xb5\x2f\xfd",  # Zstandard
    b"MSCF\x00\x00\x00\x00",  # Windows cabinet (.cab)
)
BZIP2 = re.compile(rb"BZh[1-9](?:1AY&SY|\x17rE8P\x90)")  # the first block, or the end marker


def _is_archive(head: bytes) -> bool:
    if head.startswith(ARCHIVE_MAGICS) or BZIP2.match(head):
        return True
    return head[257:262] == b"ustar"  # POSIX and GNU tar put their magic at offset 257


# Images and PDF -----------------------------------------------------------------------------


def _image_type(head: bytes) -> str | None:
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    return None


# Text, and the text that is really a web page or a script ----------------------------------

WHITESPACE = b" \t\n\r\f"
# What a browser takes for HTML at the start of a file (the WHATWG MIME sniffing patterns),
# each followed by a space, ">" or a line break.
HTML_START = re.compile(
    rb"<(?:!doctype\s+html|html|head|script|iframe|h1|div|font|table|a|style|title|b|body|br|p"
    rb"|!--)[\s>]"
)
# Signs of a web page anywhere in the first few KB, such as after an XML declaration.
HTML_ANYWHERE = re.compile(
    rb"<(?:!doctype\s+html|html|head|body|iframe)[\s>]|http://www\.w3\.org/1999/xhtml"
)
# SVG can carry script, so it is refused like HTML, on its own or inside other XML.
SVG_ANYWHERE = re.compile(rb"<svg[\s>]|<!doctype\s+svg|http://www\.w3\.org/2000/svg")
# Control characters other than tab, line feed, vertical tab, form feed and carriage return.
CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def _refuse_active_text(head: bytes) -> None:
    """Refuse text a browser or a shell would run, before it can pass as plain text."""
    start = head.removeprefix(codecs.BOM_UTF8).lstrip(WHITESPACE)
    if start.startswith(b"#!"):  # a Unix script names the program that runs it
        raise UploadRefused(SCRIPT)
    if start[:5].lower() == b"<?php":
        raise UploadRefused(SCRIPT)
    first = start[:MARKUP_LIMIT].lower()
    if HTML_START.match(first) or HTML_ANYWHERE.search(first):
        raise UploadRefused(WEB_PAGE)
    if SVG_ANYWHERE.search(first):
        raise UploadRefused(SVG_IMAGE)
    if b"<script" in head.lower():  # script inside what is otherwise text
        raise UploadRefused(SCRIPT)


def _is_plain_text(head: bytes, *, complete: bool) -> bool:
    """UTF-8 (ASCII included), with or without a byte order mark, and no control characters.

    ``head`` may end part-way through a character when the file is longer than it.
    """
    if b"\x00" in head:
        return False
    try:
        text = codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=complete)
    except UnicodeDecodeError:
        return False
    return not CONTROL.search(text)


# Zip files: accepted only when they are Office (OOXML) or OpenDocument documents ------------

ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
OOXML_FOLDERS = (("word/", DOCX), ("xl/", XLSX), ("ppt/", PPTX))
# Parts and content types that only a macro-enabled file (.docm, .xlsm, .pptm...) has.
MACRO_SIGNS = (b"macroenabled", b"vbaproject", b"macrosheet")


def _zip_type(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            kind = _opendocument_type(archive, members) or _ooxml_type(archive, members)
    except UploadRefused:
        raise
    except Exception:  # noqa: BLE001 - a damaged zip fails in many ways; none is a document
        raise UploadRefused(ARCHIVE) from None
    if kind is None:
        raise UploadRefused(ARCHIVE)
    return kind


def _opendocument_type(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo]) -> str | None:
    # An OpenDocument file starts with a "mimetype" part that names its type.
    if not members or members[0].filename != "mimetype":
        return None
    with archive.open(members[0]) as part:
        declared = part.read(MIMETYPE_LIMIT).decode("ascii", "replace").strip()
    if not declared.startswith("application/vnd.oasis.opendocument."):
        return None
    if declared in (ODT, ODS, ODP):
        return declared
    raise UploadRefused(NOT_EVIDENCE)  # a drawing, formula, template and so on


def _is_macro_part(name: str) -> bool:
    # VBA code is kept in vbaProject.bin; Excel 4 macros in sheets of their own.
    return name.rsplit("/", 1)[-1] == "vbaproject.bin" or name.startswith("xl/macrosheets/")


def _ooxml_type(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo]) -> str | None:
    # An Office file has a [Content_Types].xml and its main part in word/, xl/ or ppt/.
    # Part names are not case-sensitive.
    by_name = {member.filename.lower(): member for member in members}
    content_types = by_name.get("[content_types].xml")
    if content_types is None:
        return None
    kind = next(
        (mime for folder, mime in OOXML_FOLDERS if any(n.startswith(folder) for n in by_name)),
        None,
    )
    if kind is None:
        return None
    if any(_is_macro_part(name) for name in by_name):
        raise UploadRefused(MACROS)
    with archive.open(content_types) as part:
        declared = part.read(CONTENT_TYPES_LIMIT).lower()
    if any(sign in declared for sign in MACRO_SIGNS):
        raise UploadRefused(MACROS)
    return kind


# Older Office files (.doc, .xls, .ppt): OLE2 compound files --------------------------------

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
END_OF_CHAIN = 0xFFFFFFFE
NO_STREAM = 0xFFFFFFFF
LAST_SECTOR = 0xFFFFFFF9  # higher sector numbers are markers, not places in the file
# Windows Installer packages, patches and transforms are compound files too.
INSTALLER_CLASSES = {
    uuid.UUID(f"000c108{digit}-0000-0000-c000-000000000046").bytes_le for digit in "246"
}
# A VBA project has a _VBA_PROJECT stream: in Word's Macros storage, Excel's _VBA_PROJECT_CUR.
VBA_PARTS = {"_vba_project", "_vba_project_cur"}


@dataclass(frozen=True)
class _Entry:
    name: str
    left: int
    right: int
    child: int
    class_id: bytes


def _older_office_type(path: Path) -> str:
    try:
        entries = _directory(path)
    except (OSError, ValueError, struct.error):
        return OLD_OFFICE  # a directory we cannot read: we cannot tell which kind it is
    if not entries:
        return OLD_OFFICE
    if entries[0].class_id in INSTALLER_CLASSES:
        raise UploadRefused(PROGRAM)
    if VBA_PARTS & {entry.name.lower() for entry in entries}:
        raise UploadRefused(MACROS)
    top = _top_level_names(entries)  # not those of embedded objects, such as a chart
    if "worddocument" in top:
        return DOC
    if top & {"workbook", "book"}:
        return XLS
    if "powerpoint document" in top:
        return PPT
    return OLD_OFFICE


def _directory(path: Path) -> list[_Entry]:
    """The entries of a compound file's directory, reading only the sectors that hold it."""
    with path.open("rb") as handle:
        header = handle.read(512)
        if len(header) < 512:
            raise ValueError("no complete header")
        (shift,) = struct.unpack_from("<H", header, 0x1E)
        if shift not in (9, 12):
            raise ValueError("not a 512 or 4096 byte sector")
        size = 1 << shift
        fat_sectors = struct.unpack_from("<109I", header, 0x4C)

        def read(offset: int, length: int) -> bytes:
            handle.seek(offset)
            data = handle.read(length)
            if len(data) != length:
                raise ValueError("past the end of the file")
            return data

        def following(sector: int) -> int:
            index, slot = divmod(sector, size // 4)
            if index >= len(fat_sectors) or fat_sectors[index] > LAST_SECTOR:
                raise ValueError("allocation table out of reach")
            (found,) = struct.unpack("<I", read(((fat_sectors[index] + 1) << shift) + slot * 4, 4))
            return found

        entries: list[_Entry] = []
        (sector,) = struct.unpack_from("<I", header, 0x30)
        for _ in range(DIRECTORY_SECTORS_LIMIT):
            if sector == END_OF_CHAIN:
                break
            if sector > LAST_SECTOR:
                raise ValueError("broken directory chain")
            data = read((sector + 1) << shift, size)
            for offset in range(0, size, 128):
                raw = data[offset : offset + 128]
                (length,) = struct.unpack_from("<H", raw, 0x40)
                name = raw[: max(min(length, 64) - 2, 0)].decode("utf-16-le", "replace")
                left, right, child = struct.unpack_from("<3I", raw, 0x44)
                entries.append(_Entry(name, left, right, child, raw[0x50:0x60]))
            sector = following(sector)
        return entries


def _top_level_names(entries: list[_Entry]) -> set[str]:
    """Names directly in the root storage: the tree of siblings under the root's child."""
    names: set[str] = set()
    seen: set[int] = set()
    pending = [entries[0].child]
    while pending:
        index = pending.pop()
        if index == NO_STREAM or index in seen or index >= len(entries):
            continue
        seen.add(index)
        entry = entries[index]
        names.add(entry.name.lower())
        pending += [entry.left, entry.right]
    return names
