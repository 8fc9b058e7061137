"""Uploaded files: checked by their content, stored outside the static folder under random
names, and only ever served as downloads through views that ask the permission policy.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import puremagic
from flask import Response, current_app, send_file
from sqlalchemy import event
from sqlalchemy.orm import Session

from wfld.core.filetypes import UploadRefused  # defined there, used here as files.UploadRefused
from wfld.core.text import clean_text
from wfld.extensions import db

CHUNK = 64 * 1024


@dataclass(frozen=True)
class StoredUpload:
    storage_key: str
    original_name: str
    content_type: str
    size_bytes: int
    sha256: str


def upload_folder() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"])


def _path(storage_key: str) -> Path:
    if not storage_key.replace("-", "").replace("_", "").isalnum():
        raise ValueError("not a storage key")
    return upload_folder() / storage_key[:2] / storage_key


def store(
    stream: BinaryIO,
    *,
    filename: str,
    allowed: dict[str, str],
    max_bytes: int,
    identify: Callable[[Path], str] | None = None,
) -> StoredUpload:
    """Save an upload if its content (not its name) is one of ``allowed`` (MIME → label).

    The bytes are streamed to a temporary file, measured, hashed and sniffed, then moved
    into place under a random name. Nothing is kept when the file is refused.

    ``identify`` (such as ``filetypes.identify``) replaces the sniffing of the first 8 KB: it
    is given the whole temporary file and returns its MIME type or raises ``UploadRefused``.
    """
    folder = upload_folder()
    folder.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    head = b""
    handle, temp_name = tempfile.mkstemp(dir=folder, prefix=".upload-")
    try:
        with os.fdopen(handle, "wb") as out:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise UploadRefused(
                        f"The file must be {max_bytes // (1024 * 1024)}MB or smaller"
                    )
                if len(head) < 8192:
                    head += chunk[: 8192 - len(head)]
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise UploadRefused("The selected file is empty")
        content_type = _sniff(head) if identify is None else identify(Path(temp_name))
        if content_type not in allowed:
            kinds = ", ".join(sorted(set(allowed.values())))
            raise UploadRefused(f"The selected file must be a {kinds}")
        key = secrets.token_urlsafe(24)
        target = _path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(temp_name, target)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    # Control characters (NUL above all: PostgreSQL cannot store it) and bidirectional
    # overrides (which make "x\u202efdp.exe" look like "xexe.pdf") are never part of a name.
    name = clean_text(Path(filename or "upload").name, single_line=True).strip()
    name = name[-200:] or "upload"
    return StoredUpload(key, name, content_type, size, digest.hexdigest())


def _sniff(head: bytes) -> str:
    try:
        return puremagic.from_string(head, mime=True) or "unknown"
    except puremagic.PureError:
        return "unknown"


def download(storage_key: str, *, download_name: str, content_type: str) -> Response:
    """Always a download, never rendered in the browser."""
    response = send_file(
        _path(storage_key), mimetype=content_type, as_attachment=True, download_name=download_name
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response


def remove(storage_key: str) -> None:
    _path(storage_key).unlink(missing_ok=True)


# Files follow the transaction that records them: a file stored for a row that is rolled back
# is deleted, and a file whose row is deleted goes only once that deletion is committed.
_REMOVE_ON_COMMIT = "wfld_files_remove_on_commit"
_REMOVE_ON_ROLLBACK = "wfld_files_remove_on_rollback"


def remove_after_commit(storage_key: str) -> None:
    db.session.info.setdefault(_REMOVE_ON_COMMIT, set()).add(storage_key)


def remove_after_rollback(storage_key: str) -> None:
    db.session.info.setdefault(_REMOVE_ON_ROLLBACK, set()).add(storage_key)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    session.info.pop(_REMOVE_ON_ROLLBACK, None)
    for key in session.info.pop(_REMOVE_ON_COMMIT, set()):
        remove(key)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(_REMOVE_ON_COMMIT, None)
    for key in session.info.pop(_REMOVE_ON_ROLLBACK, set()):
        remove(key)
