"""Sharing CPD with a line manager, and comments.

Entries are private. The person's direct line manager reads and comments on what the person
shares (one entry at a time, or every complete entry through "share all"), and never changes
it. Nobody else reads an entry or its evidence, whatever their role.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.cpd.builders import PIECE, make_entry
from tests.factories import NOW, TODAY, Person
from tests.helpers import csrf_token, page, sign_in, submit
from wfld.accounts.models import AuditEvent, User
from wfld.core import clock
from wfld.cpd import services
from wfld.cpd.models import CpdComment, CpdEntry, CpdEntryRead, CpdEvidence, CpdProfile
from wfld.extensions import db
from wfld.organisation import services as org_services
from wfld.organisation.models import StaffMember

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
OTHER_MANAGER = "ewan.talbot@test.example"  # manages Quinn in team B


@pytest.fixture(autouse=True)
def frozen_clock():  # noqa: ANN201
    clock.freeze(NOW)
    yield
    clock.freeze(None)


def signed_in(app: Flask, person: Person | str) -> FlaskClient:
    client = app.test_client()
    email = person if isinstance(person, str) else person.email
    assert sign_in(client, email).status_code == 302
    return client


def share(client: FlaskClient, entry_id: int, shared: str):  # noqa: ANN201
    return submit(
        client,
        f"/cpd/entries/{entry_id}/share",
        {"shared": shared},
        form_path=f"/cpd/entries/{entry_id}",
    )


def upload(client: FlaskClient, entry_id: int) -> int:
    response = client.post(
        f"/cpd/entries/{entry_id}/evidence",
        data={
            "csrf_token": csrf_token(client, f"/cpd/entries/{entry_id}"),
            "file": (io.BytesIO(PDF), "reflective-log.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.status_code
    with client.application.app_context():
        return db.session.scalar(select(CpdEvidence.id).where(CpdEvidence.entry_id == entry_id))


def events(app: Flask, entry_id: int) -> list[tuple[str, int | None]]:
    with app.app_context():
        return [
            (e.event, e.actor_user_id)
            for e in db.session.scalars(
                select(AuditEvent)
                .where(AuditEvent.subject_type == "CpdEntry", AuditEvent.subject_id == entry_id)
                .order_by(AuditEvent.id)
            )
        ]


def shared_titles(client: FlaskClient) -> list[str]:
    listing = page(client.get("/cpd/shared"))
    return [a.get_text(strip=True) for a in listing.soup.select("main table a")]


def comment(client: FlaskClient, entry_id: int, body: str):  # noqa: ANN201
    return submit(
        client,
        f"/cpd/entries/{entry_id}/comments",
        {"body": body},
        form_path=f"/cpd/entries/{entry_id}",
    )


@pytest.fixture
def entry_id(app, org) -> int:  # noqa: ANN001
    """A complete entry of the practitioner's, not shared."""
    with app.app_context():
        return make_entry(org.practitioner.staff_id).id


def is_shared_flag(app: Flask, entry_id: int) -> bool:
    with app.app_context():
        return db.session.get(CpdEntry, entry_id).shared


# Sharing -----------------------------------------------------------------------------------------
def test_sharing_and_unsharing_an_entry_is_recorded(app, org, entry_id):
    owner = signed_in(app, org.practitioner)
    assert "Only you can see this entry." in page(owner.get(f"/cpd/entries/{entry_id}")).text()

    response = share(owner, entry_id, "yes")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/cpd/entries/{entry_id}"
    assert is_shared_flag(app, entry_id) is True
    shown = page(owner.get(f"/cpd/entries/{entry_id}"))
    assert "Shared with your line manager" in shown.text()
    assert "Shared with line manager" in [
        t.get_text(strip=True) for t in shown.soup.select("main .govuk-tag")
    ]

    share(owner, entry_id, "yes")  # sharing again changes nothing and records nothing
    share(owner, entry_id, "no")
    assert is_shared_flag(app, entry_id) is False
    user = org.practitioner.user_id
    assert events(app, entry_id) == [("cpd_entry_shared", user), ("cpd_entry_unshared", user)]


