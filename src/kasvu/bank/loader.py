"""Writing a :class:`~kasvu.importers.base.ParsedBatch` into the bank.

One import is one transaction: areas and indicators are resolved first, every
row is checked, and only then is anything written. A failure anywhere leaves
the database exactly as it was.

Re-importing the same data adds nothing (idempotent). A changed value is
updated in place and its previous value, with the import that brought it, is
kept in :class:`~kasvu.bank.models.ObservationRevision`.

Rows are written in bulk: multi-row ``INSERT`` statements on SQLite and
binary ``COPY`` on PostgreSQL, never one ORM save per row (see
``benchmarks/import_bench.py``).
"""

from __future__ import annotations

import struct
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import chain

import numpy as np
import polars as pl
from django.db import connection, models, transaction
from django.utils import timezone

from kasvu.bank import disclosure
from kasvu.bank.models import Area, Breakdown, ImportRun, Indicator, Observation, Source
from kasvu.bank.observations import (  # noqa: F401 - OBSERVATION_FRAME_SCHEMA re-exported for callers
    OBSERVATION_FRAME_SCHEMA,
    VALUE_TYPES,
    observations_frame,
)
from kasvu.bank.signals import observations_changed
from kasvu.importers import rules
from kasvu.importers.base import ImportFailed, IndicatorMeta, ParsedBatch
from kasvu.readmodel.periods import code_of

KEY = ["indicator_id", "area_id", "year", "sub", "breakdown_id"]
VALUES = ["value", "numerator", "denominator", "sample_size", "ci_lower", "ci_upper", "flags"]
#: Read along with the values, never written by an import (see kasvu.bank.disclosure).
DERIVED = ["suppressed"]
NULLABLE = ["value", "numerator", "denominator", "sample_size", "ci_lower", "ci_upper"]
CHUNK_ROWS = 500_000
#: SQLite: rows bound in one INSERT statement, and rows turned into Python values at a time.
SQLITE_ROWS_PER_STATEMENT = 200
SQLITE_ROWS_PER_SLICE = 20_000

#: Known sources, created on first use. Others are created from the indicator metadata.
SOURCES = {
    "sotkanet": {
        "name_fi": "THL, Sotkanet.fi",
        "name_sv": "THL, Sotkanet.fi",
        "name_en": "THL, Sotkanet.fi",
        "url": "https://sotkanet.fi",
        "licence": "CC BY 4.0",
        "attribution": "Source: THL, Sotkanet.fi",
    },
    "statfin": {
        "name_fi": "Tilastokeskus, StatFin",
        "name_sv": "Statistikcentralen, StatFin",
        "name_en": "Statistics Finland, StatFin",
        "url": "https://stat.fi",
        "licence": "CC BY 4.0",
        "attribution": "Source: Statistics Finland",
    },
    "demo": {
        "name_fi": "Generoitu demoaineisto",
        "name_sv": "Genererade demodata",
        "name_en": "Generated demo data",
        "licence": "CC0 1.0",
        "attribution": "Generated demo data, not real",
        "is_generated": True,
    },
}


@dataclass
class LoadSummary:
    run_id: int
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    indicators_created: int = 0
    indicators_updated: int = 0
    skipped: int = 0
    disclosure_seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        text = f"{self.added:,} added, {self.updated:,} updated, {self.unchanged:,} unchanged"
        if self.indicators_created or self.indicators_updated:
            text += f"; indicators: {self.indicators_created} new, {self.indicators_updated} updated"
        if self.skipped:
            text += f"; {self.skipped:,} rows skipped"
        return text


# ---------------------------------------------------------------------------
# Indicators


def _source_for(meta: IndicatorMeta) -> Source:
    defaults = dict(SOURCES.get(meta.source, {}))
    if not defaults:
        defaults = {"name_fi": meta.source, "licence": meta.licence, "attribution": meta.attribution}
    source, _ = Source.objects.get_or_create(key=meta.source, defaults=defaults)
    return source


