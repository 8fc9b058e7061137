"""Browsing the catalogue: search, categories, withdrawn activities, sessions in UK time, and
a bounded number of SQL statements per page."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.catalogue.builders import book, make_activity, make_session
from tests.factories import NOW, make_staff
from tests.helpers import QueryCounter, page, sign_in
from wfld.catalogue import queries as catalogue_queries
from wfld.core import clock
from wfld.extensions import db
from wfld.organisation.models import JobRole, Team

LIMIT = 14


@pytest.fixture(autouse=True)
def frozen_clock():
    clock.freeze(NOW)
    yield
    clock.freeze(None)


@pytest.fixture
def activities(app, org) -> dict[str, int]:
    with app.app_context():
        made = {
            "court": make_activity("Court Skills"),
            "supervision": make_activity("Reflective Supervision", category="Management Courses"),
            "safeguarding": make_activity(
                "Safeguarding Children Level 3", category="Mandatory training", validity_months=36
            ),
            "percent": make_activity("100% Attendance Matters"),
            "withdrawn": make_activity("Old Course", is_active=False),
        }
        online = make_session(made["safeguarding"], days=10, capacity=3, online=True)
        make_session(made["safeguarding"], days=20, capacity=3)
        book(online, org.other_practitioner.staff_id)
        db.session.commit()
        ids = {name: a.id for name, a in made.items()}
        ids["online_session"] = online.id
        return ids


def _titles(shown) -> list[str]:  # noqa: ANN001
    return [a.get_text(strip=True) for a in shown.soup.select("main table tbody td:first-child a")]


def test_everyone_browses_searches_and_filters_the_catalogue(app, client, org, activities):
    sign_in(client, org.practitioner.email)
    shown = page(client.get("/catalogue/"))
    assert shown.h1 == "Learning catalogue"
    assert _titles(shown) == [
        "100% Attendance Matters",
        "Court Skills",
        "Reflective Supervision",
        "Safeguarding Children Level 3",
    ]
    rows = {
        r.select_one("td a").get_text(strip=True): [
            " ".join(td.get_text(" ").split()) for td in r.select("td")
        ]
        for r in shown.soup.select("main table tbody tr")
    }
    assert rows["Safeguarding Children Level 3"][1:] == [
        "Mandatory training",
        "Classroom",
        "6",
        "Every 36 months",
    ]
    assert rows["Court Skills"][-1] == "No"
    nav = shown.soup.select_one("nav[aria-label=Menu] [aria-current]")
    assert nav.get_text(strip=True) == "Course catalogue"

    assert _titles(page(client.get("/catalogue/?q=court"))) == ["Court Skills"]
    assert _titles(page(client.get("/catalogue/?q=100%25"))) == ["100% Attendance Matters"]
    assert _titles(page(client.get("/catalogue/?q=%25%25%25"))) == []
    by_category = page(client.get("/catalogue/?category=Management+Courses"))
    assert _titles(by_category) == ["Reflective Supervision"]
    options = [o.get_text() for o in by_category.soup.select("#category option")]
    assert options == [
        "All categories",
        "Induction and Short Courses",
        "Management Courses",
        "Mandatory training",
    ]
    # A category that does not exist is ignored rather than an error.
    assert len(_titles(page(client.get("/catalogue/?category=Nope")))) == 4


def test_withdrawn_activities_are_for_the_wfld_team_only(app, client, org, activities):
    path = f"/catalogue/activities/{activities['withdrawn']}"
    sign_in(client, org.practitioner.email)
    assert client.get(path).status_code == 404
    admin = app.test_client()
    sign_in(admin, org.wfld_admin.email)
    shown = page(admin.get("/catalogue/"))
    assert "Old Course" in _titles(shown)
    assert "Withdrawn" in shown.text()
    withdrawn = page(admin.get(path))
    assert "Staff cannot see or book this activity" in withdrawn.text()
    assert not withdrawn.soup.select("main form")  # not bookable, even by the WFLD team


def test_the_activity_page_shows_sessions_in_uk_time(app, client, org, activities):
    sign_in(client, org.practitioner.email)
    shown = page(client.get(f"/catalogue/activities/{activities['safeguarding']}"))
    row = shown.soup.select_one(f"#session-{activities['online_session']}")
    cells = [" ".join(td.get_text(" ").split()) for td in row.select("td")]
    assert cells[0] == "3 December 2026, 9:30am to 4:30pm"
    assert cells[1] == "Online"
    assert cells[2] == "Safeguarding partnership trainer"
    assert cells[3] == "2 of 3"
    assert "Every 36 months" in shown.text()
    # Several small booking forms on one page: their CSRF fields repeat no id (page() checks).
    assert len(shown.soup.select("main form[method=post]")) == 2


def test_my_bookings_lists_places_and_the_waiting_list(app, client, org, activities):
    with app.app_context():
        full = make_session(
            catalogue_queries.find_activity(activities["court"]), days=5, capacity=1
        )
        book(full, org.other_practitioner.staff_id)
        book(full, org.practitioner.staff_id)
        book(
            catalogue_queries.find_session(activities["online_session"]), org.practitioner.staff_id
        )
        db.session.commit()
    sign_in(client, org.practitioner.email)
    shown = page(client.get("/catalogue/my-bookings"))
    rows = [
        [" ".join(td.get_text(" ").split()) for td in tr.select("td")]
        for tr in shown.soup.select("main table tbody tr")
    ]
    assert [r[0] for r in rows] == ["Court Skills", "Safeguarding Children Level 3"]
    assert rows[0][3] == "On the waiting list"
    assert rows[0][4].startswith("Leave waiting list")
    assert rows[1][3] == "Booked"
    assert rows[1][4].startswith("Cancel booking")


# Query counts -------------------------------------------------------------------------------
def _grow(app, org, activities, n: int) -> None:
    """n more people booked or waiting on the online session, and n more activities."""
    with app.app_context():
        team = db.session.get(Team, org.team_a)
        role = db.session.get(JobRole, org.role_family_worker)
        session = catalogue_queries.find_session(activities["online_session"])
        for i in range(n):
            person = make_staff("Extra", f"Learner{i:03d}", team=team, role=role)
            book(session, person.id)
            make_activity(f"Extra course {i:03d}")
        db.session.commit()


PAGES = [
    ("practitioner", lambda ids: "/catalogue/"),
    ("practitioner", lambda ids: f"/catalogue/activities/{ids['safeguarding']}"),
    ("practitioner", lambda ids: "/catalogue/my-bookings"),
    ("wfld_admin", lambda ids: "/catalogue/"),
    ("wfld_admin", lambda ids: f"/catalogue/activities/{ids['safeguarding']}"),
    ("wfld_admin", lambda ids: f"/catalogue/sessions/{ids['online_session']}"),
]


@pytest.mark.parametrize(
    ("persona", "path_for"), PAGES, ids=[f"{p}:{i}" for i, (p, _) in enumerate(PAGES)]
)
def test_statement_count_is_bounded_and_does_not_grow(
    app, client, org, activities, persona, path_for
):
    with app.app_context():
        book(
            catalogue_queries.find_session(activities["online_session"]), org.practitioner.staff_id
        )
        db.session.commit()
    sign_in(client, getattr(org, persona).email)
    path = path_for(activities)
    with QueryCounter(app) as small:
        assert client.get(path).status_code == 200
    _grow(app, org, activities, 25)
    with QueryCounter(app) as large:
        assert client.get(path).status_code == 200
    assert large.count <= LIMIT, large.statements
    assert large.count == small.count, "one more statement per row is an N+1"


def test_past_sessions_are_listed_for_the_wfld_team(app, client, org, activities):
    with app.app_context():
        past = make_session(
            catalogue_queries.find_activity(activities["safeguarding"]), days=-3, now=NOW
        )
        db.session.commit()
        past_id = past.id
    sign_in(client, org.wfld_admin.email)
    shown = page(client.get(f"/catalogue/activities/{activities['safeguarding']}"))
    links = [a["href"] for a in shown.soup.select("main table a")]
    assert f"/catalogue/sessions/{past_id}" in links
    assert dt.date(2026, 11, 20).strftime("%-d %B %Y") in shown.text()
