"""The base of every form in the app: typed text is cleaned before anything else sees it."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import Field, HiddenField, PasswordField, StringField, TextAreaField

from wfld.core.text import clean_text


def _clean_lines(value: object) -> object:
    return clean_text(value) if isinstance(value, str) else value


def _clean_line(value: object) -> object:
    return clean_text(value, single_line=True) if isinstance(value, str) else value


class Form(FlaskForm):
    """Every form's base (a test fails on a form that is not built on it).

    Each text field gets wfld.core.text.clean_text as its first filter, so no domain's
    free text can carry NUL (which PostgreSQL refuses) or other control characters: text
    areas keep their tabs and line breaks; one-line fields (titles, names, searches) also
    lose bidirectional override characters. Passwords are left exactly as typed.
    """

    class Meta:
        def bind_field(self, form: Any, unbound_field: Any, options: dict) -> Field:
            field = super().bind_field(form, unbound_field, options)
            if isinstance(field, PasswordField):
                return field
            if isinstance(field, TextAreaField):
                field.filters = (_clean_lines, *field.filters)
            elif isinstance(field, StringField):
                field.filters = (_clean_line, *field.filters)
            return field


class VersionedForm(Form):
    """Carries the version of the record the form was opened on (optimistic locking): any
    domain's form for a record two people can change at once."""

    version = HiddenField()

    @property
    def expected_version(self) -> int | None:
        return int(self.version.data) if (self.version.data or "").isdigit() else None
