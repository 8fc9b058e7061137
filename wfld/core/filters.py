"""Template filters in the GOV.UK style ("23 November 2026", "9:30am")."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from flask import Flask
from markupsafe import Markup, escape

from wfld.core.clock import LONDON
from wfld.core.dates import long_date


def govuk_date(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.astimezone(LONDON).date()
    return long_date(value)


def govuk_time(value: dt.datetime | None) -> str:
    """The time of day in England: 9am, 9:30am, 4:30pm."""
    if value is None:
        return ""
    local = value.astimezone(LONDON)
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    return f"{hour}{suffix}" if local.minute == 0 else f"{hour}:{local.minute:02d}{suffix}"


def govuk_datetime(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    return f"{govuk_date(value)} at {govuk_time(value)}"


def hours(value: Decimal | float | int | None) -> str:
    """7.5, 22 (no trailing zeros)."""
    if value is None:
        return ""
    return format(Decimal(value).normalize(), "f")


def filesize(size: int) -> str:
    """Sizes as people read them: 850KB, 1.4MB."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))}KB"
    return f"{size / (1024 * 1024):.1f}MB"


_BLANK_LINES = re.compile(r"\n\s*\n")


def paragraphs(text: str | None) -> Markup:
    """Plain text as HTML paragraphs: a blank line starts a paragraph, a single line break
    stays a line break. Every piece of the text is escaped."""
    if not text:
        return Markup("")
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    return Markup("").join(
        Markup("<p>{}</p>").format(Markup("<br>").join(escape(line) for line in part.split("\n")))
        for part in _BLANK_LINES.split(text)
        if part.strip()
    )


def init_app(app: Flask) -> None:
    app.add_template_filter(paragraphs, "paragraphs")
    app.add_template_filter(hours, "hours")
    app.add_template_filter(filesize, "filesize")
    app.add_template_filter(govuk_date, "govuk_date")
    app.add_template_filter(govuk_datetime, "govuk_datetime")
    app.add_template_filter(govuk_time, "govuk_time")
