"""Area profiles (kasvu.profiles) on real THL data and generated demo data."""

from __future__ import annotations

import csv
import io

import polars as pl
import pytest

from kasvu import profiles, values
from kasvu.bank.models import Area
from kasvu.importers.sotkanet_2013 import load_sotkanet_2013
from kasvu.stats.significance import DECREASING, INCREASING

from .conftest import area, load_archive

pytestmark = pytest.mark.django_db


#: Regions that gained or lost a municipality after 2013 (Vaala 2016; Kuhmoinen, Iitti, Heinävesi, Joroinen,
#: Isokyrö 2021). Memberships now follow the years, so these agree too (tests/bank/test_region_history.py
#: checks every region); here only the others are required to.
CHANGED_REGIONS = {"06", "07", "08", "10", "11", "12", "13", "14", "15", "17", "18"}


def test_region_value_computed_from_municipalities_equals_thl_population():
    """THL's published regional population 1990–2012 = kasvu's value computed from the municipalities."""
    load_archive(("sotkanet:127",), levels=("kunta",))
    values.clear_caches()
    thl = load_sotkanet_2013(levels=("maakunta",)).observations.filter(pl.col("indicator") == "sotkanet:127")
    assert thl.height > 19 * 20
    ind = values.indicator_frame().filter(pl.col("key") == "sotkanet:127")["indicator_id"][0]
    exact = 0
    diffs = []
    for (code,), part in thl.partition_by("area_code", as_dict=True).items():
        region = area(*code.split(":"))
        computed = values.group_values(region.id, [ind]).select("year", pl.col("value").alias("kasvu"))
        merged = part.join(computed, on="year", how="left")
        assert merged["kasvu"].null_count() == 0, f"{code} lacks years"
        diffs.append(merged.select("year", (pl.col("kasvu") - pl.col("value")).alias("diff")))
        if region.code not in CHANGED_REGIONS:
            assert (merged["kasvu"] == merged["value"]).all(), code
            exact += part.height
    assert exact >= 8 * 23
    # Moves between regions cancel out: the whole country agrees every year.
    total = pl.concat(diffs).group_by("year").agg(pl.col("diff").sum())
    assert (total["diff"] == 0).all()
    # The profile of a region uses that computed value, marked as computed.
    uusimaa = area("region", "01")
    profile = profiles.build_profile(uusimaa.id, public=True)
    row = next(r for r in profile.rows if r.indicator.key == "sotkanet:127")
    expected = thl.filter((pl.col("area_code") == "region:01") & (pl.col("year") == 2012))["value"][0]
    assert row.latest.computed and row.latest.year == 2012 and row.latest.value == expected


def test_anonymous_profile_never_contains_numerator_1_to_4(demo_data):
    """Published profiles hide small numbers; internal users see them, marked internal."""
    from .conftest import uusimaa_codes

    hidden_public = shown_internal = 0
    for code in uusimaa_codes():
        muni = area("municipality", code)
        public = profiles.build_profile(muni.id, public=True)
        internal = profiles.build_profile(muni.id, public=False)
        for row in public.rows:
            v = row.latest
            assert not (v.numerator is not None and 1 <= v.numerator <= 4), (code, row.indicator.key)
            if v.suppressed:
                hidden_public += 1
                assert v.value is None and v.lower is None and v.denominator is None
                assert v.suppression_reason
                assert row.band is None or row.band.band is None
            for c in row.comparisons:
                rv = c.reference_value
                assert not (rv.numerator is not None and 1 <= rv.numerator <= 4)
            assert all(y is not None for y, _ in row.series)
        for row in internal.rows:
            if row.latest.internal:
                shown_internal += 1
                assert row.latest.value is not None
    assert hidden_public > 0, "the demo psychiatric indicator has small numbers in small municipalities"
    assert shown_internal == hidden_public


def test_public_sparkline_has_no_suppressed_values(demo_data):
    muni = area("municipality", "755")  # Siuntio: small
    public = profiles.build_profile(muni.id, public=True)
    internal = profiles.build_profile(muni.id, public=False)
    for p_row in public.rows:
        i_row = next(r for r in internal.rows if r.indicator.id == p_row.indicator.id)
        for (y1, v1), (y2, v2) in zip(p_row.series, i_row.series, strict=True):
            assert y1 == y2
            assert v1 is None or v1 == v2


def test_trend_arrow_only_when_trend_is_significant(demo_data):
    seen = {"arrow": 0, "none": 0}
    for code in ("444", "049", "091", "755", "927"):
        for row in profiles.build_profile(area("municipality", code).id, public=True).rows:
            significant = row.trend.verdict in (INCREASING, DECREASING)
            assert (row.trend.arrow is not None) == significant
            if significant:
                assert row.trend.p_value < 0.05
                assert row.trend.arrow == ("up" if row.trend.verdict == INCREASING else "down")
            seen["arrow" if row.trend.arrow else "none"] += 1
    assert seen["arrow"] > 0 and seen["none"] > 0


def test_comparison_with_a_containing_reference_uses_the_rest_of_it(demo_data):
    lohja = area("municipality", "444")
    uusimaa = area("region", "01")
    assert values.is_contained(lohja.id, uusimaa.id)
    assert values.is_contained(area("group", "west-uusimaa").id, uusimaa.id)
    assert not values.is_contained(lohja.id, area("region", "02").id)
    profile = profiles.build_profile(lohja.id, [uusimaa.id], public=False)
    row = next(r for r in profile.rows if r.indicator.key == "demo:placed-outside-home")
    c = row.comparisons[0]
    assert c.contained and c.reference_value.computed
    # Reference = sum over Uusimaa's municipalities, so it includes Lohja's own numbers.
    assert c.reference_value.numerator > row.latest.numerator
    assert c.verdict in ("significantly_higher", "significantly_lower", "no_significant_difference")


