"""Ranking bands: is an area among the best fifth, the middle, or the worst fifth of comparable areas?

This is Sotkanet's convention for colouring maps and tables: among comparable areas (e.g. all
municipalities) the best 20 % are "best", the worst 20 % "worst" and the 60 % between "middle". What is
best depends on the indicator's direction; a "neutral" indicator (e.g. share of 65+ year-olds) has no
best and gets no band.

Ties are treated alike: an area is "best" when fewer than floor(0.2·n) areas are strictly better, and
"worst" likewise from the other end, so equal values always share a band. If all values tie an area
would be both, and it is "middle". With fewer than ``min_areas`` values no bands are given.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import polars as pl

Direction = Literal["higher_better", "lower_better", "neutral"]
BEST, MIDDLE, WORST = "best", "middle", "worst"
BY = ["indicator", "year", "sex"]


def rank_bands(
    values: pl.DataFrame, directions: Mapping[str, Direction] | None = None, min_areas: int = 5
) -> pl.DataFrame:
    """Add ``rank`` (1 = best), ``n_compared``, ``band`` and ``band_reason`` per (indicator, year, sex).

    ``values`` has indicator, year, sex, area_id, value, and a ``direction`` column unless ``directions``
    maps indicator to direction.
    """
    if directions is not None:
        table = pl.DataFrame(
            {"indicator": list(directions), "direction": list(directions.values())},
            schema={"indicator": values.schema["indicator"], "direction": pl.String},
        )
        values = values.drop("direction", strict=False).join(table, on="indicator", how="left")
    v, direction = pl.col("value"), pl.col("direction")
    better = pl.when(direction == "higher_better").then(-v).when(direction == "lower_better").then(v)
    b = pl.col("_better")
    out = (
        values.lazy()
        .with_columns(better.alias("_better"))
        .with_columns(
            v.count().over(BY).alias("n_compared"),
            b.rank("min").over(BY).alias("_rank_min"),
            b.rank("max").over(BY).alias("_rank_max"),
        )
        .collect()
    )
    n = pl.col("n_compared")
    k = (n.cast(pl.Float64) * 0.2).floor()
    rank_best = pl.col("_rank_min")
    reason = (
        pl.when(v.is_null())
        .then(pl.lit("no value"))
        .when(direction.is_null() | ~direction.is_in(["higher_better", "lower_better", "neutral"]))
        .then(pl.lit("indicator has no direction set"))
        .when(direction == "neutral")
        .then(pl.lit("neutral indicator: no better or worse"))
        .when(pl.col("n_compared") < min_areas)
        .then(pl.format("fewer than {} comparable areas", pl.lit(min_areas)))
    )
    is_best = (rank_best - 1) < k
    is_worst = (n - pl.col("_rank_max")) < k  # fewer than k strictly worse
    band = (
        pl.when(is_best & ~is_worst)
        .then(pl.lit(BEST))
        .when(is_worst & ~is_best)
        .then(pl.lit(WORST))
        .otherwise(pl.lit(MIDDLE))
    )
    out = out.with_columns(reason.alias("band_reason"), rank_best.cast(pl.Int64).alias("rank"))
    ok = pl.col("band_reason").is_null()
    return out.with_columns(
        pl.when(ok).then(band).alias("band"),
        pl.when(ok).then(pl.col("rank")).alias("rank"),
    ).drop("_better", "_rank_min", "_rank_max")
