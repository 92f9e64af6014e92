"""95 % confidence intervals by the indicator's kind: the one place that chooses the method.

Stored bounds (the source's own, surveys) win; proportions get Wilson, rates exact Poisson, counts none
(:data:`R_COUNT`). Hidden values (blanked for the public) get none. Pure.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from kasvu.readmodel.schema import R_COUNT
from kasvu.stats import poisson_rate_interval, wilson_interval


def add_intervals(frame: pl.DataFrame) -> pl.DataFrame:
    """Adds ``lower``/``upper``/``interval_method``/``interval_reason``; needs ``kind`` and ``scale``."""
    if frame.height == 0:
        return frame.with_columns(
            pl.lit(None, pl.Float64).alias("lower"), pl.lit(None, pl.Float64).alias("upper"),
            pl.lit(None, pl.String).alias("interval_method"), pl.lit(None, pl.String).alias("interval_reason"),
        )  # fmt: skip
    kind = frame["kind"].to_numpy()
    scale = frame["scale"].to_numpy().astype(float)
    x = frame["numerator"].cast(pl.Float64).to_numpy()
    n = frame["denominator"].cast(pl.Float64).to_numpy()
    lower = np.full(frame.height, np.nan)
    upper = np.full(frame.height, np.nan)
    method = np.full(frame.height, None, dtype=object)
    reason = np.full(frame.height, None, dtype=object)
    prop = kind == "proportion"
    if prop.any():
        iv = wilson_interval(x[prop], n[prop], scale=1.0)
        lower[prop], upper[prop] = iv.lower * scale[prop], iv.upper * scale[prop]
        method[prop], reason[prop] = iv.method, iv.reason
    rate = kind == "rate"
    if rate.any():
        iv = poisson_rate_interval(x[rate], n[rate], scale=1.0)
        lower[rate], upper[rate] = iv.lower * scale[rate], iv.upper * scale[rate]
        method[rate], reason[rate] = iv.method, iv.reason
    count = kind == "count"
    reason[count] = R_COUNT
    ci_lo = frame["ci_lower"].cast(pl.Float64).to_numpy()
    ci_hi = frame["ci_upper"].cast(pl.Float64).to_numpy()
    given = ~np.isnan(ci_lo) & ~np.isnan(ci_hi)
    lower[given], upper[given] = ci_lo[given], ci_hi[given]
    method[given], reason[given] = "source", None
    no_value = frame["value"].is_null().to_numpy()
    method[no_value] = None
    reason[no_value] = None
    lower[no_value] = np.nan
    upper[no_value] = np.nan
    return frame.with_columns(
        pl.Series("lower", lower, nan_to_null=True),
        pl.Series("upper", upper, nan_to_null=True),
        pl.Series("interval_method", method.tolist(), dtype=pl.String),
        pl.Series("interval_reason", reason.tolist(), dtype=pl.String),
    )
