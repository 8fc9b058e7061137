"""The CPD domain's background tasks: thin wrappers over its services, given ids.

The PDF of a person's CPD record renders here, in the consumer, so the web workers never
carry WeasyPrint (its import and layout took a web worker to 162-168 MiB).

The heavy record takes seconds to lay out (the practitioner's 88 long entries over two years
make 81 pages at 20-25 pages a second), so the job reports the layout as it goes: "Your
downloads" moves through the steps instead of sitting on one.
"""

from __future__ import annotations

import datetime as dt

from wfld.core.jobs import JobRun, job_task, render_print_template
from wfld.cpd import record
from wfld.organisation import queries as org_queries

RECORD_PDF = "cpd.record_pdf"
# Collecting; laying out (LAYOUT_STEPS steps, by the pages laid out); writing; saving.
LAYOUT_STEPS = 4
RECORD_PDF_STEPS = LAYOUT_STEPS + 3
# About this many characters of the print template's HTML make a page (the heavy record:
# 286,512 characters, 81 pages): enough to say roughly how far the layout has gone.
HTML_CHARS_PER_PAGE = 3_500


def record_pdf_title(period: record.Period) -> str:
    return f"CPD record, {period.label} (PDF)"


def record_pdf_filename(period: record.Period) -> str:
    return f"cpd-record-{period.key}.pdf"


@job_task(RECORD_PDF)
def make_record_pdf(run: JobRun, staff_id: int, period_key: str, today_iso: str) -> None:
    """The person's CPD record for the period as it stood on the day they asked (the same
    arguments always make the same document, so a retry is harmless)."""
    today = dt.date.fromisoformat(today_iso)
    period = record.period_for(period_key, today=today)
    staff = org_queries.find_staff(staff_id)
    if period is None or staff is None:
        raise LookupError(f"no CPD record for staff {staff_id}, period {period_key!r}")
    run.step(1, RECORD_PDF_STEPS, "Collecting your entries")
    built = record.build_record(staff, period, today=today)
    html = render_print_template("cpd/pdf/record.html", record=built)
    layout = _LayoutProgress(run, expected_pages=max(1, len(html) // HTML_CHARS_PER_PAGE))
    data = run.render_pdf(html, on_page=layout.laid_out, on_laid_out=layout.done)
    run.step(RECORD_PDF_STEPS, RECORD_PDF_STEPS, "Saving the PDF")
    run.save_result(data, filename=record_pdf_filename(period), media_type="application/pdf")


class _LayoutProgress:
    """Steps 2 to LAYOUT_STEPS + 1 follow the pages laid out against the pages expected (an
    estimate: the layout never reports past its last step before it is done); then writing."""

    def __init__(self, run: JobRun, *, expected_pages: int) -> None:
        self.run = run
        self.expected_pages = expected_pages
        self.reported = 0  # layout steps reported so far
        run.step(2, RECORD_PDF_STEPS, "Laying out the pages")

    def laid_out(self, pages: int) -> None:
        reached = min(LAYOUT_STEPS - 1, pages * LAYOUT_STEPS // self.expected_pages)
        if reached > self.reported:
            self.reported = reached
            label = f"Laying out the pages ({pages} so far)"
            self.run.step(2 + reached, RECORD_PDF_STEPS, label)

    def done(self, pages: int) -> None:
        counted = f"{pages} page" if pages == 1 else f"{pages} pages"
        self.run.step(LAYOUT_STEPS + 2, RECORD_PDF_STEPS, f"Writing the PDF ({counted})")
