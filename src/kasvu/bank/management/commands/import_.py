"""kasvu import KIND [FILE ...]: read with a registered importer, store in one transaction.

Run as ``kasvu import``; the module is ``import_`` because ``import`` is a
Python keyword (``kasvu.cli`` maps the name).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from kasvu import precompute
from kasvu.bank.loader import LoadSummary
from kasvu.bank.pipeline import check_jobs, store_all
from kasvu.importers import IMPORTERS, import_file
from kasvu.importers.base import ImportFailed, IndicatorMeta, ParsedBatch, empty_observations
from kasvu.importers.sotkanet import read_metadata_file


class Command(BaseCommand):
    help = (
        "Import indicators and values. Kinds: "
        + ", ".join(sorted(IMPORTERS))
        + ". Sotkanet without files reads the live API (--indicator ID ... --years Y ...); "
        "pxweb reads PxWeb API tables (kasvu import pxweb TABLE-URL [--query FILE])."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=sorted([*IMPORTERS, "pxweb"]), help="What kind of source.")
        parser.add_argument(
            "files", nargs="*", help="Files to import (each file is one import); for pxweb, table URLs."
        )
        parser.add_argument(
            "--query",
            help="pxweb: YAML/JSON of variable: [codes] (or '*', 'top(N)'); variables left out are taken whole.",
        )
        parser.add_argument("--mapping", help="Mapping file for PX and JSON-stat (see docs/importing.md).")
        parser.add_argument(
            "--metadata", help="Sotkanet: file with /indicators/{id} metadata for offline files."
        )
        parser.add_argument(
            "--indicator",
            nargs="+",
            type=int,
            default=[],
            metavar="ID",
            help="Sotkanet API: indicator ids to fetch.",
        )
        parser.add_argument(
            "--years", nargs="+", type=int, default=[], metavar="YEAR", help="Sotkanet API: years to fetch."
        )
        parser.add_argument(
            "--genders", nargs="+", default=["total", "male", "female"], choices=["total", "male", "female"]
        )
        parser.add_argument(
            "--cache-dir",
            help="Sotkanet and PxWeb API: response cache (default: $KASVU_CACHE_DIR/sotkanet or /pxweb).",
        )
        parser.add_argument(
            "--refresh", action="store_true", help="Sotkanet and PxWeb API: ignore cached responses."
        )
        parser.add_argument("--user", default="", help="Recorded as who imported (default: empty).")
        parser.add_argument(
            "--jobs",
            type=int,
            default=1,
            metavar="N",
            help="PostgreSQL: store N files at once, each its own transaction; files that write the same "
            "indicator still wait for each other (default: 1; SQLite: always 1).",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            if (
                opts["kind"] == "sotkanet"
                and not opts["files"]
                and opts["metadata"]
                and not opts["indicator"]
            ):
                path = Path(opts["metadata"])
                batches = iter(
                    [
                        ParsedBatch(
                            source_file=str(path),
                            indicators=read_metadata_file(path),
                            observations=empty_observations(),
                        )
                    ]
                )
            elif opts["kind"] == "sotkanet" and not opts["files"]:
                batches = self._sotkanet_api(opts)
            elif opts["kind"] == "pxweb":
                batches = self._pxweb_api(opts)
            else:
                if not opts["files"]:
                    raise CommandError(f"Give the file(s) to import: kasvu import {opts['kind']} FILE ...")
                metas = read_metadata_file(Path(opts["metadata"])) if opts["metadata"] else None
                batches = (self._read_file(Path(f), opts, metas) for f in opts["files"])
            before = precompute.requests_so_far()
            with precompute.deferred():  # one job after the last file, not one per file
                self._store_all(batches, opts)
            precompute.report(self.stdout.write, since=before)
            self._update_search_index()
        except ImportFailed as exc:
            raise CommandError(f"{exc}\nNothing was stored from this file.") from exc

    def _update_search_index(self) -> None:
        """New indicators and areas are analysed for the site search now, not in the next visitor's request."""
        from kasvu.search import index

        for kind in index.refresh(("area", "indicator")):
            self.stdout.write(f"search index: {kind}s updated")

    def _read_file(self, path: Path, opts: dict[str, Any], metas: list[IndicatorMeta] | None) -> ParsedBatch:
        if not path.exists():
            raise CommandError(f"{path}: no such file.")
        if opts["kind"] == "sotkanet" and metas is not None:
            from kasvu.importers.sotkanet import read_data_file

            return read_data_file(path, indicators=metas)
        return import_file(path, kind=opts["kind"], mapping=opts["mapping"])

    def _sotkanet_api(self, opts: dict[str, Any]) -> Any:
        from kasvu.importers.sotkanet import SotkanetClient

        if not opts["indicator"] or not opts["years"]:
            raise CommandError(
                "Sotkanet API: give --indicator ID ... and --years YEAR ... (or files to import)."
            )
        cache = Path(opts["cache_dir"] or Path(settings.KASVU["CACHE_DIR"]) / "sotkanet")
        client = SotkanetClient(cache_dir=cache, refresh=opts["refresh"])
        try:
            for ind in opts["indicator"]:
                yield client.fetch(ind, opts["years"], opts["genders"])
        finally:
            client.close()

    def _pxweb_api(self, opts: dict[str, Any]) -> Any:
        from kasvu.importers.cube import load_mapping
        from kasvu.importers.pxweb import PxWebClient, load_query

        if not opts["files"]:
            raise CommandError("Give the table URL(s): kasvu import pxweb TABLE-URL [--query FILE]")
        query = load_query(Path(opts["query"])) if opts["query"] else None
        mapping = load_mapping(opts["mapping"]) if opts["mapping"] else None
        cache = Path(opts["cache_dir"] or Path(settings.KASVU["CACHE_DIR"]) / "pxweb")
        client = PxWebClient(cache_dir=cache, refresh=opts["refresh"])
        try:
            for url in opts["files"]:
                yield client.fetch_batch(url, query, mapping=mapping)
        finally:
            client.close()

    def _store_all(self, batches: Iterable[ParsedBatch], opts: dict[str, Any]) -> None:
        """Store each batch, printing its summary once it is committed (with a progress bar on a terminal)."""
        jobs = opts["jobs"]
        try:
            check_jobs(jobs)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        bars: dict[int, tqdm[Any]] = {}
        printing = threading.Lock()

        def progress(batch: ParsedBatch) -> Callable[[int, int], None]:
            bar = tqdm(
                total=batch.observations.height, unit=" rows", disable=None, leave=False, desc="storing"
            )
            bars[id(batch)] = bar
            return lambda done, of: bar.update(done - bar.n)

        def stored(batch: ParsedBatch, summary: LoadSummary) -> None:
            if bar := bars.pop(id(batch), None):
                bar.close()
            with printing:
                self.stdout.write(f"{batch.source_url or batch.source_file}: {summary}")
                for note in summary.notes:
                    self.stdout.write(f"  note: {note}")

        try:
            store_all(
                batches,
                kind=opts["kind"],
                user=opts["user"],
                jobs=jobs,
                stored=stored,
                progress=progress if jobs == 1 else None,
            )
        finally:
            for bar in bars.values():
                bar.close()
