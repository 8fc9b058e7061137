"""Regulators' terms as data, with a frozen clock, on the pages and in the SQL counts.

The clock is frozen at 09:00 on 23 November 2026 (tests.factories.NOW): the Social Work England
registration year is 1 December 2025 to 30 November 2026.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.cpd.builders import make_entry
from tests.cpd.terms import SWE_TERMS, TERMS
from tests.factories import NOW, TODAY, Person
from tests.helpers import csrf_token, page, sign_in
from wfld.accounts.models import AuditEvent
from wfld.core import clock
from wfld.cpd import queries, readiness, rules
from wfld.cpd.models import CpdProfile, RegulatorTerms
from wfld.cpd.rules import ActivityType, Status
from wfld.extensions import db
from wfld.organisation.models import Regulator, StaffMember
from wfld.organisation.scopes import system_scope

PEER = "Talking it through with a practice educator changed how I weigh risk."


@pytest.fixture(autouse=True)
def frozen_clock():  # noqa: ANN201
    clock.freeze(NOW)
    yield
    clock.freeze(None)


def signed_in(app: Flask, person: Person | str) -> FlaskClient:
    client = app.test_client()
    assert sign_in(client, person if isinstance(person, str) else person.email).status_code == 302
    return client


def words(tag) -> str:  # noqa: ANN001
    return " ".join(tag.get_text(" ").split())


def set_profile(staff_id: int, **values: object) -> None:
    profile = db.session.get(CpdProfile, staff_id)
    if profile is None:
        profile = CpdProfile(staff_id=staff_id, share_all=False)
        db.session.add(profile)
    for name, value in values.items():
        setattr(profile, name, value)
    db.session.commit()


def set_regulator(staff_id: int, regulator: Regulator) -> None:
    db.session.get(StaffMember, staff_id).regulator = regulator
    db.session.commit()


# The seeded terms ------------------------------------------------------------------------------
def test_the_migration_seeds_the_terms_in_force(app):
    with app.app_context():
        assert queries.terms_on(TODAY) == TERMS
        rows = queries.list_terms_versions()
        assert sorted(r.regulator for r in rows) == ["hcpc", "nmc", "swe"]


# Social Work England: first joined on or after 1 September ---------------------------------------
@pytest.mark.parametrize(
    ("joined", "status"),
    [(dt.date(2026, 8, 31), Status.NOT_READY), (dt.date(2026, 9, 1), Status.NOT_DUE)],
)
def test_my_cpd_for_someone_who_joined_on_31_august_or_1_september(app, org, joined, status):
    with app.app_context():
        set_profile(org.practitioner.staff_id, registered_on=joined)
    mine = page(signed_in(app, org.practitioner).get("/cpd/me"))
    card = mine.soup.select_one(".govuk-summary-card")
    assert card.select_one(".govuk-tag").get_text(strip=True) == status.label
    headline = words(mine.soup.find(id="readiness-headline"))
    if status is Status.NOT_DUE:
        assert headline == (
            "You joined the register on 1 September 2026: Social Work England does not ask for "
            "CPD for this registration year. You still need to renew by 30 November 2026"
        )
    else:
        assert headline.startswith("0 pieces (2 needed)")


def _team(app: Flask, org) -> dict[str, str]:  # noqa: ANN001
    """The line manager's readiness page: counts by column, per regulator."""
    result = page(signed_in(app, org.line_manager).get("/cpd/readiness?show=all"))
    table = result.soup.select("table")[0]
    headings = [words(th) for th in table.select("thead th")][1:]
    rows = {}
    for row in table.select("tbody tr"):
        cells = [words(c) for c in row.select("th, td")]
        rows[cells[0]] = dict(zip(headings, cells[1:], strict=True))
    return rows


def test_the_manager_counts_show_someone_not_due_apart(app, org):
    with app.app_context():
        set_profile(org.practitioner.staff_id, registered_on=dt.date(2026, 10, 14))
    counts = _team(app, org)["Social Work England"]
    assert counts["Not due this year"] == "1"
    result = page(signed_in(app, org.line_manager).get("/cpd/readiness?show=all"))
    statuses = {
        words(row.select("td")[0]): words(row.select("td")[3])
        for row in result.soup.select("table")[1].select("tbody tr")
    }
    practitioner = next(v for k, v in statuses.items() if k.startswith("Priya"))
    assert practitioner.startswith("Not due this year Joined the register on 14 October 2026")


