"""Ranking bands (best fifth / middle / worst fifth) among areas of one kind. Pure."""

from __future__ import annotations

from typing import Any

import polars as pl

from kasvu.stats import rank_bands

BandCell = tuple[str | None, int | None, int | None, str | None]


def band_table(values: pl.DataFrame, meta: pl.DataFrame) -> dict[tuple[int, int], dict[int, BandCell]]:
    """(indicator, year) → area → (band, rank, n compared, reason), from published values (hidden ones
    blanked) of every area of one kind. ``meta`` has indicator_id, direction."""
    result: dict[tuple[int, int], dict[int, BandCell]] = {}
    if values.height == 0:
        return result
    ranked = rank_bands(
        values.join(meta.select("indicator_id", "direction"), on="indicator_id", how="left").select(
            pl.col("indicator_id").alias("indicator"),
            "year",
            pl.lit("total").alias("sex"),
            "area_id",
            "value",
            "direction",
        )
    )
    parts: dict[Any, pl.DataFrame] = ranked.partition_by(["indicator", "year"], as_dict=True)
    for (ind, year), part in parts.items():
        result[(int(ind), int(year))] = {
            a: (b, r, n, why)
            for a, b, r, n, why in part.select(
                "area_id", "band", "rank", "n_compared", "band_reason"
            ).iter_rows()
        }
    return result