def test_an_entry_can_be_shared_when_it_is_written(app, org):
    owner = signed_in(app, org.practitioner)
    response = submit(
        owner,
        "/cpd/entries/new",
        {
            "title": "Notes for supervision",
            "started_on": ["14", "10", "2026"],
            "share": "y",
            "save_draft": "Save as draft",
        },
    )
    assert response.status_code == 302
    manager = signed_in(app, org.line_manager)
    assert shared_titles(manager) == ["Notes for supervision"]


def test_the_line_manager_reads_and_comments_on_a_shared_entry(app, org, entry_id):
    with app.app_context():
        make_entry(org.practitioner.staff_id, title="Kept private")
    owner = signed_in(app, org.practitioner)
    share(owner, entry_id, "yes")

    manager = signed_in(app, org.line_manager)
    assert shared_titles(manager) == [PIECE.title]
    shown = page(manager.get(f"/cpd/entries/{entry_id}"))
    assert shown.h1 == PIECE.title
    assert "Priya Sandhu’s CPD, shared with you" in shown.text()
    assert PIECE.learning in [w.get_text() for w in shown.soup.select(".app-written")]
    assert shown.soup.find("a", href=f"/cpd/entries/{entry_id}/edit") is None
    assert shown.soup.find("form", action=f"/cpd/entries/{entry_id}/share") is None
    assert shown.soup.find("form", action=f"/cpd/entries/{entry_id}/evidence") is None

    body = "Good reflection.\nBring the chronology to supervision."
    response = comment(manager, entry_id, body)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/cpd/entries/{entry_id}#comments"
    with app.app_context():
        [stored] = db.session.scalars(select(CpdComment)).all()
        assert (stored.entry_id, stored.author_id) == (entry_id, org.line_manager.staff_id)
        assert stored.body == body
        assert stored.created_at == NOW

    seen = page(owner.get(f"/cpd/entries/{entry_id}"))
    comments = seen.soup.find(id="comments").find_next_siblings("div")
    assert "Marcus Lindqvist" in comments[0].get_text()
    assert comments[0].select_one(".app-written").get_text() == body
    assert "1 comment" in page(owner.get("/cpd/me")).text()


@pytest.mark.parametrize("body", ["", "   \n  "])
def test_an_empty_comment_is_refused(app, org, entry_id, body):
    share(signed_in(app, org.practitioner), entry_id, "yes")
    manager = signed_in(app, org.line_manager)
    result = page(comment(manager, entry_id, body))
    errors = result.error_summary()
    assert errors == {"#body": "Enter a comment"}
    assert result.soup.find(id="body") is not None
    assert result.h1 == PIECE.title
    with app.app_context():
        assert db.session.scalars(select(CpdComment)).all() == []


def test_the_line_manager_cannot_see_an_unshared_entry_or_its_evidence(app, org, entry_id):
    owner = signed_in(app, org.practitioner)
    evidence_id = upload(owner, entry_id)
    assert owner.get(f"/cpd/evidence/{evidence_id}").data == PDF

    manager = signed_in(app, org.line_manager)
    assert shared_titles(manager) == []
    assert manager.get(f"/cpd/entries/{entry_id}").status_code == 404
    assert manager.get(f"/cpd/entries/{entry_id}/versions").status_code == 404
    assert manager.get(f"/cpd/evidence/{evidence_id}").status_code == 404
    token = csrf_token(manager, "/cpd/me")
    refused = manager.post(
        f"/cpd/entries/{entry_id}/comments", data={"csrf_token": token, "body": "Hello"}
    )
    assert refused.status_code == 404

    share(owner, entry_id, "yes")
    assert manager.get(f"/cpd/entries/{entry_id}").status_code == 200
    assert manager.get(f"/cpd/evidence/{evidence_id}").data == PDF

    share(owner, entry_id, "no")
    assert manager.get(f"/cpd/entries/{entry_id}").status_code == 404
    assert manager.get(f"/cpd/evidence/{evidence_id}").status_code == 404
    assert shared_titles(manager) == []


