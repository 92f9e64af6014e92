"""`kasvu survey publish`: estimates with n and intervals go into the bank as a source of their own;
suppressed cells are stored empty and flagged, none can be derived from what is published; publishing
again changes nothing."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from django.core.management import call_command

from kasvu.bank.models import Breakdown, Indicator, Observation, Source
from kasvu.importers.base import FLAG_GENERATED, FLAG_SUPPRESSED_AT_SOURCE
from kasvu.stats.suppression import derivable_cells
from kasvu.surveys import microdata
from kasvu.surveys.disclosure import cells_and_constraints, derivable, protect_table
from kasvu.surveys.generate import generate_responses, write_responses
from kasvu.surveys.indicators import estimate_indicators
from kasvu.surveys.publication import protected_estimates, publish
from kasvu.surveys.responses import read_responses

from .conftest import KEY

pytestmark = pytest.mark.django_db
SOURCE = "survey-pupil-survey-2024"


def stored(survey) -> pl.DataFrame:
    """The survey's observations with area keys, breakdown keys and indicator keys."""
    rows = Observation.objects.filter(indicator__source__key=SOURCE).values_list(
        "indicator__key",
        "area__kind",
        "area__code",
        "breakdown__key",
        "year",
        "value",
        "numerator",
        "denominator",
        "sample_size",
        "ci_lower",
        "ci_upper",
        "flags",
    )
    cols = [
        "indicator",
        "kind",
        "code",
        "breakdown",
        "year",
        "value",
        "numerator",
        "denominator",
        "sample_size",
        "ci_lower",
        "ci_upper",
        "flags",
    ]
    frame = pl.DataFrame(list(rows), schema=cols, orient="row", infer_schema_length=None)
    return frame.with_columns((pl.col("kind") + ":" + pl.col("code")).alias("area"))


def keyed(survey, table: pl.DataFrame, total_area: str) -> pl.DataFrame:
    """The estimate table with the bank's keys, to join with :func:`stored`."""
    return table.with_columns(
        (pl.lit(f"{SOURCE}:") + pl.col("indicator")).alias("indicator"),
        pl.when(pl.col("area_kind") == "total")
        .then(pl.lit(total_area))
        .when(pl.col("area_kind") == "group")
        .then(pl.col("area"))
        .otherwise(pl.lit("municipality:") + pl.col("area"))
        .alias("area"),
        pl.when(pl.col("grade") == "total")
        .then(pl.col("sex"))
        .otherwise(pl.format("grade={};sex={}", "grade", "sex"))
        .alias("breakdown"),
    )


def test_publish_stores_values_n_and_intervals_as_survey_round_indicators(imported):
    estimates = protected_estimates(imported, microdata.COMMAND_LINE)
    call_command("survey", "publish", KEY)
    source = Source.objects.get(key=SOURCE)
    assert source.is_generated and source.name("en") == "Survey of pupils in grades 1–6 2024"
    ind = Indicator.objects.get(key=f"{SOURCE}:has_friends")
    assert (ind.period_kind, ind.unit, ind.scale, ind.aggregation) == ("survey_round", "%", 100.0, "none")
    assert ind.rights == ["care", "equality"] and ind.direction == "higher_better"
    assert Indicator.objects.get(key=f"{SOURCE}:active_days").unit == "days"

    obs = stored(imported)
    table = keyed(imported, estimates.table, estimates.total_area)
    assert obs.height == table.height
    both = table.join(obs, on=["indicator", "area", "breakdown"], how="inner")
    assert both.height == table.height
    shown = both.filter(~pl.col("suppressed"))
    factor = pl.when(pl.col("statistic") == "proportion").then(100.0).otherwise(1.0)
    check = shown.select(
        (pl.col("value") - pl.col("estimate") * factor).abs().max().alias("value"),
        (pl.col("ci_lower") - pl.col("lower") * factor).abs().max().alias("lower"),
        (pl.col("ci_upper") - pl.col("upper") * factor).abs().max().alias("upper"),
    ).row(0)
    assert max(check) < 1e-8
    assert shown["sample_size"].to_list() == shown["n"].to_list()
    assert shown["numerator"].null_count() == shown.height == shown["denominator"].null_count()
    assert (obs["flags"] & FLAG_GENERATED == FLAG_GENERATED).all()
    assert set(obs["year"].to_list()) == {2024}
    keys = set(obs["breakdown"].to_list())
    assert {"total", "male", "female", "grade=5;sex=female", "grade=1;sex=total"} <= keys
    bd = Breakdown.objects.get(key="grade=5;sex=female")
    assert (bd.grade, bd.sex) == (5, "female")
    assert {"group:west-uusimaa", "county:02", "subregion:S799", f"group:{SOURCE}"} <= set(
        obs["area"].to_list()
    )


