"""The load test's journey, for locust (run by ``python -m wfld.bench.load``, not imported).

Who signs in comes from the JSON file named by ``WFLD_LOAD_PLAN`` (written by the runner):
``{"password": ..., "practitioners": [emails], "line_managers": [emails],
"service_viewers": [emails], "bookable_activities": [ids]}``. Each simulated user signs in
once (``on_start``) as its own person, then loops over its weighted tasks:

- everyone with a staff record (practitioners and line managers): home, My learning, My CPD,
  add a CPD entry (form, save as draft, view it, then delete the draft again), ask for the
  CPD record PDF (a background job, made by the consumer), book a session
  (catalogue, an activity, book a place with places left, then cancel it again);
- line managers also: team compliance;
- service-wide viewers (the WFLD admin, the senior manager): home, the catalogue and service
  compliance.

Drafts and bookings are undone by the same task, so repeated runs measure the same data.
Users: ``WFLD_LOAD_LINE_MANAGERS`` (default 1) and ``WFLD_LOAD_SERVICE_VIEWERS`` (default 1)
users of those kinds; the rest are practitioners. No think time by default (each user sends
its next request as soon as the last one answers); ``WFLD_LOAD_WAIT="0.5,2"`` adds some.

Every request is named by its page (``name=``) so ids do not split the statistics; a 4xx or
5xx, a lost session (the sign-in page where a page was expected) and a response that mentions
"database is locked" are failures, with the kind as the failure message.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import random
import re
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from locust import FastHttpUser, between, constant, task
from locust.exception import StopUser

PLAN: dict = json.loads(Path(os.environ["WFLD_LOAD_PLAN"]).read_text(encoding="utf-8"))

CSRF = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"')
SIGN_IN_PAGE = '<h1 class="govuk-heading-l">Sign in</h1>'
BOOK_FORM = re.compile(
    r'<form method="post" action="/catalogue/sessions/(\d+)/book"[^>]*>.*?'
    r"<button[^>]*>(Book|Join waiting list)<",
    re.S,
)
REQUIREMENT_LINK = re.compile(r'href="/learning/compliance\?requirement=((?:activity|item)-\d+)"')
ACTIVITY_LINK = re.compile(r'href="/catalogue/activities/(\d+)"')
FORM_ERROR = re.compile(r'govuk-error-message">\s*(?:<span[^>]*>[^<]*</span>)?\s*([^<]+)<')
SUMMARY_ERROR = re.compile(r'govuk-error-summary__list">\s*<li>\s*(?:<a [^>]*>)?\s*([^<]+)<')


def _wait_time():  # noqa: ANN202 - a locust wait-time function
    low, _, high = os.environ.get("WFLD_LOAD_WAIT", "0").partition(",")
    return between(float(low), float(high)) if high else constant(float(low))


def _count(variable: str) -> int:
    return int(os.environ.get(variable, "1"))


def _take(kind: str, counter: itertools.count) -> str:
    emails = PLAN[kind]
    if not emails:
        raise RuntimeError(f"the load plan has no {kind}")
    return emails[next(counter) % len(emails)]


_COUNTERS = {
    kind: itertools.count() for kind in ("practitioners", "line_managers", "service_viewers")
}


class _Signed(FastHttpUser):
    """A person signed in with their own account; the journey's request helpers."""

    abstract = True
    wait_time = _wait_time()
    kind = "practitioners"
    network_timeout = 30.0
    connection_timeout = 10.0

    def on_start(self) -> None:
        self.email = _take(self.kind, _COUNTERS[self.kind])
        self.csrf = ""
        self._lost = False
        self.sign_in()

    # -- helpers ---------------------------------------------------------------------------
    def sign_in(self) -> None:
        """Sign in; a user whose sign-in is refused stops, rather than lock the account out."""
        page = self.page("/sign-in", "sign in: form", signed_in=False)
        signed_in = page is not None and self.post(
            "/sign-in",
            "sign in",
            {"email": self.email, "password": PLAN["password"]},
            expect_location="/",
        )
        if not signed_in:
            raise StopUser

    def _check(self, response, *, signed_in: bool = True) -> str | None:  # noqa: ANN001
        """Mark the response failed (and return None) unless it is what a person expects."""
        body = response.text or ""
        if "database is locked" in body:
            response.failure("database is locked")
            return None
        if response.status_code == 0 or response.status_code is None:
            response.failure(f"no response: {type(getattr(response, 'error', None)).__name__}")
            return None
        if response.status_code >= 400:
            response.failure(f"HTTP {response.status_code}")
            return None
        if signed_in and SIGN_IN_PAGE in body:
            response.failure("session lost: the sign-in page")
            self._lost = True
            return None
        response.success()
        found = CSRF.search(body)
        if found:
            self.csrf = found.group(1)
        return body

    def page(self, path: str, name: str, *, signed_in: bool = True) -> str | None:
        """GET a page (following redirects); its HTML, or None when it failed."""
        self._lost = False
        with self.client.get(path, name=name, catch_response=True) as response:
            body = self._check(response, signed_in=signed_in)
        if self._lost:
            self.sign_in()
        return body

    def post(
        self, path: str, name: str, fields: dict | list, *, expect_location: str | None = None
    ) -> str | None:
        """POST a form with the CSRF token, not following the redirect; the Location, or None.

        ``expect_location`` is a regular expression the redirect's path must match.
        """
        pairs = list(fields.items()) if isinstance(fields, dict) else list(fields)
        body = urlencode([("csrf_token", self.csrf), *pairs])
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        lost = False
        with self.client.post(
            path,
            data=body,
            headers=headers,
            name=name,
            catch_response=True,
            allow_redirects=False,
        ) as response:
            location = self._check_redirect(response, expect_location)
            lost = location == "/sign-in"
        if lost and path != "/sign-in":
            self.sign_in()
        return None if lost else location

    def _check_redirect(self, response, expect_location: str | None) -> str | None:  # noqa: ANN001
        text = response.text or ""
        status = response.status_code or 0
        if "database is locked" in text:
            response.failure("database is locked")
            return None
        if status >= 400:
            response.failure(f"HTTP {status}")
            return None
        if status not in (302, 303):
            error = FORM_ERROR.search(text) or SUMMARY_ERROR.search(text)
            reason = error.group(1).strip() if error else "no redirect"
            response.failure(f"form refused ({status}): {reason}")
            return None
        location = urlsplit(response.headers.get("Location", "")).path
        if location.endswith("/sign-in"):
            response.failure("session lost: redirected to sign-in")
            return "/sign-in"
        if expect_location and not re.fullmatch(expect_location, location):
            response.failure(f"unexpected redirect to {location}")
            return None
        response.success()
        return location

    # -- the person's own pages ------------------------------------------------------------
    @task(3)
    def home(self) -> None:
        self.page("/", "home")


