"""Confidence intervals for proportions, rates and survey estimates.

Every function works on whole arrays at once, because a municipality profile computes thousands of
intervals and a Python loop per value would dominate the page's time. Each returns an :class:`Intervals`
with the bounds on the same scale as the value (for example per 1,000), the method used, and a reason
wherever no interval could be given, so that a table can say *why* a value has no interval instead of
silently leaving it blank.

References: Wilson (1927), Clopper & Pearson (1934), Garwood (1936). See ``docs/statistics.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
import polars as pl
from scipy import special, stats

FloatArray = npt.NDArray[np.float64]
ArrayLike = npt.ArrayLike

NO_COUNTS = "no numerator or denominator"
BAD_DENOMINATOR = "denominator is zero or negative"
NUMERATOR_EXCEEDS = "numerator exceeds denominator"
NEGATIVE_NUMERATOR = "numerator is negative"
NO_SE = "no estimate or standard error"
LOGIT_AT_BOUNDARY = "estimate is 0 or 1: the logit interval is undefined"

ProportionMethod = Literal["wilson", "clopper_pearson"]


@dataclass(frozen=True)
class Intervals:
    """Lower and upper bounds with the method used and, where there is no interval, the reason.

    ``method`` and ``reason`` are object arrays holding ``str`` or ``None``: exactly one of them is set
    for each value.
    """

    lower: FloatArray
    upper: FloatArray
    method: npt.NDArray[np.object_]
    reason: npt.NDArray[np.object_]

    def to_frame(self, prefix: str = "") -> pl.DataFrame:
        """The intervals as a Polars frame (columns ``lower``, ``upper``, ``method``, ``reason``).

        NaN bounds become nulls: a missing interval is missing, not "not a number".
        """
        return pl.DataFrame(
            {
                f"{prefix}lower": pl.Series(self.lower, nan_to_null=True),
                f"{prefix}upper": pl.Series(self.upper, nan_to_null=True),
                f"{prefix}method": pl.Series(self.method.tolist(), dtype=pl.String),
                f"{prefix}reason": pl.Series(self.reason.tolist(), dtype=pl.String),
            }
        )


def _as_float(a: ArrayLike | pl.Series) -> FloatArray:
    """Floats with nulls (``None``) as NaN, so missing counts flow through as 'no interval'."""
    if isinstance(a, pl.Series):
        return np.atleast_1d(a.cast(pl.Float64).to_numpy())
    arr = np.asarray(a)
    if arr.dtype == object:
        arr = np.array([np.nan if v is None else v for v in arr.ravel()], dtype=np.float64).reshape(arr.shape)
    return np.atleast_1d(np.asarray(arr, dtype=np.float64))


def _finish(lower: FloatArray, upper: FloatArray, reason: npt.NDArray[np.object_], method: str) -> Intervals:
    bad = reason != None  # noqa: E711 - elementwise comparison on an object array
    lower = np.where(bad, np.nan, lower)
    upper = np.where(bad, np.nan, upper)
    methods = np.full(bad.shape, method, dtype=object)
    methods[bad] = None
    return Intervals(lower, upper, methods, reason)


def _count_reasons(x: FloatArray, n: FloatArray, *, bounded: bool) -> npt.NDArray[np.object_]:
    """Why each (x, n) pair cannot have an interval, or None when it can."""
    reason = np.full(x.shape, None, dtype=object)
    reason[np.isnan(x) | np.isnan(n)] = NO_COUNTS
    with np.errstate(invalid="ignore"):
        reason[(reason == None) & (n <= 0)] = BAD_DENOMINATOR  # noqa: E711
        reason[(reason == None) & (x < 0)] = NEGATIVE_NUMERATOR  # noqa: E711
        if bounded:
            reason[(reason == None) & (x > n)] = NUMERATOR_EXCEEDS  # noqa: E711
    return reason


def _z(level: float) -> float:
    if not 0 < level < 1:
        raise ValueError(f"Confidence level {level!r} must be between 0 and 1, for example 0.95.")
    return float(stats.norm.ppf(0.5 + level / 2))


def wilson_interval(x: ArrayLike, n: ArrayLike, level: float = 0.95, scale: float = 1.0) -> Intervals:
    """Wilson score interval for x events out of n (Wilson 1927).

    The default for proportions because it keeps close to the nominal coverage even for small n and
    for proportions near 0 or 1, where the textbook Wald interval collapses to a point. Equals R's
    ``prop.test(x, n, correct = FALSE)$conf.int``.
    """
    xs, ns = _as_float(x), _as_float(n)
    reason = _count_reasons(xs, ns, bounded=True)
    z = _z(level)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = xs / ns
        centre = p + z * z / (2 * ns)
        half = z * np.sqrt(p * (1 - p) / ns + z * z / (4 * ns * ns))
        denom = 1 + z * z / ns
        lower = np.where(xs == 0, 0.0, (centre - half) / denom)
        upper = np.where(xs == ns, 1.0, (centre + half) / denom)
    return _finish(lower * scale, upper * scale, reason, "wilson")


def clopper_pearson_interval(
    x: ArrayLike, n: ArrayLike, level: float = 0.95, scale: float = 1.0
) -> Intervals:
    """Exact (Clopper–Pearson 1934) interval from beta quantiles; equals R's ``binom.test()$conf.int``.

    Conservative: coverage is at least the nominal level, at the price of being wider than Wilson.
    """
    xs, ns = _as_float(x), _as_float(n)
    reason = _count_reasons(xs, ns, bounded=True)
    alpha = 1 - level
    _z(level)
    with np.errstate(invalid="ignore"):
        lower = np.where(xs > 0, special.betaincinv(xs, ns - xs + 1, alpha / 2), 0.0)
        upper = np.where(xs < ns, special.betaincinv(xs + 1, ns - xs, 1 - alpha / 2), 1.0)
    return _finish(lower * scale, upper * scale, reason, "clopper_pearson")


def proportion_interval(
    x: ArrayLike,
    n: ArrayLike,
    level: float = 0.95,
    scale: float = 100.0,
    method: ProportionMethod = "wilson",
) -> Intervals:
    """Interval for a proportion shown on ``scale`` (100 for per cent, 1000 for per mille)."""
    if method == "wilson":
        return wilson_interval(x, n, level, scale)
    if method == "clopper_pearson":
        return clopper_pearson_interval(x, n, level, scale)
    raise ValueError(f"Unknown proportion interval method {method!r}; use 'wilson' or 'clopper_pearson'.")


def poisson_rate_interval(
    x: ArrayLike, exposure: ArrayLike, level: float = 0.95, scale: float = 1000.0
) -> Intervals:
    """Exact Poisson (Garwood 1936) interval for a rate of x events per ``exposure``, times ``scale``.

    Used for rates such as "per 1,000 aged 0-17", where the numerator is a count of events that can
    exceed the denominator and a binomial model does not apply. Equals R's
    ``poisson.test(x, exposure)$conf.int * scale``.
    """
    xs, ts = _as_float(x), _as_float(exposure)
    reason = _count_reasons(xs, ts, bounded=False)
    alpha = 1 - level
    _z(level)
    with np.errstate(invalid="ignore", divide="ignore"):
        lower = np.where(xs > 0, stats.gamma.ppf(alpha / 2, np.where(xs > 0, xs, 1.0)), 0.0)
        upper = stats.gamma.ppf(1 - alpha / 2, xs + 1)
    return _finish(lower / ts * scale, upper / ts * scale, reason, "exact_poisson")


def _critical(level: float, df: ArrayLike | None, shape: tuple[int, ...]) -> FloatArray:
    """Normal quantile, or Student t with the design's degrees of freedom where given."""
    z = _z(level)
    if df is None:
        return np.full(shape, z)
    d = np.broadcast_to(_as_float(df), shape)
    with np.errstate(invalid="ignore"):
        return np.where(np.isnan(d) | np.isinf(d), z, stats.t.ppf(0.5 + level / 2, d))


