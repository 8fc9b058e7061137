"""Route access declarations.

Every view declares who may reach it, with exactly one of these decorators; a test fails on
a view without one. Record-level decisions ("may this user see this person?") belong to the
permission policy of the domain and answer 404 through ``allowed_or_404``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user, login_required

F = TypeVar("F", bound=Callable[..., Any])

ACCESS_ATTR = "wfld_access"


def public(view: F) -> F:
    """Anyone, signed in or not (sign-in page, health check)."""
    setattr(view, ACCESS_ATTR, "public")
    return view


def signed_in(view: F) -> F:
    """Any signed-in user; the view then asks the policy about the records it loads."""
    wrapped = login_required(view)
    setattr(wrapped, ACCESS_ATTR, "signed_in")
    return wrapped  # type: ignore[return-value]


def page_requires(predicate: Callable[[Any], bool], *, hide: bool = False) -> Callable[[F], F]:
    """A signed-in user for whom ``predicate(user)`` holds.

    Pages answer 403 to others; ``hide=True`` answers 404 instead, for pages about one
    record, so that ids cannot be probed.
    """

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not predicate(current_user):
                abort(404 if hide else 403)
            return view(*args, **kwargs)

        wrapped = login_required(wrapper)
        setattr(wrapped, ACCESS_ATTR, f"requires:{predicate.__name__}")
        return wrapped  # type: ignore[return-value]

    return decorate


def allowed_or_404(record: Any, allowed: Callable[[Any, Any], bool]) -> Any:
    """The record if it exists and the current user may see it; otherwise 404."""
    if record is None or not allowed(current_user, record):
        abort(404)
    return record


def current_actor() -> Any:
    """The signed-in user object itself (not the proxy), for services and the ORM."""
    return current_user._get_current_object()  # noqa: SLF001 - Flask-Login's documented proxy
