"""Observations as the API and the open-data bundle give them out.

One function, :func:`observation_table`, reads stored values, adds group values computed from members
(:func:`kasvu.values.group_values`: memberships valid each year, withheld where
:class:`~kasvu.bank.models.GroupSuppression` says so), applies disclosure control
(:func:`kasvu.values.apply_disclosure`: the stored pattern plus the primary rule; blanked for the public)
and adds confidence intervals (:func:`kasvu.values.add_intervals`: Wilson for per cent values, exact
Poisson for rates per 1,000/100,000, the source's own bounds for surveys). These are the functions the
area profile and the web pages use, so the API shows the same numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from kasvu import values
from kasvu.bank.loader import observations_frame
from kasvu.bank.models import Area, Breakdown, GroupSuppression
from kasvu.importers.base import FLAG_GENERATED, FLAG_NAMES

LEAF_KINDS = ("municipality", "district")

COLUMNS = [
    "indicator",
    "area",
    "area_kind",
    "area_code",
    "area_name",
    "year",
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
    "generated",
    "import_id",
]
INTERVAL_COLUMNS = ["lower", "upper", "interval_method", "interval_reason"]


@dataclass(frozen=True)
class ObservationQuery:
    indicator_ids: Sequence[int]
    area_ids: Sequence[int] | None = None
    years: tuple[int, int] | None = None
    breakdown_id: int = values.TOTAL
    include_groups: bool = False
    intervals: bool = False
    public: bool = True


def _stored(q: ObservationQuery) -> pl.DataFrame:
    frame = observations_frame(
        indicator_ids=list(q.indicator_ids),
        area_ids=list(q.area_ids) if q.area_ids is not None else None,
        years=q.years,
    )
    return frame.filter(pl.col("breakdown_id") == q.breakdown_id).select(
        *[pl.col(c).cast(t) for c, t in values.OBS_SCHEMA.items()],
        pl.col("import_run_id").alias("import_id"),
        pl.lit(False).alias("computed"),
        pl.lit(False).alias("approximate"),
    )


def _computed(q: ObservationQuery, stored: pl.DataFrame) -> pl.DataFrame | None:
    """Values of the requested group-like areas that have none stored, computed from members."""
    if not q.include_groups or not q.area_ids:
        return None
    groups = list(
        Area.objects.filter(id__in=list(q.area_ids)).exclude(kind__in=LEAF_KINDS).values_list("id", flat=True)
    )
    frames = []
    for area_id in groups:
        have = set(stored.filter(pl.col("area_id") == area_id)["indicator_id"].unique().to_list())
        lacking = [i for i in q.indicator_ids if i not in have]
        if lacking:
            frames.append(values.group_values(area_id, lacking, q.breakdown_id))
    frames = [f for f in frames if f.height]
    if not frames:
        return None
    computed = pl.concat(frames, how="diagonal_relaxed").filter(pl.col("value").is_not_null())
    if q.years is not None:
        computed = computed.filter(pl.col("year").is_between(*q.years))
    hidden = list(
        GroupSuppression.objects.filter(
            area_id__in=groups, indicator_id__in=list(q.indicator_ids), breakdown_id=q.breakdown_id
        ).values_list("indicator_id", "area_id", "year", "reason")
    )
    hidden_frame = pl.DataFrame(
        hidden,
        schema={
            "indicator_id": pl.Int64,
            "area_id": pl.Int64,
            "year": pl.Int64,
            "group_suppressed": pl.Int64,
        },
        orient="row",
    )
    return computed.select(
        *[pl.col(c).cast(t) for c, t in values.OBS_SCHEMA.items()],
        pl.lit(None, pl.Int64).alias("import_id"),
        pl.lit(True).alias("computed"),
        pl.col("approximate").fill_null(False),
    ).join(hidden_frame, on=["indicator_id", "area_id", "year"], how="left")


def observation_table(q: ObservationQuery) -> pl.DataFrame:
    """The rows of :data:`COLUMNS` (and :data:`INTERVAL_COLUMNS` with ``intervals``), sorted."""
    values._CACHE.sync(values.data_version())
    meta = values.indicator_frame().filter(pl.col("indicator_id").is_in(list(q.indicator_ids)))
    stored = _stored(q)
    parts = [stored.with_columns(pl.lit(None, pl.Int64).alias("group_suppressed"))]
    computed = _computed(q, stored)
    if computed is not None:
        parts.append(computed.select(parts[0].columns))
    frame = pl.concat(parts)
    frame = values.apply_disclosure(frame, meta, q.public)
    frame = frame.join(
        meta.select("indicator_id", "key", "unit", "kind", "scale", "generated"), on="indicator_id"
    )
    if q.intervals:
        frame = values.add_intervals(frame)
    return _readable(frame, q.breakdown_id, q.intervals)


def _readable(frame: pl.DataFrame, breakdown_id: int, intervals: bool) -> pl.DataFrame:
    area_ids = frame["area_id"].unique().to_list()
    areas = pl.DataFrame(
        list(Area.objects.filter(id__in=area_ids).values_list("id", "kind", "code", "name_fi")),
        schema={"area_id": pl.Int64, "area_kind": pl.String, "area_code": pl.String, "area_name": pl.String},
        orient="row",
    )
    breakdown = Breakdown.objects.filter(pk=breakdown_id).values_list("key", flat=True).first() or "total"
    flag_names = pl.concat_list(
        [pl.when(pl.col("flags") & bit != 0).then(pl.lit(name)) for bit, name in FLAG_NAMES.items()]
    ).list.drop_nulls()
    out = (
        frame.join(areas, on="area_id", how="left")
        .with_columns(
            pl.col("key").alias("indicator"),
            pl.concat_str([pl.col("area_kind"), pl.col("area_code")], separator=":").alias("area"),
            pl.col("year").cast(pl.Int64),
            pl.lit(breakdown).alias("breakdown"),
            flag_names.alias("flags"),
            pl.col("hidden").alias("suppressed"),
            (pl.col("generated") | ((pl.col("flags") & FLAG_GENERATED) > 0)).alias("generated"),
        )
        .sort("indicator", "area_kind", "area_code", "year")
    )
    out = out.select(COLUMNS + (INTERVAL_COLUMNS if intervals else []))
    floats = [c for c, t in out.schema.items() if t == pl.Float64]
    return out.with_columns([pl.col(c).fill_nan(None) for c in floats])  # NaN is not JSON
