"""kasvu quality: stored values that look wrong (outliers, breaks in series), for an analyst to check."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = (
        "List values that pass the import rules but look wrong: a change far from the area's own series, a "
        "value far from the same year's peers (modified z-score over 3.5), and breaks in series. Warnings "
        "only; nothing is changed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--indicator", nargs="+", metavar="KEY", help="Only these indicators.")
        parser.add_argument(
            "--year",
            nargs="+",
            type=int,
            metavar="YEAR",
            help="Years to check (default: each indicator's latest).",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        from kasvu.bank.quality import warnings

        found = warnings(opts["indicator"], opts["year"])
        for warning in found:
            self.stdout.write(str(warning))
        self.stdout.write(f"{len(found)} warning(s)." if found else "No warnings.")
