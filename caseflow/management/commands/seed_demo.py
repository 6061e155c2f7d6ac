"""Demo data for the README's run command: idempotent, safe to run on every start."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from caseflow.models import CalendarYear
from caseflow.workdays import package_covers

DEMO_PASSWORD = "caseflow-demo"


class Command(BaseCommand):
    help = "Create the demo administrator and calendar years (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        User = get_user_model()
        admin, created = User.objects.get_or_create(
            username="admin", defaults={"is_staff": True, "is_superuser": True}
        )
        if created:
            admin.set_password(DEMO_PASSWORD)
            admin.save()
        # One row per year the data package covers plus the next: the admin sees at once
        # which years are official and which are still provisional (W3).
        for year in range(2024, 2028):
            CalendarYear.objects.get_or_create(year=year)
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        self.stdout.write("  admin  (administrator)")
        unknown = [y for y in range(2024, 2028) if not package_covers(y)]
        if unknown:
            self.stdout.write(
                f"Calendar: no official schedule yet for {', '.join(map(str, unknown))};"
                " deadlines there are provisional."
            )
