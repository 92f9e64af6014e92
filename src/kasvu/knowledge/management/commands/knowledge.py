"""``kasvu knowledge search|import|export|reindex``: the knowledge bank from the shell.

    kasvu knowledge import                      # the bundled entries (src/kasvu/data/knowledge/entries.yaml)
    kasvu knowledge search perhekeskuksen --kind practice --area 444 --right care --from 2008 --to 2010
    kasvu knowledge export entries.yaml         # experts only with --include-experts
    kasvu knowledge reindex                     # rebuild search terms (and SQLite's FTS5 table)

(Named ``knowledge`` rather than ``bank``: ``kasvu.bank`` is the indicator bank.)
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kasvu.bank.areas import AmbiguousArea, AreaNotFound, find_area
from kasvu.knowledge import search
from kasvu.knowledge.entries import DEFAULT_FILE, EntryFileError, dump_yaml, import_entries, load_yaml
from kasvu.knowledge.models import PUBLIC_KINDS, Entry, EntryKind
from kasvu.knowledge.services import EntryFilters, run_search
from kasvu.rights import RIGHT_KEYS


class Command(BaseCommand):
    help = "The knowledge bank: search, import or export entries as YAML, rebuild the search index."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        s = sub.add_parser("search", help="Search in Finnish, Swedish or English, with filters that combine.")
        s.add_argument("query", nargs="?", default="")
        s.add_argument("--kind", action="append", choices=EntryKind.values, help="Repeat for several.")
        s.add_argument("--area", help="Area code or kind:code, e.g. 444 or region:01.")
        s.add_argument("--right", choices=sorted(RIGHT_KEYS))
        s.add_argument("--from", dest="year_from", type=int, help="Active in or after this year.")
        s.add_argument("--to", dest="year_to", type=int, help="Active in or before this year.")
        s.add_argument("--include-experts", action="store_true", help="Experts are personal data: opt in.")
        i = sub.add_parser("import", help="Create or update entries from YAML (by key).")
        i.add_argument("file", nargs="?", default=str(DEFAULT_FILE))
        e = sub.add_parser("export", help="Write entries as YAML (- for stdout).")
        e.add_argument("file")
        e.add_argument("--include-experts", action="store_true", help="Experts are personal data: opt in.")
        sub.add_parser("reindex", help="Recompute search terms; on SQLite rebuild the FTS5 table.")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"do_{options['action']}")(options)

    def _entries(self, include_experts: bool) -> Any:
        entries = Entry.objects.all()
        return entries if include_experts else entries.filter(kind__in=PUBLIC_KINDS)

    def do_search(self, o: dict[str, Any]) -> None:
        area_id = None
        if o["area"]:
            try:
                area_id = find_area(o["area"]).id
            except (AreaNotFound, AmbiguousArea) as exc:
                raise CommandError(str(exc)) from None
        filters = EntryFilters(
            query=o["query"],
            kinds=tuple(o["kind"] or ()),
            area_id=area_id,
            right=o["right"] or "",
            year_from=o["year_from"],
            year_to=o["year_to"],
        )
        found = run_search(self._entries(o["include_experts"]), filters)
        for entry in found:
            self.stdout.write(f"{entry.id:>5}  {entry.kind:<9} {entry.period:<10} {entry.title()}")
        self.stdout.write(f"{len(found)} entries")

    def do_import(self, o: dict[str, Any]) -> None:
        try:
            result = import_entries(load_yaml(o["file"]))
        except (EntryFileError, AreaNotFound, AmbiguousArea) as exc:
            raise CommandError(str(exc)) from None
        for warning in result.warnings:
            self.stderr.write(warning)
        self.stdout.write(f"{result.created} created, {result.updated} updated")

    def do_export(self, o: dict[str, Any]) -> None:
        entries = list(self._entries(o["include_experts"]).prefetch_related("areas", "indicators", "rights"))
        text = dump_yaml(entries)
        if o["file"] == "-":
            self.stdout.write(text, ending="")
        else:
            with open(o["file"], "w", encoding="utf-8") as f:
                f.write(text)
            self.stdout.write(f"wrote {len(entries)} entries to {o['file']}")

    def do_reindex(self, o: dict[str, Any]) -> None:
        self.stdout.write(f"reindexed {search.rebuild()} entries")
