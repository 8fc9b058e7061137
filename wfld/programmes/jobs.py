"""The programmes domain's background tasks: the progress record PDF and the cohort bundle.

Both render in the consumer, never in a web worker (WeasyPrint's import and layout alone take
a worker past its memory budget, see cpd/jobs.py). Tasks take ids and the day the person
asked on, so the same arguments always make the same files and a retry is harmless.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

from wfld.core.csvfile import csv_text
from wfld.core.jobs import JobRun, job_task, render_pdf_in_turn, render_print_template
from wfld.programmes import queries, record

RECORD_PDF = "programmes.record_pdf"
RECORD_PDF_STEPS = 3
COHORT_BUNDLE = "programmes.cohort_bundle"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "record"


def record_pdf_title(person: str, programme: str) -> str:
    return f"Progress record: {person}, {programme} (PDF)"


def record_pdf_filename(built: record.ProgressRecord) -> str:
    return f"progress-record-{_slug(built.person)}-{built.enrolment_id}.pdf"


def bundle_title(intake: str) -> str:
    return f"Moderation bundle: {intake} (ZIP)"


def bundle_filename(intake: str) -> str:
    return f"moderation-bundle-{_slug(intake)}.zip"


def _render(html: str) -> bytes:
    return render_pdf_in_turn(html)


def render_record_pdf(built: record.ProgressRecord) -> bytes:
    return _render(render_print_template("reports/pdf/programme_record.html", record=built))


@job_task(RECORD_PDF)
def make_record_pdf(run: JobRun, enrolment_id: int, today_iso: str) -> None:
    """One person's progress record as it stood on the day it was asked for."""
    today = dt.date.fromisoformat(today_iso)
    run.step(1, RECORD_PDF_STEPS, "Collecting the record")
    built = record.build_record(enrolment_id, today=today)
    if built is None:
        raise LookupError(f"no enrolment {enrolment_id}")
    run.step(2, RECORD_PDF_STEPS, "Making the PDF")
    data = render_record_pdf(built)
    run.step(3, RECORD_PDF_STEPS, "Saving the PDF")
    run.save_result(data, filename=record_pdf_filename(built), media_type="application/pdf")


@job_task(COHORT_BUNDLE)
def make_cohort_bundle(run: JobRun, cohort_id: int, today_iso: str) -> None:
    """The moderation panel's bundle: each member's progress record as a PDF, an index (PDF
    and CSV) naming each member's file, all in one ZIP. Progress is reported per member, so
    "Your downloads" shows "12 of 31" while a big cohort renders."""
    today = dt.date.fromisoformat(today_iso)
    cohort = queries.find_cohort(cohort_id)
    if cohort is None:
        raise LookupError(f"no cohort {cohort_id}")
    intake, programme = cohort.intake, cohort.template.label
    members = record.list_cohort_members(cohort_id)
    total = len(members) + 2  # each member, then the index, then the ZIP
    buffer = io.BytesIO()
    entries: list[record.BundleEntry] = []
    # PDFs are compressed already: stored as they are, and only the index text is deflated.
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as bundle:
        for done, (enrolment_id, name) in enumerate(members):
            run.step(done, total, f"Making {name}'s record ({done + 1} of {len(members)})")
            built = record.build_record(enrolment_id, today=today)
            if built is None:
                continue  # removed while the bundle was being made
            filename = f"{done + 1:03d}-{_slug(built.person)}.pdf"
            bundle.writestr(filename, render_record_pdf(built))
            entries.append(record.BundleEntry(filename=filename, record=built))
        run.step(len(members), total, "Making the index")
        index_html = render_print_template(
            "reports/pdf/programme_bundle_index.html",
            cohort=intake,
            programme=programme,
            entries=entries,
            generated_on=today,
        )
        bundle.writestr("000-index.pdf", _render(index_html))
        bundle.writestr(
            "000-index.csv",
            csv_text(record.INDEX_HEADER, record.index_rows(entries)),
            compress_type=zipfile.ZIP_DEFLATED,
        )
    run.step(len(members) + 1, total, "Saving the bundle")
    run.save_result(
        buffer.getvalue(), filename=bundle_filename(intake), media_type="application/zip"
    )
