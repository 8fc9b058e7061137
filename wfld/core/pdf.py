"""HTML to PDF with WeasyPrint, fetching nothing at all.

Print templates are rendered from plain data like any page (Jinja autoescaping applies) with
their stylesheet inline, then turned into a PDF here. The URL fetcher refuses every address,
so text a user typed can never make the server fetch a URL or read a local file.

Every PDF is PDF/UA-1 (tagged): the structure tree carries the headings, paragraphs, lists and
tables, so a screen reader reads the document as the page was written, not as loose glyphs.
PDF/UA asks for the document's language and title: the print template's ``<html lang>`` and
``<title>`` give them.
"""

from __future__ import annotations

from typing import Any

from weasyprint import HTML
from weasyprint.urls import URLFetcher

from wfld.core.runtime import default_collection

# WeasyPrint's PDF/UA-1 variant: PDF 1.7, tagged, marked, showing the title not the file name.
PDF_VARIANT = "pdf/ua-1"


class _RefuseEverything(URLFetcher):
    def fetch(self, url: str, headers: Any = None) -> Any:
        raise ValueError(f"PDF rendering fetches nothing (asked for {url[:80]!r})")


def render_pdf(html: str) -> bytes:
    """The PDF of a self-contained HTML document (inline CSS, no images by URL)."""
    with default_collection():
        return HTML(string=html, url_fetcher=_RefuseEverything()).write_pdf(pdf_variant=PDF_VARIANT)
