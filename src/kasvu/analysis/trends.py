"""Trends over the shown years: only published values, only proportions and rates. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from kasvu.stats import trend_test

R_COUNT_TREND = "counts are not tested for trend"

Kinds = Mapping[int, tuple[str, float]]


def trends(own: pl.DataFrame, alpha: float = 0.05) -> dict[int, dict[str, Any]]:
    """Trend test per indicator of one area's rows (columns indicator_id, year, kind, numerator,
    denominator, hidden): indicator id → the row of :func:`kasvu.stats.trend_test`. Hidden years are left
    out, counts are not tested."""
    out: dict[int, dict[str, Any]] = {}
    usable = own.filter(~pl.col("hidden") & pl.col("kind").is_in(["proportion", "rate"]))
    for kind in ("proportion", "rate"):
        part = usable.filter(pl.col("kind") == kind)
        if part.height == 0:
            continue
        res = trend_test(
            part.select("indicator_id", "year", "numerator", "denominator"),
            ["indicator_id"],
            kind=kind,
            alpha=alpha,
        )
        for row in res.iter_rows(named=True):
            out[int(row["indicator_id"])] = row
    return out


def series_trends(values: pl.DataFrame, kinds: Kinds, alpha: float = 0.05) -> pl.DataFrame:
    """Trend verdict per indicator and area over all years in ``values``, with the first and last year of
    published values. Hidden years (``hidden``) take no part; counts are not tested."""
    usable = values.filter(~pl.col("hidden").fill_null(False)) if "hidden" in values.columns else values
    out = []
    for (ind,), part in usable.group_by(["indicator_id"], maintain_order=True):
        kind = kinds.get(int(ind), ("proportion", 1.0))[0]
        span = (
            part.filter(pl.col("value").is_not_null())
            .group_by("indicator_id", "area_id")
            .agg(pl.col("year").min().alias("first_year"), pl.col("year").max().alias("last_year"))
        )
        if kind not in ("proportion", "rate"):
            res = span.select(
                "indicator_id", "area_id", pl.lit("not_testable").alias("verdict"),
                pl.lit(None, pl.Float64).alias("p_value"), pl.lit(R_COUNT_TREND).alias("test_reason"),
            )  # fmt: skip
        else:
            res = trend_test(part, ["indicator_id", "area_id"], kind, alpha=alpha)  # type: ignore[arg-type]
        out.append(res.join(span, on=["indicator_id", "area_id"], how="left"))
    if not out:
        return pl.DataFrame(
            schema={
                "indicator_id": pl.Int64,
                "area_id": pl.Int64,
                "verdict": pl.String,
                "p_value": pl.Float64,
                "first_year": pl.Int64,
                "last_year": pl.Int64,
            }
        )
    return pl.concat(out, how="diagonal_relaxed")