def _indicator_fields(meta: IndicatorMeta) -> dict[str, object]:
    fields: dict[str, object] = {
        "source_code": meta.source_id,
        "unit": meta.unit,
        "decimals": meta.decimals,
        "scale": meta.scale,
        "direction": meta.direction,
        "aggregation": meta.aggregation if meta.aggregation != "unknown" else "none",
        "period_kind": meta.period_kind,
        "themes": list(meta.themes),
        "rights": list(meta.rights),
        "licence": meta.licence,
        "attribution": meta.attribution,
        "source_url": meta.source_url,
        "notes": dict(meta.notes),
        "last_updated": meta.last_updated,
        "suppression_threshold": meta.suppression_threshold,
    }
    for lang in ("fi", "sv", "en"):
        fields[f"title_{lang}"] = meta.title.get(lang, "")
        fields[f"description_{lang}"] = meta.description.get(lang, "")
        fields[f"numerator_{lang}"] = meta.numerator_meaning.get(lang, "")
        fields[f"denominator_{lang}"] = meta.denominator_meaning.get(lang, "")
    if not fields["title_fi"]:
        fields["title_fi"] = meta.title.get("en") or meta.title.get("sv") or meta.key
    return fields


def upsert_indicators(metas: list[IndicatorMeta], summary: LoadSummary | None = None) -> dict[str, int]:
    """Create or update indicator metadata; return key → id for all of them."""
    ids: dict[str, int] = {}
    for meta in metas:
        fields = _indicator_fields(meta)
        existing = Indicator.objects.filter(key=meta.key).first()
        if existing is None:
            ind = Indicator.objects.create(key=meta.key, source=_source_for(meta), **fields)
            if summary:
                summary.indicators_created += 1
        else:
            ind = existing
            changed = {k: v for k, v in fields.items() if getattr(ind, k) != v}
            if changed:
                for k, v in changed.items():
                    setattr(ind, k, v)
                ind.save(update_fields=list(changed))
                if summary:
                    summary.indicators_updated += 1
        ids[meta.key] = ind.id
    return ids


# ---------------------------------------------------------------------------
# Resolving codes


class Lookups:
    """The areas and breakdowns of the bank, read once: what :func:`prepare` needs from the database.

    An import of many files reads them once, and :func:`prepare` can then run in
    another thread than the one that stores (see :mod:`kasvu.bank.pipeline`).
    """

    def __init__(self) -> None:
        self.areas = list(Area.objects.values_list("id", "kind", "code", "sotkanet_id"))
        self.breakdowns: dict[str, int] = dict(Breakdown.objects.values_list("key", "id"))

    def area_codes(self, batch: ParsedBatch) -> tuple[dict[str, int], bool]:
        """Map the batch's area codes to area ids. Returns (lookup, skip_unknown).

        Sotkanet responses carry every region of every category (AVI, ERVA,
        NUTS, …); kasvu keeps only some, so unknown Sotkanet ids are skipped and
        reported. For every other scheme an unknown code is an error.
        """
        if batch.area_scheme == "sotkanet":
            return {str(sid): aid for aid, _, _, sid in self.areas if sid is not None}, True
        lookup: dict[str, int] = {}
        if batch.area_scheme == "statfin":
            prefixes = {"KU": "municipality", "MK": "region", "HV": "county", "SK": "subregion"}
            for aid, kind, code, _ in self.areas:
                for prefix, k in prefixes.items():
                    if kind == k:
                        lookup[prefix + code] = aid
                if kind == "country":
                    lookup["SSS"] = aid
            return lookup, False
        if batch.area_kind:
            return {code: aid for aid, kind, code, _ in self.areas if kind == batch.area_kind}, False
        # Codes with their kind ("region:01") always work; a bare code means a municipality
        # (3 digits), the country (FI/SSS), or any kind whose codes are unique.
        kinds_by_code: dict[str, list[tuple[str, int]]] = {}
        for aid, kind, code, _ in self.areas:
            lookup[f"{kind}:{code}"] = aid
            kinds_by_code.setdefault(code, []).append((kind, aid))
        for code, entries in kinds_by_code.items():
            munis = [aid for kind, aid in entries if kind == "municipality"]
            if munis:
                lookup[code] = munis[0]
            elif len(entries) == 1:
                lookup[code] = entries[0][1]
            if any(kind == "country" for kind, _ in entries):
                lookup["SSS"] = next(aid for kind, aid in entries if kind == "country")
        return lookup, False


