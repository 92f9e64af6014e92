"""An area against a reference: which test, which family, what the verdict says. Pure."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt
import polars as pl
from scipy import stats as sps

from kasvu.stats import benjamini_hochberg
from kasvu.stats.significance import (
    HIGHER,
    INCREASING,
    LOWER,
    NO_DIFFERENCE,
    NOT_TESTABLE,
    compare_to_reference,
    rate_ratio_test,
    two_proportion_test,
)

R_NO_COUNTS = "no numerator or denominator"
R_COUNTS = "counts are not compared"
R_HIDDEN = "value is suppressed"

FloatArray = npt.NDArray[np.float64]


def _interval_z_test(
    v1: FloatArray, lo1: FloatArray, hi1: FloatArray, v2: FloatArray, lo2: FloatArray, hi2: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Approximate z test from two 95 % intervals (survey values without counts): returns (p, diff)."""
    z95 = 1.959963984540054
    se1, se2 = (hi1 - lo1) / (2 * z95), (hi2 - lo2) / (2 * z95)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = (v1 - v2) / np.sqrt(se1 * se1 + se2 * se2)
        p = 2 * sps.norm.sf(np.abs(z))
    return np.asarray(p, dtype=np.float64), v1 - v2


def compare(pairs: pl.DataFrame, alpha: float = 0.05, adjust: bool = True) -> pl.DataFrame:
    """Test area against reference per row; adds verdict, p_value, p_adjusted, test_reason,
    approximate_test.

    ``pairs`` has kind, numerator, denominator, value, ci_lower, ci_upper (area) and the same with
    ``ref_``, plus ``contained``. Proportions: two-proportion test; rates: exact rate-ratio test; survey
    values with only intervals: an approximate z test from the intervals; counts are not compared. With
    ``adjust`` the p values are adjusted (Benjamini–Hochberg) over all rows: one family.
    """
    h = pairs.height
    p = np.full(h, np.nan)
    diff = np.full(h, np.nan)
    reason = np.full(h, None, dtype=object)
    approx = np.zeros(h, dtype=bool)
    kind = pairs["kind"].to_numpy()
    contained = pairs["contained"].to_numpy().astype(bool)
    cols = {c: pairs[c].cast(pl.Float64).to_numpy() for c in
            ("numerator", "denominator", "ref_numerator", "ref_denominator", "value", "ref_value",
             "ci_lower", "ci_upper", "ref_ci_lower", "ref_ci_upper")}  # fmt: skip
    has_counts = ~np.isnan(cols["numerator"]) & ~np.isnan(cols["denominator"])
    has_counts &= ~np.isnan(cols["ref_numerator"]) & ~np.isnan(cols["ref_denominator"])
    for k, test in (("proportion", two_proportion_test), ("rate", rate_ratio_test)):
        sel = (kind == k) & has_counts
        if sel.any():
            r = test(
                cols["numerator"][sel],
                cols["denominator"][sel],
                cols["ref_numerator"][sel],
                cols["ref_denominator"][sel],
                contained=contained[sel],
                alpha=alpha,
            )
            p[sel] = r.p_value
            reason[sel] = r.reason
            with np.errstate(invalid="ignore", divide="ignore"):
                x1, n1 = cols["numerator"][sel], cols["denominator"][sel]
                x2, n2 = cols["ref_numerator"][sel], cols["ref_denominator"][sel]
                x2 = np.where(contained[sel], x2 - x1, x2)
                n2 = np.where(contained[sel], n2 - n1, n2)
                diff[sel] = x1 / n1 - x2 / n2
    intervals = ~has_counts & ~np.isnan(cols["ci_lower"]) & ~np.isnan(cols["ref_ci_lower"])
    intervals &= ~np.isnan(cols["value"]) & ~np.isnan(cols["ref_value"])
    if intervals.any():
        pi, di = _interval_z_test(
            cols["value"][intervals],
            cols["ci_lower"][intervals],
            cols["ci_upper"][intervals],
            cols["ref_value"][intervals],
            cols["ref_ci_lower"][intervals],
            cols["ref_ci_upper"][intervals],
        )
        p[intervals], diff[intervals], approx[intervals] = pi, di, True
    untested = np.isnan(p) & (reason == None)  # noqa: E711
    reason[untested & (kind == "count")] = R_COUNTS
    reason[untested & (reason == None)] = R_NO_COUNTS  # noqa: E711
    p_adj = benjamini_hochberg(p) if adjust else p.copy()
    ok = ~np.isnan(p_adj)
    with np.errstate(invalid="ignore"):
        sig = ok & (p_adj < alpha)
    verdict = np.full(h, NO_DIFFERENCE, dtype=object)
    verdict[sig & (diff > 0)] = HIGHER
    verdict[sig & (diff < 0)] = LOWER
    verdict[~ok] = NOT_TESTABLE
    return pairs.with_columns(
        pl.Series("verdict", verdict.tolist(), dtype=pl.String),
        pl.Series("p_value", p, nan_to_null=True),
        pl.Series("p_adjusted", p_adj, nan_to_null=True),
        pl.Series(
            "test_reason",
            [None if o else r for o, r in zip(ok, reason.tolist(), strict=True)],
            dtype=pl.String,
        ),
        pl.Series("approximate_test", approx),
    )


