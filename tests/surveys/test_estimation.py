"""Properties of the estimator beyond the R comparison: hand-checked values, totals, groups, suppression."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from kasvu.surveys.codebook import Codebook
from kasvu.surveys.estimation import Design, EstimationError, Item, estimate
from kasvu.surveys.generate import generate_responses, write_responses
from kasvu.surveys.indicators import estimate_indicators
from kasvu.surveys.responses import SurveyResponses, read_responses


def test_simple_random_sample_by_hand() -> None:
    frame = pl.DataFrame({"area": ["a"] * 5, "y": [1.0, 0.0, 1.0, 1.0, 0.0]})
    row = estimate(frame, [Item("p", "y")], by=("area",), totals=False).row(0, named=True)
    n, p = 5, 3 / 5
    assert row["n"] == n and row["estimate"] == pytest.approx(p)
    assert row["se"] == pytest.approx(math.sqrt(p * (1 - p) / (n - 1)))  # SRS: n/(n-1) * sum(z^2)
    assert row["df"] == n - 1
    q = stats.t.ppf(0.975, n - 1) * row["se"] / (p * (1 - p))
    assert row["lower"] == pytest.approx(1 / (1 + math.exp(-(math.log(p / (1 - p)) - q))))


def test_non_respondents_stay_in_the_design() -> None:
    """A missing answer is outside the domain but its PSU still counts in n_h (R: subset keeps the design)."""
    frame = pl.DataFrame({"area": ["a"] * 6, "y": [1.0, 0.0, 1.0, 1.0, None, 0.0]})
    row = estimate(frame, [Item("p", "y")], by=("area",), totals=False).row(0, named=True)
    n_answered, n_psu, p = 5, 6, 3 / 5
    sum_z2 = n_answered * p * (1 - p) / n_answered**2
    assert row["n"] == n_answered and row["df"] == n_answered - 1
    assert row["se"] == pytest.approx(math.sqrt(n_psu / (n_psu - 1) * sum_z2))


def test_domain_estimate_is_the_weighted_mean_of_its_respondents(
    tmp_path: object, codebook: Codebook
) -> None:
    frame = generate_responses(codebook, 1500, seed=3)
    path = write_responses(frame, tmp_path / "r.csv")  # type: ignore[operator]
    responses = read_responses(path, codebook)
    groups = {"west": ["078", "149", "224"]}
    out = estimate_indicators(responses, area_groups=groups)
    f = responses.frame.with_columns(
        ((pl.col("kaverit") == 1) | (pl.col("kaverit") == 2)).cast(pl.Float64).alias("y")
    )
    f = f.filter(pl.col("kaverit").is_in([1, 2, 3]))
    west = f.filter(pl.col("area").is_in(groups["west"]), pl.col("grade") == 4)
    expected = (west["y"] * west["weight"]).sum() / west["weight"].sum()
    row = out.filter(
        pl.col("indicator") == "has_friends",
        pl.col("area") == "west",
        pl.col("grade") == "4",
        pl.col("sex") == "total",
    ).row(0, named=True)
    assert row["area_kind"] == "group"
    assert row["estimate"] == pytest.approx(expected, abs=1e-12)
    assert row["n"] == west.height


def test_all_margins_are_present(codebook: Codebook, tmp_path: object) -> None:
    responses = _responses(codebook, tmp_path, 800)
    out = estimate_indicators(responses, area_groups={"g": ["078", "149"]})
    kinds = out.select(
        "area_kind", (pl.col("grade") == "total").alias("g"), (pl.col("sex") == "total").alias("s")
    ).unique()
    assert kinds.height == 3 * 2 * 2
    assert out["sex"].is_in(["female", "male", "total"]).all()
    only_cells = estimate_indicators(responses, totals=False)
    assert not only_cells["area"].is_in(["total"]).any()


def test_suppression_flag_follows_the_threshold(codebook: Codebook, tmp_path: object) -> None:
    out = estimate_indicators(_responses(codebook, tmp_path, 800))
    assert (out["suppress_primary"] == (out["n"] < codebook.suppression_threshold)).all()
    assert out["suppress_primary"].any() and not out["suppress_primary"].all()


def test_items_do_not_interact(codebook: Codebook, tmp_path: object) -> None:
    """Estimating one item alone gives the same numbers as estimating it with all others (batching)."""
    responses = _responses(codebook, tmp_path, 600)
    data = responses.frame.select(
        "area",
        pl.col("grade").cast(pl.String),
        "weight",
        "stratum",
        "cluster",
        (pl.col("kaverit").is_in([1, 2]).cast(pl.Float64)).alias("a"),
        pl.col("uni").cast(pl.Float64).alias("b"),
    )
    design = Design("weight", "stratum", "cluster")
    both = estimate(
        data, [Item("a", "a"), Item("b", "b", "mean")], design, by=("area", "grade"), batch_size=1
    )
    alone = estimate(data, [Item("b", "b", "mean")], design, by=("area", "grade"))
    both = both.filter(pl.col("indicator") == "b")
    assert both.select("area", "grade", "n", "df").equals(alone.select("area", "grade", "n", "df"))
    for col in ("estimate", "se", "lower", "upper"):
        assert np.allclose(both[col].to_numpy(), alone[col].to_numpy(), rtol=0, atol=1e-12)


def test_bad_input_frames_are_explained() -> None:
    frame = pl.DataFrame({"area": ["a", "b"], "y": [1.0, 0.0], "w": [1.0, 0.0]})
    with pytest.raises(EstimationError, match="positive"):
        estimate(frame, [Item("p", "y")], Design(weight="w"), by=("area",))
    with pytest.raises(EstimationError, match="lacks column"):
        estimate(frame, [Item("p", "nope")], by=("area",))


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from("abc"), st.sampled_from([0.0, 1.0, None]), st.floats(0.1, 10)),
        min_size=2,
        max_size=60,
    )
)
def test_intervals_contain_the_estimate(rows: list[tuple[str, float | None, float]]) -> None:
    frame = pl.DataFrame(rows, schema={"area": pl.String, "y": pl.Float64, "w": pl.Float64}, orient="row")
    out = estimate(frame, [Item("p", "y")], Design(weight="w"), by=("area",)).filter(pl.col("n") > 0)
    for row in out.iter_rows(named=True):
        assert 0.0 <= row["estimate"] <= 1.0
        assert row["se"] >= 0.0
        if row["lower"] is not None:
            assert row["lower"] <= row["estimate"] + 1e-12 <= row["upper"] + 2e-12
    assert np.all(out["n"].to_numpy() >= 1)


def _responses(codebook: Codebook, tmp_path: object, n: int) -> SurveyResponses:
    path = write_responses(generate_responses(codebook, n, seed=n), tmp_path / f"r{n}.csv")  # type: ignore[operator]
    return read_responses(path, codebook)