def test_share_all_shares_complete_entries_but_not_drafts(app, org, entry_id):
    with app.app_context():
        draft_id = make_entry(org.practitioner.staff_id, complete=False, title="Half written").id
    owner = signed_in(app, org.practitioner)
    response = submit(owner, "/cpd/me/settings", {"share_all": "yes"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(CpdProfile, org.practitioner.staff_id).share_all is True
        assert db.session.scalar(
            select(AuditEvent.event).where(AuditEvent.event == "cpd_share_all_on")
        )
    assert is_shared_flag(app, entry_id) is False, "the entry itself is unchanged"
    with app.app_context():  # entries written later are shared too
        later_id = make_entry(org.practitioner.staff_id, title="Written after sharing all").id

    manager = signed_in(app, org.line_manager)
    assert sorted(shared_titles(manager)) == sorted([PIECE.title, "Written after sharing all"])
    assert manager.get(f"/cpd/entries/{entry_id}").status_code == 200
    assert manager.get(f"/cpd/entries/{later_id}").status_code == 200
    assert manager.get(f"/cpd/entries/{draft_id}").status_code == 404
    assert (
        "You share all your complete entries" in page(owner.get(f"/cpd/entries/{entry_id}")).text()
    )

    submit(owner, "/cpd/me/settings", {"share_all": "no"})
    assert manager.get(f"/cpd/entries/{entry_id}").status_code == 404
    assert shared_titles(manager) == []


def test_the_line_manager_cannot_change_a_shared_entry(app, org, entry_id):
    owner = signed_in(app, org.practitioner)
    evidence_id = upload(owner, entry_id)
    share(owner, entry_id, "yes")
    manager = signed_in(app, org.line_manager)
    token = csrf_token(manager, f"/cpd/entries/{entry_id}")

    assert manager.get(f"/cpd/entries/{entry_id}/edit").status_code == 404
    assert manager.get(f"/cpd/entries/{entry_id}/delete").status_code == 404
    assert manager.get(f"/cpd/evidence/{evidence_id}/remove").status_code == 404
    posts = {
        f"/cpd/entries/{entry_id}/edit": {"title": "Changed", "save_complete": "y"},
        f"/cpd/entries/{entry_id}/share": {"shared": "no"},
        f"/cpd/entries/{entry_id}/recorded": {"year": "2026"},
        f"/cpd/entries/{entry_id}/delete": {"confirm": "y"},
        f"/cpd/evidence/{evidence_id}/remove": {"confirm": "y"},
    }
    for path, data in posts.items():
        response = manager.post(path, data={"csrf_token": token, **data})
        assert response.status_code == 404, path
    with app.app_context():
        entry = db.session.get(CpdEntry, entry_id)
        assert (entry.title, entry.shared, entry.submitted_for_year) == (PIECE.title, True, None)
        assert len(entry.evidence) == 1


@pytest.mark.parametrize(
    "persona", ["senior_manager", "wfld_admin", "system_admin", "other_practitioner"]
)
def test_nobody_else_sees_a_shared_entry_whatever_their_role(app, org, entry_id, persona):
    owner = signed_in(app, org.practitioner)
    evidence_id = upload(owner, entry_id)
    share(owner, entry_id, "yes")
    submit(owner, "/cpd/me/settings", {"share_all": "yes"})
    comment(owner, entry_id, "A note to my manager.")

    someone = signed_in(app, getattr(org, persona))
    for path in (
        f"/cpd/entries/{entry_id}",
        f"/cpd/entries/{entry_id}/versions",
        f"/cpd/entries/{entry_id}/edit",
        f"/cpd/evidence/{evidence_id}",
    ):
        assert someone.get(path).status_code == 404, path
    token = csrf_token(someone, "/")
    refused = someone.post(
        f"/cpd/entries/{entry_id}/comments", data={"csrf_token": token, "body": "Me too"}
    )
    assert refused.status_code == 404
    with app.app_context():
        assert len(db.session.scalars(select(CpdComment)).all()) == 1
    if persona == "senior_manager":  # a line manager too, of the practitioner's manager
        assert shared_titles(someone) == []


def test_a_new_line_manager_takes_over_and_the_old_one_loses_access(app, org, entry_id):
    owner = signed_in(app, org.practitioner)
    share(owner, entry_id, "yes")
    old = signed_in(app, org.line_manager)
    assert old.get(f"/cpd/entries/{entry_id}").status_code == 200

    with app.app_context():
        staff = db.session.get(StaffMember, org.practitioner.staff_id)
        new_manager = db.session.scalar(
            select(StaffMember).where(StaffMember.work_email == OTHER_MANAGER)
        )
        details = org_services.StaffDetails(
            employee_number=staff.employee_number,
            first_name=staff.first_name,
            last_name=staff.last_name,
            work_email=staff.work_email,
            team=staff.team,
            job_role=staff.job_role,
            line_manager=new_manager,
            employment_type=staff.employment_type,
            fte=staff.fte,
            start_date=staff.start_date,
            leaving_date=staff.leaving_date,
            regulator=staff.regulator,
            registration_number=staff.registration_number,
        )
        org_services.update_staff(
            staff=staff,
            details=details,
            actor=db.session.get(User, org.wfld_admin.user_id),
            now=NOW,
            today=TODAY,
        )
        db.session.commit()

    assert old.get(f"/cpd/entries/{entry_id}").status_code == 404
    assert shared_titles(old) == []
    new = signed_in(app, OTHER_MANAGER)
    assert shared_titles(new) == [PIECE.title]
    assert new.get(f"/cpd/entries/{entry_id}").status_code == 200


# What is new: comments on my entries, entries shared with me -------------------------------------
def attention(client: FlaskClient) -> list[tuple[str, str]]:
    home = page(client.get("/"))
    return [
        (" ".join(a.get_text().split()), a["href"])
        for a in home.soup.select("ul[aria-labelledby=attention] a")
    ]


def shared_rows(client: FlaskClient) -> list[tuple[str, bool, str]]:
    """(title, marked New, shared-or-updated date) for each row of "CPD shared with you"."""
    listing = page(client.get("/cpd/shared"))
    rows = []
    for row in listing.soup.select("main table tbody tr"):
        cells = row.select("td")
        tags = [t.get_text(strip=True) for t in cells[1].select(".govuk-tag")]
        rows.append((cells[1].a.get_text(strip=True), "New" in tags, cells[2].get_text(strip=True)))
    return rows


def later(minutes: int) -> None:
    clock.freeze(NOW + dt.timedelta(minutes=minutes))


def test_a_new_comment_shows_on_the_authors_home_until_they_open_the_entry(app, org, entry_id):
    owner = signed_in(app, org.practitioner)
    share(owner, entry_id, "yes")
    owner.get(f"/cpd/entries/{entry_id}")  # opened before anyone commented
    assert not [text for text, _ in attention(owner) if "comment" in text]

    manager = signed_in(app, org.line_manager)
    later(5)
    comment(manager, entry_id, "Good reflection.")
    link = (f"1 new comment on ‘{PIECE.title}’", f"/cpd/entries/{entry_id}#comments")
    assert link in attention(owner)
    assert not [text for text, _ in attention(manager) if "comment" in text], "not the author"
    later(6)
    comment(manager, entry_id, "Bring the chronology to supervision.")
    assert (f"2 new comments on ‘{PIECE.title}’", link[1]) in attention(owner)

    later(10)
    assert owner.get(f"/cpd/entries/{entry_id}").status_code == 200
    assert not [text for text, _ in attention(owner) if "comment" in text]
    with app.app_context():
        read = db.session.get(CpdEntryRead, (entry_id, org.practitioner.staff_id))
        assert read.seen_at == NOW + dt.timedelta(minutes=10)

    later(20)
    comment(manager, entry_id, "One more thought.")
    assert (f"1 new comment on ‘{PIECE.title}’", link[1]) in attention(owner)


def test_the_authors_own_comment_is_not_new_to_them(app, org, entry_id):
    owner = signed_in(app, org.practitioner)
    share(owner, entry_id, "yes")
    comment(owner, entry_id, "A note to my manager.")
    assert not [text for text, _ in attention(owner) if "comment" in text]


def test_shared_with_you_marks_new_entries_until_the_manager_opens_them(app, org, entry_id):
    owner = signed_in(app, org.practitioner)
    manager = signed_in(app, org.line_manager)
    share(owner, entry_id, "yes")
    assert shared_rows(manager) == [(PIECE.title, True, "23 November 2026")]
    assert ("1 CPD entry is shared with you (1 new)", "/cpd/shared") in attention(manager)

    later(5)
    assert manager.get(f"/cpd/entries/{entry_id}").status_code == 200
    assert shared_rows(manager) == [(PIECE.title, False, "23 November 2026")]
    assert ("1 CPD entry is shared with you", "/cpd/shared") in attention(manager)

    later(10)
    comment(owner, entry_id, "I have added the chronology.")  # the author replies: new again
    assert shared_rows(manager)[0][1] is True
    later(15)
    manager.get(f"/cpd/entries/{entry_id}")
    assert shared_rows(manager)[0][1] is False

    later(20)  # unshared, then shared again: new again
    share(owner, entry_id, "no")
    share(owner, entry_id, "yes")
    assert shared_rows(manager)[0][1] is True


def test_shared_with_you_sorts_by_when_each_entry_was_shared_or_updated(app, org):
    def change(entry_id: int, days: int, how: str) -> None:
        with app.app_context():
            entry = db.session.get(CpdEntry, entry_id)
            actor, now = db.session.get(User, org.practitioner.user_id), NOW + dt.timedelta(days)
            if how == "share":
                services.set_shared(entry=entry, shared=True, actor=actor, now=now)
            else:
                services.mark_recorded(entry=entry, year=None, actor=actor, now=now)
            db.session.commit()

    with app.app_context():
        older = make_entry(org.practitioner.staff_id, title="Older piece").id
        newer = make_entry(org.practitioner.staff_id, title="Newer piece").id
    change(newer, 2, "share")
    change(older, 1, "share")
    manager = signed_in(app, org.line_manager)
    assert shared_rows(manager) == [
        ("Newer piece", True, "25 November 2026"),
        ("Older piece", True, "24 November 2026"),
    ]
    listing = page(manager.get("/cpd/shared"))
    order = listing.soup.find(id="shared-order").get_text(" ", strip=True)
    assert order.startswith("Newest first, by the date each entry was shared with you or last")

    change(older, 3, "update")  # the older piece is updated: it comes first
    assert shared_rows(manager)[0] == ("Older piece", True, "26 November 2026")
    assert [title for title, _, _ in shared_rows(manager)] == ["Older piece", "Newer piece"]


def test_reads_are_recorded_only_for_people_who_may_open_the_entry(app, org, entry_id):
    owner = signed_in(app, org.practitioner)
    share(owner, entry_id, "yes")
    for persona in ("senior_manager", "other_practitioner", "wfld_admin"):
        someone = signed_in(app, getattr(org, persona))
        assert someone.get(f"/cpd/entries/{entry_id}").status_code == 404, persona
    with app.app_context():
        readers = db.session.scalars(
            select(CpdEntryRead.staff_id).where(CpdEntryRead.entry_id == entry_id)
        ).all()
    assert readers == [org.practitioner.staff_id], (
        "only the author opened it; refusals record nothing"
    )
