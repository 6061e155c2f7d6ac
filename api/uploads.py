"""Attachments: size limit and type checked from the file's content, never its name."""

import filetype
from django.conf import settings
from django.utils.translation import gettext
from rest_framework import serializers

from api.parsers import JSONParser, MultiPartParser

# For the views that take a file: multipart besides JSON.
WITH_FILES = [JSONParser, MultiPartParser]


def takes_files(serializer_class) -> bool:
    return any(isinstance(f, serializers.FileField) for f in serializer_class().fields.values())

ACCEPTED = {
    "application/pdf": ".pdf",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/tiff": ".tif",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/zip": ".zip",
}


class DocumentField(serializers.FileField):
    """A PDF, image or Office file up to CASEFLOW_UPLOAD_MAX_BYTES, judged by content."""

    def to_internal_value(self, data):
        upload = super().to_internal_value(data)
        if upload.size > settings.CASEFLOW_UPLOAD_MAX_BYTES:
            raise serializers.ValidationError(
                gettext("The file is larger than %(megabytes)d MB.")
                % {"megabytes": settings.CASEFLOW_UPLOAD_MAX_BYTES // 2**20})
        head = upload.read(8192)
        upload.seek(0)
        kind = filetype.guess(head)
        if kind is None or kind.mime not in ACCEPTED:
            raise serializers.ValidationError(
                gettext("Only PDF, PNG, JPEG, TIFF, DOCX, XLSX or ZIP files are accepted "
                        "(judged by their content)."))
        # Name the stored file by what it is, whatever the uploader called it.
        stem = upload.name.rsplit(".", 1)[0][:80] or "document"
        upload.name = stem + ACCEPTED[kind.mime]
        return upload
