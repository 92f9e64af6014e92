"""Weights of approximate group values (kasvu.readmodel.weights): the rate's own denominator population,
derived from stored indicators, or withheld with the reason unless the analyst allows the population."""

from __future__ import annotations

import polars as pl
import pytest

from kasvu.readmodel.weights import R_NO_WEIGHT, choose, weight_frame

STORED = {"sotkanet:127", "sotkanet:2328", "sotkanet:181", "sotkanet:1280"}


def _obs() -> pl.DataFrame:
    rows = [
        (1, 2012, "sotkanet:127", 1000.0), (1, 2012, "sotkanet:2328", 40.0), (1, 2012, "sotkanet:181", 20.0),
        (2, 2012, "sotkanet:127", 3000.0), (2, 2012, "sotkanet:2328", 50.0), (2, 2012, "sotkanet:181", 0.0),
    ]  # fmt: skip
    return pl.DataFrame(rows, schema=["area_id", "year", "key", "value"], orient="row")


def test_employed_persons_are_the_employed_share_times_the_population():
    choice = choose("employed", False, STORED)
    assert not choice.approximate and choice.describe().startswith("employed (sotkanet:2328 % × sotkanet:127")
    w = weight_frame(choice, _obs()).sort("area_id")
    assert w["weight"].to_list() == [400.0, 1500.0]


def test_labour_force_adds_the_unemployed_to_the_employed():
    w = weight_frame(choose("labour_force", False, STORED), _obs()).sort("area_id")
    assert w["weight"].to_list() == pytest.approx([500.0, 1500.0])  # 400 employed are 80 % of 500


def test_an_age_group_that_is_not_stored_withholds_the_value_unless_allowed():
    withheld = choose("population_75_plus", False, STORED)
    assert withheld.derivation is None and R_NO_WEIGHT in withheld.describe()
    assert weight_frame(withheld, _obs()) is None
    allowed = choose("population_75_plus", True, STORED)
    assert allowed.approximate
    assert (
        allowed.describe()
        == "approximate: weighted by total population (the indicator is per population_75_plus)"
    )


def test_an_imported_population_table_can_be_named_by_its_key():
    obs = pl.DataFrame(
        [(1, 2024, "statfin:11re:0-17", 210.0)], schema=["area_id", "year", "key", "value"], orient="row"
    )
    choice = choose("statfin:11re:0-17", False, {"statfin:11re:0-17"})
    assert weight_frame(choice, obs)["weight"].to_list() == [210.0]


def test_per_resident_indicators_weigh_by_the_population():
    choice = choose("", False, STORED)
    assert choice.name == "population" and not choice.approximate
