"""The 2013 Sotkanet archive: every row becomes an observation with the right code and id."""

from __future__ import annotations

import gzip
from pathlib import Path

import polars as pl
import pytest

from kasvu.importers.base import ImportFailed
from kasvu.importers.sotkanet_2013 import (
    DATA_DIR,
    TITLE_OVERRIDES,
    load_indicators,
    load_sotkanet_2013,
    match_titles,
    read_selected_indicators,
)
from kasvu.rights import RIGHT_KEYS


@pytest.fixture(scope="module")
def batch():  # type: ignore[no-untyped-def]
    return load_sotkanet_2013()


def line_count(name: str) -> int:
    with gzip.open(DATA_DIR / name, "rt", encoding="utf-8") as f:
        return sum(1 for _ in f) - 1


def test_every_row_becomes_an_observation(batch) -> None:  # type: ignore[no-untyped-def]
    obs = batch.observations
    assert line_count("values_kunta.csv.gz") == 216_183
    assert line_count("values_maakunta.csv.gz") == 12_976
    assert obs.height == 216_183 + 12_976
    assert obs.filter(pl.col("area_code").str.len_chars() == 3).height == 216_183
    assert obs.filter(pl.col("area_code").str.starts_with("region:")).height == 12_976
    assert obs["value"].null_count() == 0
    assert batch.area_scheme == "code"


def test_54_indicators_with_metadata(batch) -> None:  # type: ignore[no-untyped-def]
    assert len(batch.indicators) == 54
    assert set(batch.observations["indicator"]) == {m.key for m in batch.indicators}


def test_spot_checks_against_the_file(batch) -> None:  # type: ignore[no-untyped-def]
    obs = batch.observations

    def value(indicator: int, area: str, year: int) -> float:
        hit = obs.filter(
            (pl.col("indicator") == f"sotkanet:{indicator}")
            & (pl.col("area_code") == area)
            & (pl.col("year") == year)
        )
        assert hit.height == 1
        return float(hit["value"][0])

    # values_kunta.csv.gz line 2: "[VÄESTÖNMUUTOS] Huoltosuhde, demografinen",Äänekoski,1995,48.7
    assert value(761, "992", 1995) == 48.7
    # line 3: "[VÄESTÖNMUUTOS] 16-64 -vuotiaat, % väestöstä",Äänekoski,1990,66.6
    assert value(1280, "992", 1990) == 66.6
    # values_maakunta.csv.gz line 2: Elämänlaatunsa keskimäärin hyväksi tuntevien osuus (%),Uusimaa,2009,65.0
    assert value(3127, "region:01", 2009) == 65.0
    assert value(3127, "region:02", 2009) == 66.0  # Varsinais-Suomi


def test_spot_check_random_rows_match_the_file(batch) -> None:  # type: ignore[no-untyped-def]
    raw = pl.read_csv(DATA_DIR / "values_kunta.csv.gz", infer_schema_length=0).with_row_index("row", offset=2)
    sample = raw.gather([0, 1000, 50_000, 123_456, 216_182])
    obs = batch.observations.filter(pl.col("area_code").str.len_chars() == 3)
    for r in sample.iter_rows(named=True):
        got = obs.filter(pl.col("row") == r["row"]).row(0, named=True)
        assert got["value"] == float(r["value"])
        assert got["year"] == int(r["year"])


def test_population_is_a_sum_over_municipalities(batch) -> None:  # type: ignore[no-untyped-def]
    """THL's regional population equals the sum of its municipalities (all 437 region-years)."""
    mun = pl.read_csv(DATA_DIR / "municipalities_2013.csv", infer_schema_length=0)
    obs = batch.observations.filter(pl.col("indicator") == "sotkanet:127")
    kunta = obs.filter(pl.col("area_code").str.len_chars() == 3).join(
        mun.select(pl.col("code").alias("area_code"), "maakunta"), on="area_code"
    )
    regions = {m.key: m for m in batch.indicators}
    assert regions["sotkanet:127"].aggregation == "sum"
    from kasvu.importers.sotkanet_2013 import region_codes

    codes = region_codes()
    sums = (
        kunta.group_by("maakunta", "year")
        .agg(pl.col("value").sum())
        .with_columns(pl.col("maakunta").replace_strict(codes).alias("area_code"))
    )
    joined = sums.join(obs.filter(pl.col("area_code").str.starts_with("region:")), on=["area_code", "year"])
    assert joined.height == 437
    assert (joined["value"] == joined["value_right"]).all()


def test_title_overrides_are_needed_and_used() -> None:
    selected = read_selected_indicators()
    for title, ind_id in TITLE_OVERRIDES.items():
        assert title not in selected
        assert match_titles([f"[X] {title}"], selected, file="f") == {f"[X] {title}": ind_id}
    assert selected["Väestö 31.12."] == 127


def test_unmatched_title_fails_naming_it() -> None:
    with pytest.raises(ImportFailed, match="Uusi indikaattori.*TITLE_OVERRIDES"):
        match_titles(["[YLEISET] Uusi indikaattori"], read_selected_indicators(), file="values.csv")


def test_indicator_metadata_is_complete() -> None:
    metas = load_indicators()
    assert len(metas) == 54
    for m in metas:
        assert m.title["fi"]
        assert "sv" not in m.title
        assert m.direction in {"higher_better", "lower_better", "neutral"}
        assert m.aggregation in {"sum", "weighted_mean", "ratio", "none"}
        assert set(m.rights) <= RIGHT_KEYS
        assert m.attribution == "Source: THL, Sotkanet.fi"
        assert m.licence == "CC BY 4.0"
        assert "2013-09-08" in m.notes["en"]
        assert m.themes
    by_key = {m.key: m for m in metas}
    assert by_key["sotkanet:127"].aggregation == "sum"
    assert by_key["sotkanet:4"].rights == ["health"]
    assert by_key["sotkanet:181"].scale == 100


def test_unknown_municipality_name_fails(tmp_path: Path) -> None:
    for name in (
        "selected_indicators_2013.csv",
        "municipalities_2013.csv",
        "indicators.yaml",
        "values_maakunta.csv.gz",
    ):
        (tmp_path / name).write_bytes((DATA_DIR / name).read_bytes())
    with gzip.open(tmp_path / "values_kunta.csv.gz", "wt", encoding="utf-8") as f:
        f.write(
            'indicator_title,area_name,year,value,maakunta\n"[YLEISET] Väestö 31.12.",Atlantis,2012,5.0,Uusimaa\n'
        )
    with pytest.raises(
        ImportFailed,
        match=r"values_kunta.csv.gz, row 2, field 'area_name': unknown area names \['Atlantis'\]",
    ):
        load_sotkanet_2013(tmp_path)


def test_non_numeric_value_fails(tmp_path: Path) -> None:
    for name in ("selected_indicators_2013.csv", "municipalities_2013.csv", "indicators.yaml"):
        (tmp_path / name).write_bytes((DATA_DIR / name).read_bytes())
    with gzip.open(tmp_path / "values_kunta.csv.gz", "wt", encoding="utf-8") as f:
        f.write(
            'indicator_title,area_name,year,value,maakunta\n"[YLEISET] Väestö 31.12.",Espoo,2012,n/a,Uusimaa\n'
        )
    with pytest.raises(ImportFailed, match=r"row 2, field 'value': 'n/a' is not a number"):
        load_sotkanet_2013(tmp_path, levels=("kunta",))
