"""kasvu report: build the regional report, municipality profiles and plan follow-ups; manage templates."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kasvu.reports import batch, layouts, service
from kasvu.reports.formats import parse_formats


def _common(p: CommandParser) -> None:
    p.add_argument("--year", type=int, required=True, help="Report year, e.g. 2024.")
    p.add_argument("--lang", default="fi", choices=["fi", "sv", "en"])
    p.add_argument("--format", default="pdf", help="Comma-separated: pdf,docx,html,xlsx (default pdf).")
    p.add_argument("--output", default=".", help="Folder for the files (created if missing).")
    p.add_argument("--templates", default=None, help="Folder of user templates, searched first.")
    p.add_argument("--template", default=layouts.DEFAULT, help="Template name (default: default).")
    p.add_argument(
        "--indicators", default="", help="Comma-separated indicator keys (default: all with a right)."
    )
    p.add_argument(
        "--internal",
        action="store_true",
        help="Do not hide small numbers (marked INTERNAL, not for publication).",
    )


class Command(BaseCommand):
    help = "Build reports (regional, profile, followup) as PDF, DOCX, HTML and XLSX; list or copy templates."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        p = sub.add_parser("regional", help="The yearly regional report for a group of municipalities.")
        p.add_argument("--group", required=True, help="Group code, e.g. west-uusimaa (or kind:code).")
        _common(p)
        p = sub.add_parser("profile", help="Municipality profiles.")
        who = p.add_mutually_exclusive_group(required=True)
        who.add_argument("--area", help="Municipality code or name, e.g. 444.")
        who.add_argument("--all-municipalities", action="store_true", help="Every municipality of the year.")
        p.add_argument("--workers", type=int, default=2, help="Worker processes for a batch (default 2).")
        p.add_argument("--max-tasks", type=int, default=25, help="Reports per worker before it is replaced.")
        p.add_argument(
            "--references",
            default="",
            help="Comma-separated reference areas, e.g. group:west-uusimaa,country:FI (default: as the web "
            "profile: region, county, country).",
        )
        _common(p)
        p = sub.add_parser("followup", help="The follow-up report of a child and youth welfare plan.")
        p.add_argument("--plan", required=True, help="Plan id.")
        _common(p)
        p = sub.add_parser("templates", help="List or copy report templates.")
        p.add_argument("templates_action", choices=["list", "copy"])
        p.add_argument("name", nargs="?", default=layouts.DEFAULT)
        p.add_argument("dest", nargs="?")
        p.add_argument("--templates", default=None, help="Folder of user templates, searched first.")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            if opts["action"] == "templates":
                self._templates(opts)
            elif opts["action"] == "profile" and opts["all_municipalities"]:
                self._batch(opts)
            else:
                target = {"regional": "group", "profile": "area", "followup": "plan"}[opts["action"]]
                template = layouts.find(opts["template"], self._extra(opts))
                request = service.request_for(
                    opts["action"],
                    str(opts[target]),
                    opts["year"],
                    opts["lang"],
                    public=not opts["internal"],
                    indicators=self._indicators(opts),
                    template=template,
                )
                if opts.get("references"):
                    request.options["references"] = opts["references"]
                for path in service.produce(
                    request, parse_formats(opts["format"]), Path(opts["output"]), template
                ):
                    self.stdout.write(str(path))
        except service.USER_ERRORS as exc:
            raise CommandError(str(exc)) from None

    @staticmethod
    def _extra(opts: dict[str, Any]) -> list[Path]:
        """--templates, then the folders of KASVU_REPORT_TEMPLATES."""
        given = [Path(opts["templates"])] if opts.get("templates") else []
        return [*given, *settings.KASVU["REPORT_TEMPLATES"]]

    @staticmethod
    def _indicators(opts: dict[str, Any]) -> list[str]:
        return [k.strip() for k in opts.get("indicators", "").split(",") if k.strip()]

    def _templates(self, opts: dict[str, Any]) -> None:
        extra = self._extra(opts)
        if opts["templates_action"] == "list":
            for t in layouts.available(extra):
                self.stdout.write(f"{t.name:<20} {'bundled' if t.bundled else 'user'}  {t.path}")
            return
        if not opts["dest"]:
            raise CommandError("Give a destination folder: kasvu report templates copy NAME DEST")
        dest = layouts.copy(opts["name"], Path(opts["dest"]), extra)
        self.stdout.write(
            f"Copied template {opts['name']!r} to {dest}. Edit report.html.j2, report.css, phrases.yaml or "
            f"reference.docx there, then use --templates {dest.parent} --template {dest.name}."
        )

    def _batch(self, opts: dict[str, Any]) -> None:
        from kasvu.bank.models import Area, AreaKind

        template = layouts.find(opts["template"], self._extra(opts))
        fmts = parse_formats(opts["format"])
        year = opts["year"]
        areas = [
            a for a in Area.objects.filter(kind=AreaKind.MUNICIPALITY).order_by("code") if a.is_valid_in(year)
        ]

        def jobs() -> Any:
            for area in areas:
                request = service.request_for(
                    "profile",
                    area.code,
                    year,
                    opts["lang"],
                    public=not opts["internal"],
                    indicators=self._indicators(opts),
                    template=template,
                )
                yield area.code, (lambda r=request: service.build(r))

        result = batch.run(
            jobs(),
            len(areas),
            fmts,
            Path(opts["output"]),
            template,
            workers=opts["workers"],
            max_tasks=opts["max_tasks"],
            progress=opts.get("verbosity", 1) > 0,
        )
        self.stdout.write(
            f"{len(result.written)} files written to {opts['output']}, {len(result.failed)} failed"
        )
        for name, error in result.failed:
            self.stderr.write(f"  {name}: {error}")
        if result.failed:
            raise CommandError(f"{len(result.failed)} reports failed.")
