"""The authorisation table: who gets what from every route that takes a record id.

Every URL rule with an argument must appear in TABLE, so a new id route cannot be added
without deciding (and testing) who may reach it. Each case answers a GET for an "own"
record (the practitioner, team A, the social worker role) and for an "other" record (the
other practitioner in team B, outside the line manager's chain; team B; the family
support worker role).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from flask import Flask, url_for

from tests.helpers import sign_in

PERSONAS = (
    "anonymous",
    "practitioner",
    "line_manager",
    "senior_manager",
    "wfld_admin",
    "system_admin",
)

ANON = {"anonymous": (302, 302)}
HIDDEN = (404, 404)
SEEN = (200, 200)

# Everyone but the WFLD admin and the system admin is told "not found", so ids cannot be probed.
ORGANISATION_ADMIN = {
    **ANON,
    "practitioner": HIDDEN,
    "line_manager": HIDDEN,
    "senior_manager": HIDDEN,
    "wfld_admin": SEEN,
    "system_admin": SEEN,
}
ACCOUNTS_ADMIN = {
    **ANON,
    "practitioner": HIDDEN,
    "line_manager": HIDDEN,
    "senior_manager": HIDDEN,
    "wfld_admin": HIDDEN,
    "system_admin": SEEN,
}

# endpoint -> persona -> (status for the own record, status for the other record), for a GET.
TABLE: dict[str, dict[str, tuple[int, int]]] = {
    "people.profile": {
        **ANON,
        "practitioner": (200, 404),  # themselves; not a stranger
        "line_manager": (200, 404),  # their direct report; not someone outside their chain
        "senior_manager": SEEN,
        "wfld_admin": SEEN,
        "system_admin": SEEN,
    },
    "admin.view_team": ORGANISATION_ADMIN,
    "admin.edit_team": ORGANISATION_ADMIN,
    "admin.change_team_status": ORGANISATION_ADMIN,
    "admin.edit_job_role": ORGANISATION_ADMIN,
    "admin.change_job_role_status": ORGANISATION_ADMIN,
    "admin.view_staff": ORGANISATION_ADMIN,
    "admin.edit_staff": ORGANISATION_ADMIN,
    "admin.record_leaver": ORGANISATION_ADMIN,
    "admin.edit_account": ACCOUNTS_ADMIN,
}

# URL argument -> the org fixture's (own record id, other record id).
RECORD_ARGUMENTS = {
    "staff_id": lambda org: (org.practitioner.staff_id, org.other_practitioner.staff_id),
    "team_id": lambda org: (org.team_a, org.team_b),
    "job_role_id": lambda org: (org.role_social_worker, org.role_family_worker),
}
ACTION_ARGUMENT = "action"
MISSING_ID = 999_999


def _rules_with_arguments(app: Flask) -> dict:
    return {
        rule.endpoint: rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static" and "<" in rule.rule
    }


def _first_action(rule) -> str:  # noqa: ANN001 - a werkzeug Rule
    """The first value of the rule's any(...) converter, e.g. close or retire."""
    match = re.search(r"<any\(([^)]*)\):" + ACTION_ARGUMENT + ">", rule.rule)
    assert match, f"{rule.rule}: the {ACTION_ARGUMENT} argument should use an any(...) converter"
    return match.group(1).split(",")[0].strip().strip("'\"")


def _url(app: Flask, endpoint: str, record_id: int) -> str:
    rule = _rules_with_arguments(app)[endpoint]
    values: dict[str, object] = {}
    for argument in rule.arguments:
        if argument == ACTION_ARGUMENT:
            values[argument] = _first_action(rule)
        else:
            assert argument in RECORD_ARGUMENTS, f"{endpoint}: no test record for <{argument}>"
            values[argument] = record_id
    with app.test_request_context():
        return url_for(endpoint, **values)


