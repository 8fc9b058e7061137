"""Load the reference learning catalogue, and give the demo council some sessions to book.

``seeds/reference/catalogue.csv`` has one activity a line: title, category, delivery_mode,
provider, duration_hours, cost_per_place (optional), validity_months (optional: renewable
training), framework_items (optional: ``CODE:item`` pairs separated by ``;``, resolved in
each framework's current published version) and an optional description. Loading is
idempotent by title: an activity already in the catalogue is left exactly as it is (the WFLD
team may have changed it). A file with any problem loads nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from wfld.catalogue import queries, rules, services
from wfld.catalogue.models import DeliveryMode, Provider
from wfld.core.clock import LONDON
from wfld.core.errors_domain import RuleBroken
from wfld.organisation import queries as org_queries

REQUIRED_COLUMNS = (
    "title",
    "category",
    "delivery_mode",
    "provider",
    "duration_hours",
    "cost_per_place",
    "validity_months",
    "framework_items",
)


class CatalogueFileError(Exception):
    """The catalogue file has problems; each names its line."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class CatalogueLoad:
    created: list[str] = field(default_factory=list)
    unchanged: int = 0


def load_catalogue(path: Path, *, now: dt.datetime) -> CatalogueLoad:
    """Add the file's activities that are not in the catalogue yet (by title)."""
    today = now.astimezone(LONDON).date()
    reader = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig")))
    missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise CatalogueFileError([f"{path.name}: missing column(s) {', '.join(missing)}"])

    problems: list[str] = []
    parsed: list[tuple[int, services.ActivityDetails]] = []
    seen: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        where = f"{path.name} line {line}"
        try:
            details = _details(row, today=today)
        except ValueError as problem:
            problems.append(f"{where}: {problem}")
            continue
        key = details.title.lower()
        if key in seen:
            problems.append(f"{where}: ‘{details.title}’ is already on line {seen[key]}")
            continue
        seen[key] = line
        parsed.append((line, details))
    if problems:
        raise CatalogueFileError(problems)

    result = CatalogueLoad()
    for line, details in parsed:
        if queries.find_activity_by_title(details.title) is not None:
            result.unchanged += 1
            continue
        try:
            services.create_activity(details=details, actor=None, now=now)
        except RuleBroken as broken:
            problems.extend(f"{path.name} line {line}: {m}" for m in broken.errors.values())
        else:
            result.created.append(details.title)
    if problems:
        raise CatalogueFileError(problems)
    return result


def _details(row: dict[str, str | None], *, today: dt.date) -> services.ActivityDetails:
    def text(name: str) -> str:
        return " ".join((row.get(name) or "").split())

    title, category = text("title"), text("category")
    if not title:
        raise ValueError("the title is empty")
    if not category:
        raise ValueError(f"‘{title}’ has no category")
    try:
        mode = DeliveryMode(text("delivery_mode"))
    except ValueError:
        choices = ", ".join(m.value for m in DeliveryMode)
        raise ValueError(f"delivery_mode must be one of {choices}") from None
    try:
        provider = Provider(text("provider"))
    except ValueError:
        choices = ", ".join(p.value for p in Provider)
        raise ValueError(f"provider must be one of {choices}") from None
    duration = _decimal(text("duration_hours"), "duration_hours")
    if duration is None:
        raise ValueError("duration_hours is empty")
    validity = text("validity_months")
    if validity and not validity.isdigit():
        raise ValueError(f"validity_months must be a whole number of months, not ‘{validity}’")
    return services.ActivityDetails(
        title=title,
        category=category,
        description=(row.get("description") or "").strip() or None,
        delivery_mode=mode,
        provider=provider,
        duration_hours=duration,
        cost_per_place=_decimal(text("cost_per_place"), "cost_per_place"),
        validity_months=int(validity) if validity else None,
        framework_items=_items(text("framework_items"), today=today),
    )


def _decimal(value: str, column: str) -> Decimal | None:
    if not value:
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise ValueError(f"{column} must be a number, not ‘{value}’") from None
    if not number.is_finite():
        raise ValueError(f"{column} must be a number, not ‘{value}’")
    return number


