"""kasvu sync CONFIG: fetch every source of a sync configuration, store what is new, report the changes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kasvu.importers.base import ImportFailed


class Command(BaseCommand):
    help = (
        "Fetch every source listed in a sync configuration (PxWeb tables, Sotkanet indicators, folders of "
        "files), store what is new through the normal import, and report new, revised and withdrawn values. "
        "Safe to rerun; see docs/importing.md for the configuration and a systemd timer."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "config", nargs="?", default="sync.yaml", help="The configuration (default: sync.yaml)."
        )
        parser.add_argument("--user", default="", help="Recorded as who imported (default: empty).")

    def handle(self, *args: Any, **opts: Any) -> None:
        from kasvu.bank.sync import run

        path = Path(opts["config"])
        if not path.exists():
            raise CommandError(f"{path}: no such file. Write one as docs/importing.md shows.")
        try:
            report = run(path, user=opts["user"])
        except ImportFailed as exc:
            raise CommandError(str(exc)) from exc
        for line in report.lines():
            self.stdout.write(line)
        if report.failed:
            raise CommandError("some sources failed (see above); the others were stored.")
