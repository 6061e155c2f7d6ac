"""Files attached to a form that came back with errors are kept, so the submitter does not
have to attach them again: stored under an unguessable folder, named in a signed field."""

from __future__ import annotations

import secrets

from django.core import signing
from django.core.files.storage import default_storage

SALT = "caseflow.pending-uploads"


def pending_keep(files: list, previous: str = "") -> str:
    """Store `files` beside those already kept; the signed token that names them all."""
    paths = pending_paths(previous)
    folder = f"pending/{secrets.token_hex(16)}"
    for upload in files:
        upload.seek(0)
        paths.append(default_storage.save(f"{folder}/{upload.name}", upload))
    return signing.dumps(paths, salt=SALT) if paths else ""


def pending_paths(token: str) -> list[str]:
    if not token:
        return []
    try:
        paths = signing.loads(token, salt=SALT, max_age=24 * 3600)
    except signing.BadSignature:
        return []
    return [p for p in paths if isinstance(p, str) and p.startswith("pending/")
            and default_storage.exists(p)]


def pending_files(token: str) -> list:
    """The kept files, opened again, named as they were attached."""
    files = []
    for path in pending_paths(token):
        handle = default_storage.open(path)
        handle.name = path.rsplit("/", 1)[-1]
        files.append(handle)
    return files


def pending_names(token: str) -> list[str]:
    return [p.rsplit("/", 1)[-1] for p in pending_paths(token)]


def pending_discard(token: str) -> None:
    for path in pending_paths(token):
        default_storage.delete(path)
