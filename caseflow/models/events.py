"""The append-only audit trail (R10.04, X8)."""

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from caseflow.errors import CaseflowError
from caseflow.models.cases import Case
from caseflow.models.people import Staff


class AppendOnly(CaseflowError):
    def __init__(self):
        super().__init__(gettext("Case events are append-only: never changed or removed."),
                         rule="R10.04")


class CaseEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnly()

    def delete(self):
        raise AppendOnly()

    def bulk_update(self, *args, **kwargs):
        raise AppendOnly()


class CaseEvent(models.Model):
    """Who did what to a case, when, from which state to which, and why.

    The payload points at parties and documents by id and never holds identity data (X8),
    so erasing a party's identity leaves the trail intact. PostgreSQL refuses UPDATE and
    DELETE with a trigger (migration 0003) besides the ORM guards here.
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    actor = models.ForeignKey(Staff, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+")
    actor_label = models.CharField(max_length=32, blank=True,
                                   help_text=_("Who acted when not staff: system, submitter."))
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    action = models.CharField(_("action"), max_length=48)
    from_state = models.CharField(_("from state"), max_length=32, blank=True)
    to_state = models.CharField(_("to state"), max_length=32, blank=True)
    payload = models.JSONField(_("details"), default=dict, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    objects = CaseEventQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("case event")
        verbose_name_plural = _("case events")

    def __str__(self):
        return f"{self.case_id} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnly()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly()
