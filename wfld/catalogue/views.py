"""The learning catalogue: browse and book for everyone; activities, sessions, attendance and
completions for the WFLD team; certificates of external learning, sent by staff and checked by
the WFLD team."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from wfld.catalogue import permissions, queries, rules, services
from wfld.catalogue.forms import (
    ActivityForm,
    BookForm,
    ButtonForm,
    CatalogueSearchForm,
    CertificateDecisionForm,
    CertificateForm,
    CompletionForm,
    SessionChangeForm,
    SessionForm,
)
from wfld.catalogue.models import (
    Attendance,
    Booking,
    BookingStatus,
    DeliveryMode,
    LearningActivity,
    LearningSession,
    Provider,
)
from wfld.core import clock, files
from wfld.core.auth import allowed_or_404, current_actor, page_requires, signed_in
from wfld.core.clock import LONDON
from wfld.core.filters import govuk_date, govuk_datetime, govuk_time
from wfld.core.forms import add_rule_errors
from wfld.core.saving import save
from wfld.organisation import queries as org_queries
from wfld.organisation.permissions import staff_of

bp = Blueprint("catalogue", __name__, url_prefix="/catalogue")

manages = page_requires(permissions.can_manage_catalogue)
manages_record = page_requires(permissions.can_manage_catalogue, hide=True)
books_record = page_requires(permissions.can_book_for_self, hide=True)


@bp.app_context_processor
def _policy_for_templates() -> dict:
    """Templates ask the same predicates as the views, so a shown button is never refused."""
    return {
        "can_manage_catalogue": permissions.can_manage_catalogue,
        "can_book_for_self": permissions.can_book_for_self,
    }


# Browsing ---------------------------------------------------------------------------------
@bp.route("/")
@signed_in
def list_activities() -> str:
    manager = permissions.can_manage_catalogue(current_actor())
    search = CatalogueSearchForm(
        request.args, categories=queries.list_categories(include_inactive=manager)
    )
    search.validate()
    category = search.category.data if not search.category.errors else ""
    activities = queries.list_activities(
        search=search.q.data or "", category=category or "", include_inactive=manager
    )
    return render_template(
        "catalogue/list_activities.html",
        search_form=search,
        activities=activities,
        filtered=bool((search.q.data or "").strip() or category),
    )


def _activity_page(activity: LearningActivity, *, form: FlaskForm | None = None) -> str:
    actor = current_actor()
    now = clock.now()
    me = staff_of(actor)
    manager = permissions.can_manage_catalogue(actor)
    return render_template(
        "catalogue/view_activity.html",
        activity=activity,
        sessions=queries.list_upcoming_sessions(
            activity.id, now=now, staff_id=me.id if me else None
        ),
        past_sessions=queries.list_past_sessions(activity.id, now=now) if manager else [],
        can_book=permissions.can_book_for_self(actor) and activity.is_active,
        form=form,
        BookingStatus=BookingStatus,
    )


@bp.route("/activities/<int:activity_id>")
@signed_in
def view_activity(activity_id: int) -> str:
    activity = allowed_or_404(queries.find_activity(activity_id), permissions.can_view_activity)
    return _activity_page(activity)


@bp.route("/my-bookings")
@page_requires(permissions.can_book_for_self)
def my_bookings() -> str:
    me = staff_of(current_actor())
    now = clock.now()
    return render_template(
        "catalogue/my_bookings.html",
        upcoming=queries.list_bookings_of_staff(me.id, now=now, upcoming=True),
        past=queries.list_bookings_of_staff(me.id, now=now, upcoming=False),
        BookingStatus=BookingStatus,
    )


# Booking ----------------------------------------------------------------------------------
@bp.route("/sessions/<int:session_id>/book", methods=["POST"])
@books_record
def book_session(session_id: int) -> str | Response:
    session = allowed_or_404(queries.find_session(session_id), permissions.can_book_session)
    activity_id = session.activity_id
    form = BookForm()
    if form.validate_on_submit():
        me = staff_of(current_actor())
        done = queries.find_valid_completion(me.id, activity_id, today=clock.today())
        if done is not None and form.confirmed.data != "yes":
            # Nothing is booked until the person confirms they still want a place.
            return render_template(
                "catalogue/book_session.html",
                session=session,
                completion=done,
                valid_until=rules.valid_until(done.expires_on),
                form=form,
            )

        def book() -> tuple[Booking, bool]:
            booking = services.book_place(
                session=session,
                staff=me,
                actor=current_actor(),
                now=clock.now(),
                today=clock.today(),
            )
            # Counted in the booking's own transaction: whether this was the last place.
            return booking, booking.status is BookingStatus.BOOKED and (
                queries.count_booked(session.id) >= session.capacity
            )

        if saved := save(form, book):
            booking, last_place = saved.value
            when = govuk_datetime(session.starts_at)
            if booking.status is BookingStatus.BOOKED:
                booked = f"You are booked on {session.activity.title} on {when}"
                if last_place:
                    booked += ". You have the last place on this session"
                flash(booked, "success")
            else:
                flash(
                    f"The session on {when} is full. You are on the waiting list and will get "
                    "a place if one comes free.",
                    "success",
                )
            return redirect(url_for("catalogue.view_activity", activity_id=activity_id))
    return _activity_page(queries.find_activity(activity_id), form=form)


@bp.route("/bookings/<int:booking_id>/cancel", methods=["GET", "POST"])
@signed_in
def cancel_booking(booking_id: int) -> str | Response:
    booking = allowed_or_404(queries.find_booking(booking_id), permissions.can_cancel_booking)
    own = permissions.is_own_booking(current_actor(), booking)
    session: LearningSession = booking.session
    title, when, session_id = session.activity.title, session.starts_at, session.id
    form = ButtonForm()
    if form.validate_on_submit():
        was_waiting = booking.status is BookingStatus.WAITING
        if save(
            form,
            lambda: services.cancel_booking(
                booking=booking, actor=current_actor(), now=clock.now()
            ),
        ):
            done = "Taken off the waiting list" if was_waiting else "Booking cancelled"
            flash(f"{done}: {title} on {govuk_datetime(when)}", "success")
            if own:
                return redirect(url_for("catalogue.my_bookings"))
            return redirect(url_for("catalogue.view_session", session_id=session_id))
    return render_template(
        "catalogue/cancel_booking.html",
        form=form,
        booking=booking,
        own=own,
        person=org_queries.find_staff(booking.staff_id),
        BookingStatus=BookingStatus,
    )


# Activities (WFLD) ------------------------------------------------------------------------
def _item_groups(activity: LearningActivity | None) -> list[queries.ItemGroup]:
    """The checkboxes: current published framework versions, plus any items the activity
    already links from earlier versions (so saving the form does not silently drop them)."""
    groups = queries.list_framework_item_groups(today=clock.today())
    offered = {item.id for group in groups for item in group.items}
    if activity is not None:
        older: dict[int, list] = {}
        for item in activity.framework_items:
            if item.id not in offered:
                older.setdefault(item.version_id, []).append(item)
        for items in older.values():
            groups.append(queries.ItemGroup(items[0].version, items, is_current=False))
    return groups


def _activity_form(
    activity: LearningActivity | None, groups: list[queries.ItemGroup], **kwargs
) -> ActivityForm:
    item_ids = [item.id for group in groups for item in group.items]
    if activity is None:
        return ActivityForm(item_ids=item_ids, **kwargs)
    return ActivityForm(
        item_ids=item_ids,
        version=activity.version_id,
        title=activity.title,
        category=activity.category,
        description=activity.description,
        delivery_mode=activity.delivery_mode.value,
        provider=activity.provider.value,
        duration_hours=_number(activity.duration_hours),
        cost_per_place=_number(activity.cost_per_place),
        validity_months=str(activity.validity_months or ""),
        framework_items=[item.id for item in activity.framework_items],
        offered="yes" if activity.is_active else "no",
        **kwargs,
    )


def _number(value) -> str:  # noqa: ANN001 - a Decimal or None
    if value is None:
        return ""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _details(form: ActivityForm) -> services.ActivityDetails:
    return services.ActivityDetails(
        title=form.title.data,
        category=form.category.data,
        description=form.description.data,
        delivery_mode=DeliveryMode(form.delivery_mode.data),
        provider=Provider(form.provider.data),
        duration_hours=form.duration_value,
        cost_per_place=form.cost_value,
        validity_months=form.validity_value,
        framework_items=queries.list_framework_items(form.framework_items.data or []),
        is_active=form.offered.data == "yes",
    )


@bp.route("/activities/new", methods=["GET", "POST"])
@manages
def new_activity() -> str | Response:
    groups = _item_groups(None)
    form = _activity_form(None, groups)
    if form.validate_on_submit():
        saved = save(
            form,
            lambda: services.create_activity(
                details=_details(form), actor=current_actor(), now=clock.now()
            ),
        )
        if saved:
            flash(f"‘{saved.value.title}’ added to the catalogue", "success")
            return redirect(url_for("catalogue.view_activity", activity_id=saved.value.id))
    elif form.is_submitted():
        _activity_rule_errors(form, activity=None)
    return render_template("catalogue/new_activity.html", form=form, groups=groups)


def _activity_rule_errors(form: ActivityForm, *, activity: LearningActivity | None) -> None:
    """The activity's rules, checked on what the form could read while its own checks
    failed, so all of a form's errors show at once."""
    details = services.ActivityDetails(
        title=form.title.data or "",
        category=form.category.data or "",
        description=form.description.data,
        delivery_mode=None,
        provider=None,
        duration_hours=None if form.duration_hours.errors else form.duration_value,
        cost_per_place=None if form.cost_per_place.errors else form.cost_value,
        validity_months=None if form.validity_months.errors else form.validity_value,
    )
    add_rule_errors(form, services.activity_errors(details, activity=activity))


