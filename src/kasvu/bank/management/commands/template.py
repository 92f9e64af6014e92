"""kasvu template FILE.xlsx|FILE.csv: an empty table for local indicators, with instructions."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kasvu.importers.table import write_template


class Command(BaseCommand):
    help = "Write an empty template for `kasvu import table` (XLSX with a README sheet, or CSV + sidecar)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="e.g. local_indicators.xlsx or local_indicators.csv")
        parser.add_argument("--force", action="store_true", help="Overwrite an existing file.")

    def handle(self, *args: Any, **opts: Any) -> None:
        from pathlib import Path

        path = Path(opts["path"])
        if path.suffix.lower() not in (".xlsx", ".csv"):
            raise CommandError(f"{path}: give a .xlsx or .csv file name.")
        if path.exists() and not opts["force"]:
            raise CommandError(f"{path} exists. Choose another name or add --force.")
        for written in write_template(path):
            self.stdout.write(f"Wrote {written}")
        self.stdout.write(f"Fill it in, then: kasvu import table {path}")
