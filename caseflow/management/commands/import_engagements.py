"""Import the engagement register (CSV or XLSX): who performed each verification (R8.15)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from caseflow.actions.engagements import engagement_rows_from_file, engagements_import
from caseflow.errors import InvalidInput


class Command(BaseCommand):
    help = ("Create or update engagements from a .csv or .xlsx register; "
            "all or nothing, safe to run again.")

    def add_arguments(self, parser):
        parser.add_argument("path", help="the register, .csv (UTF-8) or .xlsx (first sheet)")

    def handle(self, *args, path, **options):
        file = Path(path)
        try:
            with file.open("rb") as f:
                rows = engagement_rows_from_file(f)
            result = engagements_import(rows=rows)
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror or exc}") from exc
        except InvalidInput as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"created {result.created}, updated {result.updated}")