@pytest.mark.parametrize(
    "joined", [None, dt.date(2026, 8, 31), dt.date(2026, 9, 1), dt.date(2026, 11, 30)]
)
def test_the_sql_counts_agree_with_the_rule_for_an_exempt_person(app, org, joined):
    staff_id = org.practitioner.staff_id
    with app.app_context():
        make_entry(staff_id, peer=PEER, started_on=dt.date(2026, 10, 1))
        make_entry(staff_id, title="Second piece", started_on=dt.date(2026, 11, 20))
        set_profile(staff_id, registered_on=joined)
        year = rules.registration_year_for(TODAY, SWE_TERMS)
        scope = select(StaffMember.id).where(StaffMember.id == staff_id)
        [counts] = queries.swe_counts(scope, year=year, terms=SWE_TERMS)
        result = rules.swe_readiness(
            queries.entry_facts(staff_id), now=NOW, registered_on=joined, terms=SWE_TERMS
        )
        assert counts.no_cpd_needed is rules.no_cpd_needed(year, joined, SWE_TERMS)
        assert counts.pieces == len(result.counted_ids)
        by_sql = rules.swe_status(
            counts.pieces, counts.peer_pieces, terms=SWE_TERMS, no_cpd=counts.no_cpd_needed
        )
        assert by_sql is result.status
        summary = readiness.summarise(system_scope(TODAY, ids=scope), now=NOW)
        assert [p.status for p in summary.people] == [result.status]


def test_identical_pieces_count_once_on_my_cpd_and_in_the_sql_counts(app, org):
    staff_id = org.practitioner.staff_id
    with app.app_context():
        first = make_entry(staff_id, peer=PEER)
        title = first.title
        make_entry(
            staff_id,
            title=f"  {title.upper()} ",
            description=first.description.replace(" ", "  "),
        )
        scope = select(StaffMember.id).where(StaffMember.id == staff_id)
        year = rules.registration_year_for(TODAY, SWE_TERMS)
        [counts] = queries.swe_counts(scope, year=year, terms=SWE_TERMS)
        assert (counts.pieces, counts.peer_pieces) == (1, 1)
    mine = page(signed_in(app, org.practitioner).get("/cpd/me"))
    assert words(mine.soup.find(id="readiness-headline")).startswith("1 piece (2 needed)")
    problems = [words(li) for li in mine.soup.select(".govuk-summary-card .govuk-list--bullet li")]
    assert problems == [
        f"'{title.upper()}' is the same as an entry you recorded before: identical "
        "records count as one piece of CPD"
    ]


# NMC ---------------------------------------------------------------------------------------------
def _nmc_code_items(app: Flask) -> list[int]:
    """The NMC Code's four themes: the seeded framework if present, else built here."""
    from wfld.frameworks import services
    from wfld.frameworks.documents import from_dict
    from wfld.frameworks.models import Framework, FrameworkItem, FrameworkVersion

    with app.app_context():
        ids = list(
            db.session.scalars(
                select(FrameworkItem.id)
                .join(FrameworkVersion, FrameworkVersion.id == FrameworkItem.version_id)
                .join(Framework, Framework.id == FrameworkVersion.framework_id)
                .where(Framework.code == "NMC-CODE")
            )
        )
        if ids:
            return ids
        doc = {
            "code": "NMC-CODE",
            "title": "The Code",
            "custodian": "Nursing and Midwifery Council",
            "version": {
                "label": "2018",
                "status": "published",
                "items": [
                    {"code": str(n), "kind": "domain", "title": t}
                    for n, t in enumerate(
                        (
                            "Prioritise people",
                            "Practise effectively",
                            "Preserve safety",
                            "Promote professionalism and trust",
                        ),
                        start=1,
                    )
                ],
            },
        }
        version = services.import_document(from_dict(doc), actor=None, now=NOW).version
        db.session.commit()
        return [item.id for item in version.items]


def test_nmc_code_is_offered_as_tags(app, org):
    items = _nmc_code_items(app)
    with app.app_context():
        groups = {g.framework.code: g for g in queries.tag_choices(today=TODAY)}
        assert {i.id for i in groups["NMC-CODE"].items} == set(items)


def test_nmc_panel_shows_what_the_tracker_records_and_what_to_confirm_in_mynmc(app, org):
    items = _nmc_code_items(app)
    staff_id = org.practitioner.staff_id
    with app.app_context():
        set_regulator(staff_id, Regulator.NMC)
        set_profile(
            staff_id,
            revalidation_due_on=dt.date(2027, 3, 20),
            nmc_discussion_on=dt.date(2026, 10, 2),
        )
        for n in range(5):
            make_entry(
                staff_id,
                title=f"Reflective account {n}",
                hours=Decimal("7"),
                activity_type=ActivityType.COURSE,
                started_on=dt.date(2026, 6, 1) + dt.timedelta(days=n),
                tag_ids={items[n % 4]},
            )
    mine = page(signed_in(app, org.practitioner).get("/cpd/me"))
    card = mine.soup.select_one(".govuk-summary-card")
    assert card.select_one(".govuk-tag").get_text(strip=True) == "To confirm"
    assert words(card.find(id="readiness-headline")) == (
        "CPD ready for revalidation — 5 things to confirm in MyNMC — apply by 1 March 2027 "
        "(you can apply from 31 December 2026)"
    )
    headings = [words(h) for h in card.select("h3")]
    assert headings == [
        "What the tracker records",
        "What you must still confirm elsewhere (in NMC Online/MyNMC)",
    ]
    tracked = [words(li) for li in card.find(id="readiness-tracked").select("li")]
    elsewhere = [words(li) for li in card.find(id="readiness-elsewhere").select("li")]
    assert len(tracked) + len(elsewhere) == 8
    assert all(t.startswith("Met ") for t in tracked)
    assert elsewhere[0] == "To confirm 450 practice hours: confirm in MyNMC"
    assert "Ready" not in [t.get_text(strip=True) for t in card.select(".govuk-tag")]
    home = page(signed_in(app, org.practitioner).get("/"))
    assert words(home.soup.find(id="cpd-readiness")).startswith("To confirm")