def assessment(verdict: str, direction: str) -> str:
    """better / worse for indicators with a direction; higher / lower for neutral ones."""
    if verdict == NOT_TESTABLE:
        return "not_testable"
    if verdict == NO_DIFFERENCE:
        return "no_difference"
    up = verdict in (HIGHER, INCREASING)
    if direction == "higher_better":
        return "better" if up else "worse"
    if direction == "lower_better":
        return "worse" if up else "better"
    return "higher" if up else "lower"


Kinds = Mapping[int, tuple[str, float]]


def compare_series(values: pl.DataFrame, pairs: pl.DataFrame, kinds: Kinds) -> pl.DataFrame:
    """Each (area, reference) of ``pairs`` (columns ``area_id``, ``ref_id``, ``contained``) compared for every
    indicator and year both have, unadjusted (each year is its own question): adds ``verdict``,
    ``p_value`` and ``test_reason`` (see :func:`kasvu.stats.significance.compare_to_reference`). Hidden
    values (``hidden``) and counts are not tested."""
    cols = ["indicator_id", "area_id", "year", "numerator", "denominator"]
    usable = values.filter(~pl.col("hidden").fill_null(False)) if "hidden" in values.columns else values
    area = usable.select(cols)
    ref = usable.select(cols).rename(
        {"area_id": "ref_id", "numerator": "ref_numerator", "denominator": "ref_denominator"}
    )
    joined = area.join(pairs, on="area_id").join(ref, on=["indicator_id", "ref_id", "year"])
    out = []
    for (ind,), part in joined.group_by(["indicator_id"], maintain_order=True):
        kind = kinds.get(int(ind), ("proportion", 1.0))[0]
        if kind == "count":
            out.append(
                part.with_columns(
                    pl.lit(None, pl.Float64).alias("p_value"),
                    pl.lit(NOT_TESTABLE).alias("verdict"),
                    pl.lit(R_COUNTS).alias("test_reason"),
                )  # fmt: skip
            )
            continue
        out.append(compare_to_reference(part, "rate" if kind == "rate" else "proportion"))
    schema = ["indicator_id", "area_id", "ref_id", "year", "verdict", "p_value", "test_reason"]
    if not out:
        return joined.with_columns(
            pl.lit(None, pl.Float64).alias("p_value"), pl.lit(NOT_TESTABLE).alias("verdict"),
            pl.lit(None, pl.String).alias("test_reason"),
        ).select(schema)  # fmt: skip
    return pl.concat([o.select(schema) for o in out], how="diagonal_relaxed")


def adjust_family(tested: pl.DataFrame, alpha: float = 0.05) -> pl.DataFrame:
    """Benjamini–Hochberg over the tests of ``tested`` taken as one family (e.g. every statement of a
    report, as the web adjusts over a profile): adds ``p_adjusted`` and turns a higher/lower verdict whose
    adjusted p is not below ``alpha`` into no difference. Untested rows stay not testable."""
    if tested.height == 0:
        return tested.with_columns(pl.lit(None, pl.Float64).alias("p_adjusted"))
    p = tested["p_value"].cast(pl.Float64).fill_null(float("nan")).to_numpy()
    adjusted = pl.Series("p_adjusted", benjamini_hochberg(p), nan_to_null=True)
    significant = adjusted.fill_null(1.0) < alpha
    verdict = (
        pl.when(pl.col("verdict").is_in([HIGHER, LOWER]) & ~pl.Series(significant))
        .then(pl.lit(NO_DIFFERENCE))
        .otherwise(pl.col("verdict"))
    )
    return tested.with_columns(adjusted).with_columns(verdict.alias("verdict"))
