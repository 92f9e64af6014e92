"""Sotkanet parsers on real recorded responses and on broken input."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from kasvu.importers.base import FLAG_SUPPRESSED_AT_SOURCE, ImportFailed
from kasvu.importers.sotkanet import (
    parse_data_csv,
    parse_data_json,
    parse_indicator_metadata,
    parse_regions,
    read_data_file,
    value_type,
)

from .conftest import DATA

FIXTURES = DATA / "sotkanet_fixtures"
METADATA = json.loads((DATA / "sotkanet_metadata" / "indicators_metadata.json").read_text())["indicators"]


def fixture(name: str) -> list[dict[str, object]]:
    return json.loads((FIXTURES / name).read_text())


def test_indicator_metadata_of_a_percentage() -> None:
    meta = parse_indicator_metadata(METADATA["5051"])
    assert meta.key == "sotkanet:5051"
    assert meta.source_id == "5051"
    assert (meta.unit, meta.scale, meta.aggregation) == ("%", 100.0, "ratio")
    assert meta.decimals == 1
    assert meta.last_updated is not None and meta.last_updated.isoformat() == "2025-04-03T00:00:00+00:00"
    assert meta.attribution == "Source: THL, Sotkanet.fi"
    assert meta.licence == "CC BY 4.0"
    assert meta.source_url == "https://sotkanet.fi/sotkanet/fi/metadata/indicators/5051"
    assert set(meta.title) == {"fi", "sv", "en"}
    assert "<" not in meta.description["fi"]  # HTML stripped
    assert meta.notes["fi"]  # interpretation/limits/notices


def test_indicator_metadata_of_rates_per_100000_and_10000() -> None:
    mortality = parse_indicator_metadata(METADATA["186"])
    assert mortality.title["en"] == "Mortality per 100 000 inhabitants"
    assert (mortality.unit, mortality.scale, mortality.aggregation) == ("per 100,000", 100000.0, "ratio")
    assert mortality.attribution == "Source: Statistics Finland; THL, Sotkanet.fi"
    assert parse_indicator_metadata(METADATA["322"]).decimals == 0
    assert parse_indicator_metadata(METADATA["3336"]).scale == 10000.0


def test_every_recorded_metadata_object_parses() -> None:
    for ind_id, obj in METADATA.items():
        assert parse_indicator_metadata(obj).key == f"sotkanet:{ind_id}"


@pytest.mark.parametrize(
    ("code", "title", "expected"),
    [
        ("PER1000", None, ("per 1,000", 1000.0, "ratio")),
        ("LKM", {"en": "Number of persons"}, ("persons", 1.0, "sum")),
        ("EUR", {"en": "Euros per inhabitant"}, ("euros per inhabitant", 1.0, "unknown")),
    ],
)
def test_value_types(code: str, title: dict[str, str] | None, expected: tuple[str, float, str]) -> None:
    assert value_type(code, title) == expected


def test_metadata_without_id_fails() -> None:
    with pytest.raises(ImportFailed, match="field 'id'"):
        parse_indicator_metadata({"title": {"fi": "x"}}, file="meta.json")


def test_data_json_of_a_count() -> None:
    batch = parse_data_json(fixture("sotkanet_127_g2_fixture.json"), file="127.json")
    obs = batch.observations
    assert batch.area_scheme == "sotkanet"
    assert obs.height == 10
    helsinki_2019 = obs.filter((pl.col("area_code") == "46") & (pl.col("year") == 2019)).row(0, named=True)
    assert helsinki_2019["indicator"] == "sotkanet:127"
    assert helsinki_2019["value"] == 653835
    assert helsinki_2019["sex"] == "total"
    assert helsinki_2019["flags"] == 0
    assert obs["numerator"].null_count() == 10


def test_data_json_rate_gets_numerator_and_derived_denominator() -> None:
    meta = parse_indicator_metadata({**METADATA["5051"], "id": 171})  # a PROS indicator, renumbered
    batch = parse_data_json(fixture("sotkanet_171_fixture.json"), file="171.json", indicators=[meta])
    espoo = batch.observations.filter((pl.col("area_code") == "20") & (pl.col("year") == 2023)).row(
        0, named=True
    )
    assert espoo["numerator"] == 22725
    assert espoo["denominator"] == pytest.approx(22725 / 7.2 * 100)
    assert batch.notes and "approximate" in batch.notes[0]


def test_external_check_share_of_75_plus_equals_abs_over_population() -> None:
    """value(171) = absValue(171) / value(127) × 100 to the published decimal, for every city and year."""
    population = {(r["region"], r["year"]): r["value"] for r in fixture("sotkanet_127_g2_fixture.json")}
    population.update({(r["region"], r["year"]): r["value"] for r in fixture("sotkanet_127_fixture.json")})
    share = parse_data_json(fixture("sotkanet_171_fixture.json")).observations
    checked = 0
    for row in share.iter_rows(named=True):
        pop = population[(int(row["area_code"]), row["year"])]
        assert round(row["numerator"] / pop * 100, 1) == row["value"], row
        checked += 1
    assert checked == 10


def test_external_check_home_care_share_of_75_plus() -> None:
    """value(5513) = absValue(5513) / absValue(171) × 100 (2023)."""
    over_75 = {r["region"]: r["absValue"] for r in fixture("sotkanet_171_fixture.json") if r["year"] == 2023}
    care = parse_data_json(fixture("sotkanet_5513_fixture.json")).observations
    for row in care.iter_rows(named=True):
        assert round(row["numerator"] / over_75[int(row["area_code"])] * 100, 1) == row["value"]
    assert care.height == 5


def test_null_value_is_suppressed_at_source() -> None:
    rows = [{"indicator": 4, "region": 20, "year": 2023, "gender": "male", "value": None}]
    obs = parse_data_json(rows).observations
    assert obs["flags"][0] == FLAG_SUPPRESSED_AT_SOURCE
    assert obs["value"][0] is None
    assert obs["sex"][0] == "male"


def test_wrong_type_names_record_and_field() -> None:
    rows = fixture("sotkanet_127_fixture.json")
    rows[2]["year"] = "2023"
    with pytest.raises(ImportFailed) as exc:
        parse_data_json(rows, file="data.json")
    assert str(exc.value).startswith("data.json, record 3, field 'year': expected an integer")


def test_non_numeric_value_names_record_and_field() -> None:
    rows = fixture("sotkanet_171_fixture.json")
    rows[0]["absValue"] = "48189"
    with pytest.raises(ImportFailed, match="record 1, field 'absValue'"):
        parse_data_json(rows, file="data.json")


def test_unknown_gender() -> None:
    with pytest.raises(ImportFailed, match="field 'gender': unknown gender 'all'"):
        parse_data_json([{"indicator": 1, "region": 1, "year": 2020, "gender": "all", "value": 1}])


def test_duplicate_rows_name_both_records() -> None:
    rows = fixture("sotkanet_127_fixture.json")
    rows.append(dict(rows[1]))
    with pytest.raises(ImportFailed, match="records 2 and 6 are both indicator 127, region 389, year 2023"):
        parse_data_json(rows, file="data.json")


def test_truncated_json_file_names_file_and_position(tmp_path: Path) -> None:
    path = tmp_path / "sotkanet_127.json"
    path.write_text((FIXTURES / "sotkanet_127_fixture.json").read_text()[:150])
    with pytest.raises(
        ImportFailed, match=r"sotkanet_127.json: invalid JSON at line \d+ column \d+ .*truncated"
    ):
        read_data_file(path)


def test_json_file_round_trip(tmp_path: Path) -> None:
    batch = read_data_file(FIXTURES / "sotkanet_5513_fixture.json")
    assert batch.observations.height == 5
    assert batch.source_file.endswith("sotkanet_5513_fixture.json")


CSV_TEXT = """indicator;region;year;gender;primary.value;absolute.value
171;20;2023;total;7.2;22725
171;46;2023;total;8.6;57877
171;261;2023;female;;
"""


def test_data_csv(tmp_path: Path) -> None:
    batch = parse_data_csv(CSV_TEXT, file="171.csv")
    obs = batch.observations
    assert obs["value"].to_list() == [7.2, 8.6, None]
    assert obs["numerator"].to_list() == [22725, 57877, None]
    assert obs["flags"].to_list() == [0, 0, FLAG_SUPPRESSED_AT_SOURCE]
    assert obs["row"].to_list() == [2, 3, 4]
    path = tmp_path / "171.csv"
    path.write_text(CSV_TEXT.split("\n", 1)[1])  # without a header
    assert read_data_file(path).observations.height == 3


def test_csv_decimal_comma_is_an_error() -> None:
    with pytest.raises(ImportFailed, match=r"171.csv, row 2, field 'primary.value': .*'7,2'"):
        parse_data_csv(
            "indicator;region;year;gender;primary.value;absolute.value\n171;20;2023;total;7,2;1\n",
            file="171.csv",
        )


def test_csv_duplicate_rows() -> None:
    text = CSV_TEXT + "171;46;2023;total;8.6;57877\n"
    with pytest.raises(ImportFailed, match="rows 3 and 5"):
        parse_data_csv(text, file="171.csv")


def test_regions() -> None:
    regions = parse_regions(json.loads((FIXTURES / "sotkanet_regions_fixture.json").read_text()))
    assert regions.columns == [
        "sotkanet_id",
        "code",
        "category",
        "title_fi",
        "title_sv",
        "title_en",
        "member_of",
    ]
    helsinki = regions.filter(pl.col("sotkanet_id") == 46).row(0, named=True)
    assert helsinki["code"] == "091"
    assert helsinki["category"] == "KUNTA"
    assert helsinki["title_sv"] == "Helsingfors"
    assert 488 in helsinki["member_of"] and 658 in helsinki["member_of"]
    uusimaa = regions.filter(pl.col("sotkanet_id") == 488).row(0, named=True)
    assert (uusimaa["code"], uusimaa["category"], uusimaa["member_of"]) == ("01", "MAAKUNTA", [])


def test_regions_wrong_type() -> None:
    with pytest.raises(ImportFailed, match="record 1, field 'code'"):
        parse_regions([{"id": 1, "code": 91, "category": "KUNTA"}])


@pytest.mark.parametrize(
    "name", ["sotkanet_127_fixture.json", "sotkanet_171_fixture.json", "sotkanet_5513_fixture.json"]
)
def test_column_wise_fast_path_equals_the_careful_parser(name: str) -> None:
    from kasvu.importers.sotkanet import _fast_batch, read_data_file

    path = FIXTURES / name
    meta = [parse_indicator_metadata({"id": 171, "title": {"fi": "x"}, "primaryValueType": {"code": "PROS"}})]
    fast = read_data_file(path, indicators=meta)
    assert _fast_batch(pl.read_json(path), file=str(path), indicators=meta) is not None
    careful = parse_data_json(json.loads(path.read_text()), file=str(path), indicators=meta)
    assert fast.observations.equals(careful.observations)
    assert fast.notes == careful.notes
