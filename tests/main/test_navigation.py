"""The service navigation: which links each persona sees, in which order, and which one is
marked as the section of the page. Written from what the layout showed before the navigation
moved into one module (wfld/main/navigation.py), so the move changed nothing anyone sees."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from flask import Flask, url_for
from flask.testing import FlaskClient

from tests.factories import make_role, make_staff, make_user
from tests.helpers import sign_in
from wfld.accounts.roles import Role
from wfld.extensions import db
from wfld.organisation.models import Regulator, StaffMember, Team

EVERYONE = [
    "Home",
    "My learning",
    "My CPD",
    "My development plan",
    "Supervision",
    "Course catalogue",
    "Frameworks",
]
# Persona → the menu's labels, in order. An NQSW in their first year sees what any
# practitioner sees (My programme appears once they are enrolled on one: see below); a system
# account with no staff record has no learning, CPD or supervision of its own.
EXPECTED = {
    "practitioner": EVERYONE,
    "nqsw": EVERYONE,
    "line_manager": [*EVERYONE, "Team learning", "Team appraisals"],
    "senior_manager": [
        *EVERYONE,
        "Team learning",
        "Service compliance",
        "Team appraisals",
        "Appraisals",
        "People",
    ],
    "wfld_admin": [
        *EVERYONE,
        "Service compliance",
        "Pathways",
        "Programmes",
        "Appraisals",
        "People",
        "Organisation admin",
    ],
    "system_admin": [*EVERYONE, "Service compliance", "Pathways", "People", "Organisation admin"],
    "system_account": [
        "Home",
        "Course catalogue",
        "Frameworks",
        "Service compliance",
        "Pathways",
        "People",
        "Organisation admin",
    ],
}
# Everyone signed in has their downloads (the files background jobs made for them), last.
EXPECTED = {persona: [*labels, "Your downloads"] for persona, labels in EXPECTED.items()}
# Where each label leads (as endpoints: the catalogue's URLs moved with its package).
ENDPOINTS = {
    "Home": "main.home",
    "My learning": "learning.my_learning",
    "My CPD": "cpd.my_cpd",
    "Course catalogue": "catalogue.list_activities",
    "Frameworks": "frameworks.list_frameworks",
    "Team learning": "learning.team_compliance",
    "Service compliance": "learning.service_compliance",
    "Pathways": "learning.list_pathways",
    "People": "people.directory",
    "Organisation admin": "admin.index",
    "Supervision": "supervision.my_supervision",
    "Programmes": "programmes.list_cohorts",
    "My programme": "programmes.my_programme",
    "My development plan": "appraisal.my_plan",
    "Team appraisals": "appraisal.team_appraisals",
    "Appraisals": "appraisal.completion",
    "Your downloads": "downloads.list_downloads",
}


def _hrefs(app: Flask, labels: list[str]) -> list[str]:
    with app.test_request_context():
        return [url_for(ENDPOINTS[label]) for label in labels]


def _email(app: Flask, org, persona: str) -> str:  # noqa: ANN001
    """The sign-in of a persona; the two the shared organisation lacks are added here."""
    if persona == "nqsw":
        with app.app_context():
            asye = make_role("Newly Qualified Social Worker (ASYE)", Regulator.SWE)
            nqsw = make_staff(
                "Noor",
                "Haddad",
                team=db.session.get(Team, org.team_a),
                role=asye,
                manager=db.session.get(StaffMember, org.line_manager.staff_id),
            )
            email = make_user(nqsw).email
            db.session.commit()
            return email
    if persona == "system_account":
        with app.app_context():
            email = make_user(roles={Role.SYSTEM_ADMIN}, email="it-support@test.example").email
            db.session.commit()
            return email
    return getattr(org, persona).email


def _menu(client: FlaskClient, url: str = "/") -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == 200, url
    menu = BeautifulSoup(response.data, "html.parser").select_one("nav[aria-label='Menu']")
    assert menu is not None
    return menu


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_each_persona_sees_their_links_in_order(
    app: Flask,
    client: FlaskClient,
    org,  # noqa: ANN001
    persona: str,
) -> None:
    assert sign_in(client, _email(app, org, persona)).status_code == 302
    links = _menu(client).select("li.govuk-service-navigation__item > a")
    assert [a.get_text(strip=True) for a in links] == EXPECTED[persona]
    hrefs = _hrefs(app, EXPECTED[persona])
    assert [a["href"] for a in links] == hrefs
    # A link shown is a page allowed.
    for label, href in zip(EXPECTED[persona], hrefs, strict=True):
        assert client.get(href).status_code == 200, f"{persona}: {label}"


def test_the_current_section_is_marked_once_with_the_components_markup(
    app: Flask,
    client: FlaskClient,
    org,  # noqa: ANN001
) -> None:
    sign_in(client, org.wfld_admin.email)
    (catalogue,) = _hrefs(app, ["Course catalogue"])
    for url, label in (
        ("/", "Home"),
        ("/accessibility", "Home"),
        ("/cpd/me", "My CPD"),
        (catalogue, "Course catalogue"),
        ("/frameworks", "Frameworks"),
        ("/learning/pathways/new", "Pathways"),
        ("/learning/expected-levels", "Pathways"),
        ("/catalogue/certificates", "Pathways"),
        # The catalogue's page for sending a certificate belongs to My learning, its way in.
        ("/catalogue/certificates/new", "My learning"),
        ("/people", "People"),
        ("/admin/teams", "Organisation admin"),
        ("/downloads", "Your downloads"),
    ):
        menu = _menu(client, url)
        active = menu.select("li.govuk-service-navigation__item--active")
        assert len(active) == 1, url
        link = active[0].find("a")
        assert link["aria-current"] == "true", url
        # Without the component's CSS the section still stands out (its fallback).
        assert link.find("strong", class_="govuk-service-navigation__active-fallback"), url
        assert link.get_text(strip=True) == label, url
        assert len(menu.select("a[aria-current]")) == 1, url


def test_nobody_signed_in_sees_no_menu(client: FlaskClient) -> None:
    soup = BeautifulSoup(client.get("/sign-in").data, "html.parser")
    assert soup.select_one("nav[aria-label='Menu']") is None
    assert soup.select_one(".govuk-service-navigation__service-name a")["href"] == "/"


def test_my_programme_is_in_the_menu_of_people_on_a_programme(app: Flask, client: FlaskClient, org):  # noqa: ANN001
    """Most staff are never on a programme: the link appears for those who are. The answer is
    kept in the session for MENU_RECHECK_SECONDS, so someone enrolled while signed in sees it
    once that has passed (or when they next sign in)."""
    import datetime as dt

    from tests.factories import NOW
    from tests.programmes.builders import make_enrolment
    from wfld.core import clock
    from wfld.programmes.permissions import MENU_RECHECK_SECONDS

    def labels(url: str = "/") -> list[str]:
        menu = _menu(client, url)
        return [
            a.get_text(strip=True) for a in menu.select("li.govuk-service-navigation__item > a")
        ]

    clock.freeze(NOW)
    try:
        assert sign_in(client, org.practitioner.email).status_code == 302
        assert "My programme" not in labels()
        with app.app_context():
            make_enrolment(org.practitioner.staff_id, assessor_id=org.line_manager.staff_id)
            db.session.commit()
        assert "My programme" not in labels(), "kept from sign-in until the recheck"
        clock.freeze(NOW + dt.timedelta(seconds=MENU_RECHECK_SECONDS + 1))
        assert labels("/programmes/me")[:4] == ["Home", "My learning", "My CPD", "My programme"]
        current = _menu(client, "/programmes/me").select_one("[aria-current]")
        assert current is not None and current.get_text(strip=True) == "My programme"
    finally:
        clock.freeze(None)
