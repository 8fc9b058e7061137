"""Pages run a bounded number of SQL statements, whatever the size of the organisation."""

from __future__ import annotations

import itertools

import pytest

from tests.factories import make_staff
from tests.helpers import QueryCounter, csrf_token, sign_in
from wfld.cpd import jobs as cpd_jobs
from wfld.extensions import db
from wfld.organisation.models import JobRole, StaffMember, Team

LIMIT = 12


def _grow(app, org, n: int) -> None:
    """Add n reports to the line manager, in both teams."""
    with app.app_context():
        manager = db.session.get(StaffMember, org.line_manager.staff_id)
        teams = [db.session.get(Team, org.team_a), db.session.get(Team, org.team_b)]
        role = db.session.get(JobRole, org.role_family_worker)
        for i in range(n):
            make_staff("Extra", f"Person{i:03d}", team=teams[i % 2], role=role, manager=manager)
        db.session.commit()


# The home page, counted on SQLite (whose BEGIN the app sends itself; PostgreSQL's is one
# fewer): BEGIN; the user with their staff record, and their roles (two: every page); the
# person as the page shows them with their direct reports (one: wfld/main/queries.py); the
# learning needs tally (two: the counts from the stored statuses, and the requirements' titles
# when anyone in sight has any: none in this module's data); CPD readiness
# (their entries, the regulators' terms in force, their profile: three); comments on their
# entries they have not read (one); for a line manager, how many entries are shared with them
# and how many of those are new (one); the reviews waiting for their signature ("To sign off",
# one). Every page's navigation asks whether the person manages anyone, but the home page has
# listed their direct reports already and tells the navigation so (no statement); a person
# with a line manager asks once whether they may open their manager's profile (one).
HOME_LIMIT = 12

PAGES = [
    ("line_manager", lambda org: "/"),
    ("practitioner", lambda org: "/"),
    ("line_manager", lambda org: f"/people/{org.practitioner.staff_id}"),
    ("senior_manager", lambda org: "/people"),
    ("wfld_admin", lambda org: "/admin/staff"),
    ("wfld_admin", lambda org: "/admin/teams"),
    ("wfld_admin", lambda org: "/admin/job-roles"),
    ("wfld_admin", lambda org: f"/admin/teams/{org.team_a}"),
    ("wfld_admin", lambda org: f"/admin/staff/{org.line_manager.staff_id}"),
]


@pytest.mark.parametrize(
    ("persona", "path_for"), PAGES, ids=[f"{p}:{i}" for i, (p, _) in enumerate(PAGES)]
)
def test_statement_count_is_bounded_and_does_not_grow(app, client, org, persona, path_for):
    sign_in(client, getattr(org, persona).email)
    path = path_for(org)
    with QueryCounter(app) as small:
        assert client.get(path).status_code == 200
    _grow(app, org, 40)
    with QueryCounter(app) as large:
        assert client.get(path).status_code == 200
    assert large.count <= (HOME_LIMIT if path == "/" else LIMIT), large.statements
    assert large.count == small.count, "one more statement per person is an N+1"


# CPD ----------------------------------------------------------------------------------------------
# My CPD's readiness panel reads the regulators' terms in force: one small statement per page.
CPD_LIMIT = 16
READINESS_LIMIT = 12


@pytest.fixture
def frozen_clock():  # noqa: ANN201
    from tests.factories import NOW
    from wfld.core import clock

    clock.freeze(NOW)
    yield
    clock.freeze(None)


@pytest.fixture
def tag_ids(app, org) -> list[int]:  # noqa: ANN001
    """Two small tag frameworks under the codes the CPD form offers, three items each."""
    from tests.factories import NOW
    from wfld.frameworks import services
    from wfld.frameworks.documents import from_dict

    ids = []
    with app.app_context():
        for code in ("SWE-PS4", "PCF"):
            doc = {
                "code": code,
                "title": f"Framework {code}",
                "custodian": "Test",
                "version": {
                    "label": "1",
                    "status": "published",
                    "items": [
                        {"code": str(n), "kind": "domain", "title": f"Item {n}"} for n in (1, 2, 3)
                    ],
                },
            }
            version = services.import_document(from_dict(doc), actor=None, now=NOW).version
            ids += [item.id for item in version.items]
        db.session.commit()
    return ids