def test_nmc_entries_without_a_code_tag_are_not_reflective_accounts(app, org):
    staff_id = org.practitioner.staff_id
    with app.app_context():
        set_regulator(staff_id, Regulator.NMC)
        set_profile(staff_id, revalidation_due_on=dt.date(2027, 3, 20))
        make_entry(staff_id, hours=Decimal("35"))
        result = queries.readiness_of(db.session.get(StaffMember, staff_id), now=NOW)
    assert result.status is Status.NOT_READY
    assert result.tracked_checks[1].detail.startswith("0 accounts (5 needed)")
    assert result.deadline == dt.date(2027, 3, 1)


def test_nmc_settings_record_dual_registration_and_the_discussion(app, org):
    staff_id = org.practitioner.staff_id
    with app.app_context():
        set_regulator(staff_id, Regulator.NMC)
    client = signed_in(app, org.practitioner)
    form = page(client.get("/cpd/me/settings"))
    legends = [words(lg) for lg in form.soup.select("legend")]
    assert "When did you first join your regulator's register? (optional)" in legends
    response = client.post(
        "/cpd/me/settings",
        data={
            "csrf_token": csrf_token(client, "/cpd/me/settings"),
            "share_all": "no",
            "nmc_dual_registrant": "yes",
            "nmc_discussion_on": ["2", "10", "2026"],
            "revalidation_due_on": ["20", "3", "2027"],
        },
    )
    assert response.status_code == 302
    with app.app_context():
        profile = db.session.get(CpdProfile, staff_id)
        assert profile.nmc_dual_registrant is True
        assert profile.nmc_discussion_on == dt.date(2026, 10, 2)
    mine = page(client.get("/cpd/me"))
    elsewhere = [words(li) for li in mine.soup.find(id="readiness-elsewhere").select("li")]
    assert elsewhere[0] == "To confirm 900 practice hours (dual registrant): confirm in MyNMC"


# HCPC --------------------------------------------------------------------------------------------
def test_hcpc_deadline_from_the_profession_chosen_in_settings(app, org):
    staff_id = org.practitioner.staff_id
    with app.app_context():
        set_regulator(staff_id, Regulator.HCPC)
    client = signed_in(app, org.practitioner)
    response = client.post(
        "/cpd/me/settings",
        data={
            "csrf_token": csrf_token(client, "/cpd/me/settings"),
            "share_all": "no",
            "hcpc_profession": "occupational_therapist",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        result = queries.readiness_of(db.session.get(StaffMember, staff_id), now=NOW)
    assert result.deadline == dt.date(2027, 10, 31)
    assert result.days_left == (dt.date(2027, 10, 31) - TODAY).days
    mine = page(client.get("/cpd/me"))
    assert words(mine.soup.find(id="readiness-headline")).endswith(
        "renewal for occupational therapists due by 31 October 2027"
    )
    assert "HCPC's published renewal dates" in words(mine.soup.find(id="readiness-note"))
    checks = [words(li) for li in mine.soup.select(".govuk-summary-card li")]
    assert any(
        "A mix of activities (the council reads this as 2 or more types; HCPC sets no number)" in c
        for c in checks
    )


def test_hcpc_an_unknown_profession_is_refused(app, org):
    with app.app_context():
        set_regulator(org.practitioner.staff_id, Regulator.HCPC)
    client = signed_in(app, org.practitioner)
    result = page(
        client.post(
            "/cpd/me/settings",
            data={
                "csrf_token": csrf_token(client, "/cpd/me/settings"),
                "share_all": "no",
                "hcpc_profession": "astronaut",
            },
        )
    )
    summary = result.soup.select(".govuk-error-summary a")
    assert [(a["href"], words(a)) for a in summary] == [
        ("#hcpc_profession", "Select your profession")
    ]


# The admin screen --------------------------------------------------------------------------------
TERMS_LIST = "/cpd/admin/regulator-terms"
NEW_SWE = "/cpd/admin/regulator-terms/new?regulator=swe"


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("practitioner", 403),
        ("line_manager", 403),
        ("senior_manager", 403),
        ("wfld_admin", 200),
        ("system_admin", 200),
    ],
)
@pytest.mark.parametrize("path", [TERMS_LIST, NEW_SWE])
def test_only_the_wfld_team_manage_terms(app, org, persona, status, path):
    assert signed_in(app, getattr(org, persona)).get(path).status_code == status


