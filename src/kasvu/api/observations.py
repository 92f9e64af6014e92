"""Observations as the API and the open-data bundle give them out.

One function, :func:`observation_table`, asks the read model (:func:`kasvu.readmodel.read_values`: stored
values, group values computed from members, the disclosure gate, intervals) — the same call the area
profile, the indicator pages and the reports make, so the API shows the same numbers and hides the same
cells — and makes the rows readable (keys, flag names).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from kasvu.importers.base import FLAG_NAMES
from kasvu.readmodel import (
    TOTAL,
    Period,
    PeriodRange,
    ValueQuery,
    area_tree,
    breakdown_key,
    indicator_frame,
    read_values,
)
from kasvu.readmodel.groups import weight_descriptions
from kasvu.readmodel.periods import with_period_columns
from kasvu.readmodel.weights import R_NO_WEIGHT

LEAF_KINDS = ("municipality", "district")

COLUMNS = [
    "indicator",
    "area",
    "area_kind",
    "area_code",
    "area_name",
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
    "unit",
    "flags",
    "suppressed",
    "suppression_reason",
    "computed",
    "approximate",
    "aggregation",
    "weight",
    "missing_reason",
    "generated",
    "import_id",
]
INTERVAL_COLUMNS = ["lower", "upper", "interval_method", "interval_reason"]


@dataclass(frozen=True)
class ObservationQuery:
    indicator_ids: Sequence[int]
    area_ids: Sequence[int] | None = None
    years: tuple[int, int] | None = None
    periods: tuple[Period, ...] | None = None  # these periods only (a year includes its months)
    breakdown_id: int = TOTAL
    include_groups: bool = False
    intervals: bool = False
    public: bool = True


def observation_table(q: ObservationQuery) -> pl.DataFrame:
    """The rows of :data:`COLUMNS` (and :data:`INTERVAL_COLUMNS` with ``intervals``), sorted."""
    frame = read_values(
        ValueQuery(
            indicators=list(q.indicator_ids),
            areas=list(q.area_ids) if q.area_ids is not None else None,
            periods=_periods(q),
            breakdown=q.breakdown_id,
            public=q.public,
            groups=q.include_groups,
            intervals=q.intervals,
        )
    )
    # A computed group value that could not be computed (no member has data) is no observation; one
    # withheld for want of its proper weight is, with that reason (kasvu.readmodel.weights).
    frame = frame.filter(
        ~(pl.col("computed") & pl.col("value").is_null() & ~pl.col("hidden"))
        | (pl.col("missing_reason") == R_NO_WEIGHT)
    )
    meta = indicator_frame().select("indicator_id", "key", "unit", pl.col("aggregation").alias("rule"))
    frame = frame.join(meta, on="indicator_id")
    # How a computed value was made, as `kasvu export observations --include-groups` says it: the rule
    # and, for a weighted mean, the weight used (kasvu.readmodel.weights); nothing for stored values.
    weights = weight_descriptions(frame.filter(pl.col("computed"))["indicator_id"].unique().to_list())
    weight = pl.col("indicator_id").replace_strict(weights, default=None, return_dtype=pl.String)
    frame = frame.with_columns(
        pl.when(pl.col("computed")).then(pl.col("rule")).alias("aggregation"),
        pl.when(pl.col("computed") & (pl.col("rule") == "weighted_mean")).then(weight).alias("weight"),
        pl.when(pl.col("computed"))
        .then(pl.coalesce("missing_reason", pl.when(pl.col("hidden")).then(pl.col("suppression_reason"))))
        .otherwise(pl.col("missing_reason"))
        .alias("missing_reason"),
    )
    return _readable(frame, q.breakdown_id, q.intervals)


def _periods(q: ObservationQuery) -> PeriodRange | list[Period] | None:
    years = PeriodRange.of_years(*q.years) if q.years is not None else None
    if q.periods is None:
        return years
    return [p for p in q.periods if years is None or years.first.year <= p.year <= years.last.year]


def _readable(frame: pl.DataFrame, breakdown_id: int, intervals: bool) -> pl.DataFrame:
    tree = area_tree()
    infos = tree.infos(frame["area_id"].unique().to_list())
    areas = pl.DataFrame(
        [(a.id, a.kind, a.code, a.name_fi) for a in infos],
        schema={"area_id": pl.Int64, "area_kind": pl.String, "area_code": pl.String, "area_name": pl.String},
        orient="row",
    )
    flag_names = pl.concat_list(
        [pl.when(pl.col("flags") & bit != 0).then(pl.lit(name)) for bit, name in FLAG_NAMES.items()]
    ).list.drop_nulls()
    out = (
        frame.join(areas, on="area_id", how="left")
        .with_columns(
            pl.col("key").alias("indicator"),
            pl.concat_str([pl.col("area_kind"), pl.col("area_code")], separator=":").alias("area"),
            pl.col("year").cast(pl.Int64),
            pl.lit(breakdown_key(breakdown_id)).alias("breakdown"),
            flag_names.alias("flags"),
            pl.col("hidden").alias("suppressed"),
            pl.col("import_run_id").alias("import_id"),
        )
        .sort("indicator", "area_kind", "area_code", "year", "sub")
    )
    out = with_period_columns(out).with_columns(
        pl.col("period_start").cast(pl.String), pl.col("period_end").cast(pl.String)
    )
    out = out.select(COLUMNS + (INTERVAL_COLUMNS if intervals else []))
    floats = [c for c, t in out.schema.items() if t == pl.Float64]
    return out.with_columns([pl.col(c).fill_nan(None) for c in floats])  # NaN is not JSON
