"""django-helpdesk under /helpdesk/ (its public form: /helpdesk/tickets/submit/)."""

from django.urls import include, path

urlpatterns = [path("helpdesk/", include("helpdesk.urls", namespace="helpdesk"))]
