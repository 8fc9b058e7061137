"""Learning's needs provider: each source, the period's boundaries, the scope, and the tally
equal to the needs it counts; the home page's attention items equal the tally.

Frozen clock: 23 November 2026. Mo manages P1 (in the role since 2020) and P2 (since
1 November 2026); all three have the "Needs Tester" role's pathway:
- Alpha, mandatory, due 30 days after taking the role, never renewed;
- Bravo and Charlie, mandatory, renewed every 12 months, no first deadline;
- Echo, recommended, no deadline;
- Foxtrot, mandatory, done once for good;
- a framework statement, mandatory, due 30 days after taking the role, met by either of two
  activities (Golf One, Golf Two).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.factories import NOW, TODAY, make_role, make_staff, make_user
from tests.frameworks.builders import nested_doc
from tests.helpers import page, sign_in
from wfld import needs_providers
from wfld.accounts.models import User
from wfld.catalogue.models import (
    Booking,
    BookingStatus,
    Completion,
    CompletionSource,
    CompletionStatus,
    DeliveryMode,
    LearningActivity,
    LearningSession,
    Provider,
)
from wfld.core import clock
from wfld.core.needs import (
    LATE,
    NeedsProvider,
    Period,
    Priority,
    Source,
    State,
    Target,
    tally_of,
)
from wfld.extensions import db
from wfld.frameworks import queries as framework_queries
from wfld.frameworks import services as framework_services
from wfld.learning import services
from wfld.learning.models import Stage
from wfld.learning.needs import PROVIDER
from wfld.organisation.models import StaffMember, Team
from wfld.organisation.scopes import Purpose, StaffScope, system_scope, visible_scope

SIXTY_DAYS = Period.next_days(TODAY, 60)  # to 22 January 2027


@pytest.fixture(autouse=True)
def frozen_clock():  # noqa: ANN201
    clock.freeze(NOW)
    yield
    clock.freeze(None)


def _activity(title: str, validity: int | None = None) -> LearningActivity:
    activity = LearningActivity(
        title=title,
        category="Mandatory",
        delivery_mode=DeliveryMode.CLASSROOM,
        provider=Provider.IN_HOUSE,
        duration_hours=Decimal("2"),
        validity_months=validity,
        is_active=True,
        created_at=NOW,
    )
    db.session.add(activity)
    db.session.flush()
    return activity


def _complete(staff: StaffMember, activity: LearningActivity, on: dt.date) -> None:
    db.session.add(
        Completion(
            staff_id=staff.id,
            activity_id=activity.id,
            completed_on=on,
            source=CompletionSource.MANUAL,
            status=CompletionStatus.VERIFIED,
            recorded_at=NOW,
        )
    )


@pytest.fixture
def team(app, org):  # noqa: ANN001, ANN201
    with app.app_context():
        role = make_role("Needs Tester")
        where = db.session.get(Team, org.team_b)
        mo = make_staff("Mo", "Tester", team=where, role=role)
        p1 = make_staff("Pat", "One", team=where, role=role, manager=mo)
        p2 = make_staff(
            "Pam", "Two", team=where, role=role, manager=mo, start_date=dt.date(2026, 11, 1)
        )
        user = make_user(mo)
        activities = {
            name: _activity(title, validity)
            for name, title, validity in [
                ("a", "Alpha Induction", None),
                ("b", "Bravo Renewal", 12),
                ("c", "Charlie Renewal", 12),
                ("e", "Echo Recommended", None),
                ("f", "Foxtrot Once", None),
            ]
        }
        framework_services.import_document(nested_doc("NEEDS-FW"), actor=None, now=NOW)
        version = framework_queries.find_framework_by_code("NEEDS-FW").versions[0]
        statement = framework_queries.find_item_by_code(version.id, "1.2")
        golf = [_activity("Golf One"), _activity("Golf Two")]
        for activity in golf:
            activity.framework_items.append(statement)
        pathway = services.create_pathway(
            name="Needs pathway", description=None, roles=[role], actor=None, now=NOW
        )
        for name, mandatory, due in [
            ("a", True, 30),
            ("b", True, None),
            ("c", True, None),
            ("e", False, None),
            ("f", True, None),
        ]:
            services.add_requirement(
                pathway=pathway,
                stage=Stage.MANDATORY,
                activity=activities[name],
                framework_item=None,
                is_mandatory=mandatory,
                due_within_days=due,
                renewal_months=None,
                actor=None,
                now=NOW,
            )
        services.add_requirement(
            pathway=pathway,
            stage=Stage.MANDATORY,
            activity=None,
            framework_item=statement,
            is_mandatory=True,
            due_within_days=30,
            renewal_months=None,
            actor=None,
            now=NOW,
        )
        _complete(mo, golf[1], dt.date(2021, 5, 1))  # either activity meets the statement
        _complete(p1, activities["b"], dt.date(2025, 11, 1))  # expired 1 November 2026
        _complete(p1, activities["c"], dt.date(2026, 1, 10))  # expires 10 January 2027
        _complete(p1, activities["f"], dt.date(2021, 1, 1))
        _complete(mo, activities["a"], dt.date(2020, 3, 1))
        _complete(mo, activities["c"], dt.date(2026, 1, 5))  # expires 5 January 2027
        _complete(mo, activities["f"], dt.date(2021, 1, 1))
        session = LearningSession(
            activity_id=activities["a"].id,
            starts_at=NOW + dt.timedelta(days=14),
            ends_at=NOW + dt.timedelta(days=14, hours=2),
            venue="Civic Offices",
            capacity=10,
            created_at=NOW,
        )
        db.session.add(session)
        db.session.flush()
        # P1 books Alpha, long overdue: still overdue (booked, late).
        db.session.add(
            Booking(
                session_id=session.id,
                staff_id=p1.id,
                status=BookingStatus.BOOKED,
                requested_at=NOW,
            )
        )
        db.session.commit()
        return {
            "mo": mo.id,
            "p1": p1.id,
            "p2": p2.id,
            "user": user.id,
            "email": user.email,
            "item": Target(framework_item_id=statement.id),
            **{name: Target(activity_id=a.id) for name, a in activities.items()},
        }


def _scope(team: dict, purpose: Purpose) -> StaffScope:
    return visible_scope(db.session.get(User, team["user"]), TODAY, purpose)


def _rows(needs) -> set[tuple]:  # noqa: ANN001
    return {(n.staff_id, n.target, n.source, n.priority, n.state, n.needed_by) for n in needs}


def test_each_source_from_the_rules(app, team):
    d = dt.date
    m, p1, p2 = team["mo"], team["p1"], team["p2"]
    a, b, c, e, f = (team[k] for k in "abcef")
    item = team["item"]
    mandatory, development = Priority.MANDATORY, Priority.DEVELOPMENT
    with app.app_context():
        needs = PROVIDER.needs(_scope(team, Purpose.SELF_AND_TEAM), SIXTY_DAYS, now=NOW)
        assert _rows(needs) == {
            (p1, a, Source.OVERDUE, mandatory, State.BOOKED, d(2020, 2, 5)),
            (p1, b, Source.EXPIRED, mandatory, State.OPEN, d(2026, 11, 1)),
            (p1, c, Source.EXPIRING, mandatory, State.OPEN, d(2027, 1, 10)),
            (p1, e, Source.NOT_STARTED, development, State.OPEN, None),
            (p1, item, Source.OVERDUE, mandatory, State.OPEN, d(2020, 2, 5)),
            (p2, a, Source.DUE, mandatory, State.OPEN, d(2026, 12, 1)),
            (p2, b, Source.NOT_STARTED, mandatory, State.OPEN, None),
            (p2, c, Source.NOT_STARTED, mandatory, State.OPEN, None),
            (p2, e, Source.NOT_STARTED, development, State.OPEN, None),
            (p2, f, Source.NOT_STARTED, mandatory, State.OPEN, None),
            (p2, item, Source.DUE, mandatory, State.OPEN, d(2026, 12, 1)),
            (m, b, Source.NOT_STARTED, mandatory, State.OPEN, None),
            (m, c, Source.EXPIRING, mandatory, State.OPEN, d(2027, 1, 5)),
            (m, e, Source.NOT_STARTED, development, State.OPEN, None),
        }
        assert {n.title for n in needs if n.target == a} == {"Alpha Induction"}
        assert all(n.team_id is None for n in needs)


def test_the_period_decides_what_is_due_or_expiring_in_it(app, team):
    p1, p2 = team["p1"], team["p2"]
    a, c = team["a"], team["c"]

    def source_of(period: Period, staff_id: int, target: Target) -> Source | None:
        needs = PROVIDER.needs(_scope(team, Purpose.TEAM), period, now=NOW)
        found = [n.source for n in needs if n.staff_id == staff_id and n.target == target]
        return found[0] if found else None

    with app.app_context():
        # P1's Charlie expires on 10 January 2027: in a period ending that day, not the day before.
        assert source_of(Period(TODAY, dt.date(2027, 1, 10)), p1, c) is Source.EXPIRING
        assert source_of(Period(TODAY, dt.date(2027, 1, 9)), p1, c) is None
        # P2's Alpha is due on 1 December 2026.
        assert source_of(Period(TODAY, dt.date(2026, 12, 1)), p2, a) is Source.DUE
        assert source_of(Period(TODAY, dt.date(2026, 11, 30)), p2, a) is Source.NOT_STARTED
        # Overdue whatever the period.
        assert source_of(Period(TODAY, TODAY), p1, a) is Source.OVERDUE


def test_needs_stay_inside_the_scope(app, org, team):
    with app.app_context():
        mine = PROVIDER.needs(_scope(team, Purpose.SELF), SIXTY_DAYS, now=NOW)
        assert {n.staff_id for n in mine} == {team["mo"]}
        theirs = PROVIDER.needs(_scope(team, Purpose.TEAM), SIXTY_DAYS, now=NOW)
        assert {n.staff_id for n in theirs} == {team["p1"], team["p2"]}
        one = PROVIDER.needs(_scope(team, Purpose.TEAM).only(team["p2"]), SIXTY_DAYS, now=NOW)
        assert {n.staff_id for n in one} == {team["p2"]}
        # Someone else's line manager sees none of them.
        other = visible_scope(db.session.get(User, org.line_manager.user_id), TODAY, Purpose.TEAM)
        assert not [
            n
            for n in PROVIDER.needs(other, SIXTY_DAYS, now=NOW)
            if n.staff_id in {team["mo"], team["p1"], team["p2"]}
        ]


@pytest.mark.parametrize(
    "purpose", [Purpose.SELF, Purpose.TEAM, Purpose.SELF_AND_TEAM, Purpose.SYSTEM]
)
@pytest.mark.parametrize("days", [0, 7, 8, 47, 48, 60, 400])
def test_the_tally_counts_the_needs(app, team, purpose, days):
    """A system scope has no actor: everyone, Mo too, is counted in the by-role loop."""
    with app.app_context():
        if purpose is Purpose.SYSTEM:
            people = [team["mo"], team["p1"], team["p2"]]
            scope = system_scope(
                TODAY, ids=select(StaffMember.id).where(StaffMember.id.in_(people))
            )
        else:
            scope = _scope(team, purpose)
        period = Period.next_days(TODAY, days)
        needs = PROVIDER.needs(scope, period, now=NOW)
        assert PROVIDER.tally(scope, period, now=NOW) == tally_of(needs, actor_id=scope.actor_id)


def test_the_tally_counts_the_actors_own_apart(app, team):
    with app.app_context():
        tally = PROVIDER.tally(_scope(team, Purpose.SELF_AND_TEAM), SIXTY_DAYS, now=NOW)
        assert tally.count(own=True) == 3
        assert tally.count(own=False) == 11
        assert tally.count(own=False, sources=LATE) == 3
        assert tally.count(own=False, sources=LATE, states={State.BOOKED}) == 1
        assert tally.count(priorities={Priority.DEVELOPMENT}) == 3
        assert tally.by_target(own=False, sources=LATE) == {
            team["a"]: 1,
            team["b"]: 1,
            team["item"]: 1,
        }
        assert tally.titles[team["b"]] == "Bravo Renewal"
        assert tally.titles[team["item"]] == "1.2 Second statement"
        assert tally.total == 14


def test_the_registry_lists_every_provider_once(app, team):
    names = [p.name for p in needs_providers.PROVIDERS]
    assert len(names) == len(set(names))
    assert all(isinstance(p, NeedsProvider) for p in needs_providers.PROVIDERS)
    assert needs_providers.provider("learning") is PROVIDER
    with pytest.raises(KeyError):
        needs_providers.provider("nonsense")
    with app.app_context():
        scope = _scope(team, Purpose.SELF_AND_TEAM)
        everything = needs_providers.all_needs(scope, SIXTY_DAYS, now=NOW)
        assert [n.priority for n in everything] == sorted(n.priority for n in everything)
        assert needs_providers.tally(scope, SIXTY_DAYS, now=NOW) == tally_of(
            everything, actor_id=scope.actor_id
        )


def test_home_page_attention_is_the_providers_tally(app, client, team):
    days = app.config["COMPLIANCE_DUE_SOON_DAYS"]
    with app.app_context():
        scope = _scope(team, Purpose.SELF_AND_TEAM)
        tally = PROVIDER.tally(scope, Period.next_days(TODAY, days), now=NOW)
    sign_in(client, team["email"])
    home = page(client.get("/"))
    items = [
        li.get_text(" ", strip=True) for li in home.soup.select("ul[aria-labelledby=attention] li")
    ]
    soon = tally.count(own=True, sources={Source.DUE, Source.EXPIRING}, states={State.OPEN})
    assert soon == 1  # Mo's own Charlie, expiring on 5 January 2027
    assert tally.count(own=True, sources=LATE) == 0
    team_late = tally.by_target(own=False, priorities={Priority.MANDATORY}, sources=LATE)
    assert items[: 1 + len(team_late)] == [
        f"1 learning requirement is due in the next {days} days",
        # Most overdue first, then by title.
        "1 of your team is overdue 1.2 Second statement",
        "1 of your team is overdue Alpha Induction",
        "1 of your team is overdue Bravo Renewal",
    ]
    assert dict(team_late) == {team["a"]: 1, team["b"]: 1, team["item"]: 1}
