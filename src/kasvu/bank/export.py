"""Exporting exactly what is stored: values, flags and provenance.

Pure of the web: returns a Polars frame that the command (and later the web
downloads and the API) write as CSV, XLSX or JSON.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from kasvu.bank.loader import observations_frame
from kasvu.bank.models import Area, Breakdown, ImportRun, Indicator
from kasvu.importers.base import FLAG_NAMES
from kasvu.readmodel.periods import with_period_columns
from kasvu.readmodel.schema import COLUMN_MEANINGS

EXPORT_COLUMNS = [
    "indicator",
    "indicator_title_fi",
    "area_kind",
    "area_code",
    "area_name_fi",
    "year",
    "period",
    "period_start",
    "period_end",
    "breakdown",
    "value",
    "numerator",
    "denominator",
    "sample_size",
    "ci_lower",
    "ci_upper",
    "flags",
    "unit",
    "source",
    "licence",
    "attribution",
    "import_id",
    "import_kind",
    "import_source",
    "retrieved_at",
    "imported_at",
]


def stored_observations(
    indicators: list[Indicator] | None = None,
    areas: list[Area] | None = None,
    years: tuple[int, int] | None = None,
) -> pl.DataFrame:
    """Observations with readable keys, flags as names and provenance columns."""
    frame = observations_frame(
        indicator_ids=[i.id for i in indicators] if indicators is not None else None,
        area_ids=[a.id for a in areas] if areas is not None else None,
        years=years,
    )
    ind_ids = frame["indicator_id"].unique().to_list()
    area_ids = frame["area_id"].unique().to_list()
    run_ids = frame["import_run_id"].unique().to_list()
    inds = pl.DataFrame(
        [
            (i.id, i.key, i.title_fi, i.unit, i.source.name("en"), i.licence, i.attribution)
            for i in Indicator.objects.filter(id__in=ind_ids).select_related("source")
        ],
        schema={
            "indicator_id": pl.Int64,
            "indicator": pl.String,
            "indicator_title_fi": pl.String,
            "unit": pl.String,
            "source": pl.String,
            "licence": pl.String,
            "attribution": pl.String,
        },
        orient="row",
    )
    area_frame = pl.DataFrame(
        list(Area.objects.filter(id__in=area_ids).values_list("id", "kind", "code", "name_fi")),
        schema={
            "area_id": pl.Int64,
            "area_kind": pl.String,
            "area_code": pl.String,
            "area_name_fi": pl.String,
        },
        orient="row",
    )
    bds = pl.DataFrame(
        list(Breakdown.objects.values_list("id", "key")),
        schema={"breakdown_id": pl.Int64, "breakdown": pl.String},
        orient="row",
    )
    runs = pl.DataFrame(
        [
            (
                r.id,
                r.kind,
                r.source_url or r.source_file,
                r.retrieved_at.isoformat() if r.retrieved_at else None,
                r.started_at.isoformat(),
            )
            for r in ImportRun.objects.filter(id__in=run_ids)
        ],
        schema={
            "import_id": pl.Int64,
            "import_kind": pl.String,
            "import_source": pl.String,
            "retrieved_at": pl.String,
            "imported_at": pl.String,
        },
        orient="row",
    )
    flag_expr = pl.concat_str(
        [pl.when(pl.col("flags") & bit != 0).then(pl.lit(name)) for bit, name in FLAG_NAMES.items()],
        separator=",",
        ignore_nulls=True,
    )
    out = (
        frame.join(inds, on="indicator_id", how="left")
        .join(area_frame, on="area_id", how="left")
        .join(bds, on="breakdown_id", how="left")
        .join(runs, left_on="import_run_id", right_on="import_id", how="left")
        .with_columns(pl.col("import_run_id").alias("import_id"), flag_expr.alias("flags"))
        .sort(["indicator", "area_kind", "area_code", "year", "sub", "breakdown"])
    )
    return with_period_columns(out).select(EXPORT_COLUMNS)


def write(frame: pl.DataFrame, path: Path | None, fmt: str) -> bytes | None:
    """Write ``frame`` as csv, xlsx or json to ``path`` (or return bytes when path is None)."""
    import io

    buf = io.BytesIO()
    if fmt == "csv":
        frame.write_csv(buf)
    elif fmt == "json":
        frame.write_json(buf)
    elif fmt == "xlsx":
        _write_xlsx(frame, buf)
    else:
        raise ValueError(f"Unknown format {fmt!r}: use csv, xlsx or json.")
    data = buf.getvalue()
    if path is None:
        return data
    Path(path).write_bytes(data)
    return None


def _write_xlsx(frame: pl.DataFrame, buf: object) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "observations"
    ws.append(frame.columns)
    for row in frame.iter_rows():
        ws.append(list(row))
    meta = wb.create_sheet("metadata")
    meta.append(["column", "meaning"])
    for col, meaning in COLUMN_MEANINGS.items():
        meta.append([col, meaning])
    wb.save(buf)


def computed_group_values(
    indicators: list[Indicator] | None = None,
    areas: list[Area] | None = None,
    years: tuple[int, int] | None = None,
) -> pl.DataFrame:
    """Values kasvu computes for groups, regions, counties and the country that have none stored, as
    rows like :func:`stored_observations` with ``computed``, ``approximate``, ``weight`` (the weight of a
    weighted mean, :mod:`kasvu.readmodel.weights`) and ``missing_reason``. Published values only: this
    is what the pages show. ``areas`` None: every group-like area."""
    from kasvu.readmodel import PeriodRange, ValueQuery, read_values
    from kasvu.readmodel.groups import weight_descriptions

    kinds = ("group", "region", "county", "country", "subregion")
    targets = (
        [a for a in areas if a.kind in kinds]
        if areas is not None
        else list(Area.objects.filter(kind__in=kinds))
    )
    inds = indicators if indicators is not None else list(Indicator.objects.select_related("source"))
    if not targets or not inds:
        return pl.DataFrame()
    periods = PeriodRange.of_years(*years) if years is not None else None
    frame = read_values(
        ValueQuery(
            indicators=[i.id for i in inds], areas=[a.id for a in targets], periods=periods, public=True
        )
    ).filter(pl.col("computed"))
    by_id = {i.id: i for i in inds}
    weights = weight_descriptions([i.id for i in inds])
    rule = {i.id: i.aggregation for i in inds}
    areas_by_id = {a.id: a for a in targets}
    rows = []
    for r in frame.iter_rows(named=True):
        ind, area = by_id[r["indicator_id"]], areas_by_id[r["area_id"]]
        rows.append({
            "indicator": ind.key, "indicator_title_fi": ind.title_fi, "area_kind": area.kind,
            "area_code": area.code, "area_name_fi": area.name_fi, "year": r["year"], "sub": r["sub"], "breakdown": "total",
            "value": r["value"], "numerator": r["numerator"], "denominator": r["denominator"],
            "unit": ind.unit, "computed": True, "approximate": bool(r["approximate"]),
            "aggregation": rule[ind.id],
            "weight": weights.get(ind.id, "") if rule[ind.id] == "weighted_mean" else "",
            "missing_reason": r["missing_reason"] or (r["suppression_reason"] if r["hidden"] else None),
            "source": ind.source.name("en"), "licence": ind.licence or ind.source.licence,
            "attribution": ind.attribution or ind.source.attribution,
        })  # fmt: skip
    schema = {
        "indicator": pl.String, "indicator_title_fi": pl.String, "area_kind": pl.String, "area_code": pl.String,
        "area_name_fi": pl.String, "year": pl.Int64, "sub": pl.Int64, "breakdown": pl.String,
        "value": pl.Float64,
        "numerator": pl.Float64, "denominator": pl.Float64, "unit": pl.String, "computed": pl.Boolean,
        "approximate": pl.Boolean, "aggregation": pl.String, "weight": pl.String, "missing_reason": pl.String,
        "source": pl.String, "licence": pl.String, "attribution": pl.String,
    }  # fmt: skip
    return with_period_columns(pl.DataFrame(rows, schema=schema)).drop("sub")


def with_group_values(stored: pl.DataFrame, computed: pl.DataFrame) -> pl.DataFrame:
    """Stored observations (``computed`` false) followed by computed group values, in one table."""
    marked = stored.with_columns(
        pl.lit(False).alias("computed"), pl.lit(False).alias("approximate"), pl.lit("").alias("aggregation"),
        pl.lit("").alias("weight"), pl.lit(None, pl.String).alias("missing_reason"),
    )  # fmt: skip
    if computed.height == 0:
        return marked
    return pl.concat([marked, computed], how="diagonal_relaxed")
