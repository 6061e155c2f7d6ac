"""Write a year's disclosure table (D1), impartiality self-check draft (R9.03) and
complaint statistics for management review into a folder."""

import dataclasses
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from caseflow.disclosure_table import DisclosureIncomplete, render_disclosure_table_xlsx
from caseflow.selectors.reports import (
    complaint_statistics,
    disclosure_table_data,
    self_check_report_data,
)
from caseflow.self_check_report import render_self_check_report_pdf


class Command(BaseCommand):
    help = "Write the yearly reports (信息公开表 XLSX, 公正性自查报告 PDF draft, statistics)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=timezone.localdate().year)
        parser.add_argument("--out", default=".", help="folder to write into")
        parser.add_argument(
            "--final", action="store_true",
            help="write the final 信息公开表 instead of a draft; refused (D1) while an "
                 "engagement's timeliness or the body's basic information is not filled in")

    def handle(self, *args, year, out, final, **options):
        folder = Path(out)
        if not folder.is_dir():
            raise CommandError(f"--out: no such folder: {folder}")
        try:
            table = disclosure_table_data(year, final=final)
        except DisclosureIncomplete as exc:
            raise CommandError(str(exc)) from exc
        draft = "" if final else "-草稿"
        files = {
            f"{table.title.replace(' ', '').replace('/', '-')}-{year}{draft}.xlsx":
                render_disclosure_table_xlsx(table),
            f"{year}年度公正性自查报告-草稿.pdf": render_self_check_report_pdf(
                self_check_report_data(year)),
            f"complaint-statistics-{year}.json": json.dumps(
                dataclasses.asdict(complaint_statistics(year)), ensure_ascii=False, indent=2,
                default=str).encode("utf-8"),
        }
        for name, data in files.items():
            (folder / name).write_bytes(data)
            self.stdout.write(str(folder / name))