def test_suppressed_cells_are_empty_flagged_and_not_derivable(imported):
    estimates = protected_estimates(imported, microdata.COMMAND_LINE)
    publish(imported)
    table = keyed(imported, estimates.table, estimates.total_area)
    both = table.join(
        stored(imported), on=["indicator", "area", "breakdown"], how="left", maintain_order="left"
    )
    hidden_in_bank = ((both["flags"] & FLAG_SUPPRESSED_AT_SOURCE) > 0).to_numpy()
    assert hidden_in_bank.sum() > 0 and (estimates.table["suppression"] == "primary").sum() > 0
    assert (hidden_in_bank == both["suppressed"].to_numpy()).all()
    hidden = both.filter(pl.col("suppressed"))
    for col in ("value", "sample_size", "ci_lower", "ci_upper", "numerator", "denominator"):
        assert hidden[col].null_count() == hidden.height, col
    # every cell with fewer respondents than the threshold is hidden
    assert both.filter(pl.col("n") < 5)["suppressed"].all()
    # the audit: no hidden cell follows from published ones along area groups, grades and sex
    # (the unpublished counts of pupils of other or unknown sex are unknowns, as to any reader)
    cells, constraints = cells_and_constraints(estimates.table, estimates.groups)
    unknown = np.concatenate([hidden_in_bank, cells["virtual"].to_numpy()[both.height :]])
    leaks = derivable_cells(cells.height, constraints, unknown)
    assert leaks[leaks < both.height].size == 0
    # ... whereas hiding the primary cells alone would leak
    primary = (estimates.table["suppression"] == "primary").to_numpy()
    assert derivable(estimates.table, estimates.groups, primary).size > 0


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_suppression_pattern_is_never_derivable_and_stays_moderate(codebook, tmp_path, seed):
    """Pure: other samples and group layouts (overlapping, nested) are protected too."""
    path = write_responses(generate_responses(codebook, 800 + 400 * seed, seed=seed), tmp_path / "r.csv")
    groups = {
        "g:west": ["078", "149", "224", "257", "444", "710", "755", "927"],
        "g:central": ["106", "186", "505", "543", "611", "858"],
        "g:raasepori": ["078", "149", "710"],
        "g:overlap": ["235", "444", "106"],
    }
    table = estimate_indicators(read_responses(path, codebook), area_groups=groups)
    protected = protect_table(table, groups, threshold=codebook.suppression_threshold)
    mask = protected["suppressed"].to_numpy()
    assert derivable(table, groups, mask).size == 0
    assert mask[(table["n"] < 5).to_numpy()].all()
    assert np.mean(mask) < 0.5


def test_publishing_again_is_idempotent(published):
    before = stored(published).sort("indicator", "area", "breakdown")
    summary = publish(published)
    assert (summary.added, summary.updated) == (0, 0)
    assert summary.unchanged == before.height
    assert stored(published).sort("indicator", "area", "breakdown").equals(before)


def test_cells_published_before_but_not_now_are_blanked(published):
    extra = Observation.objects.filter(indicator__source__key=SOURCE, area__kind="county").count()
    assert extra > 0
    from kasvu.bank.models import Area, Membership

    county = Area.objects.get(kind="county", code="02")
    Membership.objects.create(group=county, member=Area.objects.get(kind="municipality", code="091"))
    publish(published)  # the county now has Helsinki, which is not in the survey: no longer published
    county_obs = Observation.objects.filter(indicator__source__key=SOURCE, area=county)
    assert county_obs.count() == extra
    assert not county_obs.filter(value__isnull=False).exists()
    assert all(o.flags & FLAG_SUPPRESSED_AT_SOURCE for o in county_obs)
