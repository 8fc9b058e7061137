"""The CPD record PDF reports its progress as it goes: "Your downloads" moves through the
steps (collecting, laying out the pages, writing, saving) instead of sitting on one while a
long record is laid out."""

from __future__ import annotations

import datetime as dt
import io
import threading

import pypdf
import pytest
from flask import Flask

from tests.cpd.builders import make_entry
from tests.cpd.record_pdf import ask_for_record_pdf
from tests.helpers import sign_in
from wfld.core import clock
from wfld.core.jobs import JobRun
from wfld.core.pdf import render_pdf
from wfld.cpd import jobs as cpd_jobs


@pytest.fixture(autouse=True)
def frozen_clock():  # noqa: ANN201
    clock.freeze(dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC))
    yield
    clock.freeze(None)


@pytest.fixture
def steps(monkeypatch) -> list[tuple[int, int, str]]:  # noqa: ANN001
    """Every step a job reports, as (done, total, label), still reported as usual."""
    seen: list[tuple[int, int, str]] = []
    report = JobRun.step

    def spy(run: JobRun, done: int, total: int, label: str) -> None:
        seen.append((done, total, label))
        report(run, done, total, label)

    monkeypatch.setattr(JobRun, "step", spy)
    return seen


def _pages_of(html_pages: int) -> str:
    sheets = "".join(
        f'<p style="break-before: page">Page {n} of the test document</p>'
        for n in range(2, html_pages + 1)
    )
    return f'<html lang="en"><title>Pages</title><p>Page 1</p>{sheets}</html>'


def test_render_pdf_tells_its_caller_each_page_laid_out_then_the_total() -> None:
    laid_out: list[int] = []
    totals: list[int] = []
    data = render_pdf(_pages_of(4), on_page=laid_out.append, on_laid_out=totals.append)
    assert laid_out == [1, 2, 3]
    assert totals == [4]
    assert len(pypdf.PdfReader(io.BytesIO(data)).pages) == 4


def test_each_thread_hears_only_about_its_own_pdf() -> None:
    """Another thread's PDF, made while this one is being laid out, reports to its own caller."""
    here: list[int] = []
    there: list[int] = []

    def meanwhile(pages: int) -> None:
        here.append(pages)
        if pages == 1:
            other = threading.Thread(target=lambda: render_pdf(_pages_of(3), on_page=there.append))
            other.start()
            other.join()

    render_pdf(_pages_of(2), on_page=meanwhile)
    assert here == [1]
    assert there == [1, 2]


def test_a_failing_progress_report_does_not_fail_the_pdf() -> None:
    def broken(_pages: int) -> None:
        raise RuntimeError("the job table is away")

    data = render_pdf(_pages_of(3), on_page=broken)
    assert len(pypdf.PdfReader(io.BytesIO(data)).pages) == 3


def test_a_long_record_reports_the_layout_as_it_goes(app: Flask, org, steps) -> None:  # noqa: ANN001
    with app.app_context():
        for n in range(12):
            make_entry(
                org.practitioner.staff_id,
                title=f"Long entry {n}",
                started_on=dt.date(2026, 3, 2),
                description="\n".join(
                    f"Paragraph {p}: what I read, what I tried and what changed in my visits."
                    for p in range(40)
                ),
            )
    client = app.test_client()
    sign_in(client, org.practitioner.email)
    response = ask_for_record_pdf(client)
    pages = len(pypdf.PdfReader(io.BytesIO(response.data)).pages)
    assert pages >= 8

    total = cpd_jobs.RECORD_PDF_STEPS
    assert all(t == total for _, t, _ in steps)
    done = [d for d, _, _ in steps]
    assert done == sorted(set(done)), "each step moves the job on (the page redraws on it)"
    labels = [label for _, _, label in steps]
    assert labels[0] == "Collecting your entries"
    assert labels[1] == "Laying out the pages"
    assert any(label.startswith("Laying out the pages (") for label in labels[2:-2])
    assert steps[-2] == (total - 1, total, f"Writing the PDF ({pages} pages)")
    assert steps[-1] == (total, total, "Saving the PDF")


def test_a_one_page_record_goes_straight_from_layout_to_writing(app: Flask, org, steps) -> None:  # noqa: ANN001
    with app.app_context():
        make_entry(org.practitioner.staff_id, title="Short entry", started_on=dt.date(2026, 3, 2))
    client = app.test_client()
    sign_in(client, org.practitioner.email)
    ask_for_record_pdf(client)
    total = cpd_jobs.RECORD_PDF_STEPS
    assert [(d, label) for d, _, label in steps] == [
        (1, "Collecting your entries"),
        (2, "Laying out the pages"),
        (total - 1, "Writing the PDF (1 page)"),
        (total, "Saving the PDF"),
    ]