def _breakdown_ids(keys: list[str]) -> dict[str, int]:
    ids = dict(Breakdown.objects.filter(key__in=keys).values_list("key", "id"))
    for key in keys:
        if key not in ids:
            parts = dict(p.split("=", 1) for p in key.split(";") if "=" in p) if "=" in key else {"sex": key}
            grade = parts.get("grade")
            bd, _ = Breakdown.objects.get_or_create(  # get: another import may have just created it
                key=key,
                defaults={
                    "sex": parts.get("sex", "total"),
                    "grade": int(grade) if grade else None,
                    "age_group": parts.get("age", ""),
                },
            )
            ids[key] = bd.id
    return ids


@dataclass(frozen=True)
class Prepared:
    """A batch with every row checked and areas turned into ids; :func:`resolve` adds the indicators' ids."""

    frame: pl.DataFrame
    skipped: int
    notes: list[str]


def prepare(batch: ParsedBatch, lookups: Lookups) -> Prepared:
    """Check every row and map area codes and known breakdowns to ids. Raises ImportFailed naming the row.

    Needs no database connection (only ``lookups``), so a pipeline can prepare
    the next batch while the current one is stored.
    """
    obs = batch.observations
    file = batch.source_file
    bad_sex = obs.filter(~pl.col("sex").is_in(["total", "male", "female"]))
    if bad_sex.height:
        r = bad_sex.row(0, named=True)
        raise ImportFailed(
            f"sex {r['sex']!r} is not one of total, male, female.", file=file, row=r["row"], field="sex"
        )
    lookup, skip_unknown = lookups.area_codes(batch)
    area_map = pl.DataFrame(
        {"area_code": list(lookup), "area_id": list(lookup.values())},
        schema={"area_code": pl.String, "area_id": pl.Int64},
    )
    if "breakdown" in obs.columns:
        obs = obs.with_columns(pl.coalesce(pl.col("breakdown"), pl.col("sex")).alias("breakdown"))
    else:
        obs = obs.with_columns(pl.col("sex").alias("breakdown"))
    bd_map = pl.DataFrame(
        {"breakdown": list(lookups.breakdowns), "breakdown_id": list(lookups.breakdowns.values())},
        schema={"breakdown": pl.String, "breakdown_id": pl.Int64},
    )
    frame = obs.join(area_map, on="area_code", how="left").join(bd_map, on="breakdown", how="left")
    notes: list[str] = []
    unknown = frame.filter(pl.col("area_id").is_null())
    skipped = 0
    if unknown.height:
        if not skip_unknown:
            r = unknown.row(0, named=True)
            raise ImportFailed(
                f"area code {r['area_code']!r} is unknown. Check the code (municipalities have three digits, "
                "e.g. 049) or see `kasvu areas list`; create a group with `kasvu areas group create`.",
                file=file,
                row=r["row"],
                field="area_code",
            )
        skipped = unknown.height
        codes = sorted(unknown["area_code"].unique().to_list(), key=lambda c: (len(c), c))
        notes.append(
            f"skipped {skipped:,} rows of {len(codes)} Sotkanet regions kasvu does not keep "
            f"(ids {', '.join(codes[:10])}{' …' if len(codes) > 10 else ''})"
        )
        frame = frame.filter(pl.col("area_id").is_not_null())
    for col, typ in VALUE_TYPES.items():
        if col not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=typ).alias(col))
    if "sub" not in frame.columns:  # whole years: the default period
        frame = frame.with_columns(pl.lit(0, pl.Int16).alias("sub"))
    frame = frame.with_columns(pl.col("sub").fill_null(0))
    _check_ranges(frame, file)
    rules.check(frame, rules.measures_of(batch.indicators), file=file, row_kind=batch.row_kind)
    frame = frame.with_columns(pl.col("flags").fill_null(0))
    # Indicator and breakdown keys map one to one to their ids: duplicates by key are duplicates by id.
    same_cell = ["indicator", "area_id", "year", "sub", "breakdown"]
    dup = frame.filter(pl.struct(same_cell).is_duplicated())
    if dup.height:
        first = dup.row(0, named=True)
        same = dup.filter(pl.all_horizontal(pl.col(c) == first[c] for c in same_cell))["row"].to_list()
        raise ImportFailed(
            f"rows {', '.join(map(str, same))} are duplicates: the same indicator {first['indicator']!r}, area "
            f"{first['area_code']!r}, period {code_of(first['year'], first['sub'])} and breakdown "
            f"{first['breakdown']!r}. "
            "Keep one of them.",
            file=file,
            row=same[0],
            field="area_code/year/sex",
        )
    return Prepared(frame, skipped, notes)


