"""Which uploaded documents the body accepts: judged by their content, never by the name
the uploader gave. Pure checks, no ORM; the API and the public site both use them."""

from __future__ import annotations

import filetype
from django.conf import settings
from django.utils.translation import gettext

from caseflow.errors import InvalidInput

# What is accepted, and the extension a stored file gets for it.
ACCEPTED = {
    "application/pdf": ".pdf",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/tiff": ".tif",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/zip": ".zip",
}


def document_checked(upload, *, field: str) -> str:
    """The name to store `upload` under, or InvalidInput naming `field` when it is too
    large or not a kind of document the body accepts."""
    if upload.size > settings.CASEFLOW_UPLOAD_MAX_BYTES:
        raise InvalidInput(gettext("The file is larger than %(megabytes)d MB.")
                           % {"megabytes": settings.CASEFLOW_UPLOAD_MAX_BYTES // 2**20},
                           field=field)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in ACCEPTED:
        raise InvalidInput(gettext("Only PDF, PNG, JPEG, TIFF, DOCX, XLSX or ZIP files are "
                                   "accepted (judged by their content)."), field=field)
    # Named by what it is, whatever the uploader called it (storage cleans the rest).
    return (upload.name.rsplit(".", 1)[0][:80] or "document") + ACCEPTED[kind.mime]
