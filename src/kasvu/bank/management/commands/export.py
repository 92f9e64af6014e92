"""kasvu export observations --indicator KEY --area CODE --format csv|xlsx|json"""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kasvu.bank.areas import AmbiguousArea, AreaNotFound, find_area
from kasvu.bank.export import computed_group_values, stored_observations, with_group_values, write
from kasvu.bank.models import Indicator


class Command(BaseCommand):
    help = (
        "Export stored observations exactly as stored, with flags and provenance; --include-groups adds the "
        "values computed for groups."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=["observations"])
        parser.add_argument(
            "--indicator", nargs="+", metavar="KEY", help="Indicator keys, e.g. sotkanet:127."
        )
        parser.add_argument("--area", nargs="+", metavar="CODE", help="Area codes, kind:code or names.")
        parser.add_argument("--from-year", type=int)
        parser.add_argument("--to-year", type=int)
        parser.add_argument("--format", choices=["csv", "xlsx", "json"], default="csv")
        parser.add_argument("--output", "-o", help="File to write (default: standard output; xlsx needs -o).")
        parser.add_argument(
            "--include-groups",
            action="store_true",
            help="Also the values kasvu computes for groups, regions, counties and the country without stored "
            "values (published values only), with columns computed, approximate, aggregation, weight and "
            "missing_reason.",
        )

    def handle(self, *args: object, **opts: object) -> None:
        indicators = None
        if opts["indicator"]:
            keys = list(opts["indicator"])  # type: ignore[call-overload]
            indicators = list(Indicator.objects.filter(key__in=keys))
            missing = sorted(set(keys) - {i.key for i in indicators})
            if missing:
                raise CommandError(
                    f"Unknown indicator {missing[0]!r}. See the home page or `kasvu export` keys."
                )
        areas = None
        if opts["area"]:
            try:
                areas = [find_area(ref) for ref in opts["area"]]  # type: ignore[union-attr]
            except (AreaNotFound, AmbiguousArea) as exc:
                raise CommandError(str(exc)) from exc
        years = None
        if opts["from_year"] or opts["to_year"]:
            years = (int(opts["from_year"] or 0), int(opts["to_year"] or 9999))  # type: ignore[call-overload]
        frame = stored_observations(indicators, areas, years)
        if opts["include_groups"]:
            frame = with_group_values(frame, computed_group_values(indicators, areas, years))
        fmt = str(opts["format"])
        if opts["output"]:
            write(frame, Path(str(opts["output"])), fmt)
            self.stderr.write(f"Wrote {frame.height:,} observations to {opts['output']}.")
        elif fmt == "xlsx":
            raise CommandError("XLSX is binary: give a file with --output FILE.xlsx.")
        else:
            data = write(frame, None, fmt)
            assert data is not None
            sys.stdout.buffer.write(data)