def resolve(
    batch: ParsedBatch, indicator_ids: dict[str, int], prepared: Prepared | None = None
) -> tuple[pl.DataFrame, int, list[str]]:
    """Turn codes into ids and check every row. Raises ImportFailed naming the row.

    ``prepared`` is :func:`prepare`'s result when a pipeline made it already.
    """
    obs = batch.observations
    file = batch.source_file
    unknown_ind = sorted(set(obs["indicator"].unique().to_list()) - set(indicator_ids))
    if unknown_ind:
        known = dict(Indicator.objects.filter(key__in=unknown_ind).values_list("key", "id"))
        indicator_ids = {**indicator_ids, **known}
        missing = [k for k in unknown_ind if k not in known]
        if missing:
            row = obs.filter(pl.col("indicator") == missing[0])["row"][0]
            raise ImportFailed(
                f"indicator {missing[0]!r} is not in the bank and the file has no metadata for it. "
                "Import its metadata first (e.g. `kasvu import sotkanet --metadata ID`) or add it to the "
                "indicators sheet.",
                file=file,
                row=int(row),
                field="indicator",
            )
    if prepared is None:
        prepared = prepare(batch, Lookups())
    frame = prepared.frame
    _check_rules_of_stored_indicators(frame, batch)
    new_breakdowns = frame.filter(pl.col("breakdown_id").is_null())["breakdown"].unique().to_list()
    if new_breakdowns:
        created = _breakdown_ids(new_breakdowns)
        frame = frame.with_columns(
            pl.coalesce(
                pl.col("breakdown_id"),
                pl.col("breakdown").replace_strict(created, default=None, return_dtype=pl.Int64),
            ).alias("breakdown_id")
        )
    frame = frame.with_columns(
        pl.col("indicator")
        .replace_strict(indicator_ids, default=None, return_dtype=pl.Int64)
        .alias("indicator_id")
    )
    # Sorted by the unique index's key, rows append to the index instead of scattering through it.
    frame = (
        frame.select(KEY + VALUES).with_columns([pl.col(c).cast(t) for c, t in VALUE_TYPES.items()]).sort(KEY)
    )
    return frame, prepared.skipped, prepared.notes


def _check_rules_of_stored_indicators(frame: pl.DataFrame, batch: ParsedBatch) -> None:
    """The validation rules for rows of indicators the batch has no metadata for (known from the bank)."""
    described = {meta.key for meta in batch.indicators}
    others = [key for key in frame["indicator"].unique().to_list() if key not in described]
    if not others:
        return
    measures = {
        key: rules.Measure(unit, aggregation, scale)
        for key, unit, aggregation, scale in Indicator.objects.filter(key__in=others).values_list(
            "key", "unit", "aggregation", "scale"
        )
    }
    rules.check(
        frame.filter(pl.col("indicator").is_in(others)),
        measures,
        file=batch.source_file,
        row_kind=batch.row_kind,
    )


