"""The benchmark peer's WSGI application (gunicorn bench.helpdesk_site.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.helpdesk_site.settings")
application = get_wsgi_application()
