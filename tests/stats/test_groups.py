"""Group values: aggregation rules, membership by year, mergers, and real THL regional values."""

from __future__ import annotations

import polars as pl
import pytest

from kasvu.stats import Rule, RuleNeedsScale, aggregate_groups

POPULATION = "[YLEISET] Väestö 31.12."


def observations(rows: list[tuple[str, str, int, float | None, float | None, float | None]]) -> pl.DataFrame:
    return pl.DataFrame(
        rows,
        schema={
            "indicator": pl.String,
            "area_id": pl.String,
            "year": pl.Int64,
            "value": pl.Float64,
            "numerator": pl.Float64,
            "denominator": pl.Float64,
        },
        orient="row",
    ).with_columns(pl.lit("total").alias("sex"))


def memberships(rows: list[tuple[str, str, int | None, int | None]]) -> pl.DataFrame:
    return pl.DataFrame(
        rows,
        schema={"group_id": pl.String, "member_id": pl.String, "valid_from": pl.Int64, "valid_to": pl.Int64},
        orient="row",
    )


WEST = memberships([("west", "a", None, None), ("west", "b", None, None)])


def test_ratio_rule_divides_summed_numerators_by_summed_denominators() -> None:
    obs = observations([("r", "a", 2020, 10.0, 1, 100), ("r", "b", 2020, 1.0, 9, 9000)])
    out = aggregate_groups(obs, WEST, {"r": Rule("ratio", scale=1000)}).row(0, named=True)
    assert out["value"] == pytest.approx(10 / 9100 * 1000)  # not (10 + 1) / 2
    assert (out["numerator"], out["denominator"], out["approximate"]) == (10, 9100, False)
    assert (out["coverage_members_with_data"], out["coverage_members_total"], out["reason"]) == (2, 2, None)


def test_sum_rule_adds_counts() -> None:
    obs = observations([("n", "a", 2020, 120.0, None, None), ("n", "b", 2020, 30.0, None, None)])
    assert aggregate_groups(obs, WEST, {"n": "sum"})["value"].to_list() == [150.0]


def test_weighted_mean_is_flagged_approximate() -> None:
    obs = observations([("r", "a", 2020, 10.0, None, None), ("r", "b", 2020, 1.0, None, None)])
    weights = pl.DataFrame({"area_id": ["a", "b"], "year": [2020, 2020], "weight": [100.0, 900.0]})
    out = aggregate_groups(obs, WEST, {"r": "weighted_mean"}, weights=weights).row(0, named=True)
    assert out["value"] == pytest.approx((10 * 100 + 1 * 900) / 1000)
    assert out["approximate"] is True


@pytest.mark.parametrize(
    ("rules", "weights", "reason"),
    [
        ({}, None, "no aggregation rule"),
        ({"r": "median"}, None, "unknown aggregation rule 'median'"),
        ({"r": "weighted_mean"}, None, "weighted mean needs population weights"),
    ],
)
def test_never_a_plain_average(rules: dict[str, str], weights: None, reason: str) -> None:
    obs = observations([("r", "a", 2020, 10.0, None, None), ("r", "b", 2020, 1.0, None, None)])
    out = aggregate_groups(obs, WEST, rules, weights=weights).row(0, named=True)
    assert out["value"] is None
    assert out["reason"].startswith(reason)


def test_missing_weight_gives_no_value() -> None:
    obs = observations([("r", "a", 2020, 10.0, None, None), ("r", "b", 2020, 1.0, None, None)])
    weights = pl.DataFrame({"area_id": ["a"], "year": [2020], "weight": [100.0]})
    out = aggregate_groups(obs, WEST, {"r": "weighted_mean"}, weights=weights).row(0, named=True)
    assert (out["value"], out["reason"]) == (None, "no weight for 1 member(s) with data")


def test_ratio_without_scale_is_refused() -> None:
    with pytest.raises(RuleNeedsScale, match="scale=1000"):
        aggregate_groups(observations([]), WEST, {"r": "ratio"})


def test_incomplete_group_gets_no_value_unless_asked() -> None:
    obs = observations([("n", "a", 2020, 120.0, None, None)])
    strict = aggregate_groups(obs, WEST, {"n": "sum"}).row(0, named=True)
    assert (strict["value"], strict["reason"]) == (None, "1 of 2 members have no data")
    assert (strict["coverage_members_with_data"], strict["coverage_members_total"]) == (1, 2)
    lenient = aggregate_groups(obs, WEST, {"n": "sum"}, require_complete=False).row(0, named=True)
    assert lenient["value"] == 120.0


LOHJA_AREA = memberships(
    [
        ("lohja_area", "lohja", None, None),
        ("lohja_area", "nummi_pusula", None, 2012),
        ("lohja_area", "vihti", None, None),
    ]
)
SUCCESSIONS = pl.DataFrame(
    {"predecessor_id": ["nummi_pusula"], "successor_id": ["lohja"], "year_of_merger": [2013]}
)


def test_member_counts_only_while_valid() -> None:
    obs = observations(
        [("n", m, y, 10.0, None, None) for m in ("lohja", "vihti", "nummi_pusula") for y in (2012, 2013)]
    )
    out = aggregate_groups(obs, LOHJA_AREA, {"n": "sum"})
    assert out.select("year", "value", "coverage_members_total").rows() == [(2012, 30.0, 3), (2013, 20.0, 2)]