#: Integer columns whose values must fit the database column (smallint, integer), with what to say.
RANGES = {
    "year": (1000, 9999, "a year has four digits"),
    "sub": (0, 199, "a period within the year, see kasvu.readmodel.periods"),
    "sample_size": (0, 2**31 - 1, "a sample size is a count of respondents"),
}
FINITE = ("value", "numerator", "denominator", "ci_lower", "ci_upper")


def _value_checks() -> Iterator[tuple[str, pl.Expr, str]]:
    """(column, expression true for a bad value, what to say) for every stored number."""
    for col in FINITE:
        yield (
            col,
            pl.col(col).is_nan() | pl.col(col).is_infinite(),
            ("is not a finite number. Give a number, or leave it empty when there is none."),
        )
    for col, (low, high, why) in RANGES.items():
        yield (
            col,
            (pl.col(col) < low) | (pl.col(col) > high),
            (f"is not between {low} and {high} ({why}). Correct the value."),
        )


def _check_ranges(frame: pl.DataFrame, file: str) -> None:
    for col, is_bad, message in _value_checks():
        bad = frame.filter(is_bad)
        if bad.height:
            r = bad.row(0, named=True)
            raise ImportFailed(f"{col} {r[col]} {message}", file=file, row=r["row"], field=col)


# ---------------------------------------------------------------------------
# Writing


def _existing(indicator_ids: list[int]) -> pl.DataFrame:
    return observations_frame(indicator_ids=indicator_ids)


def _chunks(frame: pl.DataFrame) -> Iterator[tuple[list[int], pl.DataFrame]]:
    """Split by indicator so that each chunk has at most about CHUNK_ROWS rows."""
    counts = frame.group_by("indicator_id").len().sort("indicator_id")
    group: list[int] = []
    size = 0
    for ind, n in counts.iter_rows():
        if group and size + n > CHUNK_ROWS:
            yield group, frame.filter(pl.col("indicator_id").is_in(group))
            group, size = [], 0
        group.append(ind)
        size += n
    if group:
        yield group, frame.filter(pl.col("indicator_id").is_in(group))


def _insert(frame: pl.DataFrame, model: type[models.Model], columns: list[str]) -> None:
    if frame.height == 0:
        return
    # Columns with no value at all are left to their NULL default: fewer values per row.
    nullable = set(NULLABLE)
    columns = [c for c in columns if c not in nullable or frame[c].null_count() < frame.height]
    if "sub" in columns and not (frame["sub"] != 0).any():  # whole years: sub is the column's default, 0
        columns.remove("sub")
    frame = frame.select(columns)
    if connection.vendor == "postgresql":
        _copy_postgresql(frame, model)
    else:
        _insert_sqlite(frame, model._meta.db_table)


#: Column types of the bank's tables → their big-endian binary form in PostgreSQL's COPY.
_PG_BINARY = {"bigint": ">i8", "integer": ">i4", "smallint": ">i2", "double precision": ">f8"}
_PG_COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0)
_PG_COPY_TRAILER = struct.pack(">h", -1)