@bp.route("/activities/<int:activity_id>/edit", methods=["GET", "POST"])
@manages_record
def edit_activity(activity_id: int) -> str | Response:
    activity = allowed_or_404(queries.find_activity(activity_id), permissions.can_edit_activity)
    groups = _item_groups(activity)
    form = _activity_form(activity, groups)
    if form.validate_on_submit() and save(
        form,
        lambda: services.update_activity(
            activity=activity,
            details=_details(form),
            actor=current_actor(),
            now=clock.now(),
            expected_version=form.expected_version,
        ),
        record=activity,
    ):
        flash("Activity details saved", "success")
        return redirect(url_for("catalogue.view_activity", activity_id=activity.id))
    elif form.is_submitted():
        _activity_rule_errors(form, activity=activity)
    return render_template(
        "catalogue/edit_activity.html", form=form, groups=groups, activity=activity
    )


# Sessions (WFLD) --------------------------------------------------------------------------
@bp.route("/activities/<int:activity_id>/sessions/new", methods=["GET", "POST"])
@manages_record
def new_session(activity_id: int) -> str | Response:
    activity = allowed_or_404(queries.find_activity(activity_id), permissions.can_edit_activity)
    form = SessionForm()
    if form.validate_on_submit():
        saved = save(
            form,
            lambda: services.create_session(
                activity=activity,
                starts_at=rules.at_london(form.date.data, form.start_value),
                ends_at=rules.at_london(form.date.data, form.end_value),
                is_online=form.delivery.data == "online",
                venue=form.venue.data,
                capacity=form.capacity_value,
                trainer=form.trainer.data,
                actor=current_actor(),
                now=clock.now(),
            ),
        )
        if saved:
            flash(f"Session added for {govuk_datetime(saved.value.starts_at)}", "success")
            return redirect(url_for("catalogue.view_activity", activity_id=activity_id))
    elif form.is_submitted():
        _session_rule_errors(form, withdrawn=not activity.is_active)
    return render_template("catalogue/new_session.html", form=form, activity=activity)


