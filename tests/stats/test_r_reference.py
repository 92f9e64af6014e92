"""kasvu.stats reproduces R to 1e-9 (reference values from scripts/r/stats_reference.R)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest

from kasvu.stats import (
    benjamini_hochberg,
    clopper_pearson_interval,
    logit_interval,
    poisson_rate_interval,
    rate_ratio_test,
    trend_test,
    two_proportion_test,
    wilson_interval,
)

REF: dict[str, Any] = json.loads((Path(__file__).parent / "r_reference.json").read_text())
TOL = 1e-9


def close(actual: Any, expected: Any) -> None:
    np.testing.assert_allclose(
        np.asarray(actual, dtype=float), np.asarray(expected, dtype=float), rtol=TOL, atol=TOL
    )


def columns(section: str, *names: str) -> list[np.ndarray]:
    return [np.array([row[n] for row in REF[section]], dtype=float) for n in names]


@pytest.mark.parametrize("level", [0.95, 0.9, 0.99])
def test_wilson_matches_prop_test(level: float) -> None:
    rows = [r for r in REF["wilson"] if r["level"] == level]
    got = wilson_interval([r["x"] for r in rows], [r["n"] for r in rows], level)
    close(got.lower, [r["lower"] for r in rows])
    close(got.upper, [r["upper"] for r in rows])
    assert set(got.method) == {"wilson"}


@pytest.mark.parametrize("level", [0.95, 0.9, 0.99])
def test_clopper_pearson_matches_binom_test(level: float) -> None:
    rows = [r for r in REF["clopper_pearson"] if r["level"] == level]
    got = clopper_pearson_interval([r["x"] for r in rows], [r["n"] for r in rows], level)
    close(got.lower, [r["lower"] for r in rows])
    close(got.upper, [r["upper"] for r in rows])


@pytest.mark.parametrize("level", [0.95, 0.9, 0.99])
def test_exact_poisson_matches_poisson_test(level: float) -> None:
    rows = [r for r in REF["poisson"] if r["level"] == level]
    got = poisson_rate_interval([r["x"] for r in rows], [r["t"] for r in rows], level, scale=1000)
    close(got.lower, [r["lower"] * 1000 for r in rows])
    close(got.upper, [r["upper"] * 1000 for r in rows])


def test_two_proportion_matches_prop_test() -> None:
    x1, n1, x2, n2, stat, p = columns("two_proportion", "x1", "n1", "x2", "n2", "statistic", "p_value")
    got = two_proportion_test(x1, n1, x2, n2)
    close(got.p_value, p)
    close(got.statistic**2, stat)


def test_rate_ratio_matches_poisson_test() -> None:
    x1, t1, x2, t2, est, p = columns("rate_ratio", "x1", "t1", "x2", "t2", "estimate", "p_value")
    got = rate_ratio_test(x1, t1, x2, t2)
    close(got.p_value, p)
    finite = ~np.isnan(est)  # R's Inf (area has events, rest has none) is written as null in JSON
    close(got.statistic[finite], est[finite])
    assert np.isinf(got.statistic[~finite]).all()


@pytest.mark.parametrize(
    ("section", "kind", "denominator"), [("trend", "proportion", "n"), ("rate_trend", "rate", "t")]
)
def test_trend_matches_r(section: str, kind: str, denominator: str) -> None:
    frame = pl.concat(
        pl.DataFrame({"series": i, "year": r["score"], "numerator": r["x"], "denominator": r[denominator]})
        for i, r in enumerate(REF[section])
    ).with_columns(pl.col("numerator", "denominator").cast(pl.Float64))
    got = trend_test(frame, by=["series"], kind=kind)  # type: ignore[arg-type]
    close(got["statistic"], [r["statistic"] for r in REF[section]])
    close(got["p_value"], [r["p_value"] for r in REF[section]])


def test_benjamini_hochberg_matches_p_adjust() -> None:
    for case in REF["bh"]:
        p = [np.nan if v is None else v for v in np.atleast_1d(case["p"])]
        expected = [np.nan if v is None else v for v in np.atleast_1d(case["adjusted"])]
        close(benjamini_hochberg(p), expected)


def test_logit_interval_matches_svyciprop() -> None:
    p, se, df, level, lower, upper = columns("logit", "p", "se", "df", "level", "lower", "upper")
    for lv in set(level):
        rows = level == lv
        got = logit_interval(p[rows], se[rows], lv, df=df[rows])
        close(got.lower, lower[rows])
        close(got.upper, upper[rows])
