"""kasvu inspect FILE|URL: what kasvu will do with a PX or JSON-stat table (or a PxWeb API table), and the
mapping it infers, for editing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kasvu.importers.base import ImportFailed
from kasvu.importers.convention import describe, infer, mapping_for_file
from kasvu.importers.cube import Cube


def read_cube(path: Path, kind: str | None) -> tuple[Cube, str]:
    """The table at ``path`` and its importer kind (``px`` or ``jsonstat``), by suffix unless given."""
    from kasvu.importers.jsonstat import read_jsonstat
    from kasvu.importers.px import read_px

    kind = kind or ("px" if path.suffix.lower() == ".px" else "jsonstat")
    return (read_px(path) if kind == "px" else read_jsonstat(path)), kind


class Command(BaseCommand):
    help = (
        "Show how kasvu reads a PX or JSON-stat table without a mapping (area, time, sex, contents, "
        "indicators) and write the mapping it infers, to edit and pass to `kasvu import --mapping`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="A .px file, a JSON-stat 2 .json file, or a PxWeb table URL.")
        parser.add_argument("--kind", choices=["px", "jsonstat"], help="Default: px for .px, else jsonstat.")
        parser.add_argument(
            "--write",
            metavar="MAPPING.yaml",
            help="Where to write the inferred mapping (default: FILE-NAME.mapping.yaml in this folder).",
        )
        parser.add_argument("--no-write", action="store_true", help="Only show, write nothing.")
        parser.add_argument("--force", action="store_true", help="Overwrite an existing mapping file.")

    def handle(self, *args: Any, **opts: Any) -> None:
        url = opts["file"] if opts["file"].startswith(("http://", "https://")) else None
        path = Path(url.rstrip("/").split("/")[-1].split("?")[0] if url else opts["file"])
        if url is None and not path.exists():
            raise CommandError(f"{path}: no such file.")
        try:
            if url is not None:
                from kasvu.importers.pxweb import PxWebClient

                with PxWebClient() as client:  # the description only: no data are downloaded
                    cube, kind = client.metadata(url), "pxweb"
            else:
                cube, kind = read_cube(path, opts["kind"])
            inference = infer(cube, strict=False)
        except ImportFailed as exc:
            raise CommandError(str(exc)) from exc
        for line in describe(cube, inference):
            self.stdout.write(line)
        try:
            infer(cube)
        except ImportFailed as exc:
            self.stdout.write(f"Without a mapping the import would stop: {exc.detail}")
        else:
            self.stdout.write(f"Import as is: kasvu import {kind} {url or path}")
        if opts["no_write"]:
            return
        target = Path(opts["write"] or f"{path.stem}.mapping.yaml")
        if target.exists() and not opts["force"]:
            raise CommandError(f"{target} exists. Choose another name with --write or add --force.")
        header = (
            f"# Mapping kasvu inferred from {path.name} (kasvu inspect). Edit it, then:\n"
            f"#   kasvu import {kind} {url or path} --mapping {target}\n"
            "# Keys, titles, units and aggregation (sum for counts, ratio for shares) are yours to change;\n"
            "# see docs/importing.md.\n"
        )
        text = yaml.safe_dump(
            mapping_for_file(inference.mapping), allow_unicode=True, sort_keys=False, width=110
        )
        target.write_text(header + text, encoding="utf-8")
        self.stdout.write(f"Wrote {target}")
