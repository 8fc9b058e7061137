"""Asking for the CPD record PDF as a person does: the button on My CPD queues a job (run at
once in the tests' immediate mode), "Your downloads" lists it, and its link downloads it."""

from __future__ import annotations

from bs4 import BeautifulSoup
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.helpers import csrf_token


def ask_for_record_pdf(client: FlaskClient, period: str | None = None) -> TestResponse:
    """The download of the newest job on "Your downloads" after asking; or the answer to the
    asking itself when it did not lead there (404, 403, a sign-in redirect)."""
    data = {"csrf_token": csrf_token(client, "/cpd/me")}
    if period is not None:
        data["period"] = period
    asked = client.post("/cpd/me/record-pdf", data=data)
    if asked.status_code != 302 or not asked.headers["Location"].endswith("/downloads"):
        return asked
    listing = BeautifulSoup(client.get("/downloads").data, "html.parser")
    newest = listing.select_one("table tbody tr")
    assert newest is not None, "the job is listed on Your downloads"
    link = newest.select_one("a[href^='/downloads/']")
    assert link is not None, f"the newest download is not ready: {newest.get_text(' ', strip=True)}"
    return client.get(link["href"])
