"""People's profiles and the read-only directory."""

from __future__ import annotations

from tests.helpers import page, sign_in


def test_senior_manager_browses_everyone_read_only(client, org):
    sign_in(client, org.senior_manager.email)
    directory = page(client.get("/people?q=Abara"))
    assert directory.h1 == "People"
    links = [a["href"] for a in directory.soup.select("table a")]
    assert links == [f"/people/{org.other_practitioner.staff_id}"]
    profile = page(client.get(f"/people/{org.other_practitioner.staff_id}"))
    assert profile.h1 == "Quinn Abara"
    assert not profile.soup.select("a[href*='/edit']"), "no way to change anything"


def test_directory_is_not_for_practitioners_or_line_managers(client, org):
    sign_in(client, org.line_manager.email)
    assert client.get("/people").status_code == 403


def test_line_manager_sees_reports_on_home_and_their_profiles(client, org):
    sign_in(client, org.line_manager.email)
    home = page(client.get("/"))
    report_links = [a["href"] for a in home.soup.select("table a")]
    assert report_links == [f"/people/{org.practitioner.staff_id}"]
    profile = page(client.get(report_links[0]))
    assert "You are Priya’s line manager." in profile.text()


def test_head_of_service_sees_people_further_down_the_chain(client, org):
    """The senior manager also manages the team managers: their reports are in the chain."""
    sign_in(client, org.senior_manager.email)
    profile = page(client.get(f"/people/{org.practitioner.staff_id}"))
    assert "in your line management chain" in profile.text()


def test_practitioner_sees_their_manager_but_not_colleagues(client, org):
    sign_in(client, org.practitioner.email)
    home = page(client.get("/"))
    assert "Marcus Lindqvist" in home.text()
    assert client.get(f"/people/{org.line_manager.staff_id}").status_code == 404
    assert client.get(f"/people/{org.other_practitioner.staff_id}").status_code == 404


def test_every_link_on_a_home_page_opens(client, org):
    """A link the policy would refuse is never shown."""
    for person in (
        org.practitioner,
        org.line_manager,
        org.senior_manager,
        org.wfld_admin,
        org.system_admin,
    ):
        sign_in(client, person.email)
        home = page(client.get("/"))
        for link in home.soup.select("main a[href^='/']"):
            assert client.get(link["href"]).status_code == 200, (person.email, link["href"])
        client.delete_cookie("wfld_session")
