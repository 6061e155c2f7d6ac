"""Django admin: configuration data, each change kept in its history (simple-history)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from caseflow.actions.calendar import calendar_year_mark_complete
from caseflow.models import CalendarOverride, CalendarYear

admin.site.site_header = _("Caseflow administration")
admin.site.site_title = _("Caseflow")


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(SimpleHistoryAdmin):
    list_display = ["date", "kind", "note"]
    list_filter = ["kind"]
    date_hierarchy = "date"
    search_fields = ["note"]


@admin.register(CalendarYear)
class CalendarYearAdmin(SimpleHistoryAdmin):
    list_display = ["year", "schedule_complete", "completed_at", "completed_by"]
    # Completion goes through its action (it recomputes provisional deadlines).
    readonly_fields = ["schedule_complete", "completed_at", "completed_by"]
    actions = ["mark_complete"]

    @admin.action(description=_("Mark the schedule complete (ends provisional deadlines)"))
    def mark_complete(self, request, queryset):
        for record in queryset:
            calendar_year_mark_complete(year=record.year, acting_user=request.user)
        self.message_user(request, _("Schedule marked complete."), messages.SUCCESS)