def _copy_postgresql(frame: pl.DataFrame, model: type[models.Model], *, table: str = "") -> None:
    """``COPY … FROM STDIN (FORMAT binary)``, the rows built column-wise in NumPy.

    Binary saves the server from parsing numbers from text, which is most of
    its work in a CSV ``COPY`` of this numeric table (about a fifth less
    server time, see benchmarks/RESULTS.md). Every row of PostgreSQL's binary
    format is fixed-width once its NULLs are known, so rows are grouped by
    which columns are NULL and each group is one NumPy record array.
    """
    dtypes = {name: _pg_binary_type(frame[name], model) for name in frame.columns}
    nulls = frame.select(
        pl.sum_horizontal(
            [pl.col(c).is_null().cast(pl.Int64) * (1 << i) for i, c in enumerate(frame.columns)]
        ).alias("pattern")
    )["pattern"]
    parts = [_PG_COPY_HEADER]
    for pattern in nulls.unique().sort().to_list():
        rows = frame.filter(nulls == pattern)
        present = [c for i, c in enumerate(frame.columns) if not pattern >> i & 1]
        layout: list[tuple[str, object]] = [("count", ">i2")]
        for c in frame.columns:
            layout.append((f"{c}_length", ">i4"))
            if c in present:
                layout.append((c, dtypes[c]))
        record = np.empty(rows.height, dtype=layout)
        record["count"] = len(frame.columns)
        for c in frame.columns:
            record[f"{c}_length"] = dtypes[c].itemsize if c in present else -1
            if c in present:
                record[c] = rows[c].to_numpy()
        parts.append(record.tobytes())
    parts.append(_PG_COPY_TRAILER)
    with connection.cursor() as cur:
        raw = cur.cursor  # psycopg cursor
        with raw.copy(
            f"COPY {table or model._meta.db_table} ({', '.join(frame.columns)}) FROM STDIN (FORMAT binary)"
        ) as copy:
            copy.write(b"".join(parts))


def _pg_binary_type(column: pl.Series, model: type[models.Model]) -> np.dtype:
    db_type = model._meta.get_field(column.name).db_type(connection) or ""
    if db_type not in _PG_BINARY:
        raise TypeError(f"{model.__name__}.{column.name}: no binary COPY form for {db_type!r}")
    dtype = np.dtype(_PG_BINARY[db_type])
    if dtype.kind == "i" and column.null_count() < column.len():
        info = np.iinfo(dtype)
        if column.min() < info.min or column.max() > info.max:  # type: ignore[operator]
            raise ImportFailed(
                f"{column.name} has values from {column.min()} to {column.max()}, beyond the database "
                f"column's range ({info.min} to {info.max}). Check the file."
            )
    return dtype


