"""PDFs are tagged for screen readers (PDF/UA-1): a structure tree, marked content, the
document's language and title shown by the reader."""

from __future__ import annotations

import io

import pypdf

from tests.cpd.record_pdf import ask_for_record_pdf
from tests.helpers import sign_in
from wfld.core.pdf import render_pdf

DOCUMENT = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>CPD record: Priya Sandhu</title></head>
<body><h1>CPD record</h1><p>One paragraph.</p>
<table><tr><th>Year</th><th>Pieces</th></tr><tr><td>2026</td><td>2</td></tr></table>
</body></html>"""


def _catalog(data: bytes) -> tuple[pypdf.PdfReader, dict]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return reader, reader.trailer["/Root"]


def _structure_types(node, found: set[str]) -> set[str]:  # noqa: ANN001 - a pypdf object
    node = node.get_object()
    if isinstance(node, pypdf.generic.ArrayObject):
        for child in node:
            _structure_types(child, found)
    elif isinstance(node, pypdf.generic.DictionaryObject):
        if "/S" in node:
            found.add(str(node["/S"]))
        if "/K" in node:
            _structure_types(node["/K"], found)
    return found


def test_render_pdf_makes_a_tagged_pdf_ua_document() -> None:
    reader, catalog = _catalog(render_pdf(DOCUMENT))
    assert catalog["/MarkInfo"]["/Marked"].value is True
    assert "/StructTreeRoot" in catalog
    assert catalog["/Lang"] == "en"
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"].value is True
    assert reader.metadata.title == "CPD record: Priya Sandhu"
    # The PDF/UA identification in the XMP metadata.
    assert b"pdfuaid" in catalog["/Metadata"].get_object().get_data()
    # The structure carries the page's headings, paragraphs and table.
    types = _structure_types(catalog["/StructTreeRoot"]["/K"], set())
    assert {"/H1", "/P", "/Table", "/TH", "/TD"} <= types


def test_the_cpd_record_pdf_is_tagged(app, client, org) -> None:
    sign_in(client, org.practitioner.email)
    response = ask_for_record_pdf(client)
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    reader, catalog = _catalog(response.data)
    assert catalog["/MarkInfo"]["/Marked"].value is True
    assert "/StructTreeRoot" in catalog
    assert catalog["/Lang"] == "en"
    assert reader.metadata.title.startswith("CPD record: ")
