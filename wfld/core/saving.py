"""The one save path of every form view: run the service call and commit it, or roll it all back
and put what refused it on the form, so the page comes back with what the person typed.

    if saved := save(form, lambda: services.update_team(team=team, ...), record=team):
        flash("Team details saved", "success")
        return redirect(...)
    return render_template(..., form=form)

A rule the change breaks (``RuleBroken``) puts each message on its field, or at the head of the
error summary when it is about no one field. An edit that lost a race with someone else's save
(``StaleRecord`` from ``check_version``, or SQLAlchemy's ``StaleDataError`` when the row moved
between our check and our write) reads the same on every page, and carries the record's current
version on the form, so saving again once the person has checked works. Any other exception
rolls back too before it goes on: nothing is ever half-saved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

from sqlalchemy.orm.exc import ObjectDeletedError

from wfld.core.db import run_after_commit, write_intent
from wfld.core.errors_domain import STALE_ERRORS, RuleBroken
from wfld.core.filters import govuk_date, govuk_time
from wfld.core.forms import apply_errors
from wfld.extensions import db

T = TypeVar("T")

STALE_ADVICE = "Your changes are below and have not been saved: check them and save again"


@dataclass(frozen=True)
class Saved(Generic[T]):
    """A change that was committed; ``value`` is what the service call returned."""

    value: T

    def __bool__(self) -> Literal[True]:
        return True


@dataclass(frozen=True)
class NotSaved:
    """A change that was refused and rolled back. Its messages are on the form already;
    ``messages`` is for the views that have no form page to show them on (they flash them)."""

    messages: tuple[str, ...]

    def __bool__(self) -> Literal[False]:
        return False

    @property
    def message(self) -> str:
        return self.messages[0]


def save(
    form: Any,
    action: Callable[[], T],
    *,
    record: object = None,
    explain_stale: Callable[[], str] | None = None,
) -> Saved[T] | NotSaved:
    """Run ``action`` (one service call) and commit; on a broken rule or a lost edit race,
    roll back and show why on ``form`` (which may be None for a button with no page).

    ``record`` is the record the form edits: when someone else saved it first, the message says
    who and when (as far as the record knows) and the form takes its current version.
    ``explain_stale`` words that message the record's own way where its log knows better (a
    milestone names the step that won: "Already signed off by …"); it runs after the
    rollback, so it reads what was committed."""
    try:
        value = action()
        # Inside the try: the version check of a change left unflushed happens here.
        db.session.commit()
    except RuleBroken as broken:
        db.session.rollback()
        show_rule_errors(form, broken.errors)
        return NotSaved(tuple(broken.errors.values()))
    except STALE_ERRORS:
        db.session.rollback()
        message = _keep_for_second_save(form, record, explain_stale)
        return NotSaved((message,))
    except BaseException:
        db.session.rollback()
        raise
    run_after_commit(db.session)
    return Saved(value)


def save_apart(action: Callable[[], T]) -> T:
    """A write made by a page that is otherwise a read (opening an entry marks it read): the
    page's read transaction ends first (it wrote nothing), so the write gets a transaction of
    its own and SQLite takes its write lock from the start (see core.db). Committed, or rolled
    back before the error goes on."""
    db.session.rollback()
    with write_intent(), _all_or_nothing():
        value = action()
        db.session.commit()
    run_after_commit(db.session)
    return value


@contextmanager
def _all_or_nothing() -> Iterator[None]:
    try:
        yield
    except BaseException:
        db.session.rollback()
        raise


def show_rule_errors(form: Any, errors: dict[str, str]) -> None:
    """A rule's messages on their fields; messages about the whole change head the summary."""
    if form is None:
        return
    fields = getattr(form, "_fields", {})
    apply_errors(form, {name: message for name, message in errors.items() if name in fields})
    form.form_errors.extend(message for name, message in errors.items() if name not in fields)


def stale_message(changed_by: str | None, changed_at: dt.datetime | None) -> str:
    """The one message for a lost edit race: who changed the record and when, where known."""
    who = changed_by or "Someone"
    when = f" at {govuk_time(changed_at)} on {govuk_date(changed_at)}" if changed_at else ""
    return f"{who} changed this record{when}. {STALE_ADVICE}"


def _keep_for_second_save(
    form: Any, record: object, explain: Callable[[], str] | None = None
) -> str:
    """After the rollback: say who beat this edit and when, and move the form to the record's
    current version. What the person typed is still on the form (it came with the request)."""
    changed_by: str | None = None
    changed_at: dt.datetime | None = None
    version: int | None = None
    if record is not None:
        try:
            # The rollback expired the record: these read the row as it stands now.
            version = getattr(record, "version_id", None)
            changed_at = getattr(record, "updated_at", None)
            changed_by = _name_of(getattr(record, "updated_by", None))
        except ObjectDeletedError:
            pass  # deleted meanwhile: nothing left to say about it, or to save again onto
    message = explain() if explain is not None else stale_message(changed_by, changed_at)
    if form is not None:
        version_field = getattr(form, "version", None)
        if version_field is not None and version is not None:
            version_field.data = str(version)
        form.form_errors.append(message)
    return message


def _name_of(person: object) -> str | None:
    """A record's "last changed by", when it has one: a staff member, a user or a name."""
    if person is None or isinstance(person, str):
        return person or None
    return getattr(person, "full_name", None) or getattr(person, "display_name", None)
