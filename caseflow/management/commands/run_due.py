"""Run every time-driven action that is due (the scheduler calls this every few minutes)."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from caseflow.actions.time_driven import run_due


class Command(BaseCommand):
    help = "Run the time-driven actions due at --at (ISO datetime; default now)."

    def add_arguments(self, parser):
        parser.add_argument("--at", help="e.g. 2026-12-01T09:00+08:00 (default: now)")

    def handle(self, *args, at=None, **options):
        now = timezone.now()
        if at:
            try:
                now = dt.datetime.fromisoformat(at)
            except ValueError as exc:
                raise CommandError(f"--at: not an ISO datetime: {at}") from exc
            if timezone.is_naive(now):
                now = timezone.make_aware(now)
        result = run_due(now=now)
        self.stdout.write(f"Closed appeals after the committee window: "
                          f"{', '.join(result.closed_appeals) or 'none'}")
        self.stdout.write(f"Nonconformities opened for missed acceptance: "
                          f"{', '.join(result.nonconformities_opened) or 'none'}")
        reminders = result.reminders
        self.stdout.write(f"Deadline sweep: {reminders.swept} due item(s), "
                          f"{reminders.reminders} reminder(s), "
                          f"{reminders.escalations} escalation(s) queued")
        if reminders.failed:
            self.stdout.write(f"Failed, tried again in an hour: {', '.join(reminders.failed)}")
        self.stdout.write(f"Snoozed reminders sent again: {result.snoozed_repeats}")
        self.stdout.write(f"Daily digests queued: {result.digests}")
