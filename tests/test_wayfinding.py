"""Wayfinding on every page: each inner page (all but the home page and sign-in) has
breadcrumbs or a back link; every table scrolls in its own focusable, named region, so no page
scrolls sideways on a phone; the navigation offers team learning, service compliance and
pathways to exactly the people the pages let in.

Every GET route is visited, as the first persona it answers 200 to, with the records of the
authorisation table (tests/test_authorisation.py), so a new page is checked without being listed.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from flask import Flask, url_for

from tests.helpers import sign_in
from tests.test_authorisation import TABLE, _record_id, _url, records  # noqa: F401 - a fixture

# The pages that start a journey: no breadcrumbs or back link.
TOP_PAGES = {"main.home", "accounts.sign_in"}
# Tried in this order: the first persona a page answers 200 to is the one it is checked as.
PERSONAS = ("system_admin", "wfld_admin", "line_manager", "practitioner", "senior_manager")
NOT_PAGES = {"static", "main.healthz"}


def _get_rules(app: Flask) -> list:  # noqa: ANN001
    return sorted(
        (
            rule
            for rule in app.url_map.iter_rules()
            if "GET" in rule.methods and rule.endpoint not in NOT_PAGES
        ),
        key=lambda rule: rule.endpoint,
    )


@pytest.fixture
def clients(app: Flask, org):  # noqa: ANN001, ANN201
    signed_in = {}
    for persona in PERSONAS:
        client = app.test_client()
        assert sign_in(client, getattr(org, persona).email).status_code == 302
        signed_in[persona] = client
    return signed_in


def _candidates(app: Flask, org, recs, rule) -> list[tuple[str, str]]:  # noqa: ANN001
    """(persona, url) pairs to try for a rule: its own and other record for each persona."""
    if not rule.arguments:
        with app.test_request_context():
            url = url_for(rule.endpoint)
        return [(persona, url) for persona in PERSONAS]
    pairs = []
    for persona in PERSONAS:
        for which, status in zip(("own", "other"), TABLE[rule.endpoint][persona], strict=True):
            if status == 200:
                record_id = _record_id(app, org, recs, rule.endpoint, which)
                pairs.append((persona, _url(app, rule.endpoint, record_id)))
    return pairs


def _html_pages(app: Flask, org, recs, clients) -> dict[str, tuple[str, str, BeautifulSoup]]:  # noqa: ANN001
    """endpoint -> (persona, url, parsed page) for every GET route that is an HTML page."""
    pages = {}
    for rule in _get_rules(app):
        for persona, url in _candidates(app, org, recs, rule):
            response = clients[persona].get(url)
            if response.status_code == 200:
                if response.mimetype == "text/html":
                    pages[rule.endpoint] = (
                        persona,
                        url,
                        BeautifulSoup(response.data, "html.parser"),
                    )
                break
    # One requirement's people: the compliance pages' drill-down, linked from their tables.
    for endpoint in ("learning.service_compliance", "learning.team_compliance"):
        persona, _, soup = pages[endpoint]
        link = soup.select_one("main a[href*='requirement=']")
        assert link is not None, f"{endpoint} has no drill-down link to check"
        url = link["href"]
        response = clients[persona].get(url)
        assert response.status_code == 200, url
        pages[f"{endpoint} (drill-down)"] = (
            persona,
            url,
            BeautifulSoup(response.data, "html.parser"),
        )
    return pages


def _no_wayfinding(endpoint: str, url: str, soup: BeautifulSoup) -> list[str]:
    """An inner page without breadcrumbs or a back link; a home page with them; breadcrumbs
    that do not start at Home or that link the page itself."""
    if endpoint in TOP_PAGES:
        found = soup.select(".govuk-breadcrumbs, .govuk-back-link")
        return [f"{endpoint}: a top page with breadcrumbs or a back link"] if found else []
    if not soup.select(".govuk-breadcrumbs a[href], a.govuk-back-link[href]"):
        return [f"{endpoint} ({url}): no breadcrumbs or back link"]
    trail = soup.select(".govuk-breadcrumbs a")
    problems = []
    if trail and (trail[0].get_text(strip=True), trail[0]["href"]) != ("Home", "/"):
        problems.append(f"{endpoint}: the breadcrumbs do not start at Home")
    here = urlsplit(url)
    for link in trail:
        there = urlsplit(link["href"])
        if (there.path, parse_qs(there.query)) == (here.path, parse_qs(here.query)):
            problems.append(f"{endpoint}: the breadcrumbs link the page itself")
    return problems


def _wide_tables(endpoint: str, url: str, soup: BeautifulSoup) -> list[str]:
    """Tables outside a focusable, named scroll region (they would widen the page on a phone)."""
    problems = []
    for table in soup.select("table"):
        region = table.find_parent("div", class_="app-scroll-region")
        if (
            region is None
            or region.get("role") != "region"
            or region.get("tabindex") != "0"
            or not region.get("aria-label", "").strip()
        ):
            problems.append(f"{endpoint} ({url}): a table outside a scroll region")
    return problems


def test_every_page_has_wayfinding_and_its_tables_scroll_in_a_region(
    app: Flask,
    org,  # noqa: ANN001
    records,  # noqa: ANN001, F811
    clients,  # noqa: ANN001
) -> None:
    pages = _html_pages(app, org, records, clients)
    assert len(pages) >= 60, f"only {len(pages)} pages were reached: {sorted(pages)}"
    assert "main.home" in pages
    problems = [
        problem
        for endpoint, (_, url, soup) in pages.items()
        for check in (_no_wayfinding, _wide_tables)
        for problem in check(endpoint, url, soup)
    ]
    assert problems == []


# The navigation ---------------------------------------------------------------------------
NAV_LINKS = {
    "Team learning": "/learning/team",
    "Service compliance": "/learning/compliance",
    "Pathways": "/learning/pathways",
}
# Who uses which page (the views' access decorators decide; the navigation must agree).
EXPECTED_NAV = {
    "practitioner": set(),
    "line_manager": {"Team learning"},
    "senior_manager": {"Team learning", "Service compliance"},  # manages the line managers
    "wfld_admin": {"Service compliance", "Pathways"},
    "system_admin": {"Service compliance", "Pathways"},
}


@pytest.mark.parametrize("persona", sorted(EXPECTED_NAV))
def test_the_navigation_offers_the_reports_each_person_may_open(client, org, persona) -> None:
    sign_in(client, getattr(org, persona).email)
    soup = BeautifulSoup(client.get("/").data, "html.parser")
    menu = soup.select_one("nav[aria-label='Menu']")
    shown = {
        text
        for text, href in NAV_LINKS.items()
        if menu.find("a", href=href, string=lambda s, t=text: s and s.strip() == t)
    }
    assert shown == EXPECTED_NAV[persona]
    # A link shown is a page allowed, and a page allowed is a link shown.
    for text, href in NAV_LINKS.items():
        status = client.get(href).status_code
        assert (status == 200) == (text in shown), f"{persona}: {href} answered {status}"


def test_the_navigation_marks_the_section_of_the_page(client, org, records) -> None:  # noqa: ANN001, F811
    sign_in(client, org.wfld_admin.email)
    pathway = records.pathways[0]
    for url, label in (
        ("/learning/pathways", "Pathways"),
        (f"/learning/pathways/{pathway}", "Pathways"),
        ("/learning/compliance", "Service compliance"),
        ("/learning/me", "My learning"),
    ):
        soup = BeautifulSoup(client.get(url).data, "html.parser")
        current = soup.select("nav[aria-label='Menu'] a[aria-current]")
        assert [a.get_text(strip=True) for a in current] == [label], url


def test_sign_out_is_in_the_header_for_everyone_signed_in(client, org) -> None:
    sign_in(client, org.practitioner.email)
    soup = BeautifulSoup(client.get("/").data, "html.parser")
    form = soup.select_one("header.govuk-header form[action='/sign-out'][method='post']")
    assert form is not None
    assert form.find("button", string=lambda s: s and s.strip() == "Sign out")
    assert form.find("input", attrs={"name": "csrf_token"})
