"""Where does an indicator stand against the target set in a welfare plan?

Inputs per row: baseline (year, value), target (year, value), direction, and the latest value (year,
value, optional interval lower/upper). Statuses:

``reached``
    The latest *published value* meets the target (>= for higher_better, <= for lower_better). The plan
    set its target on published values, so the published value decides; the interval is not used here.
``on_track``
    Not yet reached, the target year not yet passed, and the latest value meets the straight path from
    baseline to target at the latest year -- or the path value lies within the latest value's
    confidence interval (``by_interval`` true): the data cannot tell the area from one that is on
    track, and calling it off track would blame a municipality for random variation of small numbers.
``off_track``
    Otherwise: behind the path beyond the interval, or the target year has passed without reaching it.
``no_data``
    No latest value, no baseline to draw the path from, a neutral direction, or inconsistent years;
    ``reason`` says which.
"""

from __future__ import annotations

import polars as pl

REACHED, ON_TRACK, OFF_TRACK, NO_DATA = "reached", "on_track", "off_track", "no_data"


def target_status(frame: pl.DataFrame) -> pl.DataFrame:
    """Add ``path_value``, ``status``, ``by_interval`` and ``reason``.

    Columns: baseline_year, baseline_value, target_year, target_value, direction, latest_year,
    latest_value, and optionally latest_lower, latest_upper.
    """
    for col in ("latest_lower", "latest_upper"):
        if col not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=pl.Float64).alias(col))
    d = pl.col("direction")
    up = d == "higher_better"
    by0, bv, ty, tv = (
        pl.col("baseline_year"),
        pl.col("baseline_value"),
        pl.col("target_year"),
        pl.col("target_value"),
    )
    ly, lv = pl.col("latest_year"), pl.col("latest_value")
    share = ((ly - by0).cast(pl.Float64) / (ty - by0).cast(pl.Float64)).clip(0.0, 1.0)
    path = bv + (tv - bv) * share
    meets_target = pl.when(up).then(lv >= tv).otherwise(lv <= tv)
    meets_path = pl.when(up).then(lv >= pl.col("path_value")).otherwise(lv <= pl.col("path_value"))
    favourable_end = pl.when(up).then(pl.col("latest_upper")).otherwise(pl.col("latest_lower"))
    interval_reaches = (
        pl.when(up)
        .then(favourable_end >= pl.col("path_value"))
        .otherwise(favourable_end <= pl.col("path_value"))
        .fill_null(False)
    )
    reason = (
        pl.when(lv.is_null() | ly.is_null())
        .then(pl.lit("no latest value"))
        .when(tv.is_null() | ty.is_null())
        .then(pl.lit("no target"))
        .when(~d.is_in(["higher_better", "lower_better"]) | d.is_null())
        .then(pl.lit("indicator has no direction: a target cannot be met or missed"))
    )
    out = frame.with_columns(reason.alias("reason"))
    out = out.with_columns(
        pl.when(pl.col("reason").is_null() & ~meets_target & (bv.is_null() | by0.is_null()))
        .then(pl.lit("no baseline to draw the path from"))
        .when(pl.col("reason").is_null() & ~meets_target & (ty <= by0))
        .then(pl.lit("target year is not after the baseline year"))
        .otherwise(pl.col("reason"))
        .alias("reason")
    )
    out = out.with_columns(pl.when(pl.col("reason").is_null()).then(path).alias("path_value"))
    ok = pl.col("reason").is_null()
    deadline_passed = ly >= ty
    status = (
        pl.when(~ok)
        .then(pl.lit(NO_DATA))
        .when(meets_target)
        .then(pl.lit(REACHED))
        .when(deadline_passed)
        .then(pl.lit(OFF_TRACK))
        .when(meets_path | interval_reaches)
        .then(pl.lit(ON_TRACK))
        .otherwise(pl.lit(OFF_TRACK))
    )
    by_interval = ok & ~meets_target & ~deadline_passed & ~meets_path & interval_reaches
    return out.with_columns(status.alias("status"), by_interval.fill_null(False).alias("by_interval"))
