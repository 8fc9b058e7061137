"""The appraisal domain's background tasks: the signed record PDF and the development plan PDF.

Both render in the consumer, never in a web worker (WeasyPrint's import and layout alone take
a worker past its memory budget, see cpd/jobs.py). Tasks take ids and the day the person
asked on, so the same arguments always make the same files and a retry is harmless: the
signed record comes from its signature's snapshot, so it is the same whenever it is made.
"""

from __future__ import annotations

import datetime as dt

from wfld.appraisal import plan_view, queries, record
from wfld.core.jobs import JobRun, job_task, render_pdf_in_turn, render_print_template

RECORD_PDF = "appraisal.record_pdf"
RECORD_PDF_STEPS = 3
PLAN_PDF = "appraisal.plan_pdf"
PLAN_PDF_STEPS = 3


def record_pdf_title(person: str, cycle: str) -> str:
    return f"Appraisal record: {person}, {cycle} (PDF)"


def plan_pdf_title(person: str, cycle: str) -> str:
    return f"Development plan: {person}, {cycle} (PDF)"


def _render(html: str) -> bytes:
    return render_pdf_in_turn(html)


def render_record_pdf(signed: record.AppraisalRecord, *, today: dt.date) -> bytes:
    """The signed record as an A4 tagged PDF (PDF/UA-1, fetching nothing)."""
    return _render(
        render_print_template("reports/pdf/appraisal_record.html", record=signed, today=today)
    )


def render_plan_pdf(view: plan_view.PlanView) -> bytes:
    """The plan as an A4 tagged PDF (fetching nothing), from the read model alone."""
    return _render(render_print_template("reports/pdf/development_plan.html", plan=view))


@job_task(RECORD_PDF)
def make_record_pdf(run: JobRun, appraisal_id: int, today_iso: str) -> None:
    """The signed record as it was signed (the latest signature's snapshot of the version
    signed by both)."""
    today = dt.date.fromisoformat(today_iso)
    run.step(1, RECORD_PDF_STEPS, "Collecting the signed record")
    appraisal = queries.find_appraisal(appraisal_id)
    if appraisal is None:
        raise LookupError(f"no appraisal {appraisal_id}")
    signed = record.record_for_pdf(appraisal)
    if signed is None:
        raise LookupError(f"appraisal {appraisal_id} has no version signed by both")
    run.step(2, RECORD_PDF_STEPS, "Making the PDF")
    data = render_record_pdf(signed, today=today)
    run.step(3, RECORD_PDF_STEPS, "Saving the PDF")
    run.save_result(data, filename=signed.filename, media_type="application/pdf")


@job_task(PLAN_PDF)
def make_plan_pdf(run: JobRun, plan_id: int, today_iso: str) -> None:
    """The development plan, each action's state and its reviews, as it stood on the day it
    was asked for."""
    today = dt.date.fromisoformat(today_iso)
    run.step(1, PLAN_PDF_STEPS, "Collecting the plan")
    plan = queries.find_plan(plan_id)
    if plan is None:
        raise LookupError(f"no development plan {plan_id}")
    built = plan_view.build(plan, today=today, with_reviews=True)
    run.step(2, PLAN_PDF_STEPS, "Making the PDF")
    data = render_plan_pdf(built)
    run.step(3, PLAN_PDF_STEPS, "Saving the PDF")
    run.save_result(data, filename=built.filename, media_type="application/pdf")
