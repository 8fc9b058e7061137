"""HTML to PDF with WeasyPrint, fetching nothing at all.

Print templates are rendered from plain data like any page (Jinja autoescaping applies) with
their stylesheet inline, then turned into a PDF here. The URL fetcher refuses every address,
so text a user typed can never make the server fetch a URL or read a local file.

Every PDF is PDF/UA-1 (tagged): the structure tree carries the headings, paragraphs, lists and
tables, so a screen reader reads the document as the page was written, not as loose glyphs.
PDF/UA asks for the document's language and title: the print template's ``<html lang>`` and
``<title>`` give them.

A long document takes seconds to lay out (WeasyPrint lays out in Python: the heavy two-year
CPD record, 81 pages, is 20-25 pages a second on one core), so a caller may follow the layout
page by page and show the person how far it has gone.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from weasyprint import HTML
from weasyprint.logger import PROGRESS_LOGGER
from weasyprint.urls import URLFetcher

from wfld.core.runtime import default_collection

# WeasyPrint's PDF/UA-1 variant: PDF 1.7, tagged, marked, showing the title not the file name.
PDF_VARIANT = "pdf/ua-1"


class _RefuseEverything(URLFetcher):
    def fetch(self, url: str, headers: Any = None) -> Any:
        raise ValueError(f"PDF rendering fetches nothing (asked for {url[:80]!r})")


# WeasyPrint announces each page it starts laying out on its progress logger, with this
# message and the page's number.
_PAGE_STARTED = "Step 5 - Creating layout - Page %d"
_following = threading.local()  # the rendering thread's on_page, if it has one
_LOG = logging.getLogger(__name__)


class _PagesLaidOut(logging.Handler):
    """Tells the thread that is rendering how many of its pages are laid out so far."""

    def handle(self, record: logging.LogRecord) -> bool:
        # Without the handler's lock: the caller's report (a database commit) must never hold
        # up, or wait for, another thread's PDF.
        self.emit(record)
        return True

    def emit(self, record: logging.LogRecord) -> None:
        on_page = getattr(_following, "on_page", None)
        if on_page is None or record.msg != _PAGE_STARTED or not record.args:
            return
        started = record.args[0] if isinstance(record.args, tuple) else None
        if isinstance(started, int) and started > 1:
            try:
                on_page(started - 1)
            except Exception:  # progress is a courtesy: it never fails the document
                _LOG.warning("reporting PDF layout progress failed", exc_info=True)


_PAGES_LAID_OUT = _PagesLaidOut()


def _listen_for_pages() -> None:
    """The progress logger's messages go to our handler only (not to the application's log,
    where a line per page would drown everything else); they cost a log record per page. Set
    again before each PDF: a logging configuration loaded since (Alembic's fileConfig, for
    one) disables the loggers that existed before it."""
    if _PAGES_LAID_OUT not in PROGRESS_LOGGER.handlers:
        PROGRESS_LOGGER.addHandler(_PAGES_LAID_OUT)
    PROGRESS_LOGGER.setLevel(logging.INFO)
    PROGRESS_LOGGER.propagate = False
    PROGRESS_LOGGER.disabled = False


def render_pdf(
    html: str,
    *,
    on_page: Callable[[int], None] | None = None,
    on_laid_out: Callable[[int], None] | None = None,
) -> bytes:
    """The PDF of a self-contained HTML document (inline CSS, no images by URL).

    ``on_page(n)`` is called in this thread as the layout goes (n pages laid out so far);
    ``on_laid_out(pages)`` once the layout is done, before the PDF is written."""
    with default_collection():
        source = HTML(string=html, url_fetcher=_RefuseEverything())
        _listen_for_pages()
        _following.on_page = on_page
        try:
            document = source.render(pdf_variant=PDF_VARIANT)
        finally:
            _following.on_page = None
        if on_laid_out is not None:
            on_laid_out(len(document.pages))
        return document.write_pdf(pdf_variant=PDF_VARIANT)
