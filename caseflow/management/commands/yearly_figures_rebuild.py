"""Rebuild the year's figures (X1) from a full recount: after a bulk load, or to check them."""

from django.core.management.base import BaseCommand

from caseflow.actions.yearly_figures import yearly_figures_rebuild


class Command(BaseCommand):
    help = ("Recount every case's acceptance verdict and working days, every corrective-action "
            "report's verdict, and write the on-time counts by month and the working-day "
            "tallies from that recount.")

    def handle(self, *args, **options):
        rebuilt = yearly_figures_rebuild()
        self.stdout.write(
            f"Corrected the stored figures of {rebuilt.cases_corrected} case(s) and "
            f"{rebuilt.cycles_corrected} cycle(s); wrote {rebuilt.on_time_rows} on-time "
            f"month row(s) and {rebuilt.tally_rows} working-day tally row(s).")