def test_anonymous_is_sent_to_sign_in(app):
    response = app.test_client().get(TERMS_LIST)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


def test_an_unknown_regulator_is_not_found(app, org):
    client = signed_in(app, org.wfld_admin)
    assert client.get("/cpd/admin/regulator-terms/new?regulator=gmc").status_code == 404


def test_the_list_shows_each_regulators_versions(app, org):
    result = page(signed_in(app, org.wfld_admin).get(TERMS_LIST))
    assert result.h1 == "Regulators’ CPD terms"
    assert [words(h) for h in result.soup.select("main h2")] == [
        "Social Work England",
        "Health and Care Professions Council (HCPC)",
        "Nursing and Midwifery Council (NMC)",
    ]
    assert len(result.soup.find_all(string="In force")) == 3


def _swe_form(client: FlaskClient, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "csrf_token": csrf_token(client, NEW_SWE),
        "effective_from": ["1", "12", "2027"],
        "note": "Social Work England's new CPD model, published 1 March 2027 (fictional)",
        **{f.name: str(getattr(SWE_TERMS, f.name)) for f in rules.number_fields(rules.SweTerms)},
    }
    data.update(changes)
    return data


def test_a_new_version_from_next_year_changes_the_rule_from_that_date_only(app, org):
    client = signed_in(app, org.wfld_admin)
    form = page(client.get(NEW_SWE))
    assert form.soup.find("input", attrs={"name": "pieces"})["value"] == "2"
    response = client.post(NEW_SWE, data=_swe_form(client, pieces="3"))
    assert response.status_code == 302
    staff_id = org.practitioner.staff_id
    with app.app_context():
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.event == "regulator_terms_added")
        ).one()
        assert event.details["regulator"] == "swe"
        assert event.details["effective_from"] == "2027-12-01"
        assert queries.terms_on(dt.date(2027, 11, 30)).swe.pieces == 2
        assert queries.terms_on(dt.date(2027, 12, 1)).swe.pieces == 3
        # Two pieces dated in the registration year that starts on 1 December 2027.
        for n, entry in enumerate((make_entry(staff_id, peer=PEER), make_entry(staff_id))):
            entry.title = f"Piece {n}"
            entry.started_on = dt.date(2027, 12, 2 + n)
        db.session.commit()
        staff = db.session.get(StaffMember, staff_id)
        before = queries.readiness_of(staff, now=dt.datetime(2027, 11, 30, 12, tzinfo=dt.UTC))
        after = queries.readiness_of(staff, now=dt.datetime(2027, 12, 10, 12, tzinfo=dt.UTC))
    assert before.checks[0].label.startswith("2 different pieces")
    assert after.checks[0].label.startswith("3 different pieces")
    assert after.checks[0].detail == "2 pieces (3 needed)"
    assert after.status is Status.NOT_READY
    listed = page(client.get(TERMS_LIST))
    assert "From 1 December 2027" in listed.text()


def test_a_version_may_not_start_today_or_earlier(app, org):
    client = signed_in(app, org.wfld_admin)
    result = page(
        client.post(
            NEW_SWE,
            data=_swe_form(
                client,
                effective_from=[str(TODAY.day), str(TODAY.month), str(TODAY.year)],
                peer_pieces="5",
                note="",
            ),
        )
    )
    summary = [(a["href"], words(a)) for a in result.soup.select(".govuk-error-summary a")]
    assert ("#effective_from-day", "The date the new terms apply from must be in the future") in (
        summary
    )
    assert ("#note", "Enter what changed and where it is published") in summary
    assert ("#peer_pieces", "Pieces with a peer reflection must be no more than the pieces") in (
        summary
    )
    with app.app_context():
        assert db.session.scalar(select(db.func.count(RegulatorTerms.id))) == 3


def test_a_number_out_of_range_is_refused(app, org):
    client = signed_in(app, org.wfld_admin)
    result = page(client.post(NEW_SWE, data=_swe_form(client, pieces="99", window_opens_day="x")))
    summary = dict((a["href"], words(a)) for a in result.soup.select(".govuk-error-summary a"))
    assert summary["#pieces"] == "Pieces of CPD in a registration year must be between 0 and 20"
    assert summary["#window_opens_day"] == ("Enter renewal opens: day as a whole number, like 2")
