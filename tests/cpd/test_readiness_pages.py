"""Readiness for registration renewal on the pages: the person's own (My CPD, home), their
managers' counts (never their words), the SQL counts agreeing with the pure rules, and the
"Copy for Social Work England" page.

The clock is frozen at 09:00 UTC on 23 November 2026: Social Work England's 2026 registration
year (1 December 2025 to 30 November 2026), 7 days before renewal closes.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.cpd.builders import PIECE, make_entry
from tests.cpd.terms import SWE_TERMS
from tests.factories import NOW, TODAY, Person
from tests.helpers import csrf_token, page, sign_in
from wfld.core import clock
from wfld.cpd import queries, rules
from wfld.cpd.models import CpdEntry, CpdProfile, EntryStatus
from wfld.cpd.rules import ActivityType
from wfld.extensions import db
from wfld.organisation.models import Regulator, StaffMember

PEER = "Talking it through with a practice educator changed how I weigh risk."
NOT_READY_ONE_PEER = (
    "1 piece (2 needed), including a peer reflection — 7 days until renewal closes on 30 November"
)
READY = "Ready for renewal: 2 pieces (2 needed), including a peer reflection"
# Words only the practitioner wrote: none of them may reach a manager's readiness page.
PRIVATE_TITLE = "Quiet reflection on the Tuesday duty rota"
PRIVATE_LEARNING = "I learnt that my hesitancy in strategy meetings comes from the 2019 review."
PRIVATE_IMPACT = "I now speak first in strategy discussions about thresholds."
PRIVATE_PEER = "My practice supervisor noticed I avoid conflict with health colleagues."
OTHER_MANAGER = "ewan.talbot@test.example"


@pytest.fixture(autouse=True)
def frozen_clock():  # noqa: ANN201
    clock.freeze(NOW)
    yield
    clock.freeze(None)


def signed_in(app: Flask, person: Person | str) -> FlaskClient:
    client = app.test_client()
    assert sign_in(client, person if isinstance(person, str) else person.email).status_code == 302
    return client


def headline_on_my_cpd(client: FlaskClient) -> str:
    mine = page(client.get("/cpd/me"))
    return mine.soup.find(id="readiness-headline").get_text(" ", strip=True)


def home(client: FlaskClient):  # noqa: ANN201
    return page(client.get("/"))


def words(tag) -> str:  # noqa: ANN001
    return " ".join(tag.get_text(" ").split())


# The person's own readiness ----------------------------------------------------------------------
def test_readiness_on_my_cpd_counts_complete_pieces_of_this_year(app, org):
    staff_id = org.practitioner.staff_id
    with app.app_context():
        make_entry(staff_id, peer=PEER)
        make_entry(staff_id, complete=False, title="Not finished yet")
        make_entry(staff_id, title="Last year's course", started_on=dt.date(2025, 11, 30))
    client = signed_in(app, org.practitioner)
    assert headline_on_my_cpd(client) == NOT_READY_ONE_PEER
    mine = page(client.get("/cpd/me"))
    checks = [words(li) for li in mine.soup.select(".govuk-summary-card li")]
    assert checks == [
        "Not met 2 different pieces of CPD dated in this registration year: 1 piece (2 needed)",
        "Met 1 piece of CPD with a peer reflection: present",
    ]
    assert "Period: 1 December 2025 to 30 November 2026" in mine.text()

    with app.app_context():
        make_entry(staff_id, title="Second piece", started_on=dt.date(2026, 11, 20))
    assert headline_on_my_cpd(client) == READY
    tags = page(client.get("/cpd/me")).soup.select(".govuk-summary-card .govuk-tag")
    assert tags[0].get_text(strip=True) == "Ready"


def test_readiness_without_a_peer_reflection(app, org):
    with app.app_context():
        make_entry(org.practitioner.staff_id)
        make_entry(org.practitioner.staff_id, title="Second piece")
    client = signed_in(app, org.practitioner)
    assert headline_on_my_cpd(client) == (
        "2 pieces (2 needed), peer reflection missing — 7 days until renewal closes on 30 November"
    )


def test_readiness_on_the_home_page(app, org):
    staff_id = org.practitioner.staff_id
    with app.app_context():
        make_entry(staff_id, peer=PEER)
    client = signed_in(app, org.practitioner)
    shown = home(client)
    readiness = shown.soup.find(id="cpd-readiness")
    assert readiness is not None, "the home page shows the person's CPD readiness"
    assert words(readiness) == f"Not ready Social Work England: {NOT_READY_ONE_PEER}"
    attention = [
        (words(a), a["href"]) for a in shown.soup.select("ul[aria-labelledby=attention] a")
    ]
    assert (f"Your CPD for Social Work England: {NOT_READY_ONE_PEER}", "/cpd/me") in attention

    with app.app_context():
        make_entry(staff_id, title="Second piece", started_on=dt.date(2026, 11, 20))
    shown = home(client)
    assert words(shown.soup.find(id="cpd-readiness")) == f"Ready Social Work England: {READY}"
    assert not [
        a for a in shown.soup.select("ul[aria-labelledby=attention] a") if "CPD" in words(a)
    ]


def test_no_readiness_for_someone_without_registration(app, org):
    client = signed_in(app, org.other_practitioner)
    mine = page(client.get("/cpd/me"))
    assert mine.soup.find(id="readiness-headline") is None
    assert "Your role does not need professional registration" in mine.text()
    assert home(client).soup.find(id="cpd-readiness") is None


# Managers see counts, never words ----------------------------------------------------------------
def private_record(staff_id: int) -> None:
    make_entry(
        staff_id,
        title=PRIVATE_TITLE,
        learning=PRIVATE_LEARNING,
        impact=PRIVATE_IMPACT,
        peer=PRIVATE_PEER,
        share=True,
    )
    make_entry(staff_id, complete=False, title="A draft about a hard visit", learning=PEER)


def people_listed(result) -> list[list[str]]:  # noqa: ANN001
    table = result.soup.select("table.app-table--compact")[0]
    return [[words(td) for td in row.find_all("td")] for row in table.select("tbody tr")]


def counts_table(result) -> list[list[str]]:  # noqa: ANN001
    table = result.soup.select("table.govuk-table")[0]
    return [[words(c) for c in row.find_all(["th", "td"])] for row in table.select("tbody tr")]


def test_a_line_manager_sees_counts_for_their_people_and_none_of_their_words(app, org):
    with app.app_context():
        private_record(org.practitioner.staff_id)
    manager = signed_in(app, org.line_manager)
    response = manager.get("/cpd/readiness")
    result = page(response)
    assert result.h1 == "Readiness for registration renewal"
    assert "People you line manage" in result.text()
    assert counts_table(result) == [["Social Work England", "0", "1"]]
    assert people_listed(result) == [
        ["Priya Sandhu", "Access and Assessment", "SWE", f"Not ready {NOT_READY_ONE_PEER}"]
    ]
    html = response.data.decode()
    for private in (
        PRIVATE_TITLE,
        PRIVATE_LEARNING,
        PRIVATE_IMPACT,
        PRIVATE_PEER,
        PIECE.description,
        "A draft about a hard visit",
        PEER,
    ):
        assert private not in html
    # The same words are on the entry the practitioner shared: the page is not simply empty.
    with app.app_context():
        shared_id = db.session.scalar(select(CpdEntry.id).where(CpdEntry.title == PRIVATE_TITLE))
    assert PRIVATE_LEARNING in manager.get(f"/cpd/entries/{shared_id}").data.decode()

    everyone = page(manager.get("/cpd/readiness?show=all"))
    assert [row[0] for row in people_listed(everyone)] == ["Priya Sandhu"]


def test_a_ready_person_is_listed_only_when_asked_for_everyone(app, org):
    with app.app_context():
        make_entry(org.practitioner.staff_id, peer=PEER)
        make_entry(org.practitioner.staff_id, title="Second piece")
    manager = signed_in(app, org.line_manager)
    result = page(manager.get("/cpd/readiness"))
    assert counts_table(result) == [["Social Work England", "1", "0"]]
    assert people_listed(result) == [["Everyone here is ready."]]
    everyone = page(manager.get("/cpd/readiness?show=all"))
    assert people_listed(everyone) == [
        ["Priya Sandhu", "Access and Assessment", "SWE", f"Ready {READY}"]
    ]


def test_the_senior_manager_sees_the_whole_service(app, org):
    with app.app_context():
        private_record(org.practitioner.staff_id)
    senior = signed_in(app, org.senior_manager)
    response = senior.get("/cpd/readiness?show=all")
    result = page(response)
    assert "Whole service" in result.text()
    # Everyone registered with Social Work England: the two team managers and the practitioner.
    assert sorted(row[0] for row in people_listed(result)) == [
        "Ewan Talbot",
        "Marcus Lindqvist",
        "Priya Sandhu",
    ]
    assert counts_table(result) == [["Social Work England", "0", "3"]]
    for private in (PRIVATE_TITLE, PRIVATE_LEARNING, PRIVATE_IMPACT, PRIVATE_PEER):
        assert private not in response.data.decode()

    team_b = page(senior.get(f"/cpd/readiness?show=all&team={org.team_b}"))
    assert [row[0] for row in people_listed(team_b)] == ["Ewan Talbot"]


@pytest.mark.parametrize("persona", ["wfld_admin", "system_admin"])
def test_the_workforce_team_sees_the_whole_service(app, org, persona):
    result = page(signed_in(app, getattr(org, persona)).get("/cpd/readiness?show=all"))
    assert len(people_listed(result)) == 3


@pytest.mark.parametrize("persona", ["practitioner", "other_practitioner"])
def test_people_without_reports_cannot_see_readiness(app, org, persona):
    assert signed_in(app, getattr(org, persona)).get("/cpd/readiness").status_code == 403


def test_readiness_needs_signing_in(client, org):
    response = client.get("/cpd/readiness")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=")


# The SQL counts agree with the rules -------------------------------------------------------------
def _raw(staff_id: int, started_on: dt.date, **fields: object) -> None:
    """An entry written straight to the table, for data the services would never write."""
    values: dict[str, object] = {
        "status": EntryStatus.COMPLETE,
        "title": "A piece",
        "ended_on": None,
        "activity_type": ActivityType.READING,
        "hours": Decimal("1"),
        "description": "What and why.",
        "learning": "What I learnt.",
        "impact": "What changed.",
        "peer_reflection": None,
        "peer_role": None,
        "shared": False,
        "submitted_for_year": None,
        "created_at": NOW,
        "updated_at": NOW,
    }
    values.update(fields)
    db.session.add(CpdEntry(staff_id=staff_id, started_on=started_on, **values))


def _varied_records(org) -> None:  # noqa: ANN001
    p, m = org.practitioner.staff_id, org.line_manager.staff_id
    d = dt.date
    # The practitioner: no registration date.
    make_entry(p, peer=PEER)  # 14 October 2026
    make_entry(p, complete=False, title="A draft", started_on=d(2026, 10, 1), peer=PEER)
    _raw(p, d(2026, 3, 2), learning="")  # complete but missing a field
    _raw(p, d(2026, 3, 3), activity_type=None)
    _raw(p, d(2026, 3, 4), description="   ")
    _raw(p, d(2026, 3, 5), peer_reflection="   ", peer_role="a peer")  # spaces only
    _raw(p, d(2026, 3, 6), peer_reflection="\n", peer_role="a peer")  # a line break only
    _raw(p, d(2026, 3, 7), peer_reflection="\r\n\t \n", peer_role="a peer")
    _raw(p, d(2026, 3, 8), impact="\n\n")
    _raw(p, d(2026, 3, 9), status=EntryStatus.DRAFT, peer_reflection=PEER, peer_role="a peer")
    # Spanning 1 December 2025: dated by its end, or recorded for the year it started in.
    _raw(p, d(2025, 11, 24), ended_on=d(2025, 12, 2), peer_reflection=PEER, peer_role="a peer")
    _raw(p, d(2025, 11, 25), ended_on=d(2025, 12, 3), submitted_for_year=2025)
    _raw(p, d(2025, 11, 26), ended_on=d(2025, 12, 4), submitted_for_year=2026)
    _raw(p, d(2025, 6, 1), submitted_for_year=2025, peer_reflection=PEER, peer_role="a peer")
    _raw(p, d(2026, 2, 1), submitted_for_year=2025)  # used last year: never again
    _raw(p, d(2026, 2, 2), submitted_for_year=2026)
    _raw(p, d(2026, 11, 30))  # the last day of the year
    _raw(p, d(2026, 12, 1), peer_reflection=PEER, peer_role="a peer")  # the next year
    _raw(p, d(2024, 11, 30))
    # The line manager registered part-way through the 2026 year.
    db.session.add(CpdProfile(staff_id=m, share_all=False, registered_on=d(2026, 6, 1)))
    _raw(m, d(2026, 5, 31), peer_reflection=PEER, peer_role="a peer")  # before registering
    _raw(m, d(2026, 6, 1))
    _raw(m, d(2026, 5, 25), ended_on=d(2026, 6, 3), peer_reflection=PEER, peer_role="a peer")
    _raw(m, d(2026, 5, 1), ended_on=d(2026, 5, 10), submitted_for_year=2026)
    _raw(m, d(2026, 12, 2))
    # The other team manager registers in the future: nothing counts yet.
    ewan = db.session.scalar(select(StaffMember.id).where(StaffMember.work_email == OTHER_MANAGER))
    db.session.add(CpdProfile(staff_id=ewan, share_all=False, registered_on=d(2026, 12, 15)))
    _raw(ewan, d(2026, 11, 1), peer_reflection=PEER, peer_role="a peer")
    _raw(ewan, d(2026, 12, 20))
    db.session.commit()


def _by_rules(year: rules.RegistrationYear) -> dict[str, tuple[int, int]]:
    everyone = select(StaffMember.id)
    facts = queries.facts_by_staff(everyone)
    profiles = queries.profiles_in(everyone)
    found = {}
    for staff in db.session.scalars(
        select(StaffMember).where(StaffMember.regulator == Regulator.SWE)
    ):
        profile = profiles.get(staff.id)
        registered_on = profile.registered_on if profile else None
        counted = [
            f
            for f in facts.get(staff.id, [])
            if rules.counts_for_swe_year(f, year, registered_on=registered_on)
        ]
        # Identical records are one piece, with a peer reflection if any copy has one.
        keys = {rules.content_key(f) for f in counted}
        peer_keys = {rules.content_key(f) for f in counted if rules.has_peer_reflection(f)}
        found[staff.full_name] = (len(keys), len(peer_keys))
    return found


@pytest.mark.parametrize("year_number", [2025, 2026, 2027])
def test_the_sql_counts_agree_with_the_rules(app, org, year_number):
    year = rules.registration_year(year_number)
    with app.app_context():
        _varied_records(org)
        by_sql = {
            c.staff.full_name: (c.pieces, c.peer_pieces)
            for c in queries.swe_counts(select(StaffMember.id), year=year, terms=SWE_TERMS)
        }
        by_rules = _by_rules(year)
    assert by_sql == by_rules
    assert any(pieces for pieces, _ in by_rules.values()), "the records count for something"


def test_the_sql_counts_agree_with_the_readiness_shown_to_the_person(app, org):
    with app.app_context():
        _varied_records(org)
        year = rules.registration_year_at(NOW)
        sql = {
            c.staff.id: c
            for c in queries.swe_counts(select(StaffMember.id), year=year, terms=SWE_TERMS)
        }
        assert set(sql) == {
            org.practitioner.staff_id,
            org.line_manager.staff_id,
            db.session.scalar(
                select(StaffMember.id).where(StaffMember.work_email == OTHER_MANAGER)
            ),
        }
        for staff_id, counts in sql.items():
            profile = queries.find_profile(staff_id)
            result = rules.swe_readiness(
                queries.entry_facts(staff_id),
                now=NOW,
                registered_on=profile.registered_on if profile else None,
                terms=SWE_TERMS,
            )
            facts = queries.entry_facts(staff_id)
            counted = {f.id: rules.content_key(f) for f in facts if f.id in result.counted_ids}
            peer = {rules.content_key(f) for f in facts if rules.has_peer_reflection(f)}
            assert counts.pieces == len(result.counted_ids)
            assert counts.peer_pieces == len(peer & set(counted.values()))
            assert result.headline == rules.swe_headline(
                counts.pieces, counts.peer_pieces, year=year, today=TODAY, terms=SWE_TERMS
            )
        # The practitioner: 14 October (with a peer reflection), the three whose peer
        # reflections are only white space, the piece spanning 1 December 2025 that is not
        # recorded (with a peer reflection), the two recorded for 2026 and the last day.
        practitioner = sql[org.practitioner.staff_id]
        assert (practitioner.pieces, practitioner.peer_pieces) == (8, 2)


# Copy for Social Work England --------------------------------------------------------------------
HEADINGS = [
    "Type of CPD",
    "Date",
    "Short description and why it is relevant",
    "What you learnt",
    "Positive impact on your practice and on the people you work with",
    "Peer reflection",
]


@pytest.fixture
def pieces(app, org) -> dict[str, int]:  # noqa: ANN001
    staff_id = org.practitioner.staff_id
    with app.app_context():
        return {
            "peer": make_entry(staff_id, peer=PEER).id,
            "spanning": make_entry(
                staff_id,
                title="Court skills over two days",
                started_on=dt.date(2025, 11, 30),
                ended_on=dt.date(2025, 12, 1),
                activity_type=ActivityType.COURSE,
            ).id,
            "draft": make_entry(staff_id, complete=False, title="Not finished").id,
            "old": make_entry(staff_id, title="Last year", started_on=dt.date(2025, 6, 1)).id,
        }


def copy_page(client: FlaskClient):  # noqa: ANN201
    return page(client.get("/cpd/me/social-work-england"))


def pieces_shown(result) -> list[str]:  # noqa: ANN001
    return [words(h) for h in result.soup.select("main h2.govuk-heading-m")]


def recorded_form(result, title: str):  # noqa: ANN001, ANN201
    heading = next(h for h in result.soup.select("main h2") if words(h).endswith(title))
    return heading.find_next("form")


def post_form(client: FlaskClient, form) -> object:  # noqa: ANN001
    data = {i["name"]: i.get("value", "") for i in form.find_all("input") if i.get("name")}
    return client.post(form["action"], data=data)


def submitted_for(app: Flask, entry_id: int) -> int | None:
    with app.app_context():
        return db.session.get(CpdEntry, entry_id).submitted_for_year


def sql_pieces(app: Flask, staff_id: int, year_number: int) -> int:
    with app.app_context():
        scope = select(StaffMember.id).where(StaffMember.id == staff_id)
        [counts] = queries.swe_counts(
            scope, year=rules.registration_year(year_number), terms=SWE_TERMS
        )
        return counts.pieces


def test_copy_for_swe_lays_out_the_counted_pieces_in_the_regulators_fields(app, org, pieces):
    client = signed_in(app, org.practitioner)
    result = copy_page(client)
    assert result.h1 == "Copy for Social Work England"
    assert "Registration year 1 December 2025 to 30 November 2026" in result.text()
    assert pieces_shown(result) == [
        "Piece 1: Court skills over two days",
        f"Piece 2: {PIECE.title}",
    ]
    lists = result.soup.select("main dl")
    assert len(lists) == 2
    for dl in lists:
        assert [words(dt_) for dt_ in dl.find_all("dt")] == HEADINGS
    court, peer = ([words(dd) for dd in dl.find_all("dd")] for dl in lists)
    assert court == [
        "Course or training",
        "1 December 2025",
        f"Court skills over two days. {PIECE.description}",
        PIECE.learning,
        PIECE.impact,
        "None for this piece",
    ]
    assert peer[0] == "Peer discussion or reflective group"
    assert peer[1] == "14 October 2026"
    assert peer[5] == f"{PEER} (Discussed with a senior social worker.)"
    assert "Not finished" not in result.text()
    assert "Last year" not in result.text()


def test_i_have_added_this_records_the_year_and_undo_clears_it(app, org, pieces):
    client = signed_in(app, org.practitioner)
    staff_id = org.practitioner.staff_id
    spanning = pieces["spanning"]
    assert (sql_pieces(app, staff_id, 2025), sql_pieces(app, staff_id, 2026)) == (1, 2)

    form = recorded_form(copy_page(client), "Court skills over two days")
    assert "I have added this to Social Work England" in words(form)
    response = post_form(client, form)
    assert response.status_code == 302
    assert response.headers["Location"] == "/cpd/me/social-work-england"
    assert submitted_for(app, spanning) == 2026
    # Recorded for 2026, the piece that started in the 2025 year counts for 2026 only.
    assert (sql_pieces(app, staff_id, 2025), sql_pieces(app, staff_id, 2026)) == (1, 2)

    result = copy_page(client)
    form = recorded_form(result, "Court skills over two days")
    assert "Added to Social Work England" in words(form)
    assert "I have not added it yet" in words(form)
    assert len(pieces_shown(result)) == 2, "a recorded piece still counts for its year"

    assert post_form(client, form).status_code == 302
    assert submitted_for(app, spanning) is None
    form = recorded_form(copy_page(client), "Court skills over two days")
    assert "I have added this to Social Work England" in words(form)


def test_a_piece_recorded_for_another_year_no_longer_counts_for_this_one(app, org, pieces):
    client = signed_in(app, org.practitioner)
    staff_id = org.practitioner.staff_id
    spanning = pieces["spanning"]
    form = recorded_form(copy_page(client), "Court skills over two days")
    data = {i["name"]: i.get("value", "") for i in form.find_all("input") if i.get("name")}
    response = client.post(f"/cpd/entries/{spanning}/recorded", data={**data, "year": "2025"})
    assert response.status_code == 302
    assert submitted_for(app, spanning) == 2025
    assert (sql_pieces(app, staff_id, 2025), sql_pieces(app, staff_id, 2026)) == (2, 1)

    result = copy_page(client)
    assert pieces_shown(result) == [f"Piece 1: {PIECE.title}"]
    assert "'Court skills over two days' was used for your 2025 renewal" in result.text()
    assert headline_on_my_cpd(client) == NOT_READY_ONE_PEER


def test_a_draft_cannot_be_recorded_for_a_renewal(app, org, pieces):
    client = signed_in(app, org.practitioner)
    form = recorded_form(copy_page(client), "Court skills over two days")
    data = {i["name"]: i.get("value", "") for i in form.find_all("input") if i.get("name")}
    response = client.post(f"/cpd/entries/{pieces['draft']}/recorded", data=data)
    assert response.status_code == 302
    assert submitted_for(app, pieces["draft"]) is None
    shown = page(client.get(response.headers["Location"]))
    assert "Only a complete entry can be used for renewal" in shown.text()


def test_nobody_else_can_record_a_piece(app, org, pieces):
    manager = signed_in(app, org.line_manager)
    token = csrf_token(manager, "/cpd/me/social-work-england")
    response = manager.post(
        f"/cpd/entries/{pieces['peer']}/recorded", data={"csrf_token": token, "year": "2026"}
    )
    assert response.status_code == 404
    assert submitted_for(app, pieces["peer"]) is None