def test_default_references():
    lohja = area("municipality", "444")
    refs = [values.area_info(i).key for i in values.default_references(lohja.id)]
    assert refs == ["region:01", "county:03", "country:FI"] or refs[0] == "region:01"
    assert refs[-1].startswith("country:")


def test_group_profile_defaults_to_region_and_sums_members(demo_data):
    west = area("group", "west-uusimaa")
    refs = [values.area_info(i).key for i in values.default_references(west.id)]
    assert refs[0] == "region:01"
    profile = profiles.build_profile(west.id, public=True)
    row = next(r for r in profile.rows if r.indicator.key == "demo:placed-outside-home")
    assert row.latest.computed and row.latest.value is not None
    assert row.band is None  # groups are not ranked


def test_bands_follow_direction_and_are_cached(demo_data):
    lohja = area("municipality", "444")
    first = profiles.build_profile(lohja.id, public=True)
    bands = {r.indicator.key: r.band for r in first.rows}
    assert bands["demo:placed-outside-home"].band in ("best", "middle", "worst")
    assert bands["demo:child-welfare-notifications"].band is None  # neutral indicator
    again = profiles.build_profile(lohja.id, public=True)
    assert {r.indicator.key: r.band for r in again.rows} == bands


def test_profile_frame_is_what_the_profile_shows(demo_data):
    profile = profiles.build_profile(area("municipality", "444").id, public=True)
    frame = profiles.profile_frame(profile)
    assert frame.height == sum(max(1, len(r.comparisons)) for r in profile.rows)
    assert set(frame["indicator"]) == {r.indicator.key for r in profile.rows}
    assert frame.filter(pl.col("generated_demo_data"))["indicator"].str.starts_with("demo:").all()


# Iitti moved from Kymenlaakso (08) to Päijät-Häme (07) in 2021; counties begin in 2023.
KYMENLAAKSO, PAIJAT_HAME = "region:08", "region:07"


@pytest.fixture
def both_regions_of_iitti():
    """Demo values of one indicator for every municipality ever in Kymenlaakso or Päijät-Häme, 2015–2024."""
    from .conftest import load_demo

    codes = Area.objects.filter(
        kind="municipality", group_links__group__kind="region", group_links__group__code__in=["07", "08"]
    ).values_list("code", flat=True)
    load_demo(("demo:placed-outside-home",), sorted(set(codes)))
    values.clear_caches()


def _keys(ids: list[int]) -> list[str]:
    return [values.area_info(i).key for i in ids]


def test_default_references_follow_the_memberships_of_the_year():
    iitti, vaala = area("municipality", "142"), area("municipality", "785")
    assert _keys(values.default_references(iitti.id, 2015)) == [KYMENLAAKSO, "country:FI"]
    assert _keys(values.default_references(iitti.id, 2020)) == [KYMENLAAKSO, "country:FI"]
    assert _keys(values.default_references(iitti.id, 2023)) == [PAIJAT_HAME, "county:09", "country:FI"]
    assert _keys(values.default_references(iitti.id)) == [PAIJAT_HAME, "county:09", "country:FI"]
    assert _keys(values.default_references(vaala.id, 2015)) == ["region:18", "country:FI"]
    assert _keys(values.default_references(vaala.id, 2016)) == ["region:17", "country:FI"]


@pytest.mark.parametrize(
    "year, inside, outside", [(2015, KYMENLAAKSO, PAIJAT_HAME), (2023, PAIJAT_HAME, KYMENLAAKSO)]
)
def test_profile_judges_containment_in_the_year_compared(both_regions_of_iitti, year, inside, outside):
    """Iitti is compared with the rest of the region it was part of in the year shown, with the whole of
    the other region."""
    iitti = area("municipality", "142")
    refs = [area(*inside.split(":")).id, area(*outside.split(":")).id]
    placed = values.indicator_frame().filter(pl.col("key") == "demo:placed-outside-home")["indicator_id"][0]
    profile = profiles.build_profile(iitti.id, refs, public=False, until_year=year, indicator_ids=[placed])
    (row,) = profile.rows
    assert row.latest.year == year
    by_ref = {c.reference.key: c for c in row.comparisons}
    assert by_ref[inside].contained and not by_ref[outside].contained
    assert all(c.reference_value.computed and c.verdict != "not_testable" for c in row.comparisons)


@pytest.mark.parametrize("year, region", [(2015, KYMENLAAKSO), (2023, PAIJAT_HAME)])
def test_profile_of_a_year_defaults_to_that_years_region(both_regions_of_iitti, year, region):
    profile = profiles.build_profile(area("municipality", "142").id, public=True, until_year=year)
    assert [r.key for r in profile.references][0] == region
    assert profile.rows[0].comparisons[0].contained


@pytest.mark.parametrize(
    "year, region, neighbour", [(2015, "Kymenlaakso", "Kotka"), (2023, "Päijät-Häme", "Lahti")]
)
def test_indicator_page_of_a_year_shows_that_years_region(
    both_regions_of_iitti, client, year, region, neighbour
):
    url = f"/en/indicators/demo:placed-outside-home/data.csv?area=municipality:142&year={year}"
    rows = list(csv.DictReader(io.StringIO(client.get(url).content.decode("utf-8-sig"))))
    assert region in {r["area"] for r in rows if r["table"] == "series"}
    bars = {r["area"] for r in rows if r["table"] == "bars"}
    assert {"Iitti", neighbour} <= bars
