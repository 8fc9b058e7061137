"""Builders for catalogue tests: activities, sessions and bookings made through the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from tests.factories import NOW
from wfld.catalogue import rules as catalogue_rules
from wfld.catalogue import services as catalogue_services
from wfld.catalogue.models import Booking, DeliveryMode, LearningActivity, LearningSession, Provider
from wfld.core.clock import LONDON
from wfld.extensions import db
from wfld.organisation.models import StaffMember


def make_activity(
    title: str = "Court Skills",
    *,
    category: str = "Induction and Short Courses",
    validity_months: int | None = None,
    is_active: bool = True,
    items: tuple = (),
) -> LearningActivity:
    return catalogue_services.create_activity(
        details=catalogue_services.ActivityDetails(
            title=title,
            category=category,
            delivery_mode=DeliveryMode.CLASSROOM,
            provider=Provider.IN_HOUSE,
            duration_hours=Decimal("6"),
            validity_months=validity_months,
            is_active=is_active,
            framework_items=list(items),
        ),
        actor=None,
        now=NOW,
    )


def make_session(
    activity: LearningActivity,
    *,
    days: int = 14,
    capacity: int = 10,
    online: bool = False,
    now: dt.datetime = NOW,
) -> LearningSession:
    """A session ``days`` after ``now`` (negative: in the past), 9:30am to 4:30pm UK time."""
    day = (now + dt.timedelta(days=days)).astimezone(LONDON).date()
    created = min(now, now + dt.timedelta(days=days)) - dt.timedelta(days=30)
    return catalogue_services.create_session(
        activity=activity,
        starts_at=catalogue_rules.at_london(day, dt.time(9, 30)),
        ends_at=catalogue_rules.at_london(day, dt.time(16, 30)),
        is_online=online,
        venue=None if online else "Civic Centre, Training Room 2",
        capacity=capacity,
        trainer="Safeguarding partnership trainer",
        actor=None,
        now=created,
    )


def book(session: LearningSession, staff_id: int, *, now: dt.datetime | None = None) -> Booking:
    """Book a place as it stood ``now`` (default: a day before the session)."""
    when = now or min(NOW, session.starts_at - dt.timedelta(days=1))
    return catalogue_services.book_place(
        session=session,
        staff=db.session.get(StaffMember, staff_id),
        actor=None,
        now=when,
        today=when.astimezone(LONDON).date(),
    )