def _session_rule_errors(form: SessionForm, *, withdrawn: bool = False) -> None:
    """The session's rules, checked on what the form could read while its own checks failed,
    so all of a form's errors show at once."""
    day = form.date.data
    starts = rules.at_london(day, form.start_value) if day and form.start_value else None
    ends = rules.at_london(day, form.end_value) if day and form.end_value else None
    errors = services.session_errors(
        starts_at=starts,
        ends_at=ends,
        is_online=form.delivery.data != "in_person",
        venue=" ".join((form.venue.data or "").split()),
        capacity=form.capacity_value,
        now=clock.now(),
        withdrawn=withdrawn,
    )
    add_rule_errors(form, errors)


def _session_page(session: LearningSession, *, form: FlaskForm | None = None) -> str:
    return render_template(
        "catalogue/view_session.html",
        session=session,
        booked=queries.list_session_bookings(session.id, status=BookingStatus.BOOKED),
        waiting=queries.list_session_bookings(session.id, status=BookingStatus.WAITING),
        started=session.starts_at <= clock.now(),
        form=form,
        Attendance=Attendance,
    )


@bp.route("/sessions/<int:session_id>")
@manages_record
def view_session(session_id: int) -> str:
    session = allowed_or_404(queries.find_session(session_id), permissions.can_manage_session)
    return _session_page(session)