class _Person(_Signed):
    """Someone with a staff record: their own learning and CPD, and bookings."""

    abstract = True

    @task(2)
    def my_learning(self) -> None:
        self.page("/learning/me", "my learning")

    @task(2)
    def my_cpd(self) -> None:
        self.page("/cpd/me", "my CPD")

    @task(1)
    def cpd_pdf(self) -> None:
        """Ask for the CPD record PDF: a background job (the consumer renders it), then the
        list of downloads, where the person watches it."""
        if self.page("/cpd/me", "my CPD") is None:
            return
        if self.post(
            "/cpd/me/record-pdf",
            "CPD PDF: ask",
            {"period": "two-years"},
            expect_location=r"/downloads",
        ):
            self.page("/downloads", "your downloads")

    @task(1)
    def add_cpd_entry(self) -> None:
        if self.page("/cpd/entries/new", "CPD entry: form") is None:
            return
        day = dt.date.today() - dt.timedelta(days=random.randint(1, 90))
        location = self.post(
            "/cpd/entries/new",
            "CPD entry: save draft",
            [
                ("title", "Reading on reflective supervision"),
                ("started_on", str(day.day)),
                ("started_on", str(day.month)),
                ("started_on", str(day.year)),
                ("ended_on", ""),
                ("ended_on", ""),
                ("ended_on", ""),
                ("activity_type", "reading"),
                ("hours", "1.5"),
                ("description", "An article on planning reflective supervision sessions."),
                ("learning", "How to prepare open questions before a supervision session."),
                ("impact", "My supervision sessions are more focused and better planned."),
                ("peer_reflection", ""),
                ("peer_role", ""),
                ("version", ""),
                ("shown_digest", ""),
                ("save_draft", "y"),
            ],
            expect_location=r"/cpd/entries/\d+",
        )
        if location is None:
            return
        if self.page(location, "CPD entry: view") is None:
            return
        self.post(
            f"{location}/delete",
            "CPD entry: delete draft",
            {"confirm": "y"},
            expect_location=r"/cpd/me",
        )

    @task(1)
    def book_session(self) -> None:
        catalogue = self.page("/catalogue/", "catalogue")
        if catalogue is None:
            return
        choices = PLAN.get("bookable_activities") or ACTIVITY_LINK.findall(catalogue)
        if not choices:
            return
        activity = f"/catalogue/activities/{random.choice(choices)}"
        page = self.page(activity, "activity")
        if page is None:
            return
        # Only sessions with places left: joining a waiting list and leaving it again would
        # be fine too, but cancelling never promotes anyone then.
        sessions = [sid for sid, text in BOOK_FORM.findall(page) if text == "Book"]
        if not sessions:
            return
        session_id = random.choice(sessions)
        # Confirmed at once: someone who has done the course already is asked first.
        location = self.post(
            f"/catalogue/sessions/{session_id}/book",
            "book a session",
            {"confirmed": "yes"},
            expect_location=re.escape(activity),
        )
        if location is None:
            return
        page = self.page(location, "activity (after booking)")
        if page is None:
            return
        row = re.search(
            rf'id="session-{session_id}"(?:(?!</tr>).)*?/catalogue/bookings/(\d+)/cancel',
            page,
            re.S,
        )
        if row is None:
            return
        self.post(
            f"/catalogue/bookings/{row.group(1)}/cancel",
            "cancel the booking",
            {},
            expect_location=r"/catalogue/my-bookings",
        )


