"""The statistics a report prints, from the statistics core: intervals, comparisons, trends.

Pure: Polars frames in and out, no Django. ``values`` frames have the columns ``indicator_id``,
``area_id``, ``year``, ``value``, ``numerator``, ``denominator`` (and may have stored ``ci_lower`` /
``ci_upper``); ``kinds`` maps indicator id → (``"proportion"`` or ``"rate"``, scale).
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from kasvu import analysis
from kasvu.stats.intervals import poisson_rate_interval, wilson_interval

Kinds = Mapping[int, tuple[str, float]]


def kind_of(values: pl.DataFrame, declared: str | None = None) -> str:
    """ "rate" when declared so or when some numerator exceeds its denominator (events, not persons)."""
    if declared in ("rate", "proportion"):
        return declared
    counted = values.filter(pl.col("numerator").is_not_null() & pl.col("denominator").is_not_null())
    if counted.height and (counted["numerator"] > counted["denominator"]).any():
        return "rate"
    return "proportion"


def with_intervals(values: pl.DataFrame, kinds: Kinds) -> pl.DataFrame:
    """Adds ``lower``, ``upper`` (95 %) and ``interval_reason``: Wilson for proportions, exact Poisson for
    rates, from numerators and denominators; stored bounds where there are no counts."""
    if values.height == 0:
        return values.with_columns(
            pl.lit(None, pl.Float64).alias("lower"),
            pl.lit(None, pl.Float64).alias("upper"),
            pl.lit(None, pl.String).alias("interval_reason"),
        )
    parts = []
    for (ind,), part in values.group_by(["indicator_id"], maintain_order=True):
        kind, scale = kinds.get(int(ind), ("proportion", 1.0))
        fn = poisson_rate_interval if kind == "rate" else wilson_interval
        iv = fn(part["numerator"], part["denominator"], 0.95, scale).to_frame()
        parts.append(
            pl.concat(
                [part, iv.select("lower", "upper", pl.col("reason").alias("interval_reason"))],
                how="horizontal",
            )
        )
    out = pl.concat(parts)
    if "ci_lower" in out.columns:
        stored = (
            pl.col("lower").is_null() & pl.col("ci_lower").is_not_null() & pl.col("ci_upper").is_not_null()
        )
        out = out.with_columns(
            pl.when(stored).then(pl.col("ci_lower")).otherwise(pl.col("lower")).alias("lower"),
            pl.when(stored).then(pl.col("ci_upper")).otherwise(pl.col("upper")).alias("upper"),
            pl.when(stored).then(None).otherwise(pl.col("interval_reason")).alias("interval_reason"),
        )
    return out


def compare(values: pl.DataFrame, pairs: pl.DataFrame, kinds: Kinds) -> pl.DataFrame:
    """Moved to :func:`kasvu.analysis.compare_series` (hidden values and counts are not tested)."""
    return analysis.compare_series(values, pairs, kinds)


def trends(values: pl.DataFrame, kinds: Kinds) -> pl.DataFrame:
    """Moved to :func:`kasvu.analysis.series_trends` (hidden years take no part)."""
    return analysis.series_trends(values, kinds)
