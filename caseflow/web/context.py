"""What every public page shows: the body's name (settings, D1 section 一)."""

from django.conf import settings


def site(request):
    return {"body": settings.CASEFLOW_BODY_NAME}
