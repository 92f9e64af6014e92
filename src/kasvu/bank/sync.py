"""Keeping a set of sources up to date: ``kasvu sync CONFIG`` and its change report.

One YAML file lists the sources an analyst follows::

    sources:
      - name: population
        kind: pxweb
        url: https://pxdata.stat.fi/api/v2/tables/statfin_vaerak_pxt_11re
        query: {Alue: [KU049, KU091], Vuosi: top(3)}
      - name: sotkanet
        kind: sotkanet                 # the live API
        indicators: [127, 171]
        years: [2022, 2023, 2024]
      - name: local files
        kind: files
        importer: sotkanet             # any importer: table, px, jsonstat, sotkanet…
        path: /srv/kasvu/incoming/sotkanet
        pattern: "*.json"
        metadata: /srv/kasvu/incoming/sotkanet/metadata.json   # sotkanet only
        mapping: /srv/kasvu/mappings/x.yaml                   # px/jsonstat only

A run asks every source afresh (no cached answers), stores each answer through
the normal loader (each one import, all or nothing, idempotent) and compares
what is stored before and after: **new** values (with the new periods and new
areas among them), **revised** values (old → new), and **withdrawn** values
(stored for an area and year the source still publishes, but no longer in
it; kept, not deleted). Rerunning changes nothing and reports no change.

The report is printed and kept as JSON in ``$KASVU_DATA_DIR/sync/``, where the
web's sync page reads it for analysts.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl
import yaml
from django.conf import settings

from kasvu.bank.loader import Lookups, load, prepare
from kasvu.bank.models import Area, Breakdown, ImportRun, Indicator
from kasvu.bank.observations import observations_frame
from kasvu.bank.pipeline import indicator_keys
from kasvu.importers.base import ImportFailed, ParsedBatch
from kasvu.readmodel.periods import code_of

KINDS = ("pxweb", "sotkanet", "files")
KEY = ["indicator_id", "area_id", "year", "sub", "breakdown_id"]  # sub: the period in the year (issue 17)


@dataclass
class Revision:
    indicator: str
    area: str
    year: int
    breakdown: str
    old: float | None
    new: float | None
    period: str = ""  # the period's code: 2024, 2024M03 … (reports written before issue 17 have none)

    def __str__(self) -> str:
        when = self.period or self.year
        return f"{self.indicator} {self.area} {when} {self.breakdown}: {_num(self.old)} -> {_num(self.new)}"


@dataclass
class SourceChanges:
    """What one source changed in the bank."""

    name: str
    imports: int = 0
    added: int = 0
    unchanged: int = 0
    revised: list[Revision] = field(default_factory=list)
    withdrawn: list[Revision] = field(default_factory=list)  # new is None
    new_periods: list[str] = field(default_factory=list)  # "indicator year"
    new_areas: list[str] = field(default_factory=list)  # "indicator area"
    error: str = ""

    @property
    def changed(self) -> bool:
        return bool(self.added or self.revised or self.withdrawn)


@dataclass
class SyncReport:
    config: str
    started_at: str
    sources: list[SourceChanges] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(s.changed for s in self.sources)

    @property
    def failed(self) -> bool:
        return any(s.error for s in self.sources)

    def lines(self) -> list[str]:
        out = [f"sync {self.started_at} ({self.config})"]
        for s in self.sources:
            if s.error:
                out.append(f"{s.name}: FAILED, nothing stored from it: {s.error}")
                continue
            out.append(
                f"{s.name}: {s.imports} import(s); {s.added:,} new, {len(s.revised):,} revised, "
                f"{len(s.withdrawn):,} withdrawn, {s.unchanged:,} unchanged"
            )
            out += [f"  new period: {p}" for p in s.new_periods]
            out += [f"  new area: {a}" for a in s.new_areas]
            out += [f"  revised: {r}" for r in s.revised]
            out += [
                f"  withdrawn (kept in the bank): {r.indicator} {r.area} {r.period or r.year} {r.breakdown}"
                for r in s.withdrawn
            ]
        out.append("Changes: yes." if self.changed else "No change.")
        return out

    def to_json(self) -> dict[str, Any]:
        return asdict(self) | {"changed": self.changed, "failed": self.failed}


# --------------------------------------------------------------------------- configuration


def load_config(path: Path) -> list[dict[str, Any]]:
    """The sources of a sync configuration, checked: each error names the file, the source and the field."""
    file = str(path)
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ImportFailed(f"cannot read the sync configuration: {exc}", file=file) from exc
    sources = doc.get("sources") if isinstance(doc, Mapping) else None
    if not isinstance(sources, list) or not sources:
        raise ImportFailed(
            "the configuration needs a non-empty list 'sources' (see docs/importing.md).", file=file
        )
    base = path.parent
    out = []
    names: set[str] = set()
    for number, source in enumerate(sources, start=1):
        where = f"sources[{number}]"
        if not isinstance(source, Mapping):
            raise ImportFailed("each source is a mapping with name and kind.", file=file, row=where)
        kind = source.get("kind")
        if kind not in KINDS:
            raise ImportFailed(
                f"kind {kind!r}; use one of {', '.join(KINDS)}.", file=file, row=where, field="kind"
            )
        name = str(source.get("name") or f"{kind} {number}")
        if name in names:
            raise ImportFailed(
                f"two sources are called {name!r}; give each its own name.",
                file=file,
                row=where,
                field="name",
            )
        names.add(name)
        required = {"pxweb": ["url"], "sotkanet": ["indicators", "years"], "files": ["importer", "path"]}[
            kind
        ]
        for key in required:
            if not source.get(key):
                raise ImportFailed(f"a {kind} source needs {key!r}.", file=file, row=where, field=key)
        entry = dict(source, name=name)
        for key in ("path", "metadata", "mapping"):
            if entry.get(key):
                entry[key] = str((base / str(entry[key])).resolve())
        out.append(entry)
    return out


def _batches(source: Mapping[str, Any], cache: Path) -> Iterator[ParsedBatch]:
    """Every answer of one source, fetched afresh."""
    kind = source["kind"]
    if kind == "pxweb":
        from kasvu.importers.cube import load_mapping
        from kasvu.importers.pxweb import PxWebClient

        mapping = load_mapping(source["mapping"]) if source.get("mapping") else None
        with PxWebClient(cache_dir=cache / "pxweb", refresh=True) as client:
            yield client.fetch_batch(str(source["url"]), source.get("query") or None, mapping=mapping)
    elif kind == "sotkanet":
        from kasvu.importers.sotkanet import SotkanetClient

        with SotkanetClient(cache_dir=cache / "sotkanet", refresh=True) as client:
            for indicator in source["indicators"]:
                yield client.fetch(
                    int(indicator),
                    [int(y) for y in source["years"]],
                    source.get("genders") or ("total", "male", "female"),
                )
    else:
        from kasvu.importers import import_file
        from kasvu.importers.sotkanet import read_data_file, read_metadata_file

        folder = Path(source["path"])
        files = sorted(folder.glob(str(source.get("pattern") or "*"))) if folder.is_dir() else [folder]
        if not files:
            raise ImportFailed(f"no files match {source.get('pattern') or '*'!r}.", file=str(folder))
        metas = read_metadata_file(Path(source["metadata"])) if source.get("metadata") else None
        for path in files:
            if source["importer"] == "sotkanet" and metas is not None:
                yield read_data_file(path, indicators=metas)
            else:
                yield import_file(path, kind=str(source["importer"]), mapping=source.get("mapping"))


# --------------------------------------------------------------------------- running


def run(config: Path, *, kind: str = "sync", user: str = "") -> SyncReport:
    """Fetch and store every source of ``config``; the report of what changed (also written to disk)."""
    sources = load_config(config)
    report = SyncReport(config=str(config), started_at=datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC"))
    cache = Path(settings.KASVU["CACHE_DIR"])
    for source in sources:
        changes = SourceChanges(name=source["name"])
        report.sources.append(changes)
        try:
            for batch in _batches(source, cache):
                _store(batch, changes, kind=f"{kind}:{source['kind']}", user=user)
        except ImportFailed as exc:
            changes.error = str(exc)
    write_report(report)
    return report


def _store(batch: ParsedBatch, changes: SourceChanges, *, kind: str, user: str) -> None:
    keys = sorted(indicator_keys(batch))
    before_ids = list(Indicator.objects.filter(key__in=keys).values_list("id", flat=True))
    before = observations_frame(indicator_ids=before_ids)
    ready = prepare(batch, Lookups())
    summary = load(batch, kind=kind, user=user, prepared=ready)
    ids = dict(Indicator.objects.filter(key__in=keys).values_list("key", "id"))
    after = observations_frame(indicator_ids=list(ids.values()))
    breakdowns = dict(Breakdown.objects.values_list("key", "id"))
    sent = ready.frame.select(
        pl.col("indicator").replace_strict(ids, default=None, return_dtype=pl.Int64).alias("indicator_id"),
        pl.col("area_id"),
        pl.col("year").cast(pl.Int32),
        pl.col("sub").cast(pl.Int16),
        pl.col("breakdown")
        .replace_strict(breakdowns, default=None, return_dtype=pl.Int64)
        .alias("breakdown_id"),
    )
    changes.imports += 1
    changes.unchanged += summary.unchanged
    same_source = list(
        ImportRun.objects.filter(
            source_file=batch.source_file[:500], source_url=batch.source_url[:500]
        ).values_list("id", flat=True)
    )
    _compare(before, after, sent, changes, same_source)


def _compare(
    before: pl.DataFrame,
    after: pl.DataFrame,
    sent: pl.DataFrame,
    changes: SourceChanges,
    same_source: list[int],
) -> None:
    """New, revised and withdrawn values: a withdrawn one is a value this source gave before, for an
    indicator and year it still publishes, that its answer no longer has."""
    joined = after.join(before.select(*KEY, pl.col("value").alias("old")), on=KEY, how="left", coalesce=True)
    known = before.select(*KEY).with_columns(pl.lit(True).alias("known"))
    joined = joined.join(known, on=KEY, how="left").with_columns(pl.col("known").fill_null(False))
    new = joined.filter(~pl.col("known"))
    revised = joined.filter(pl.col("known") & pl.col("value").ne_missing(pl.col("old")))
    scope_periods = sent.select("indicator_id", "year", "sub").unique()
    withdrawn = (
        before.filter(pl.col("import_run_id").is_in(same_source))
        .join(sent, on=KEY, how="anti")
        .join(scope_periods, on=["indicator_id", "year", "sub"], how="semi")
    )
    names = _Names()
    changes.added += new.height
    for row in revised.sort(KEY).iter_rows(named=True):
        changes.revised.append(names.revision(row, row["old"], row["value"]))
    for row in withdrawn.sort(KEY).iter_rows(named=True):
        changes.withdrawn.append(names.revision(row, row["value"], None))
    for ind, year, sub in _firsts(new, before, "year", "sub"):
        changes.new_periods.append(f"{names.indicator(ind)} {code_of(year, sub)}")  # 2024, 2024M03 …
    for ind, area in _firsts(new, before, "area_id"):
        changes.new_areas.append(f"{names.indicator(ind)} {names.area(area)}")


def _firsts(new: pl.DataFrame, before: pl.DataFrame, *columns: str) -> list[tuple[int, ...]]:
    """(indicator, period's year and sub, or area) the new values bring for the first time, for indicators
    that had values before (a new indicator's periods are all new, which says nothing)."""
    pairs = ["indicator_id", *columns]
    fresh = (
        new.select(pairs)
        .unique()
        .join(before.select(pairs).unique(), on=pairs, how="anti")
        .join(before.select("indicator_id").unique(), on="indicator_id", how="semi")
        .sort(pairs)
    )
    return [tuple(int(v) for v in row) for row in fresh.iter_rows()]


class _Names:
    """Keys and codes for ids, read once per comparison."""

    def __init__(self) -> None:
        self._indicators = dict(Indicator.objects.values_list("id", "key"))
        self._areas = {
            aid: f"{name} ({kind}:{code})"
            for aid, kind, code, name in Area.objects.values_list("id", "kind", "code", "name_fi")
        }
        self._breakdowns = dict(Breakdown.objects.values_list("id", "key"))

    def indicator(self, ind: int) -> str:
        return str(self._indicators.get(ind, ind))

    def area(self, aid: int) -> str:
        return self._areas.get(aid, str(aid))

    def revision(self, row: Mapping[str, Any], old: float | None, new: float | None) -> Revision:
        return Revision(
            self.indicator(row["indicator_id"]),
            self.area(row["area_id"]),
            int(row["year"]),
            str(self._breakdowns.get(row["breakdown_id"], row["breakdown_id"])),
            old,
            new,
            code_of(int(row["year"]), int(row["sub"])),
        )


# --------------------------------------------------------------------------- reports on disk


def reports_dir() -> Path:
    """``KASVU_SYNC_REPORTS`` if set (tests), else ``$KASVU_DATA_DIR/sync``."""
    return Path(getattr(settings, "KASVU_SYNC_REPORTS", None) or Path(settings.CONFIG.data_dir) / "sync")


def write_report(report: SyncReport) -> Path:
    folder = reports_dir()
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    path = folder / f"{stamp}.json"
    path.write_text(json.dumps(report.to_json(), ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def recent_reports(limit: int = 20) -> list[dict[str, Any]]:
    """The latest sync reports, newest first (for the web page)."""
    folder = reports_dir()
    if not folder.is_dir():
        return []
    out = []
    for path in sorted(folder.glob("*.json"), reverse=True)[:limit]:
        try:
            out.append(json.loads(path.read_text(encoding="utf-8")))
        except ValueError:
            continue
    return out


def _num(value: float | None) -> str:
    if value is None:
        return "(none)"
    return f"{value:g}" if value != int(value) else f"{int(value)}"
