"""Is an area different from its reference, is a series trending, and p values adjusted for many tests.

An area is compared with a reference (the region, the wellbeing services county, the whole country).
When the area is part of the reference, its own people are on both sides of the comparison, which pulls
the two values together and hides real differences; we therefore compare the area with *the rest of*
the reference (reference minus area). Every function is vectorised over arrays, and every result says
in words what it found: ``significantly_higher``, ``significantly_lower``, ``no_significant_difference``
or ``not_testable`` with the reason.

Each test reproduces an R function so the numbers can be checked (``tests/stats/r_reference.json``):
``prop.test(correct = FALSE)``, ``poisson.test`` (two samples), ``prop.trend.test`` and
``p.adjust(method = "BH")``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
import polars as pl
from scipy import stats

from kasvu.stats.intervals import FloatArray, _as_float

HIGHER = "significantly_higher"
LOWER = "significantly_lower"
NO_DIFFERENCE = "no_significant_difference"
NOT_TESTABLE = "not_testable"
INCREASING = "significantly_increasing"
DECREASING = "significantly_decreasing"
NO_TREND = "no_significant_trend"

Kind = Literal["proportion", "rate"]


@dataclass(frozen=True)
class TestResult:
    """Test statistic, two-sided p value, verdict and (for untestable rows) the reason, per row."""

    __test__ = False  # not a pytest test class, despite the name

    statistic: FloatArray
    p_value: FloatArray
    verdict: npt.NDArray[np.object_]
    reason: npt.NDArray[np.object_]

    def to_frame(self) -> pl.DataFrame:
        """The result as a frame with columns ``statistic``, ``p_value``, ``verdict``, ``test_reason``."""
        return pl.DataFrame(
            {
                "statistic": pl.Series(self.statistic, nan_to_null=True),
                "p_value": pl.Series(self.p_value, nan_to_null=True),
                "verdict": pl.Series(self.verdict.tolist(), dtype=pl.String),
                "test_reason": pl.Series(self.reason.tolist(), dtype=pl.String),
            }
        )


def _verdict(
    diff: FloatArray, p: FloatArray, reason: npt.NDArray[np.object_], alpha: float
) -> tuple[npt.NDArray[np.object_], FloatArray]:
    """Words for each p value, and the p values with untestable rows blanked."""
    ok = reason == None  # noqa: E711 - elementwise on an object array
    with np.errstate(invalid="ignore"):
        sig = ok & (p < alpha)
    verdict = np.full(p.shape, NO_DIFFERENCE, dtype=object)
    verdict[sig & (diff > 0)] = HIGHER
    verdict[sig & (diff < 0)] = LOWER
    verdict[~ok] = NOT_TESTABLE
    return verdict, np.where(ok, p, np.nan)


def _rest_of_reference(
    x1: FloatArray, n1: FloatArray, x2: FloatArray, n2: FloatArray, contained: npt.ArrayLike
) -> tuple[FloatArray, FloatArray]:
    inside = np.broadcast_to(np.asarray(contained, dtype=bool), x1.shape)
    return np.where(inside, x2 - x1, x2), np.where(inside, n2 - n1, n2)


def _reasons(*pairs: tuple[FloatArray, FloatArray], bounded: bool) -> npt.NDArray[np.object_]:
    shape = pairs[0][0].shape
    reason = np.full(shape, None, dtype=object)
    for i, (x, n) in enumerate(pairs):
        side = "area" if i == 0 else "reference"
        free = reason == None  # noqa: E711
        reason[free & (np.isnan(x) | np.isnan(n))] = f"{side}: no numerator or denominator"
        with np.errstate(invalid="ignore"):
            free = reason == None  # noqa: E711
            reason[free & (n <= 0)] = f"{side}: denominator is zero (nothing left to compare with)"
            free = reason == None  # noqa: E711
            reason[free & ((x < 0) | (bounded & (x > n)))] = f"{side}: numerator outside 0..denominator"
    return reason


def two_proportion_test(
    x1: npt.ArrayLike,
    n1: npt.ArrayLike,
    x2: npt.ArrayLike,
    n2: npt.ArrayLike,
    contained: npt.ArrayLike = False,
    alpha: float = 0.05,
) -> TestResult:
    """Pooled two-proportion z test of area (x1/n1) against reference (x2/n2).

    With ``contained`` true the area is removed from the reference first. The p value equals R's
    ``prop.test(c(x1, x2), c(n1, n2), correct = FALSE)$p.value``; ``statistic`` is the signed z (its square
    is R's X-squared). Like that test, it relies on a normal approximation, which is rough when fewer
    than about five persons are expected in a cell; such small cells are normally suppressed anyway.
    """
    a, n, b, m = (_as_float(v) for v in (x1, n1, x2, n2))
    a, n, b, m = np.broadcast_arrays(a, n, b, m)
    b, m = _rest_of_reference(a, n, b, m, contained)
    reason = _reasons((a, n), (b, m), bounded=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        pooled = (a + b) / (n + m)
        reason[(reason == None) & ((pooled <= 0) | (pooled >= 1))] = (  # noqa: E711
            "nobody or everybody has the attribute in both: no variation to test"
        )
        diff = a / n - b / m
        z = diff / np.sqrt(pooled * (1 - pooled) * (1 / n + 1 / m))
        p = stats.chi2.sf(z * z, 1)
    verdict, p = _verdict(diff, p, reason, alpha)
    return TestResult(np.where(reason == None, z, np.nan), p, verdict, reason)  # noqa: E711


def _binom_two_sided(x: FloatArray, n: FloatArray, prob: FloatArray) -> FloatArray:
    """Two-sided exact binomial p value, exactly as R's ``binom.test`` computes it, for whole arrays.

    R sums the probabilities of all outcomes no more likely than the observed one (with a relative
    tolerance of 1e-7). The binomial distribution is unimodal, so on each side of the mean those outcomes
    form one contiguous tail, and its edge can be found by bisection instead of enumerating 0..n.
    """
    rel_err = 1 + 1e-7
    dist = stats.binom
    # scipy-stubs type pmf(array, array, array) as "float | array"; with array arguments it is an array.
    d = np.asarray(dist.pmf(x, n, prob), dtype=np.float64) * rel_err
    mean = n * prob
    p = np.ones_like(mean)
    below, above = x < mean, x > mean
    # x below the mean: first k in [ceil(mean), n] with pmf(k) <= d (pmf falls there).
    nb, pb, db = n[below], prob[below], d[below]
    k0 = _first_true(np.ceil(mean[below]), nb + 1, lambda k: dist.pmf(k, nb, pb) <= db)
    p[below] = dist.cdf(x[below], nb, pb) + dist.sf(k0 - 1, nb, pb)
    # x above the mean: y = number of k in [0, floor(mean)] with pmf(k) <= d (pmf rises there).
    na, pa, da = n[above], prob[above], d[above]
    y = _first_true(np.zeros(na.size), np.floor(mean[above]) + 1, lambda k: dist.pmf(k, na, pa) > da)
    p[above] = dist.cdf(y - 1, na, pa) + dist.sf(x[above] - 1, na, pa)
    return np.minimum(1.0, p)


def _first_true(
    lo: FloatArray, hi: FloatArray, cond: Callable[[FloatArray], npt.NDArray[np.bool_]]
) -> FloatArray:
    """Smallest k in [lo, hi) with cond(k), for a condition false-then-true on the range; hi if none."""
    while np.any(lo < hi):
        mid = np.floor((lo + hi) / 2)
        active = lo < hi
        c = cond(mid)
        hi = np.where(active & c, mid, hi)
        lo = np.where(active & ~c, mid + 1, lo)
    return lo


def rate_ratio_test(
    x1: npt.ArrayLike,
    t1: npt.ArrayLike,
    x2: npt.ArrayLike,
    t2: npt.ArrayLike,
    contained: npt.ArrayLike = False,
    alpha: float = 0.05,
) -> TestResult:
    """Exact test that two Poisson rates (x1 events per t1, x2 per t2) are equal.

    Conditional on the total x1 + x2, the area's share of events is binomial with probability
    t1 / (t1 + t2) when the rates are equal; the two-sided p value is that binomial test's. Equals R's
    ``poisson.test(c(x1, x2), c(t1, t2))$p.value``; ``statistic`` is the rate ratio (R's estimate).
    """
    a, s, b, u = (_as_float(v) for v in (x1, t1, x2, t2))
    a, s, b, u = np.broadcast_arrays(a, s, b, u)
    b, u = _rest_of_reference(a, s, b, u, contained)
    reason = _reasons((a, s), (b, u), bounded=False)
    reason[(reason == None) & (a + b == 0)] = "no events in either: no rate ratio"  # noqa: E711
    ok = reason == None  # noqa: E711
    n = np.where(ok, np.round(a + b), 1.0)
    x = np.where(ok, np.round(a), 0.0)
    prob = np.where(ok, s / (s + u), 0.5)
    p = _binom_two_sided(x, n, prob)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = (a / s) / (b / u)
        diff = a / s - b / u
    verdict, p = _verdict(diff, p, reason, alpha)
    return TestResult(np.where(ok, ratio, np.nan), p, verdict, reason)


def compare_to_reference(frame: pl.DataFrame, kind: Kind, alpha: float = 0.05) -> pl.DataFrame:
    """Append test results to a frame of area values and their reference.

    Needs columns ``numerator``, ``denominator``, ``ref_numerator``, ``ref_denominator`` and optionally a
    boolean ``contained`` (true when the area is part of the reference). For ``kind="rate"`` the
    denominator is the population at risk (person-years).
    """
    contained = frame["contained"].fill_null(False).to_numpy() if "contained" in frame.columns else False
    test = two_proportion_test if kind == "proportion" else rate_ratio_test
    result = test(
        frame["numerator"],
        frame["denominator"],
        frame["ref_numerator"],
        frame["ref_denominator"],
        contained=contained,
        alpha=alpha,
    )
    return pl.concat([frame, result.to_frame()], how="horizontal")


def benjamini_hochberg(p: npt.ArrayLike) -> FloatArray:
    """Benjamini–Hochberg (1995) adjusted p values; equals R's ``p.adjust(p, "BH")``.

    A profile tests a hundred indicators at once, and at 5 % about five would look "significant" by
    chance alone. Adjusted values keep the expected share of false findings among the flagged ones at
    the chosen level. Missing p values stay missing and do not count as tests.
    """
    arr = _as_float(p)
    out = np.full(arr.shape, np.nan)
    ok = ~np.isnan(arr)
    vals = arr[ok]
    m = vals.size
    if m == 0:
        return out
    order = np.argsort(-vals, kind="stable")
    ranks = np.arange(m, 0, -1)
    adjusted = np.minimum.accumulate(m / ranks * vals[order])
    result = np.empty(m)
    result[order] = np.minimum(1.0, adjusted)
    out[ok] = result
    return out


def trend_test(
    frame: pl.DataFrame,
    by: Sequence[str],
    kind: Kind = "proportion",
    score: str = "year",
    alpha: float = 0.05,
    min_points: int = 3,
) -> pl.DataFrame:
    """Test for a linear trend over ``score`` (years) within each group of ``by``.

    Proportions: the Cochran–Armitage chi-square test for trend, equal to R's
    ``prop.trend.test(numerator, denominator, score = year)``:
    X² = [Σ xᵢ(sᵢ − s̄)]² / (p̄(1 − p̄) Σ nᵢ(sᵢ − s̄)²) with s̄ weighted by nᵢ.
    Rates: the score test of the slope in the Poisson regression log E[xᵢ] = log tᵢ + a + b·sᵢ,
    X² = [Σ xᵢ(sᵢ − s̄)]² / (X Σ tᵢ(sᵢ − s̄)² / T) with s̄ weighted by tᵢ, equal to R's
    ``anova(glm(x ~ offset(log(t)), poisson), glm(x ~ s + offset(log(t)), poisson), test = "Rao")``.
    Rows with a missing numerator or denominator are left out; fewer than ``min_points`` years left
    makes the series not testable.
    """
    keys = list(by)
    x, n, s = pl.col("numerator"), pl.col("denominator"), pl.col(score).cast(pl.Float64)
    data = frame.filter(x.is_not_null() & n.is_not_null() & (n > 0)).with_columns(
        (pl.col(score).cast(pl.Float64)).alias("_s")
    )
    s_bar = (n * s).sum().over(keys) / n.sum().over(keys)
    data = data.with_columns((pl.col("_s") - s_bar).alias("_d"))
    d = pl.col("_d")
    agg = data.group_by(keys, maintain_order=True).agg(
        (x * d).sum().alias("_u"),
        x.sum().alias("_x"),
        n.sum().alias("_n"),
        (n * d * d).sum().alias("_snn"),
        pl.col("_s").n_unique().alias("points"),
    )
    x_tot, n_tot = pl.col("_x"), pl.col("_n")
    if kind == "proportion":
        p_bar = x_tot / n_tot
        var = p_bar * (1 - p_bar) * pl.col("_snn")
    else:
        var = x_tot * pl.col("_snn") / n_tot
    agg = agg.with_columns((pl.col("_u") ** 2 / var).alias("statistic"))
    reason = (
        pl.when(pl.col("points") < min_points)
        .then(pl.lit(f"fewer than {min_points} years with data"))
        .when((x_tot <= 0) | ((x_tot >= n_tot) if kind == "proportion" else pl.lit(False)))
        .then(pl.lit("no variation: no events, or all have the attribute"))
        .when(~(var > 0))
        .then(pl.lit("no variation in years"))
    )
    agg = agg.with_columns(reason.alias("test_reason"))
    stat = agg["statistic"].to_numpy()
    untestable = agg["test_reason"].is_not_null().to_numpy()
    with np.errstate(invalid="ignore"):
        p = np.where(untestable, np.nan, stats.chi2.sf(stat, 1))
    slope = agg["_u"].to_numpy()
    verdict = np.full(p.shape, NO_TREND, dtype=object)
    with np.errstate(invalid="ignore"):
        verdict[(p < alpha) & (slope > 0)] = INCREASING
        verdict[(p < alpha) & (slope < 0)] = DECREASING
    verdict[untestable] = NOT_TESTABLE
    return agg.select(
        *keys,
        "points",
        pl.when(pl.col("test_reason").is_null()).then(pl.col("statistic")).alias("statistic"),
        pl.Series("p_value", p, nan_to_null=True),
        pl.Series("verdict", verdict.tolist(), dtype=pl.String),
        "test_reason",
    )