def _insert_sqlite(frame: pl.DataFrame, table: str) -> None:
    """``INSERT … VALUES (…), (…), …`` with :data:`SQLITE_ROWS_PER_STATEMENT` rows per statement.

    ``executemany`` with one row per statement spends most of its time
    starting and finishing statements (and updating the AUTOINCREMENT counter
    each time); a few hundred rows per statement need about a third of the
    CPU time per row (see benchmarks/RESULTS.md).
    """
    columns = ", ".join(frame.columns)
    one_row = f"({', '.join('?' * frame.width)})"
    many = f"INSERT INTO {table} ({columns}) VALUES " + ", ".join([one_row] * SQLITE_ROWS_PER_STATEMENT)
    width = frame.width * SQLITE_ROWS_PER_STATEMENT
    raw = connection.connection.cursor()  # the sqlite3 cursor, inside Django's transaction
    for part in frame.iter_slices(SQLITE_ROWS_PER_SLICE):
        values = list(chain.from_iterable(zip(*(part[c].to_list() for c in part.columns), strict=True)))
        whole = len(values) - len(values) % width
        raw.executemany(many, (values[i : i + width] for i in range(0, whole, width)))
        if whole < len(values):
            rest = len(values) - whole
            raw.execute(
                f"INSERT INTO {table} ({columns}) VALUES " + ", ".join([one_row] * (rest // frame.width)),
                values[whole:],
            )


def _differs(a: str, b: str) -> pl.Expr:
    return pl.col(a).ne_missing(pl.col(b))


def _write_chunk(frame: pl.DataFrame, indicator_ids: list[int], run: ImportRun, summary: LoadSummary) -> None:
    old = _existing(indicator_ids)
    if old.height == 0:
        _insert(
            frame.with_columns(pl.lit(run.id).alias("import_run_id")),
            Observation,
            [*KEY, *VALUES, "import_run_id"],
        )
        summary.added += frame.height
        return
    joined = frame.join(old, on=KEY, how="left", suffix="_old")
    new = joined.filter(pl.col("id").is_null()).select(KEY + VALUES)
    present = joined.filter(pl.col("id").is_not_null())
    changed_expr = pl.any_horizontal([_differs(c, f"{c}_old") for c in VALUES])
    changed = present.filter(changed_expr)
    summary.unchanged += present.height - changed.height
    _insert(
        new.with_columns(pl.lit(run.id).alias("import_run_id")), Observation, [*KEY, *VALUES, "import_run_id"]
    )
    summary.added += new.height
    if changed.height:
        rev_cols = ["observation_id", *VALUES, "import_run_id", "replaced_by_id"]
        revisions = changed.select(
            pl.col("id").alias("observation_id"),
            *[pl.col(f"{c}_old").alias(c) for c in VALUES],
            pl.col("import_run_id"),
            pl.lit(run.id).alias("replaced_by_id"),
        )
        from kasvu.bank.models import ObservationRevision

        _insert(revisions, ObservationRevision, rev_cols)
        _update(changed.select("id", *VALUES).with_columns(pl.lit(run.id).alias("import_run_id")))
        summary.updated += changed.height


def _update(changed: pl.DataFrame) -> None:
    """Write changed values in bulk: into a temporary table, then one ``UPDATE … FROM``.

    One ``UPDATE`` per row ran at about 15,000 rows/s on PostgreSQL, which made
    re-importing a revised national series twenty times slower than importing
    it the first time.
    """
    table = Observation._meta.db_table
    columns = ", ".join(changed.columns)
    sets = ", ".join(f"{c} = changed.{c}" for c in changed.columns if c != "id")
    with connection.cursor() as cur:
        cur.execute(f"CREATE TEMP TABLE kasvu_changed AS SELECT {columns} FROM {table} WHERE 1 = 0")
        try:
            if connection.vendor == "postgresql":
                _copy_postgresql(changed, Observation, table="kasvu_changed")
            else:
                _insert_sqlite(changed, "kasvu_changed")
            cur.execute(
                f"UPDATE {table} SET {sets} FROM kasvu_changed AS changed WHERE {table}.id = changed.id"
            )
        finally:
            cur.execute("DROP TABLE kasvu_changed")


def load(
    batch: ParsedBatch,
    *,
    kind: str,
    user: str = "",
    progress: Callable[[int, int], None] | None = None,
    prepared: Prepared | None = None,
) -> LoadSummary:
    """Store ``batch`` in one transaction and return what changed.

    ``progress(done_rows, total_rows)`` is called after each chunk. ``prepared``
    is :func:`prepare`'s result for this batch, when a pipeline made it already.
    """
    with transaction.atomic():
        run = ImportRun.objects.create(
            kind=kind,
            source_file=batch.source_file[:500],
            source_url=batch.source_url[:500],
            retrieved_at=batch.retrieved_at,
            user=user,
        )
        summary = LoadSummary(run_id=run.id)
        indicator_ids = upsert_indicators(batch.indicators, summary)
        frame, skipped, notes = resolve(batch, indicator_ids, prepared)
        summary.skipped = skipped
        summary.notes = [*batch.notes, *notes]
        done = 0
        for ids, chunk in _chunks(frame):
            _write_chunk(chunk, ids, run, summary)
            done += chunk.height
            if progress:
                progress(done, frame.height)
        if summary.added or summary.updated:
            started = time.perf_counter()
            disclosure.refresh(frame["indicator_id"].unique().to_list())
            summary.disclosure_seconds = time.perf_counter() - started
            summary.notes.extend(disclosure.summary_lines(disclosure.last_losses))
        run.added, run.updated, run.unchanged = summary.added, summary.updated, summary.unchanged
        run.finished_at = timezone.now()
        run.save()
    observations_changed.send(
        load, indicator_ids=sorted(set(frame["indicator_id"].to_list())), summary=summary
    )
    return summary
