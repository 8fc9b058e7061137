"""Learning's training needs: pathway and mandatory requirements not done, or due again.

A requirement is a need unless it is complete: never started (and not due by the end of
the period), overdue, expired, expiring or due by the end of the period. The status of each
requirement comes from compliance (the pure rules in rules.py, one batch of statements), so
the home page, the compliance pages and the matrix share one definition of "overdue".
"""

from __future__ import annotations

import datetime as dt
from functools import partial

from wfld.core.clock import LONDON
from wfld.core.needs import Need, Period, Priority, Source, State, Tally, TallyKey, Target
from wfld.learning import compliance
from wfld.learning.rules import Assessment, Status
from wfld.organisation.scopes import StaffScope


def classify(assessment: Assessment, *, period_end: dt.date) -> tuple[Source, State] | None:
    """Why a requirement is a need (None: it is not one), from its assessment on a day whose
    "due soon" horizon is the end of the period.

    Late comes first: a place booked after the deadline or expiry is still overdue (booked)."""
    status = assessment.status
    if status is Status.COMPLETE:
        return None
    state = State.BOOKED if status is Status.BOOKED else State.OPEN
    if assessment.is_overdue_or_late:
        return (Source.EXPIRED if assessment.expired else Source.OVERDUE), state
    due_on = assessment.due_on
    if status is Status.DUE_SOON or (
        status is Status.BOOKED and due_on is not None and due_on <= period_end
    ):
        # A completion that runs out is expiring; a first deadline (or one set after a
        # completion lapsed before the requirement applied) is due.
        return (Source.EXPIRING if assessment.expires_on is not None else Source.DUE), state
    return Source.NOT_STARTED, state


def _target(target: compliance.Target) -> Target:
    if target.kind == "activity":
        return Target(activity_id=target.id)
    return Target(framework_item_id=target.id)


def _priority(mandatory: bool) -> Priority:
    # Recommended requirements are development: shown, never counted as a shortfall.
    return Priority.MANDATORY if mandatory else Priority.DEVELOPMENT


def _horizon(period: Period, now: dt.datetime) -> int:
    """The rules' "due soon" days that make their horizon the period's last day."""
    today = now.astimezone(LONDON).date()
    return max(0, (period.end - today).days)


class LearningNeeds:
    name = "learning"

    def needs(self, scope: StaffScope, period: Period, *, now: dt.datetime) -> list[Need]:
        report = compliance.build_report(scope, now=now, due_soon_days=_horizon(period, now))
        out: list[Need] = []
        for person in report.people:
            for line in person.lines:
                found = classify(line.assessment, period_end=period.end)
                if found is None:
                    continue
                source, state = found
                out.append(
                    Need(
                        target=_target(line.target),
                        title=line.requirement.title,
                        source=source,
                        priority=_priority(line.requirement.is_mandatory),
                        state=state,
                        needed_by=line.assessment.due_on,
                        staff_id=person.staff.id,
                    )
                )
        return out

    def tally(self, scope: StaffScope, period: Period, *, now: dt.datetime) -> Tally:
        """Counts only: one batch of statements, and each distinct assessment classified
        once (people with the same rule inputs share it)."""
        counted = compliance.count_by_class(
            scope,
            now=now,
            due_soon_days=_horizon(period, now),
            classify=partial(classify, period_end=period.end),
        )
        tally = Tally()
        for (own, target, mandatory, (source, state)), n in counted.counts.items():
            need_target = _target(target)
            tally.counts[TallyKey(source, _priority(mandatory), state, need_target, own)] += n
            tally.titles.setdefault(need_target, counted.titles[target])
        return tally


PROVIDER = LearningNeeds()
