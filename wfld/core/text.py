"""Cleaning free text before it is kept: the one function every domain's forms go through."""

from __future__ import annotations

import re

# Control characters (C0, DEL and C1): nobody types them, PostgreSQL refuses NUL in text,
# and the rest break exports and terminals. Tab and line breaks are part of ordinary text.
_CONTROLS = {
    code: None for code in (*range(0x00, 0x20), *range(0x7F, 0xA0)) if chr(code) not in "\t\n\r"
}
# Bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069) make a name or a file
# name display as something else ("invoice\u202efdp.exe" shows as "invoiceexe.pdf").
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_BIDI = {ord(c): None for c in BIDI_CONTROLS}
_LINE_BREAKS = re.compile(r"[\t\r\n]+")


def clean_text(value: str, *, single_line: bool = False) -> str:
    """``value`` without control characters other than tab and line breaks.

    ``single_line`` (titles, names, file names) also drops bidirectional override and
    isolate characters and turns tabs and line breaks into one space.
    """
    value = value.translate(_CONTROLS)
    if single_line:
        value = _LINE_BREAKS.sub(" ", value.translate(_BIDI))
    return value
