"""Ranking bands among comparable areas (best 20 %, middle 60 %, worst 20 %)."""

from __future__ import annotations

import polars as pl

from kasvu.stats import rank_bands


def frame(values: list[float | None], indicator: str = "x") -> pl.DataFrame:
    return pl.DataFrame(
        {
            "indicator": indicator,
            "year": 2024,
            "sex": "total",
            "area_id": [f"a{i}" for i in range(len(values))],
            "value": values,
        },
        schema_overrides={"value": pl.Float64},
    )


def test_fifths_follow_direction() -> None:
    values = [float(v) for v in range(10)]
    higher = rank_bands(frame(values), {"x": "higher_better"})
    assert higher["band"].to_list() == ["worst"] * 2 + ["middle"] * 6 + ["best"] * 2
    lower = rank_bands(frame(values), {"x": "lower_better"})
    assert lower["band"].to_list() == ["best"] * 2 + ["middle"] * 6 + ["worst"] * 2
    assert lower["rank"].to_list() == list(range(1, 11))


def test_300_municipalities_give_60_best_and_60_worst() -> None:
    out = rank_bands(frame([float(v) for v in range(300)]), {"x": "lower_better"})
    assert out["band"].value_counts().sort("band").rows() == [("best", 60), ("middle", 180), ("worst", 60)]


def test_ties_share_a_band() -> None:
    out = rank_bands(frame([1.0, 1.0, 1.0, 2, 3, 4, 5, 6, 7, 8]), {"x": "lower_better"})
    assert out["band"].to_list()[:3] == ["best"] * 3
    flat = rank_bands(frame([5.0] * 10), {"x": "lower_better"})
    assert set(flat["band"]) == {"middle"}


def test_no_band_for_neutral_missing_or_few() -> None:
    assert (
        rank_bands(frame([1.0, 2, 3, 4, 5]), {"x": "neutral"})["band_reason"][0]
        == "neutral indicator: no better or worse"
    )
    few = rank_bands(frame([1.0, 2, 3, 4]), {"x": "higher_better"})
    assert few["band"].null_count() == 4 and few["band_reason"][0] == "fewer than 5 comparable areas"
    gaps = rank_bands(frame([None, 1.0, 2, 3, 4, 5]), {"x": "higher_better"})
    assert gaps["band_reason"][0] == "no value" and gaps["n_compared"][0] == 5
    assert rank_bands(frame([1.0] * 6), {})["band_reason"][0] == "indicator has no direction set"


def test_bands_are_computed_per_indicator_year_and_sex() -> None:
    both = pl.concat([frame([float(v) for v in range(5)], "a"), frame([float(-v) for v in range(5)], "b")])
    out = rank_bands(both, {"a": "higher_better", "b": "higher_better"})
    assert out.filter(pl.col("band") == "best")["area_id"].to_list() == ["a4", "a0"]
