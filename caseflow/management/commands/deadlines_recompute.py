"""Recompute open provisional dates, e.g. after entering a year's overrides (W3)."""

from django.core.management.base import BaseCommand

from caseflow.actions.calendar import deadlines_recompute


class Command(BaseCommand):
    help = ("Recompute every open provisional date from the current calendar: case deadlines, "
            "appeal filing windows, corrective-action task due dates, inspection targets.")

    def handle(self, *args, **options):
        changed = deadlines_recompute()
        self.stdout.write(
            f"Recomputed {len(changed.cases)} deadline(s), "
            f"{len(changed.filing_windows)} appeal filing window(s), "
            f"{len(changed.tasks)} task due date(s), "
            f"{len(changed.inspections)} inspection target(s); "
            f"{changed.reminders_moved} reminder moment(s) moved.")