def _record_id(app: Flask, org, endpoint: str, which: str) -> int:  # noqa: ANN001
    rule = _rules_with_arguments(app)[endpoint]
    (argument,) = [a for a in rule.arguments if a != ACTION_ARGUMENT]
    own, other = RECORD_ARGUMENTS[argument](org)
    return own if which == "own" else other


def _sign_in_as(client, org, persona: str) -> None:  # noqa: ANN001
    if persona == "anonymous":
        return
    response = sign_in(client, getattr(org, persona).email)
    assert response.status_code == 302, f"{persona} could not sign in"


def _assert_status(response, expected: int, url: str) -> None:  # noqa: ANN001
    assert response.status_code == expected, (
        f"GET {url} answered {response.status_code}, expected {expected}"
    )
    if expected == 302:
        assert urlsplit(response.headers["Location"]).path == "/sign-in"


# The table matches the app ----------------------------------------------------------------
def test_every_route_with_an_id_is_in_the_table(app: Flask) -> None:
    in_app = set(_rules_with_arguments(app))
    missing = in_app - set(TABLE)
    assert not missing, f"add these endpoints to TABLE in {__name__}: {sorted(missing)}"
    gone = set(TABLE) - in_app
    assert not gone, f"TABLE names endpoints the app no longer has: {sorted(gone)}"


def test_the_table_covers_every_persona_and_argument(app: Flask) -> None:
    for endpoint, expected in TABLE.items():
        assert set(expected) == set(PERSONAS), f"{endpoint}: every persona needs an expectation"
        rule = _rules_with_arguments(app)[endpoint]
        record_arguments = [a for a in rule.arguments if a != ACTION_ARGUMENT]
        assert len(record_arguments) == 1, (
            f"{endpoint}: expected one record argument, got {rule.arguments}"
        )
        assert record_arguments[0] in RECORD_ARGUMENTS, (
            f"{endpoint}: no test record for <{record_arguments[0]}>"
        )
        if ACTION_ARGUMENT in rule.arguments:
            _first_action(rule)


def test_every_view_declares_its_access(app: Flask) -> None:
    undeclared = [
        endpoint
        for endpoint, view in app.view_functions.items()
        if endpoint != "static" and getattr(view, "wfld_access", None) is None
    ]
    assert not undeclared, (
        f"views without an access decorator (see wfld/core/auth.py): {undeclared}"
    )


# The table itself ---------------------------------------------------------------------------
CASES = [
    pytest.param(endpoint, persona, which, id=f"{endpoint}-{persona}-{which}")
    for endpoint, expected in TABLE.items()
    for persona in PERSONAS
    for which in ("own", "other")
]


@pytest.mark.parametrize(("endpoint", "persona", "which"), CASES)
def test_authorisation(app, client, org, endpoint: str, persona: str, which: str) -> None:
    url = _url(app, endpoint, _record_id(app, org, endpoint, which))
    _sign_in_as(client, org, persona)
    own, other = TABLE[endpoint][persona]
    _assert_status(client.get(url), own if which == "own" else other, url)


MISSING_CASES = [
    pytest.param(endpoint, persona, id=f"{endpoint}-{persona}")
    for endpoint, expected in TABLE.items()
    for persona in PERSONAS
    if expected[persona][0] == 200
]


def test_missing_cases_cover_the_admins_and_the_senior_manager() -> None:
    listed = {(p.values[0], p.values[1]) for p in MISSING_CASES}
    for endpoint in TABLE:
        if endpoint.startswith("admin.") and endpoint != "admin.edit_account":
            assert (endpoint, "wfld_admin") in listed
    assert ("admin.edit_account", "system_admin") in listed
    assert ("people.profile", "senior_manager") in listed


@pytest.mark.parametrize(("endpoint", "persona"), MISSING_CASES)
def test_a_record_that_does_not_exist_is_not_found(
    app, client, org, endpoint: str, persona: str
) -> None:
    url = _url(app, endpoint, MISSING_ID)
    _sign_in_as(client, org, persona)
    _assert_status(client.get(url), 404, url)