def test_merged_member_is_absorbed_not_missing() -> None:
    # Data recomputed to the 2013 division: Nummi-Pusula has no series of its own, Lohja's includes it.
    obs = observations([("n", m, y, 10.0, None, None) for m in ("lohja", "vihti") for y in (2012, 2013)])
    without = (
        aggregate_groups(obs, LOHJA_AREA, {"n": "sum"}).filter(pl.col("year") == 2012).row(0, named=True)
    )
    assert without["value"] is None and without["reason"] == "1 of 3 members have no data"
    out = aggregate_groups(obs, LOHJA_AREA, {"n": "sum"}, successions=SUCCESSIONS)
    row = out.filter(pl.col("year") == 2012).row(0, named=True)
    assert row["value"] == 20.0
    assert (
        row["coverage_members_with_data"],
        row["coverage_members_total"],
        row["coverage_members_absorbed"],
    ) == (
        3,
        3,
        1,
    )


def test_absorbed_only_when_successor_has_data() -> None:
    obs = observations([("n", "vihti", 2012, 10.0, None, None)])
    row = aggregate_groups(obs, LOHJA_AREA, {"n": "sum"}, successions=SUCCESSIONS).row(0, named=True)
    assert (row["coverage_members_with_data"], row["coverage_members_absorbed"]) == (1, 0)


def test_absorbed_through_a_chain_of_mergers() -> None:
    chain = pl.DataFrame(
        {
            "predecessor_id": ["old", "nummi_pusula"],
            "successor_id": ["nummi_pusula", "lohja"],
            "year_of_merger": [1990, 2013],
        }
    )
    group = memberships([("g", "old", None, 1989), ("g", "lohja", None, None)])
    obs = observations([("n", "lohja", 1985, 5.0, None, None)])
    row = aggregate_groups(obs, group, {"n": "sum"}, successions=chain).row(0, named=True)
    assert (row["value"], row["coverage_members_absorbed"]) == (5.0, 1)


def sotkanet_inputs(kunta: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    obs = kunta.select(
        pl.col("indicator_title").alias("indicator"),
        pl.col("area_name").alias("area_id"),
        "year",
        pl.lit("total").alias("sex"),
        "value",
        pl.lit(None, pl.Float64).alias("numerator"),
        pl.lit(None, pl.Float64).alias("denominator"),
    )
    members = (
        kunta.select(pl.col("maakunta").alias("group_id"), pl.col("area_name").alias("member_id"))
        .unique()
        .with_columns(pl.lit(None, pl.Int64).alias("valid_from"), pl.lit(None, pl.Int64).alias("valid_to"))
    )
    weights = kunta.filter(pl.col("indicator_title") == POPULATION).select(
        pl.col("area_name").alias("area_id"), "year", pl.col("value").alias("weight")
    )
    return obs, members, weights


def published(regions: pl.DataFrame) -> pl.DataFrame:
    return regions.select(
        pl.col("indicator_title").alias("indicator"),
        pl.col("area_name").alias("group_id"),
        "year",
        pl.col("value").alias("thl"),
    )


def test_population_sum_equals_thl_regional_value(
    sotkanet_municipalities: pl.DataFrame, sotkanet_regions: pl.DataFrame
) -> None:
    obs, members, _ = sotkanet_inputs(sotkanet_municipalities.filter(pl.col("indicator_title") == POPULATION))
    ours = aggregate_groups(obs, members, {POPULATION: "sum"})
    assert ours["reason"].null_count() == ours.height
    thl = published(sotkanet_regions.filter(pl.col("indicator_title") == POPULATION))
    both = ours.join(thl, on=["indicator", "group_id", "year"], how="full", coalesce=True)
    assert both.height == 19 * 23  # every region (with Åland), 1990–2012
    assert both.filter(pl.col("value") != pl.col("thl")).height == 0
    assert both["value"].null_count() == 0 and both["thl"].null_count() == 0


# Rates per resident, so population is the right weight up to rounding and the 31.12. timing; the bounds are
# measured on this data (maximum absolute error, median absolute error), with a little headroom.
RATES_BY_POPULATION = {
    "[VÄESTÖNMUUTOS] Muu kuin suomi, ruotsi tai saame äidinkielenä / 1000 asukasta": (0.2, 0.03),
    "[VÄESTÖNMUUTOS] Kuntien välinen nettomuutto / 1 000 asukasta": (0.08, 0.03),
    "[TILASTOLLINEN HYVINVOINTI] Toimeentulotukea saaneet henkilöt vuoden aikana, % asukkaista": (0.3, 0.035),
}


@pytest.mark.parametrize("indicator", list(RATES_BY_POPULATION))
def test_population_weighted_mean_approximates_thl(
    indicator: str, sotkanet_municipalities: pl.DataFrame, sotkanet_regions: pl.DataFrame
) -> None:
    obs, members, weights = sotkanet_inputs(
        sotkanet_municipalities.filter(pl.col("indicator_title").is_in([indicator, POPULATION]))
    )
    ours = aggregate_groups(
        obs.filter(pl.col("indicator") == indicator), members, {indicator: "weighted_mean"}, weights=weights
    )
    ours = ours.filter(pl.col("value").is_not_null())
    assert ours["approximate"].all()
    both = ours.join(published(sotkanet_regions), on=["indicator", "group_id", "year"])
    assert both.height >= 300
    error = (both["value"] - both["thl"]).abs()
    max_error, median_error = RATES_BY_POPULATION[indicator]
    assert error.max() <= max_error  # type: ignore[operator]
    assert error.median() <= median_error  # type: ignore[operator]
