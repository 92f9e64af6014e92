"""Behaviour of intervals and tests beyond the R reference values: missing data, containment, verdicts."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from kasvu.stats import (
    compare_to_reference,
    poisson_rate_interval,
    proportion_interval,
    rate_ratio_test,
    trend_test,
    two_proportion_test,
    wald_interval,
    wilson_interval,
)


def test_value_without_counts_has_no_interval_and_says_why() -> None:
    got = wilson_interval(pl.Series([3, None, 5, 7], dtype=pl.Int64), [10, 10, 0, 5])
    assert got.reason.tolist() == [
        None,
        "no numerator or denominator",
        "denominator is zero or negative",
        "numerator exceeds denominator",
    ]
    assert got.method.tolist() == ["wilson", None, None, None]
    frame = got.to_frame()
    assert frame["lower"].null_count() == 3 and frame["lower"][0] is not None


def test_scale_puts_bounds_on_the_published_scale() -> None:
    per_cent = proportion_interval([30], [200], scale=100)
    assert per_cent.lower[0] == pytest.approx(wilson_interval([30], [200]).lower[0] * 100)
    per_1000 = poisson_rate_interval([30], [20000], scale=1000)
    assert per_1000.lower[0] < 1.5 < per_1000.upper[0]
    with pytest.raises(ValueError, match="wilson"):
        proportion_interval([1], [2], method="wald")  # type: ignore[arg-type]


def test_wald_interval_uses_t_with_df() -> None:
    z = wald_interval([10.0], [1.0])
    t = wald_interval([10.0], [1.0], df=[5])
    assert z.upper[0] == pytest.approx(11.959964, abs=1e-6)
    assert t.upper[0] > z.upper[0]


def test_area_inside_reference_is_compared_with_the_rest() -> None:
    # Region 60/1000 contains the area 30/100; the rest is 30/900.
    inside = two_proportion_test([30], [100], [60], [1000], contained=True)
    direct = two_proportion_test([30], [100], [30], [900])
    assert inside.p_value[0] == direct.p_value[0]
    assert inside.verdict[0] == "significantly_higher"
    rates = rate_ratio_test([30], [100], [60], [1000], contained=True)
    assert rates.statistic[0] == pytest.approx((30 / 100) / (30 / 900))


def test_not_testable_cases() -> None:
    got = two_proportion_test([0, None, 5, 5], [10, 10, 10, 10], [0, 3, 5, 6], [10, 10, 10, 0])
    assert got.verdict.tolist() == ["not_testable"] * 2 + ["no_significant_difference", "not_testable"]
    assert got.reason[0].startswith("nobody or everybody")
    assert got.reason[1] == "area: no numerator or denominator"
    # the area is the whole reference: nothing left to compare with
    whole = rate_ratio_test([5], [100], [5], [100], contained=True)
    assert whole.verdict[0] == "not_testable" and "nothing left" in whole.reason[0]
    none = rate_ratio_test([0], [100], [0], [200])
    assert none.reason[0] == "no events in either: no rate ratio"


def test_compare_to_reference_frame() -> None:
    frame = pl.DataFrame(
        {
            "area_id": ["a", "b"],
            "numerator": [5.0, 50.0],
            "denominator": [1000.0, 1000.0],
            "ref_numerator": [300.0, 300.0],
            "ref_denominator": [10000.0, 10000.0],
            "contained": [True, True],
        }
    )
    out = compare_to_reference(frame, "rate")
    assert out["verdict"].to_list() == ["significantly_lower", "significantly_higher"]


def test_trend_verdicts_and_short_series() -> None:
    frame = pl.DataFrame(
        {
            "area_id": ["up"] * 5 + ["short"] * 2,
            "year": [2018, 2019, 2020, 2021, 2022, 2021, 2022],
            "numerator": [10.0, 20, 30, 40, 50, 1, 2],
            "denominator": [100.0] * 7,
        }
    )
    out = trend_test(frame, by=["area_id"]).sort("area_id")
    assert out["verdict"].to_list() == ["not_testable", "significantly_increasing"]
    assert out["test_reason"][0] == "fewer than 3 years with data"


def test_vectorised_over_large_arrays() -> None:
    rng = np.random.default_rng(1)
    n = rng.integers(1, 5000, 20000)
    x = rng.binomial(n, 0.1)
    got = rate_ratio_test(x, n, x.sum(), n.sum(), contained=True)
    assert np.isfinite(got.p_value).all()
