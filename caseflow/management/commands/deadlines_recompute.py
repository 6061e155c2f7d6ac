"""Recompute open provisional deadlines, e.g. after entering a year's overrides (W3)."""

from django.core.management.base import BaseCommand

from caseflow.actions.calendar import deadlines_recompute


class Command(BaseCommand):
    help = "Recompute every open provisional deadline from the current calendar."

    def handle(self, *args, **options):
        changed = deadlines_recompute()
        self.stdout.write(f"Recomputed {len(changed)} deadline(s).")
