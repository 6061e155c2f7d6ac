"""Attachments: size limit and type checked from the file's content, never its name."""

from rest_framework import serializers

from api.parsers import JSONParser, MultiPartParser
from caseflow.documents import document_checked
from caseflow.errors import InvalidInput

# For the views that take a file: multipart besides JSON.
WITH_FILES = [JSONParser, MultiPartParser]


def takes_files(serializer_class) -> bool:
    return any(isinstance(f, serializers.FileField) for f in serializer_class().fields.values())



class DocumentField(serializers.FileField):
    """A PDF, image or Office file up to CASEFLOW_UPLOAD_MAX_BYTES, judged by content."""

    def to_internal_value(self, data):
        upload = super().to_internal_value(data)
        try:
            upload.name = document_checked(upload, field="")
        except InvalidInput as refused:
            raise serializers.ValidationError(refused.message) from refused
        return upload
