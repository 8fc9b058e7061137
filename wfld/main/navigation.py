"""The service navigation: which sections each person sees, in one place.

Each entry is shown to whoever its predicate lets in; the predicates are the ones the views'
access decorators use, so a link shown is a page allowed and a page allowed is a link shown.
The layout renders :func:`navigation` with the GOV.UK service navigation component.

Adding a section is one line in ``MENU``, in the order it should appear (plus the import of
its predicate), e.g.::

    Section("Team readiness", "cpd.team_readiness", can_view_readiness, ("cpd.team_readiness",)),

``section`` says which pages belong to it, for ``aria-current``: a string ending in "." is a
whole blueprint, anything else an endpoint and the endpoints that start with it (its CSV, say).
When a page matches several sections, the most specific match wins, so a blueprint's section
can give one of its pages to another section (the certificates to check belong to Pathways).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import request, url_for
from flask_login import current_user

from wfld.appraisal.permissions import (
    can_view_completion,
    can_view_team_appraisals,
    has_development_plan,
)
from wfld.cpd.permissions import has_own_cpd
from wfld.learning.permissions import (
    can_manage_pathways,
    can_view_service_compliance,
    can_view_team_compliance,
    has_own_learning,
)
from wfld.organisation.permissions import can_administer_organisation, can_view_whole_service
from wfld.programmes.permissions import can_manage_programmes, is_on_programme
from wfld.supervision.permissions import has_staff_record


def everyone(user: Any) -> bool:
    """Sections every signed-in person has (the menu is only drawn for them)."""
    return bool(getattr(user, "is_authenticated", False))


@dataclass(frozen=True)
class Section:
    label: str
    endpoint: str
    shown_to: Callable[[Any], bool]
    section: tuple[str, ...]


@dataclass(frozen=True)
class NavItem:
    label: str
    href: str
    active: bool


PATHWAY_PAGES = (
    "learning.list_pathways",
    "learning.new_pathway",
    "learning.view_pathway",
    "learning.edit_pathway",
    "learning.add_requirement",
    "learning.remove_requirement",
    "learning.assign_pathway",
    "learning.expected_levels",
    # The catalogue's pages for checking certificates: the WFLD team reaches them from Pathways.
    "catalogue.list_certificates",
    "catalogue.decide_certificate",
)

TEAM_APPRAISAL_PAGES = (
    "appraisal.team_appraisals",
    "appraisal.team_plan",
    "appraisal.edit_team_plan",
    "appraisal.add_team_need",
    "appraisal.edit_team_need",
    "appraisal.remove_team_need",
)
# The WFLD team's appraisal pages: completion across the service, and the cycles it sets.
APPRAISAL_ADMIN_PAGES = (
    "appraisal.completion",
    "appraisal.list_cycles",
    "appraisal.new_cycle",
    "appraisal.edit_cycle",
    "appraisal.set_appraiser",
)

MENU: tuple[Section, ...] = (
    Section("Home", "main.home", everyone, ("main.",)),
    Section(
        "My learning",
        "learning.my_learning",
        has_own_learning,
        # Sending a certificate is reached from My learning and returns there.
        ("learning.my_learning", "catalogue.upload_certificate"),
    ),
    Section("My CPD", "cpd.my_cpd", has_own_cpd, ("cpd.",)),
    Section(
        "My programme", "programmes.my_programme", is_on_programme, ("programmes.my_programme",)
    ),
    # The person's appraisal conversations and development plan (every appraisal page not
    # claimed by a more specific section below).
    Section("My development plan", "appraisal.my_plan", has_development_plan, ("appraisal.",)),
    # A line manager's team page is reached from My supervision (the menu is long enough).
    Section("Supervision", "supervision.my_supervision", has_staff_record, ("supervision.",)),
    Section("Course catalogue", "catalogue.list_activities", everyone, ("catalogue.",)),
    Section("Frameworks", "frameworks.list_frameworks", everyone, ("frameworks.",)),
    Section(
        "Team learning",
        "learning.team_compliance",
        can_view_team_compliance,
        ("learning.team_compliance",),
    ),
    Section(
        "Service compliance",
        "learning.service_compliance",
        can_view_service_compliance,
        ("learning.service_compliance",),
    ),
    Section(
        "Team appraisals",
        "appraisal.team_appraisals",
        can_view_team_appraisals,
        TEAM_APPRAISAL_PAGES,
    ),
    Section("Pathways", "learning.list_pathways", can_manage_pathways, PATHWAY_PAGES),
    # Templates, cohorts, dashboards, assessors and funding: the WFLD team's programme pages.
    Section("Programmes", "programmes.list_cohorts", can_manage_programmes, ("programmes.",)),
    Section("Appraisals", "appraisal.completion", can_view_completion, APPRAISAL_ADMIN_PAGES),
    Section("People", "people.directory", can_view_whole_service, ("people.",)),
    Section("Organisation admin", "admin.index", can_administer_organisation, ("admin.",)),
    # The files made in the background for the person (their CPD record PDF, say).
    Section("Your downloads", "downloads.list_downloads", everyone, ("downloads.",)),
)


def _match(section: Section, endpoint: str | None) -> int:
    """How specifically ``endpoint`` belongs to ``section``: the length of the longest of its
    patterns that the endpoint starts with, 0 when none does."""
    if not endpoint:
        return 0
    return max((len(p) for p in section.section if endpoint.startswith(p)), default=0)


def menu_for(user: Any, endpoint: str | None) -> list[NavItem]:
    """The sections ``user`` may open, in order, with the one ``endpoint`` belongs to marked.

    Only a section shown can be marked: a page someone reached by another way (a link in a
    table) marks nothing rather than a section they do not have.
    """
    shown = [entry for entry in MENU if entry.shown_to(user)]
    scores = [_match(entry, endpoint) for entry in shown]
    # One section at most is the current one: the most specific match, the first on a tie.
    current = scores.index(max(scores)) if any(scores) else None
    return [
        NavItem(entry.label, url_for(entry.endpoint), active=index == current)
        for index, entry in enumerate(shown)
    ]


def navigation() -> list[NavItem]:
    """The signed-in user's menu for this page (a template global: the layout asks only when
    it draws the menu, so print templates and error pages without it cost nothing)."""
    return menu_for(current_user, request.endpoint)
