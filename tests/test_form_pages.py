"""Every page, as each persona sees it, follows the design system's rules for groups of inputs:
radios, checkboxes and the three boxes of a date sit in a fieldset whose legend says what the
group is for (a screen reader reads the legend before each option)."""

from __future__ import annotations

from collections import Counter

import pytest
from bs4 import BeautifulSoup
from flask import Flask

from tests.helpers import sign_in
from tests.test_authorisation import (  # noqa: F401 - records is a fixture
    CHOICE_ARGUMENTS,
    RECORD_ARGUMENTS,
    _first_choice,
    records,
)

PERSONAS = ("practitioner", "line_manager", "senior_manager", "wfld_admin", "system_admin")


def _get_urls(app: Flask, org, recs) -> list[str]:  # noqa: ANN001
    """A URL for every GET route, with the persona's own record where the route takes one."""
    from flask import url_for

    urls = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if rule.endpoint == "static" or "GET" not in rule.methods:
                continue
            values: dict[str, object] = {}
            for argument in rule.arguments:
                if argument in CHOICE_ARGUMENTS:
                    values[argument] = _first_choice(rule, argument)
                else:
                    values[argument] = RECORD_ARGUMENTS[argument](org, recs)[0]
            urls.append(url_for(rule.endpoint, **values))
    return sorted(set(urls))


def group_problems(html: bytes) -> list[str]:
    """Groups of radios, checkboxes or date boxes that are not in a fieldset with a legend."""
    soup = BeautifulSoup(html, "html.parser")
    problems = []

    def legend_of(element) -> str:  # noqa: ANN001
        fieldset = element.find_parent("fieldset")
        legend = fieldset.find("legend") if fieldset else None
        return " ".join(legend.get_text(" ").split()) if legend else ""

    main = soup.find("main") or soup
    for block in main.select(".govuk-radios, .govuk-checkboxes, .govuk-date-input"):
        if not legend_of(block):
            names = sorted({i.get("name", "") for i in block.find_all("input")})
            problems.append(f"{block['class'][0]} {names} has no fieldset legend")
    choices = [
        i for i in main.find_all("input") if (i.get("type") or "").lower() in {"radio", "checkbox"}
    ]
    for name, count in Counter(i.get("name") for i in choices).items():
        if count > 1:
            for element in choices:
                if element.get("name") == name and not legend_of(element):
                    problems.append(f"the {name} inputs are not in a fieldset with a legend")
                    break
    return problems


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_group_of_inputs_is_a_fieldset_with_a_legend(app: Flask, org, records, persona):  # noqa: ANN001, F811
    client = app.test_client()
    assert sign_in(client, getattr(org, persona).email).status_code == 302
    checked, problems = 0, {}
    for url in _get_urls(app, org, records):
        if url.endswith("/sign-out"):
            continue
        response = client.get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        checked += 1
        found = group_problems(response.data)
        if found:
            problems[url] = found
    assert checked > 10
    assert problems == {}


def test_the_check_itself_finds_a_group_without_a_legend() -> None:
    html = b"""<main>
      <div class="govuk-radios"><input type="radio" name="a"><input type="radio" name="a"></div>
      <fieldset><legend> </legend><div class="govuk-date-input"><input name="d"></div></fieldset>
      <fieldset><legend>Which?</legend><div class="govuk-checkboxes">
        <input type="checkbox" name="c"><input type="checkbox" name="c"></div></fieldset>
    </main>"""
    assert group_problems(html) == [
        "govuk-radios ['a'] has no fieldset legend",
        "govuk-date-input ['d'] has no fieldset legend",
        "the a inputs are not in a fieldset with a legend",
    ]


# No WTForms default English reaches a page ------------------------------------------------
WTFORMS_DEFAULTS = (
    "This field is required",
    "Not a valid",
    "Invalid",
    "is not a valid choice",
    "are not valid choices",
    "could not be coerced",
    "could not coerce",
    "Field must be",
    "Field cannot be longer",
    "Number must be",
    "The CSRF token",
)


def _post_forms(soup: BeautifulSoup, url: str) -> list[tuple[str, dict[str, list[str]]]]:
    """Each POST form in the page's main content: where it posts, and what it posts as is."""
    forms = []
    for form in (soup.find("main") or soup).find_all("form"):
        if (form.get("method") or "get").lower() != "post":
            continue
        data: dict[str, list[str]] = {}
        for element in form.find_all(["input", "select", "textarea"]):
            name = element.get("name")
            kind = (element.get("type") or "text").lower()
            if not name or kind in {"submit", "button", "file"}:
                continue
            if kind in {"radio", "checkbox"}:
                data.setdefault(name, [])
                continue
            data.setdefault(name, []).append(element.get("value", ""))
        for button in form.find_all("button", attrs={"name": True}):
            data.setdefault(button["name"], []).append(button.get("value", ""))
        forms.append((form.get("action") or url, data))
    return forms


def _spoilt(data: dict[str, list[str]], how: str) -> dict[str, list[str]]:
    keep = {"csrf_token", "version", "shown_digest", "save_complete", "save_draft"}
    spoilt = {}
    for name, values in data.items():
        if name in keep:
            spoilt[name] = values
        elif how == "blank":
            spoilt[name] = [""] * max(1, len(values))
        else:  # nonsense where a number, a date, a choice or an email is expected
            spoilt[name] = ["not-a-choice ✓ 1e999 NaN"] * max(1, len(values))
    return spoilt


def default_messages(html: bytes) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    shown = [
        " ".join(e.get_text(" ").split())
        for e in soup.select(".govuk-error-summary li, .govuk-error-message")
    ]
    return [m.removeprefix("Error: ") for m in shown if any(d in m for d in WTFORMS_DEFAULTS)]


@pytest.mark.parametrize("persona", ("practitioner", "wfld_admin", "system_admin"))
@pytest.mark.parametrize("how", ("blank", "nonsense"))
def test_bad_input_never_shows_wtforms_default_messages(app: Flask, org, records, persona, how):  # noqa: ANN001, F811
    client = app.test_client()
    assert sign_in(client, getattr(org, persona).email).status_code == 302
    leaks, crashes, posted = {}, [], 0
    for url in _get_urls(app, org, records):
        if url.endswith("/sign-out") or url.endswith("/sign-in"):
            continue
        response = client.get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        for action, data in _post_forms(BeautifulSoup(response.data, "html.parser"), url):
            if action.endswith("/sign-out"):
                continue
            answer = client.post(action, data=_spoilt(data, how))
            posted += 1
            if answer.status_code >= 500:
                crashes.append(action)
            elif answer.mimetype == "text/html":
                found = default_messages(answer.data)
                if found:
                    leaks[action] = found
    assert posted > 5
    assert crashes == []
    assert leaks == {}, "\n".join(f"{a}: {sorted(set(m))}" for a, m in leaks.items())
