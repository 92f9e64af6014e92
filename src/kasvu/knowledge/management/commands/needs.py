"""``kasvu needs import|export|table|compare``: development-needs analyses from the shell.

kasvu needs import sheet.csv --round arvo-2008 --name "Kehittämistarpeet" --date 2008-01-01 --total 13
kasvu needs table arvo-2008
kasvu needs export arvo-2008 out.xlsx
kasvu needs compare arvo-2008 arvo-2010
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kasvu.knowledge import coding
from kasvu.knowledge.models import Round
from kasvu.knowledge.needs import NeedsTable
from kasvu.knowledge.rounds import compare_rounds, import_rows, round_rows, round_table


def _round(slug: str) -> Round:
    try:
        return Round.objects.get(slug=slug)
    except Round.DoesNotExist:
        known = ", ".join(Round.objects.values_list("slug", flat=True)) or "none yet"
        raise CommandError(
            f"No round {slug!r}. Known rounds: {known}. Create one with `kasvu needs import`."
        ) from None


def format_table(table: NeedsTable) -> str:
    lines = [f"{'theme':<60} {'N of ' + str(table.total):>8}  contents"]
    for row in table.rows:
        n = "" if row.n is None else str(row.n)
        lines.append(f"{'  ' * row.level}{row.code} {row.title}"[:60].ljust(60) + f" {n:>8}")
        if row.note:
            lines.append(" " * 71 + row.note)
        for c in row.contents:
            lines.append(" " * 71 + f"* {c.label}" + ("" if c.n is None else f" ({c.n})"))
    return "\n".join(lines)


class Command(BaseCommand):
    help = (
        "Development-needs analyses: import or export a coding sheet, print a round's table, compare rounds."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser(
            "import", help="Import a coding sheet (.csv or .xlsx) into a round, replacing its coding."
        )
        imp.add_argument("file")
        imp.add_argument(
            "--round", required=True, dest="slug", help="The round's short name, e.g. arvo-2008."
        )
        imp.add_argument("--name", help="Name of a new round.")
        imp.add_argument("--date", help="Date of a new round, e.g. 2008-01-01.")
        imp.add_argument("--total", type=int, help="M: municipalities in the round.")
        imp.add_argument("--source", default="", help="Where the analysis comes from.")
        imp.add_argument(
            "--synthetic",
            action="store_true",
            help="Which municipality is on which row is made up; only counts are real.",
        )
        exp = sub.add_parser(
            "export", help="Write a round's coding sheet (.csv or .xlsx; - for CSV on stdout)."
        )
        exp.add_argument("slug")
        exp.add_argument("file")
        tab = sub.add_parser("table", help="Print a round's table: theme, N of M, contents with counts.")
        tab.add_argument("slug")
        cmp = sub.add_parser("compare", help="N per theme in two rounds and the change.")
        cmp.add_argument("a")
        cmp.add_argument("b")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"do_{options['action']}")(options)
        except coding.CodingSheetError as exc:
            raise CommandError(str(exc)) from None

    def do_import(self, options: dict[str, Any]) -> None:
        rows = coding.read_sheet(options["file"])
        round_ = Round.objects.filter(slug=options["slug"]).first()
        if round_ is None:
            if not (options["date"] and options["total"]):
                raise CommandError(f"Round {options['slug']!r} is new: give --date and --total (and --name).")
            round_ = Round.objects.create(
                slug=options["slug"],
                name=options["name"] or options["slug"],
                date=dt.date.fromisoformat(options["date"]),
                total=options["total"],
                source=options["source"],
                assignment_is_synthetic=options["synthetic"],
            )
        result = import_rows(round_, rows)
        self.stdout.write(
            f"{round_.slug}: {result.themes} themes, {result.contents} contents, "
            f"{result.mentions} mentions from {result.municipalities} municipalities"
        )

    def do_export(self, options: dict[str, Any]) -> None:
        rows = round_rows(_round(options["slug"]))
        if options["file"] == "-":
            self.stdout.write(coding.csv_text(rows), ending="")
        else:
            coding.write_sheet(rows, options["file"])
            self.stdout.write(f"wrote {len(rows)} rows to {options['file']}")

    def do_table(self, options: dict[str, Any]) -> None:
        self.stdout.write(format_table(round_table(_round(options["slug"]))))

    def do_compare(self, options: dict[str, Any]) -> None:
        a, b = _round(options["a"]), _round(options["b"])
        self.stdout.write(f"{'theme':<60} {a.slug:>12} {b.slug:>12} {'change':>7}")
        for c in compare_rounds(a, b):
            cells = ["" if v is None else str(v) for v in (c.n_a, c.n_b)]
            change = "" if c.change is None else f"{c.change:+d}"
            self.stdout.write(
                f"{(c.code + ' ' + c.title)[:60]:<60} {cells[0]:>12} {cells[1]:>12} {change:>7}"
            )