def logit_interval(
    p: ArrayLike, se: ArrayLike, level: float = 0.95, df: ArrayLike | None = None, scale: float = 1.0
) -> Intervals:
    """Interval for a survey proportion from its design-based standard error, on the logit scale.

    The survey module supplies the estimate and its standard error. A symmetric interval p ± 1.96·SE
    can stray below 0 or above 1 for rare answers; transforming to logit(p), whose standard error is
    SE / (p(1-p)) by the delta method, and back keeps the bounds inside (0, 1). This is R's
    ``svyciprop(method = "logit")``; with ``df`` (the design's degrees of freedom) a t quantile is
    used, as ``svyciprop`` does by default.
    """
    ps, ses = _as_float(p), _as_float(se)
    ps, ses = np.broadcast_arrays(ps, ses)
    reason = np.full(ps.shape, None, dtype=object)
    reason[np.isnan(ps) | np.isnan(ses) | (ses < 0)] = NO_SE
    with np.errstate(invalid="ignore"):
        reason[(reason == None) & ((ps <= 0) | (ps >= 1))] = LOGIT_AT_BOUNDARY  # noqa: E711
    q = _critical(level, df, ps.shape)
    with np.errstate(invalid="ignore", divide="ignore"):
        eta = special.logit(ps)
        se_eta = ses / (ps * (1 - ps))
        lower = special.expit(eta - q * se_eta)
        upper = special.expit(eta + q * se_eta)
    return _finish(lower * scale, upper * scale, reason, "logit")


def wald_interval(
    estimate: ArrayLike, se: ArrayLike, level: float = 0.95, df: ArrayLike | None = None
) -> Intervals:
    """Symmetric estimate ± q·SE, for means and other survey estimates that are not proportions."""
    es, ses = np.broadcast_arrays(_as_float(estimate), _as_float(se))
    reason = np.full(es.shape, None, dtype=object)
    reason[np.isnan(es) | np.isnan(ses) | (ses < 0)] = NO_SE
    q = _critical(level, df, es.shape)
    return _finish(es - q * ses, es + q * ses, reason, "wald")
