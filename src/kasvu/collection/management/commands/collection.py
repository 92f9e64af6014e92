"""``kasvu collection create|copy|open|status|export|import|publish``: data collection rounds from the shell.

kasvu collection create social_services.yaml
kasvu collection copy sosiaalipalvelut-2025 sosiaalipalvelut-2026 --deadline 2027-03-31
kasvu collection open sosiaalipalvelut-2026
kasvu collection status sosiaalipalvelut-2026 [--missing --csv]
kasvu collection export sosiaalipalvelut-2026 444 lohja.xlsx
kasvu collection import sosiaalipalvelut-2026 lohja.xlsx --user analyytikko [--submit]
kasvu collection publish sosiaalipalvelut-2026
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

import yaml
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kasvu.bank.models import Area
from kasvu.collection import excel, services, spec
from kasvu.collection.models import Round
from kasvu.collection.publish import publish_round


def _round(slug: str) -> Round:
    found = Round.objects.filter(slug=slug).first()
    if found is None:
        known = ", ".join(Round.objects.values_list("slug", flat=True)) or "none yet"
        raise CommandError(
            f"No round {slug!r}. Known rounds: {known}. Create one with `kasvu collection create`."
        )
    return found


def _municipality(round_: Round, code: str) -> Area:
    area = round_.municipalities.filter(code=code.zfill(3)).first()
    if area is None:
        asked = ", ".join(round_.municipalities.order_by("code").values_list("code", flat=True))
        raise CommandError(f"Round {round_.slug} does not ask municipality {code}. It asks: {asked}.")
    return area


class Command(BaseCommand):
    help = (
        "Data collection rounds: create from YAML, copy, open, follow (status), Excel export/import, publish."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        c = sub.add_parser("create", help="Create a round from a YAML file (see docs/collection.md).")
        c.add_argument("file")
        c.add_argument("--open", action="store_true", help="Open it to the municipalities at once.")
        cp = sub.add_parser("copy", help="Copy a round as next year's: same form, last year's answers shown.")
        cp.add_argument("source")
        cp.add_argument("slug")
        cp.add_argument("--deadline", required=True, help="The new deadline, e.g. 2027-03-31.")
        cp.add_argument("--year", type=int, help="Year of the figures (default: the source's + 1).")
        o = sub.add_parser(
            "open", help="Open a round: its municipalities' editors see it on their home page."
        )
        o.add_argument("slug")
        s = sub.add_parser(
            "status", help="The completeness board: each municipality's state, days to deadline."
        )
        s.add_argument("slug")
        s.add_argument(
            "--missing", action="store_true", help="Only those who have not submitted, with contacts."
        )
        s.add_argument("--csv", action="store_true", help="CSV on stdout (for mail merge).")
        e = sub.add_parser("export", help="Write a municipality's Excel form (with its answers so far).")
        e.add_argument("slug")
        e.add_argument(
            "municipality", help="Municipality code, e.g. 444; 'all': one file each into the folder FILE."
        )
        e.add_argument("file")
        i = sub.add_parser(
            "import", help="Read a filled Excel form back, through the same checks as the web."
        )
        i.add_argument("slug")
        i.add_argument("file")
        i.add_argument("--user", required=True, help="Whose import this is (recorded in the history).")
        i.add_argument("--submit", action="store_true", help="Submit the answers, not only save them.")
        p = sub.add_parser("publish", help="Publish the approved answers again: bank, plans, needs analysis.")
        p.add_argument("slug")
        sub.add_parser("list", help="All rounds with their state.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"do_{options['action']}")(options)
        except (spec.SpecError, services.CollectionError, excel.WorkbookError) as exc:
            raise CommandError(str(exc)) from None

    def do_create(self, options: dict[str, Any]) -> None:
        path = Path(options["file"])
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise CommandError(f"{path}: cannot read it ({exc.strerror}).") from None
        except yaml.YAMLError as exc:
            raise CommandError(f"{path}: not valid YAML: {exc}") from None
        round_ = services.create_round(spec.round_from_data(data, str(path)), user="cli", file=str(path))
        if options["open"]:
            services.open_round(round_, "cli")
        self.stdout.write(
            f"{round_.slug}: {round_.fields.count()} fields, {round_.municipalities.count()} municipalities, "
            f"deadline {round_.deadline:%d.%m.%Y}, {round_.get_status_display()}"
        )

    def do_copy(self, options: dict[str, Any]) -> None:
        try:
            deadline = dt.date.fromisoformat(options["deadline"])
        except ValueError:
            raise CommandError(f"--deadline {options['deadline']!r}: write it as 2027-03-31.") from None
        new = services.copy_round(
            _round(options["source"]),
            slug=options["slug"],
            deadline=deadline,
            year=options["year"],
            user="cli",
        )
        self.stdout.write(
            f"{new.slug}: copied from {options['source']} ({new.fields.count()} fields), year {new.year}"
        )

    def do_open(self, options: dict[str, Any]) -> None:
        round_ = _round(options["slug"])
        services.open_round(round_, "cli")
        self.stdout.write(f"{round_.slug}: open to {round_.municipalities.count()} municipalities")

    def do_list(self, options: dict[str, Any]) -> None:
        for r in Round.objects.all():
            self.stdout.write(f"{r.slug:<32} {r.year} {r.get_kind_display():<40} {r.status:<10} {r.deadline}")

    def do_status(self, options: dict[str, Any]) -> None:
        b = services.board(_round(options["slug"]))
        rows = b.missing if options["missing"] else b.rows
        if options["csv"]:
            buf = io.StringIO()
            w = csv.writer(buf)
            w.writerow(["code", "municipality", "status", "late", "contact", "email"])
            for r in rows:
                for name, email in r.contacts or [("", "")]:
                    w.writerow(
                        [
                            r.municipality.code,
                            r.municipality.name_fi,
                            r.status,
                            "yes" if r.late else "",
                            name,
                            email,
                        ]
                    )
            self.stdout.write(buf.getvalue(), ending="")
            return
        counts = ", ".join(f"{n} {s}" for s, n in b.counts.items())
        days = b.days_to_deadline
        when = f"{days} days to the deadline" if days >= 0 else f"deadline passed {-days} days ago"
        self.stdout.write(f"{b.round.slug}: {counts}; {when}")
        for r in rows:
            contacts = "; ".join(f"{n} <{e}>" if e else n for n, e in r.contacts) or "no editor"
            late = " LATE" if r.late else ""
            self.stdout.write(
                f"  {r.municipality.code} {r.municipality.name_fi:<20} {r.status:<12}{late}  {contacts}"
            )

    def do_export(self, options: dict[str, Any]) -> None:
        round_ = _round(options["slug"])
        if options["municipality"] == "all":
            folder = Path(options["file"])
            folder.mkdir(parents=True, exist_ok=True)
            for area in round_.municipalities.order_by("code"):
                path = folder / f"{round_.slug}-{area.code}.xlsx"
                path.write_bytes(excel.export_workbook(services.response_for(round_, area)))
            self.stdout.write(f"wrote {round_.municipalities.count()} files to {folder}")
            return
        response = services.response_for(round_, _municipality(round_, options["municipality"]))
        Path(options["file"]).write_bytes(excel.export_workbook(response))
        self.stdout.write(f"wrote {options['file']}")

    def do_import(self, options: dict[str, Any]) -> None:
        round_ = _round(options["slug"])
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"No user {options['user']!r}; see `kasvu users list`.")
        path = Path(options["file"])
        result = excel.import_workbook(
            round_, path.read_bytes(), user=user, name=path.name, submit=options["submit"]
        )
        for line in result.report_lines():
            self.stdout.write(line)
        if not result.saved:
            raise CommandError(f"{path.name}: nothing was saved; fix the cells above and import again.")

    def do_publish(self, options: dict[str, Any]) -> None:
        notes = publish_round(_round(options["slug"]))
        for line in notes or ["no approved answers to publish"]:
            self.stdout.write(line)
