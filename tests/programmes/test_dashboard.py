"""The cohort dashboard: every member judged with the reasons in words, the filters, the chart
and its table, the figures, the CSV (formula-safe) and who may see it."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

import pytest

from tests.factories import NOW, make_staff, make_user
from tests.helpers import page, sign_in
from tests.programmes.builders import make_cohort, make_enrolment
from tests.programmes.progress_builders import add_pieces, add_sessions, step, user_of
from wfld.core import clock
from wfld.extensions import db
from wfld.organisation.models import JobRole, StaffMember, Team
from wfld.programmes import dashboard
from wfld.programmes.models import Cohort, Outcome, PanelDecision, Recommendation
from wfld.programmes.rules import EnrolmentStatus, EvidenceKind, MilestoneAction, Progress

START = dt.date(2026, 9, 1)


@pytest.fixture(autouse=True)
def frozen_clock():  # noqa: ANN201
    clock.freeze(NOW)  # 23 November 2026
    yield
    clock.freeze(None)


@dataclass(frozen=True)
class Board:
    cohort: int
    quinn: int  # an assessor
    team_b: int


@pytest.fixture
def board(app, org) -> Board:  # noqa: ANN001
    """Five members, coordinated by the line manager:

    - Priya (team A, Quinn): agreement signed off; short of evidence for the 3-month review
      (due in 8 days) and 2 supervisions missed in weeks 3–6: at risk.
    - Nina (team B, Hana): nothing done, the agreement was due on 29 September: overdue.
    - Omar (team A, Quinn): started on 20 November, agreement submitted: on track.
    - Wes (team B, Hana): withdrawn. His name starts like a spreadsheet formula.
    - Cara (team A, Quinn): passed last year's panel (confirmed), completed on 1 October 2026
      and progressed to the social worker grade.
    """
    with app.app_context():
        team_a = db.session.get(Team, org.team_a)
        team_b = db.session.get(Team, org.team_b)
        role = db.session.get(JobRole, org.role_social_worker)
        quinn, hana = org.other_practitioner.staff_id, org.senior_manager.staff_id
        cohort = make_cohort()
        cohort.coordinator_id = org.line_manager.staff_id
        priya = make_enrolment(org.practitioner.staff_id, assessor_id=quinn, cohort=cohort)
        add_pieces(priya, EvidenceKind.DEVELOPMENT_PLAN, 1, on=dt.date(2026, 9, 10))
        add_pieces(priya, EvidenceKind.SELF_ASSESSMENT, 1, on=dt.date(2026, 9, 10))
        step(priya, "agreement", MilestoneAction.SUBMIT, by=org.practitioner.staff_id)
        step(priya, "agreement", MilestoneAction.SIGN_OFF, by=quinn)
        add_sessions(
            priya.staff_id,
            org.line_manager.staff_id,
            [START + dt.timedelta(weeks=w - 1, days=1) for w in (1, 2, 4, 5, 7, 9)],
        )
        nina = make_staff("Nina", "Obi", team=team_b, role=role)
        make_enrolment(nina.id, assessor_id=hana, cohort=cohort)
        omar = make_staff("Omar", "Khan", team=team_a, role=role)
        make_user(omar)
        omar_on = make_enrolment(
            omar.id, assessor_id=quinn, cohort=cohort, start=dt.date(2026, 11, 20)
        )
        step(omar_on, "agreement", MilestoneAction.SUBMIT, by=omar.id)
        wes = make_staff("Wes", "Lee", team=team_b, role=role)
        wes.first_name = "=cmd|"
        make_enrolment(wes.id, assessor_id=hana, cohort=cohort).status = EnrolmentStatus.WITHDRAWN
        cara = make_staff("Cara", "Diaz", team=team_a, role=role)
        done = make_enrolment(cara.id, assessor_id=quinn, cohort=cohort, start=dt.date(2025, 9, 1))
        done.status = EnrolmentStatus.COMPLETED
        done.completed_on = dt.date(2026, 10, 1)
        db.session.add(
            Outcome(
                enrolment_id=done.id,
                recommendation=Recommendation.PASS,
                recommended_on=dt.date(2026, 9, 1),
                recommended_by_id=user_of(quinn).id,
                panel_on=dt.date(2026, 9, 20),
                decision=PanelDecision.CONFIRM,
                progressed_on=dt.date(2026, 10, 1),
                updated_at=NOW,
            )
        )
        db.session.commit()
        return Board(cohort.id, quinn, org.team_b)


def _dashboard(client, board: Board, query: str = ""):  # noqa: ANN202, ANN001
    response = client.get(f"/programmes/cohorts/{board.cohort}/dashboard{query}")
    assert response.status_code == 200
    return page(response)


def _members(shown) -> dict[str, tuple[str, list[str]]]:  # noqa: ANN001
    """Name → (progress tag, reasons) from the members table."""
    found = {}
    for row in shown.soup.select("#member-table tbody tr"):
        name = (row.th.a or row.th.span).get_text(strip=True)
        cells = row.find_all("td")
        found[name] = (
            cells[2].select_one(".govuk-tag").get_text(strip=True),
            [li.get_text(strip=True) for li in cells[2].select("li")],
        )
    return found


def test_every_member_is_judged_with_the_reasons_in_words(client, org, board):
    sign_in(client, org.wfld_admin.email)
    shown = _dashboard(client, board)
    assert shown.h1 == "ASYE September 2026"
    members = _members(shown)
    assert members["Priya Sandhu"] == (
        "At risk",
        [
            "Evidence short: 1 of 2 development plans, 0 of 1 direct observations",
            "2 supervisions missed in weeks 3–6",
        ],
    )
    assert members["Nina Obi"] == ("Overdue", ["Support and assessment agreement was due"])
    assert members["Omar Khan"] == ("On track", [])
    assert members["=cmd| Lee"] == ("Finished", [])
    assert members["Cara Diaz"] == ("Finished", [])
    assert shown.soup.select_one("form#bundle")["action"] == (
        f"/programmes/cohorts/{board.cohort}/bundle"
    )
    assert shown.soup.select_one(f"a[href='/programmes/cohorts/{board.cohort}']")
    tally = shown.soup.select_one("#tally").get_text(" ", strip=True)
    assert "On track: 1" in tally and "At risk: 1" in tally
    assert "Overdue: 1" in tally and "Finished: 2" in tally


def test_an_assessor_over_capacity_puts_their_people_at_risk(app, client, org, board):
    from wfld.programmes.models import AssessorCapacity

    with app.app_context():
        db.session.add(AssessorCapacity(staff_id=board.quinn, capacity=1))
        db.session.commit()
    sign_in(client, org.wfld_admin.email)
    members = _members(_dashboard(client, board))
    assert members["Omar Khan"] == ("At risk", ["Assessor over capacity"])
    assert "Assessor over capacity" in members["Priya Sandhu"][1]


def test_the_figures(client, org, board):
    sign_in(client, org.wfld_admin.email)
    figures = _dashboard(client, board).soup
    assert figures.select_one("#figure-started").get_text(strip=True) == "5"
    assert figures.select_one("#figure-completing").get_text(strip=True) == "1"
    assert "Completing in 2026/27" in figures.select_one("#figures").get_text()
    assert figures.select_one("#figure-passed").get_text(strip=True) == "1"
    assert figures.select_one("#figure-progressed").get_text(strip=True) == "1"
    assert figures.select_one("#figure-withdrawn").get_text(strip=True) == "1"


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("?progress=at_risk", {"Priya Sandhu"}),
        ("?progress=finished", {"=cmd| Lee", "Cara Diaz"}),
        ("?status=withdrawn", {"=cmd| Lee"}),
        ("?assessor={quinn}", {"Priya Sandhu", "Omar Khan", "Cara Diaz"}),
        ("?team={team_b}", {"Nina Obi", "=cmd| Lee"}),
        ("?team={team_b}&progress=overdue", {"Nina Obi"}),
        (
            "?progress=nonsense&team=x",
            {"Priya Sandhu", "Nina Obi", "Omar Khan", "=cmd| Lee", "Cara Diaz"},
        ),
    ],
)
def test_filters(client, org, board, query, names):
    sign_in(client, org.wfld_admin.email)
    shown = _dashboard(client, board, query.format(quinn=board.quinn, team_b=board.team_b))
    assert set(_members(shown)) == names


def test_no_member_matching_says_so(client, org, board):
    sign_in(client, org.wfld_admin.email)
    shown = _dashboard(client, board, "?status=paused")
    assert shown.soup.select_one("#member-table") is None
    assert "No members match these filters." in shown.text()


def test_the_chart_has_a_title_a_description_and_a_table(client, org, board):
    sign_in(client, org.wfld_admin.email)
    soup = _dashboard(client, board).soup
    chart = soup.select_one("svg#progress-chart")
    assert chart["role"] == "img"
    assert chart.title.get_text() == "ASYE September 2026: progress by review point"
    assert "Support and assessment agreement: 1 signed off, 1 submitted, 3 not yet." in (
        chart.desc.get_text()
    )
    rows = {
        r.th.get_text(strip=True): [td.get_text(strip=True) for td in r.find_all("td")]
        for r in soup.select("#chart-table tbody tr")
    }
    assert rows["Support and assessment agreement"] == ["1", "1", "3"]
    assert rows["3-month review"] == ["0", "0", "5"]
    # The chart follows the filters.
    filtered = _dashboard(client, board, "?progress=on_track").soup
    agreement = filtered.select("#chart-table tbody tr")[0]
    assert [td.get_text(strip=True) for td in agreement.find_all("td")] == ["0", "1", "0"]


def _csv(client, board: Board, query: str = "") -> list[list[str]]:  # noqa: ANN001
    response = client.get(f"/programmes/cohorts/{board.cohort}/dashboard.csv{query}")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def test_the_csv_has_a_row_per_member_shown(client, org, board):
    sign_in(client, org.wfld_admin.email)
    shown = _dashboard(client, board, f"?assessor={board.quinn}")
    href = shown.soup.select_one("#download-csv")["href"]
    assert href == f"/programmes/cohorts/{board.cohort}/dashboard.csv?assessor={board.quinn}"
    header, *rows = _csv(client, board)
    assert header[:10] == [
        "Name",
        "Employee number",
        "Team",
        "Assessor",
        "Start date",
        "Status",
        "Progress",
        "Reasons",
        "Next review point",
        "Next review due",
    ]
    assert header[10:] == [
        "Support and assessment agreement",
        "3-month review",
        "6-month review",
        "9-month review",
        "Final review",
        "Internal moderation panel",
    ]
    by_name = {row[0]: row for row in rows}
    assert len(rows) == 5
    assert by_name["Cara Diaz"][6:10] == ["Finished", "Completed", "", ""], "no next review"
    priya = by_name["Priya Sandhu"]
    assert priya[2:10] == [
        "Access and Assessment",
        "Quinn Abara",
        "2026-09-01",
        "Active",
        "At risk",
        "Evidence short: 1 of 2 development plans, 0 of 1 direct observations; "
        "2 supervisions missed in weeks 3–6",
        "3-month review",
        "2026-12-01",
    ]
    assert priya[10:12] == ["Signed off", "Not started"]
    assert by_name["Nina Obi"][10] == "Not started (overdue)"
    only_quinn = _csv(client, board, f"?assessor={board.quinn}")[1:]
    assert {row[0] for row in only_quinn} == {"Priya Sandhu", "Omar Khan", "Cara Diaz"}


def test_csv_cells_a_spreadsheet_would_run_are_plain_text(client, org, board):
    sign_in(client, org.wfld_admin.email)
    names = [row[0] for row in _csv(client, board)[1:]]
    assert "'=cmd| Lee" in names
    assert "=cmd| Lee" not in names


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("wfld_admin", 200),
        ("line_manager", 200),  # the cohort's coordinator
        ("practitioner", 404),  # a member
        ("other_practitioner", 404),  # an assessor in the cohort
        ("senior_manager", 404),
    ],
)
def test_who_may_see_the_dashboard(client, org, board, persona, status):
    sign_in(client, getattr(org, persona).email)
    assert client.get(f"/programmes/cohorts/{board.cohort}/dashboard").status_code == status
    assert client.get(f"/programmes/cohorts/{board.cohort}/dashboard.csv").status_code == status


def test_a_coordinator_outside_the_wfld_team_gets_links_only_to_portfolios_they_may_open(
    client, org, board
):
    sign_in(client, org.line_manager.email)  # the coordinator, and Priya's line manager
    rows = _dashboard(client, board).soup.select("#member-table tbody tr")
    linked = {r.th.a.get_text(strip=True) for r in rows if r.th.a is not None}
    assert linked == {"Priya Sandhu"}
    assert len(rows) == 5
    shown = _dashboard(client, board).soup
    assert shown.select_one("form#bundle"), "the coordinator asks for the moderation bundle"
    assert shown.select_one(f"a[href='/programmes/cohorts/{board.cohort}']") is None


def test_an_unknown_cohort_is_not_found(client, org, board):
    sign_in(client, org.wfld_admin.email)
    assert client.get("/programmes/cohorts/999999/dashboard").status_code == 404
    assert client.get("/programmes/cohorts/999999/dashboard.csv").status_code == 404


def test_the_builder_matches_the_page(app, org, board):
    with app.app_context():
        built = dashboard.build_dashboard(
            db.session.get(Cohort, board.cohort),
            filters=dashboard.Filters(progress=Progress.OVERDUE),
            today=NOW.date(),
        )
        assert [m.enrolment.staff.full_name for m in built.members] == ["Nina Obi"]
        assert built.total == 5
        assert db.session.get(StaffMember, built.members[0].enrolment.staff_id).last_name == "Obi"


# Programme figures ---------------------------------------------------------------------------


def test_programme_figures_for_senior_managers(app, client, org, board):
    with app.app_context():
        other = make_cohort(intake="Step Up January 2026")
        person = make_staff(
            "Sam",
            "Tan",
            team=db.session.get(Team, org.team_a),
            role=db.session.get(JobRole, org.role_social_worker),
        )
        make_enrolment(
            person.id, assessor_id=board.quinn, cohort=other
        ).status = EnrolmentStatus.WITHDRAWN
        db.session.commit()
    sign_in(client, org.senior_manager.email)
    response = client.get("/programmes/figures")
    assert response.status_code == 200
    soup = page(response).soup
    rows = {
        r.th.contents[0].strip(): [td.get_text(strip=True) for td in r.find_all("td")]
        for r in soup.select("#figures tbody tr")
    }
    # Members, started, completing in 2026/27, passed, progressed, withdrawn.
    assert rows["ASYE September 2026"] == ["5", "5", "1", "1", "1", "1"]
    assert rows["Step Up January 2026"] == ["1", "1", "0", "0", "0", "1"]
    total = [td.get_text(strip=True) for td in soup.select("#figures-total td")]
    assert total == ["6", "6", "1", "1", "1", "2"]


@pytest.mark.parametrize(
    ("persona", "status"), [("wfld_admin", 200), ("practitioner", 403), ("line_manager", 403)]
)
def test_who_may_see_the_programme_figures(client, org, board, persona, status):
    sign_in(client, getattr(org, persona).email)
    assert client.get("/programmes/figures").status_code == status
