from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseflowConfig(AppConfig):
    name = "caseflow"
    verbose_name = _("Caseflow")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Load the Celery app with Django so `shared_task`s bind to it.
        from caseflow import celery  # noqa: F401