def _session_change_form(session: LearningSession, **kwargs) -> SessionChangeForm:
    """The form as the session stands, in UK time (as sessions are typed when added)."""
    online_placeholder = session.is_online and session.venue == services.ONLINE
    return SessionChangeForm(
        version=session.version_id,
        date=session.starts_at.astimezone(LONDON).date(),
        start_time=govuk_time(session.starts_at),
        end_time=govuk_time(session.ends_at),
        delivery="online" if session.is_online else "in_person",
        venue="" if online_placeholder else session.venue,
        capacity=str(session.capacity),
        trainer=session.trainer or "",
        **kwargs,
    )


@bp.route("/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@manages_record
def edit_session(session_id: int) -> str | Response:
    session = allowed_or_404(queries.find_session(session_id), permissions.can_manage_session)
    form = _session_change_form(session)
    refusal = services.session_change_refusal(session, now=clock.now())
    if refusal is None and form.validate_on_submit():
        saved = save(
            form,
            lambda: services.update_session(
                session=session,
                starts_at=rules.at_london(form.date.data, form.start_value),
                ends_at=rules.at_london(form.date.data, form.end_value),
                is_online=form.delivery.data == "online",
                venue=form.venue.data,
                capacity=form.capacity_value,
                trainer=form.trainer.data,
                actor=current_actor(),
                now=clock.now(),
                expected_version=form.expected_version,
            ),
            record=session,
        )
        if saved:
            given = len(saved.value)
            moved = (
                f". {given} {'person' if given == 1 else 'people'} on the waiting list "
                f"{'was' if given == 1 else 'were'} given a place"
                if given
                else ""
            )
            flash(f"Session details saved{moved}", "success")
            return redirect(url_for("catalogue.view_session", session_id=session_id))
        # Another request may have cancelled it meanwhile.
        refusal = services.session_change_refusal(session, now=clock.now())
    elif refusal is None and form.is_submitted():
        _session_rule_errors(form)
    return render_template(
        "catalogue/edit_session.html", form=form, session=session, refusal=refusal
    )


@bp.route("/sessions/<int:session_id>/cancel", methods=["GET", "POST"])
@manages_record
def cancel_session(session_id: int) -> str | Response:
    session = allowed_or_404(queries.find_session(session_id), permissions.can_manage_session)
    title, when = session.activity.title, session.starts_at
    form = ButtonForm()
    if form.validate_on_submit():
        saved = save(
            form,
            lambda: services.cancel_session(
                session=session, actor=current_actor(), now=clock.now()
            ),
        )
        if saved:
            people = saved.value
            told = "" if not people else f". {people} booking{'s' if people != 1 else ''} cancelled"
            flash(f"Session cancelled: {title} on {govuk_datetime(when)}{told}", "success")
            return redirect(url_for("catalogue.view_session", session_id=session_id))
    return render_template(
        "catalogue/cancel_session.html",
        form=form,
        session=session,
        booked=queries.count_booked(session.id),
        waiting=queries.count_waiting(session.id),
    )


@bp.route("/bookings/<int:booking_id>/<any(attended, 'did-not-attend'):action>", methods=["POST"])
@manages_record
def mark_attendance(booking_id: int, action: str) -> str | Response:
    booking = allowed_or_404(queries.find_booking(booking_id), permissions.can_mark_attendance)
    session_id = booking.session_id
    form = ButtonForm()
    if form.validate_on_submit():
        attendance = Attendance.ATTENDED if action == "attended" else Attendance.DID_NOT_ATTEND
        if save(
            form,
            lambda: services.mark_attendance(
                booking=booking, attendance=attendance, actor=current_actor(), now=clock.now()
            ),
        ):
            person = org_queries.find_staff(booking.staff_id)
            flash(f"{person.full_name}: {attendance.label.lower()}", "success")
            return redirect(
                url_for("catalogue.view_session", session_id=session_id) + f"#booking-{booking_id}"
            )
    return _session_page(queries.find_session(session_id), form=form)


# Completions (WFLD) -----------------------------------------------------------------------
@bp.route("/completions/new", methods=["GET", "POST"])
@manages
def record_completion() -> str | Response:
    form = CompletionForm(activities=queries.list_all_activities())
    if form.validate_on_submit():
        activity = queries.find_activity(int(form.activity.data))
        saved = save(
            form,
            lambda: services.record_completion(
                staff=form.staff_record,
                activity=activity,
                completed_on=form.completed_on.data,
                note=form.note.data,
                actor=current_actor(),
                now=clock.now(),
                today=clock.today(),
            ),
        )
        if saved:
            flash(
                f"Completion recorded: {form.staff_record.full_name}, {activity.title}, "
                f"{govuk_date(saved.value.completed_on)}",
                "success",
            )
            return redirect(url_for("catalogue.record_completion"))
    elif form.is_submitted():
        errors = services.completion_errors(
            completed_on=form.completed_on.data, today=clock.today()
        )
        add_rule_errors(form, errors)
    return render_template("catalogue/record_completion.html", form=form)


# Certificates of external learning ----------------------------------------------------------
@bp.route("/certificates/new", methods=["GET", "POST"])
@page_requires(permissions.can_send_certificates)
def upload_certificate() -> str | Response:
    me = staff_of(current_actor())
    form = CertificateForm(activity=request.args.get("activity", ""))
    form.activity.choices = [("", "Choose")] + [
        (str(a.id), a.title) for a in queries.list_active_activities()
    ]
    if form.validate_on_submit():
        upload = form.certificate.data
        if save(
            form,
            lambda: services.submit_certificate(
                staff=me,
                activity=queries.find_activity(int(form.activity.data)),
                completed_on=form.completed_on.data,
                stream=upload.stream,
                filename=upload.filename or "",
                actor=current_actor(),
                now=clock.now(),
                today=clock.today(),
            ),
        ):
            flash("Certificate sent: the workforce development team will check it", "success")
            # Back to the page that lists what they sent (and the requirement it may meet).
            return redirect(url_for("learning.my_learning"))
    elif form.is_submitted():
        errors = services.certificate_errors(
            completed_on=form.completed_on.data, today=clock.today()
        )
        add_rule_errors(form, errors)
    return render_template("catalogue/upload_certificate.html", form=form)


@bp.route("/certificates")
@page_requires(permissions.can_decide_certificates)
def list_certificates() -> str:
    return render_template(
        "catalogue/list_certificates.html", completions=queries.list_pending_certificates()
    )


@bp.route("/certificates/<int:completion_id>", methods=["GET", "POST"])
@page_requires(permissions.can_decide_certificates, hide=True)
def decide_certificate(completion_id: int) -> str | Response:
    completion = allowed_or_404(
        queries.find_completion(completion_id), permissions.can_decide_certificate
    )
    form = CertificateDecisionForm()
    if form.validate_on_submit() and save(
        form,
        lambda: services.decide_certificate(
            completion=completion,
            accept=form.decision.data == "accept",
            reason=form.reason.data,
            actor=current_actor(),
            now=clock.now(),
        ),
    ):
        flash("Decision saved", "success")
        return redirect(url_for("catalogue.list_certificates"))
    return render_template("catalogue/decide_certificate.html", form=form, completion=completion)


@bp.route("/completions/<int:completion_id>/certificate")
@signed_in
def download_certificate(completion_id: int) -> Response:
    completion = allowed_or_404(
        queries.find_completion(completion_id), permissions.can_view_completion
    )
    certificate = completion.certificate
    if certificate is None:
        abort(404)
    return files.download(
        certificate.storage_key,
        download_name=certificate.original_name,
        content_type=certificate.content_type,
    )