def _items(value: str, *, today: dt.date) -> list:
    items = []
    for entry in (e.strip() for e in value.split(";")):
        if not entry:
            continue
        code, sep, item_code = entry.partition(":")
        if not sep or not code.strip() or not item_code.strip():
            raise ValueError(f"framework item ‘{entry}’ must look like CODE:item, like PCF:6")
        try:
            item = queries.find_framework_item(code.strip(), item_code.strip(), today=today)
        except RuleBroken as broken:
            raise ValueError(f"framework item ‘{entry}’: {broken}") from None
        if item not in items:
            items.append(item)
    return items


# The demo council's sessions ---------------------------------------------------------------
@dataclass(frozen=True)
class DemoSession:
    title: str
    days_ahead: int
    start: dt.time
    end: dt.time
    venue: str | None  # None: online, on Microsoft Teams
    capacity: int
    trainer: str
    booked: int  # demo staff given a place when the session is made


DEMO_SESSIONS = (
    # Nearly full: one place left, so the next person to book takes it and the one after
    # joins the waiting list.
    DemoSession(
        "Safeguarding Children Level 3",
        9,
        dt.time(9, 30),
        dt.time(16, 30),
        "Civic Centre, Training Room 2",
        12,
        "Safeguarding partnership trainer",
        11,
    ),
    DemoSession(
        "Court Skills",
        16,
        dt.time(9, 30),
        dt.time(16),
        "Civic Centre, Training Room 1",
        16,
        "Legal services",
        5,
    ),
    DemoSession(
        "Effective Case Recording",
        23,
        dt.time(13, 30),
        dt.time(16, 30),
        None,
        30,
        "Workforce development team",
        7,
    ),
    DemoSession(
        "Signs of Safety",
        37,
        dt.time(9, 30),
        dt.time(16, 30),
        "Children's Services Hub, Room 4",
        20,
        "External trainer",
        3,
    ),
    DemoSession(
        "Reflective Supervision",
        51,
        dt.time(9, 30),
        dt.time(16, 30),
        "Children's Services Hub, Room 1",
        14,
        "Principal social worker",
        2,
    ),
    DemoSession(
        "First Aid at Work",
        72,
        dt.time(9),
        dt.time(17),
        "Civic Centre, Room 3",
        10,
        "External first aid provider",
        1,
    ),
)


def load_demo_sessions(*, now: dt.datetime, keep_free: Iterable[str] = ()) -> int:
    """Sessions over the next three months for a few catalogue activities, with some places
    already taken by demo staff (never by the people whose emails are in ``keep_free``: the
    demo personas, who should find every session still open to them). An activity that
    already has a session to come gets none, so running it again changes nothing (until
    those sessions are past). Returns how many sessions were added."""
    today = now.astimezone(LONDON).date()
    spare = {email.strip().lower() for email in keep_free}
    people = [
        s
        for s in org_queries.list_staff(per_page=1000, today=today).items
        if s.work_email not in spare and s.leaving_date is None
    ]
    added, taken = 0, 0
    for spec in DEMO_SESSIONS:
        activity = queries.find_activity_by_title(spec.title)
        if activity is None or not activity.is_active:
            continue  # the catalogue is not loaded (or the WFLD team withdrew it)
        if queries.count_upcoming_sessions(activity.id, now=now):
            continue
        day = _weekday(today + dt.timedelta(days=spec.days_ahead))
        session = services.create_session(
            activity=activity,
            starts_at=rules.at_london(day, spec.start),
            ends_at=rules.at_london(day, spec.end),
            is_online=spec.venue is None,
            venue=spec.venue or "Microsoft Teams",
            capacity=spec.capacity,
            trainer=spec.trainer,
            actor=None,
            now=now,
        )
        for person in people[taken : taken + spec.booked]:
            services.book_place(session=session, staff=person, actor=None, now=now, today=today)
        taken += spec.booked
        added += 1
    return added


def _weekday(day: dt.date) -> dt.date:
    """Training runs Monday to Friday: a weekend date moves to the Monday after."""
    return day + dt.timedelta(days=(7 - day.weekday()) % 7 if day.weekday() >= 5 else 0)