def _log_cpd(app, org, staff_id: int, numbers: range, tags: list[int]) -> None:  # noqa: ANN001
    """Entries numbered ``numbers`` for a person, all in the registration year to 30 November
    2026: most complete, some drafts; tags, a peer reflection, sharing, a file of evidence and
    a comment from the line manager on some of them."""
    import datetime as dt
    import io
    from decimal import Decimal

    from tests.cpd.builders import make_entry
    from tests.factories import NOW, TODAY
    from wfld.accounts.models import User
    from wfld.cpd import services

    with app.app_context():
        person = db.session.get(StaffMember, staff_id)
        manager = db.session.get(StaffMember, person.line_manager_id)
        for i in numbers:
            entry = make_entry(
                staff_id,
                complete=i % 5 != 4,
                peer="We talked it through in group supervision." if i % 2 else None,
                share=i % 3 == 0,
                tag_ids={tags[i % len(tags)], tags[(i + 3) % len(tags)]} if i % 2 == 0 else set(),
                title=f"Piece {i:02d}",
                started_on=TODAY - dt.timedelta(days=3 * i + 1),
                hours=Decimal(i % 4 + 1),
            )
            if i % 3 == 0:
                services.add_evidence(
                    entry=entry,
                    stream=io.BytesIO(b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n"),
                    filename=f"evidence-{i}.pdf",
                    quota_bytes=10 * 1024 * 1024,
                    actor=db.session.get(User, person.user_id),
                    now=NOW,
                )
            if i % 4 == 0:
                services.add_comment(
                    entry=entry,
                    author=manager,
                    body=f"Comment on piece {i}",
                    actor=db.session.get(User, manager.user_id),
                    now=NOW,
                )
            db.session.commit()


MY_CPD_PAGES = [
    ("practitioner", "/cpd/me"),
    ("practitioner", "/cpd/me?year=all"),
    ("practitioner", "/cpd/me?year=all&item=PCF:1"),
    ("practitioner", "/cpd/me/social-work-england"),
    ("practitioner", "/cpd/me/record.csv?period=two-years"),
    ("line_manager", "/cpd/shared"),
]


@pytest.mark.parametrize(("persona", "path"), MY_CPD_PAGES, ids=[p for _, p in MY_CPD_PAGES])
def test_cpd_pages_do_not_grow_with_the_number_of_entries(
    app, client, org, frozen_clock, tag_ids, persona, path
):
    """My CPD, the Copy for Social Work England page, the PDF and CSV record and the entries
    shared with a line manager: the same statements for 5 entries as for 45."""
    staff_id = org.practitioner.staff_id
    _log_cpd(app, org, staff_id, range(5), tag_ids)
    sign_in(client, getattr(org, persona).email)
    with QueryCounter(app) as small:
        first = client.get(path)
        assert first.status_code == 200
    _log_cpd(app, org, staff_id, range(5, 45), tag_ids)
    with QueryCounter(app) as large:
        second = client.get(path)
        assert second.status_code == 200
    assert len(second.data) > len(first.data), "the page should show the new entries"
    assert large.count <= CPD_LIMIT, large.statements
    assert large.count == small.count, "one more statement per entry is an N+1"


def test_the_cpd_pdf_job_does_not_grow_with_the_number_of_entries(
    app, client, org, frozen_clock, tag_ids
):
    """The PDF of the record is made by a job (run at once here, in immediate mode): asking
    for it, recording the job and making the PDF take the same statements for 5 entries as
    for 45, within the CPD pages' budget plus the job record's own (create, start, seven
    steps of progress, a kept copy looked for, result, finish)."""
    staff_id = org.practitioner.staff_id
    _log_cpd(app, org, staff_id, range(5), tag_ids)
    sign_in(client, org.practitioner.email)
    token = csrf_token(client, "/cpd/me")

    def ask() -> None:
        response = client.post("/cpd/me/record-pdf", data={"csrf_token": token, "period": "2026"})
        assert response.status_code == 302

    with QueryCounter(app) as small:
        ask()
    _log_cpd(app, org, staff_id, range(5, 45), tag_ids)
    with QueryCounter(app) as large:
        ask()
    assert large.count <= CPD_LIMIT + JOB_RECORD_STATEMENTS, large.statements
    # A longer record reaches more of the layout's progress steps (at most LAYOUT_STEPS of
    # three statements each, however many pages): bounded, where an N+1 would add 40.
    extra_steps = large.count - small.count
    assert 0 <= extra_steps <= 3 * cpd_jobs.LAYOUT_STEPS, "one more statement per entry"


# Creating and starting a job; its seven steps of progress, each a short write transaction of
# its own (BEGIN IMMEDIATE, the job, its update: the job's reads hold no write lock); looking
# for a kept file made from the same HTML (a read transaction: the job, then the earlier one);
# saving and finishing, with their reads.
JOB_RECORD_STATEMENTS = 30


def test_my_cpd_lists_every_entry_with_its_counts(app, client, org, frozen_clock, tag_ids):
    """The page the guard above measures really shows the 45 entries, files and comments."""
    from bs4 import BeautifulSoup

    _log_cpd(app, org, org.practitioner.staff_id, range(45), tag_ids)
    sign_in(client, org.practitioner.email)
    soup = BeautifulSoup(client.get("/cpd/me?year=all").data, "html.parser")
    rows = soup.select("main table.app-table--compact tbody tr")
    assert len(rows) == 45
    text = " ".join(soup.get_text(" ").split())
    assert text.count("1 file") == 15  # entries 0, 3, …, 42
    assert text.count("1 comment") == 12  # entries 0, 4, …, 44


@pytest.mark.parametrize("viewer", ["practitioner", "line_manager"])
def test_the_entry_page_does_not_grow_with_tags_files_comments_and_versions(
    app, client, org, frozen_clock, tag_ids, viewer
):
    import dataclasses
    import io

    from tests.cpd.builders import PIECE, make_entry
    from tests.factories import NOW, TODAY
    from wfld.accounts.models import User
    from wfld.cpd import services

    person, manager = org.practitioner, org.line_manager

    def add(entry_id: int, n: int, start: int) -> None:
        with app.app_context():
            entry = db.session.get(services.CpdEntry, entry_id)
            for i in range(start, start + n):
                services.add_evidence(
                    entry=entry,
                    stream=io.BytesIO(b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n"),
                    filename=f"evidence-{i}.pdf",
                    quota_bytes=10 * 1024 * 1024,
                    actor=db.session.get(User, person.user_id),
                    now=NOW,
                )
                services.add_comment(
                    entry=entry,
                    author=db.session.get(StaffMember, manager.staff_id),
                    body=f"Comment {i}",
                    actor=db.session.get(User, manager.user_id),
                    now=NOW,
                )
                services.save_entry(
                    staff=entry.staff,
                    entry=entry,
                    text=dataclasses.replace(PIECE, learning=f"Learning, version {i}"),
                    complete=True,
                    tag_ids=set(tag_ids[: i + 1]),
                    allowed_tag_ids=set(tag_ids),
                    share=None,
                    confirmed_digest=None,
                    expected_version=entry.version_id,
                    actor=db.session.get(User, person.user_id),
                    now=NOW,
                    today=TODAY,
                )
                db.session.commit()

    with app.app_context():
        entry_id = make_entry(person.staff_id, share=True, tag_ids={tag_ids[0]}).id
    add(entry_id, 1, 0)
    sign_in(client, getattr(org, viewer).email)
    path = f"/cpd/entries/{entry_id}"
    with QueryCounter(app) as small:
        assert client.get(path).status_code == 200
    add(entry_id, 5, 1)
    with QueryCounter(app) as large:
        page = client.get(path)
        assert page.status_code == 200
    assert page.data.count(b"Comment 5") == 1
    assert large.count <= CPD_LIMIT, large.statements
    assert large.count == small.count, "one more statement per file, comment or tag is an N+1"


@pytest.fixture
def registrants(app, org, tag_ids) -> dict[str, int]:  # noqa: ANN001
    """Job roles for the other regulators, and an occupational therapist reporting to the line
    manager, so that the HCPC and NMC branch of readiness runs from the start."""
    from tests.factories import make_role
    from wfld.organisation.models import Regulator

    with app.app_context():
        roles = {
            "swe": org.role_social_worker,
            "hcpc": make_role("Occupational Therapist", Regulator.HCPC).id,
            "nmc": make_role("Nurse", Regulator.NMC).id,
        }
        db.session.commit()
    _grow_registrants(app, org, roles, {"hcpc": 1}, tag_ids)
    return roles


_registrant_numbers = itertools.count()


def _grow_registrants(app, org, roles, counts: dict[str, int], tags: list[int]) -> None:  # noqa: ANN001
    """Add registered people reporting to the line manager, each with a few entries."""
    from tests.factories import make_user

    with app.app_context():
        manager = db.session.get(StaffMember, org.line_manager.staff_id)
        team = db.session.get(Team, org.team_a)
        people = []
        for kind, n in counts.items():
            role = db.session.get(JobRole, roles[kind])
            for _ in range(n):
                last_name = f"Registrant{next(_registrant_numbers):03d}"
                staff = make_staff(kind.upper(), last_name, team=team, role=role, manager=manager)
                make_user(staff)
                people.append(staff.id)
        db.session.commit()
    for staff_id in people:
        _log_cpd(app, org, staff_id, range(3), tags)


@pytest.mark.parametrize("persona", ["line_manager", "senior_manager", "wfld_admin"])
@pytest.mark.parametrize("path", ["/cpd/readiness?show=all", "/cpd/readiness"])
def test_readiness_does_not_grow_with_people_or_entries(
    app, client, org, frozen_clock, tag_ids, registrants, persona, path
):
    _log_cpd(app, org, org.practitioner.staff_id, range(3), tag_ids)
    sign_in(client, getattr(org, persona).email)
    with QueryCounter(app) as small:
        assert client.get(path).status_code == 200
    _grow_registrants(app, org, registrants, {"swe": 12, "hcpc": 3, "nmc": 3}, tag_ids)
    _log_cpd(app, org, org.practitioner.staff_id, range(3, 20), tag_ids)
    with QueryCounter(app) as large:
        page = client.get(path)
        assert page.status_code == 200
    if "show=all" in path:
        assert page.data.count(b"Registrant") == 19
    assert large.count <= READINESS_LIMIT, large.statements
    assert large.count == small.count, "one more statement per person is an N+1"
