"""kasvu api schema|bundle: the OpenAPI schema (docs/openapi.json) and open-data bundles."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kasvu.api.errors import ApiError


def openapi_text() -> str:
    """The OpenAPI schema as committed in docs/openapi.json (sorted keys, trailing newline)."""
    from kasvu.api.main import api

    return json.dumps(api.get_openapi_schema(path_prefix="/api/v1/"), indent=2, sort_keys=True) + "\n"


class Command(BaseCommand):
    help = "The API's OpenAPI schema, and open-data bundles (zip) from the command line."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("schema", help="Print the OpenAPI 3 schema: kasvu api schema > docs/openapi.json")
        b = sub.add_parser("bundle", help="Write an open-data bundle (zip) of published values.")
        b.add_argument("--indicator", nargs="+", required=True, metavar="KEY")
        b.add_argument("--area", nargs="*", default=[], metavar="AREA")
        b.add_argument("--years", nargs=2, type=int, metavar=("FROM", "TO"))
        b.add_argument("--internal", action="store_true", help="Unpublished values too: never publish this.")
        b.add_argument("--output", "-o", required=True, type=Path, help="The zip file to write.")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["action"] == "schema":
            self.stdout.write(openapi_text(), ending="")
            return
        from kasvu.api import common
        from kasvu.api.bundle import build_bundle

        try:
            inds = common.indicators(opts["indicator"])
            areas = [common.area(ref) for ref in opts["area"]] or None
        except ApiError as exc:
            raise CommandError(exc.message) from None
        years = tuple(opts["years"]) if opts["years"] else None
        data = build_bundle(inds, areas, years, public=not opts["internal"])  # type: ignore[arg-type]
        opts["output"].write_bytes(data)
        self.stdout.write(
            f"{opts['output']}: {len(data):,} bytes" + (" (INTERNAL)" if opts["internal"] else "")
        )
