"""kasvu search status|reindex|find: the site search index and its Finnish morphology."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kasvu.search import index, morphology
from kasvu.search.models import IndexState


class Command(BaseCommand):
    help = "Show the search index and its morphology (Voikko or Snowball), rebuild it, or search."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("status", help="Which morphology is in use and when each kind was indexed.")
        sub.add_parser("reindex", help="Rebuild the index of areas, indicators, plans and knowledge bank.")
        find = sub.add_parser("find", help="Search as the site search does (ids of each kind, best first).")
        find.add_argument("words", nargs="+")

    def handle(self, *args: Any, **opts: Any) -> None:
        getattr(self, f"_{opts['action']}")(opts)

    def _status(self, opts: dict[str, Any]) -> None:
        self.stdout.write(f"morphology: {morphology.engine_description()}")
        built = {s.kind: s for s in IndexState.objects.all()}
        for kind in (*index.KINDS, index.ENTRY):
            state = built.get(kind)
            current = state is not None and state.signature == index.signature(kind)
            when = f"{state.built_at:%Y-%m-%d %H:%M}" if state else "never"
            self.stdout.write(
                f"{kind:<10} indexed {when}{'' if current else ' (stale: updated at next search)'}"
            )

    def _reindex(self, opts: dict[str, Any]) -> None:
        for kind in (*index.KINDS, index.ENTRY):
            self.stdout.write(f"{kind}: {index.rebuild(kind)} indexed")
        self.stdout.write(f"with {morphology.engine_description()}")

    def _find(self, opts: dict[str, Any]) -> None:
        for kind, ids in index.find(" ".join(opts["words"])).items():
            self.stdout.write(f"{kind}: {' '.join(map(str, ids)) or '-'}")
