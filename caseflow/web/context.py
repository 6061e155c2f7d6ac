"""What every public page shows: the body's name (settings, D1 section 一) and the site's
links (header, footer)."""

from functools import cache

from django.conf import settings
from django.urls import get_script_prefix, reverse

# The pages every public page links to, by their URL names.
SITE_LINKS = ("public:home", "public:complaint", "public:appeal", "public:dispute",
              "public:track", "public:procedure", "public:impartiality", "public:privacy",
              "staff:signin", "set_language")


@cache
def site_links(script_prefix: str) -> dict[str, str]:
    """The links' paths under `script_prefix`, resolved once per process: they take no
    arguments, and resolving ten names cost each page about a millisecond."""
    return {name.split(":")[-1]: reverse(name) for name in SITE_LINKS}


def site(request):
    return {"body": settings.CASEFLOW_BODY_NAME, "links": site_links(get_script_prefix())}
