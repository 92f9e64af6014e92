"""The read-side disclosure gate: which cells are hidden from the public, and blanking them.

The pattern is decided on the write side, once per indicator over its whole table
(:mod:`kasvu.bank.disclosure`: ``Observation.suppressed`` and ``GroupSuppression``). This gate applies it
and, as a second line, the primary rule with each indicator's threshold
(:func:`kasvu.stats.primary_mask`: 1..threshold−1 persons in the numerator, or fewer respondents than the
threshold). For the public, hidden values, numerators, denominators and intervals are blanked here,
before they leave the read model. The one small-number rule of every exit. Pure.
"""

from __future__ import annotations

import polars as pl

from kasvu.readmodel.schema import R_INTERNAL, R_PRIMARY, R_SECONDARY
from kasvu.stats import primary_mask

BLANKED = ("value", "numerator", "denominator", "ci_lower", "ci_upper", "sample_size")


def apply_disclosure(frame: pl.DataFrame, meta: pl.DataFrame, public: bool) -> pl.DataFrame:
    """Mark hidden cells and, for the public, blank them.

    Hidden: the stored pattern (``suppressed`` 1 primary / 2 secondary / 3 internal, ``group_suppressed`` for computed
    values) or the primary rule here. Adds ``hidden`` (bool), ``suppression_reason`` and ``internal``
    (visible only because not public). ``meta`` has indicator_id, key, threshold.
    """
    if frame.height == 0:
        return frame.with_columns(
            pl.lit(False).alias("hidden"), pl.lit(None, pl.String).alias("suppression_reason"),
            pl.lit(False).alias("internal"),
        )  # fmt: skip
    thresholds = dict(zip(meta["key"].to_list(), meta["threshold"].to_list(), strict=True))
    keyed = frame.join(meta.select("indicator_id", "key", "threshold"), on="indicator_id", how="left")
    cells = keyed.select(
        pl.col("key").fill_null("").alias("indicator"),
        "numerator",
        pl.col("sample_size").alias("respondents"),
    )
    mask, _ = primary_mask(cells, thresholds=thresholds)
    stored = pl.col("suppressed").fill_null(0)
    group = pl.col("group_suppressed").fill_null(0) if "group_suppressed" in frame.columns else pl.lit(0)
    primary = pl.Series("_primary", mask)
    reason = (
        pl.when((stored == 1) | (group == 1) | primary)
        .then(pl.format(R_PRIMARY.replace("{n}", "{}"), pl.col("threshold")))
        .when((stored == 2) | (group == 2))
        .then(pl.lit(R_SECONDARY))
        .when((stored == 3) | (group == 3))
        .then(pl.lit(R_INTERNAL))
    )
    out = keyed.with_columns(primary).with_columns(reason.alias("suppression_reason"))
    out = out.with_columns(pl.col("suppression_reason").is_not_null().alias("hidden")).drop(
        "_primary", "key", "threshold"
    )
    if not public:
        return out.with_columns(pl.col("hidden").alias("internal"))
    blank = [pl.when(pl.col("hidden")).then(None).otherwise(pl.col(c)).alias(c) for c in BLANKED]
    return out.with_columns(*blank, pl.lit(False).alias("internal"))