class Practitioner(_Person):
    kind = "practitioners"
    weight = 1


class LineManager(_Person):
    kind = "line_managers"
    fixed_count = _count("WFLD_LOAD_LINE_MANAGERS")
    abstract = fixed_count == 0  # locust would weigh a fixed_count of 0 like a practitioner

    @task(2)
    def team_compliance(self) -> None:
        self.page("/learning/team", "team compliance")


class ServiceViewer(_Signed):
    """The WFLD admin or the senior manager: compliance across the whole service."""

    kind = "service_viewers"
    fixed_count = _count("WFLD_LOAD_SERVICE_VIEWERS")
    abstract = fixed_count == 0

    @task(1)
    def catalogue(self) -> None:
        self.page("/catalogue/", "catalogue")

    @task(2)
    def service_compliance(self) -> None:
        self.page("/learning/compliance", "service compliance")

    @task(1)
    def compliance_drill_down(self) -> None:
        """One requirement's people across the service, worst first (its first page)."""
        summary = self.page("/learning/compliance", "service compliance")
        keys = REQUIREMENT_LINK.findall(summary or "")
        if keys:
            self.page(
                f"/learning/compliance?requirement={random.choice(keys)}",
                "service compliance: one requirement",
            )

    @task(1)
    def appraisal_completion(self) -> None:
        self.page("/appraisal/completion", "appraisal completion")
