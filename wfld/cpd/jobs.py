"""The CPD domain's background tasks: thin wrappers over its services, given ids.

The PDF of a person's CPD record renders here, in the consumer, so the web workers never
carry WeasyPrint (its import and layout took a web worker to 162-168 MiB).
"""

from __future__ import annotations

import datetime as dt
import threading

from wfld.core.jobs import JobRun, job_task, render_print_template
from wfld.cpd import record
from wfld.organisation import queries as org_queries

RECORD_PDF = "cpd.record_pdf"
RECORD_PDF_STEPS = 3
# One PDF at a time per consumer process: WeasyPrint is not documented as thread-safe, and one
# layout at a time bounds the consumer's memory. Run more consumers for more at once.
_RENDERING = threading.Lock()


def record_pdf_title(period: record.Period) -> str:
    return f"CPD record, {period.label} (PDF)"


def record_pdf_filename(period: record.Period) -> str:
    return f"cpd-record-{period.key}.pdf"


@job_task(RECORD_PDF)
def make_record_pdf(run: JobRun, staff_id: int, period_key: str, today_iso: str) -> None:
    """The person's CPD record for the period as it stood on the day they asked (the same
    arguments always make the same document, so a retry is harmless)."""
    # Imported here: only the consumer, never a web worker, loads WeasyPrint.
    from wfld.core.pdf import render_pdf

    today = dt.date.fromisoformat(today_iso)
    period = record.period_for(period_key, today=today)
    staff = org_queries.find_staff(staff_id)
    if period is None or staff is None:
        raise LookupError(f"no CPD record for staff {staff_id}, period {period_key!r}")
    run.step(1, RECORD_PDF_STEPS, "Collecting your entries")
    built = record.build_record(staff, period, today=today)
    html = render_print_template("cpd/pdf/record.html", record=built)
    run.step(2, RECORD_PDF_STEPS, "Making the PDF")
    with _RENDERING:
        data = render_pdf(html)
    run.step(3, RECORD_PDF_STEPS, "Saving the PDF")
    run.save_result(data, filename=record_pdf_filename(period), media_type="application/pdf")
