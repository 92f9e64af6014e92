"""kasvu's XLSX/CSV layout for local indicators: template round trip and every error kind."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from kasvu.importers import import_file
from kasvu.importers.base import (
    FLAG_BREAK_IN_SERIES,
    FLAG_PROVISIONAL,
    FLAG_SUPPRESSED_AT_SOURCE,
    ImportFailed,
)
from kasvu.importers.table import COLUMNS, read_table, write_template

OBS_HEADER = [
    "indicator",
    "area_code",
    "year",
    "sex",
    "value",
    "numerator",
    "denominator",
    "sample_size",
    "flags",
]
IND_HEADER = [
    "key",
    "title_fi",
    "title_en",
    "unit",
    "decimals",
    "direction",
    "aggregation",
    "scale",
    "rights",
    "themes",
]
IND_ROW = [
    "local:meals",
    "Kouluruokailu, %",
    "School lunch, %",
    "%",
    1,
    "higher_better",
    "ratio",
    100,
    "health, care",
    "school",
]


def workbook(path: Path, obs: list[list[Any]], ind: list[list[Any]] | None = None) -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "observations"
    for row in [OBS_HEADER, *obs]:
        ws.append(row)
    sheet = wb.create_sheet("indicators")
    for row in [IND_HEADER, *(ind if ind is not None else [IND_ROW])]:
        sheet.append(row)
    wb.save(path)
    return path


def test_template_has_both_sheets_readme_and_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "template.xlsx"
    write_template(path)
    wb = load_workbook(path)
    assert wb.sheetnames == ["README", "observations", "indicators"]
    readme = [[c.value for c in row] for row in wb["README"].iter_rows()]
    documented = {row[1] for row in readme[1:] if row and row[1]}
    assert documented == {c.name for c in COLUMNS}
    assert any("suomeksi" in str(v) for v in readme[0])
    batch = read_table(path)
    assert batch.observations.height == 1
    assert batch.observations.row(0, named=True)["area_code"] == "049"
    assert batch.indicators[0].key == "local:school-meals"
    assert batch.indicators[0].rights == ["health"]


def test_csv_template_and_sidecar(tmp_path: Path) -> None:
    written = write_template(tmp_path / "meals.csv")
    assert [p.name for p in written] == ["meals.csv", "meals.indicators.csv"]
    batch = import_file(tmp_path / "meals.csv")
    assert batch.observations["value"].to_list() == [87.5]
    assert batch.indicators[0].title["en"] == "Pupils taking school lunch, %"


def test_values_flags_and_defaults(tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "ok.xlsx",
        [
            ["local:meals", "049", 2023, "", 80.5, 161, 200, 210, "provisional, break"],
            ["local:meals", "049", 2023, "female", "81,5", None, None, None, None],
            ["local:meals", "091", 2023, "male", None, None, None, None, "suppressed"],
        ],
    )
    batch = read_table(path)
    rows = batch.observations.to_dicts()
    assert rows[0]["sex"] == "total"
    assert rows[0]["flags"] == FLAG_PROVISIONAL | FLAG_BREAK_IN_SERIES
    assert (rows[0]["numerator"], rows[0]["denominator"], rows[0]["sample_size"]) == (161, 200, 210)
    assert rows[1]["value"] == 81.5
    assert rows[2]["flags"] == FLAG_SUPPRESSED_AT_SOURCE
    assert [r["row"] for r in rows] == [2, 3, 4]
    meta = batch.indicators[0]
    assert (meta.scale, meta.aggregation, meta.rights, meta.themes) == (
        100.0,
        "ratio",
        ["health", "care"],
        ["school"],
    )


def test_text_in_a_number_column(tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "bad.xlsx", [["local:meals", "049", 2023, "total", "n/a", None, None, None, None]]
    )
    with pytest.raises(ImportFailed) as exc:
        read_table(path)
    assert str(exc.value).startswith(
        f"{path}, sheet observations, row 2, field 'value': text 'n/a' in a number column"
    )


@pytest.mark.parametrize(
    ("cells", "field", "message"),
    [
        (["inf", None, None, None], "value", "'inf' is not a finite number"),
        ([1.0, "-Infinity", None, None], "numerator", "'-Infinity' is not a finite number"),
        ([1.0, None, None, "inf"], "sample_size", "'inf' is not a finite number"),
        ([1.0, None, None, 12.7], "sample_size", "sample size 12.7 is not a whole number of respondents"),
        ([1.0, None, None, -3], "sample_size", "sample size -3 is not a whole number of respondents"),
    ],
)
def test_numbers_that_cannot_be_stored_name_row_and_field(
    tmp_path: Path, cells: list[Any], field: str, message: str
) -> None:
    path = workbook(tmp_path / "bad.xlsx", [["local:meals", "049", 2023, "total", *cells, None]])
    with pytest.raises(ImportFailed) as exc:
        read_table(path)
    assert f"row 2, field '{field}': {message}" in str(exc.value)


def test_unknown_sex(tmp_path: Path) -> None:
    path = workbook(tmp_path / "bad.xlsx", [["local:meals", "049", 2023, "pojat", 1, None, None, None, None]])
    with pytest.raises(ImportFailed, match="row 2, field 'sex': unknown sex 'pojat'"):
        read_table(path)


def test_unknown_rights_key(tmp_path: Path) -> None:
    path = workbook(tmp_path / "bad.xlsx", [], [[*IND_ROW[:8], "health, happiness", ""]])
    with pytest.raises(
        ImportFailed, match="sheet indicators, row 2, field 'rights': unknown right 'happiness'"
    ):
        read_table(path)


def test_duplicate_rows_name_both(tmp_path: Path) -> None:
    row = ["local:meals", "049", 2023, "total", 1, None, None, None, None]
    path = workbook(tmp_path / "bad.xlsx", [row, ["local:meals", "091", 2023, "total", 1], row])
    with pytest.raises(
        ImportFailed, match="rows 2 and 4 are both indicator local:meals, area 049, year 2023, sex total"
    ):
        read_table(path)


def test_missing_required_column(tmp_path: Path) -> None:
    path = tmp_path / "obs.csv"
    path.write_text("indicator;area_code;value\nlocal:meals;049;1\n", encoding="utf-8")
    with pytest.raises(ImportFailed, match="obs.csv, row 1: missing required column\\(s\\) year"):
        read_table(path)


def test_year_not_an_integer(tmp_path: Path) -> None:
    path = tmp_path / "obs.csv"
    path.write_text("indicator,area_code,year,value\nlocal:meals,049,2023-2024,1\n", encoding="utf-8")
    with pytest.raises(ImportFailed, match="row 2, field 'year': '2023-2024' is not a whole year"):
        read_table(path)


def test_unknown_flag(tmp_path: Path) -> None:
    path = tmp_path / "obs.csv"
    path.write_text("indicator,area_code,year,value,flags\nlocal:meals,049,2023,1,secret\n", encoding="utf-8")
    with pytest.raises(ImportFailed, match="field 'flags': unknown flag 'secret'"):
        read_table(path)


def test_csv_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "obs.csv"
    path.write_bytes("indicator,area_code,year,value\nlocal:ä,049,2023,1\n".encode("cp1252"))
    with pytest.raises(ImportFailed, match="CSV UTF-8"):
        read_table(path)


def test_missing_observations_sheet(tmp_path: Path) -> None:
    wb = Workbook()
    wb.save(tmp_path / "empty.xlsx")
    with pytest.raises(ImportFailed, match="no sheet 'observations'"):
        read_table(tmp_path / "empty.xlsx")


def test_period_column_months_quarters_and_pooled_years(tmp_path: Path) -> None:
    path = tmp_path / "obs.csv"
    path.write_text(
        "indicator,area_code,period,value\n"
        "local:meals,049,2024M03,1\nlocal:meals,049,2024M04,2\nlocal:visits,049,2024Q1,3\n"
        "local:pooled,049,2022-2023,4\nlocal:yearly,049,2024,5\n",
        encoding="utf-8",
    )
    obs = read_table(path).observations
    assert list(zip(obs["indicator"], obs["year"], obs["sub"], strict=True)) == [
        ("local:meals", 2024, 3),
        ("local:meals", 2024, 4),
        ("local:visits", 2024, 21),
        ("local:pooled", 2023, 102),
        ("local:yearly", 2024, 0),
    ]


def test_period_column_bad_code_and_disagreeing_year(tmp_path: Path) -> None:
    path = tmp_path / "obs.csv"
    path.write_text("indicator,area_code,period,value\nlocal:meals,049,2024M13,1\n", encoding="utf-8")
    with pytest.raises(
        ImportFailed, match=r"obs.csv, row 2, field 'period': '2024M13' is not a period kasvu"
    ):
        read_table(path)
    path.write_text(
        "indicator,area_code,year,period,value\nlocal:meals,049,2023,2024M01,1\n", encoding="utf-8"
    )
    with pytest.raises(ImportFailed, match=r"row 2, field 'year': year 2023 and period 2024M01 disagree"):
        read_table(path)


def test_period_column_sets_each_new_indicators_period_kind(tmp_path: Path) -> None:
    path = tmp_path / "obs.csv"
    path.write_text(
        "indicator,area_code,period,value\n"
        "local:meals,049,2024M03,1\nlocal:meals,049,2024M04,2\nlocal:visits,049,2024Q1,3\n"
        "local:pooled,049,2022-2023,4\nlocal:yearly,049,2024,5\nlocal:halves,049,2024H2,6\n",
        encoding="utf-8",
    )
    keys = ["local:meals", "local:visits", "local:pooled", "local:yearly", "local:halves", "local:none"]
    (tmp_path / "obs.indicators.csv").write_text(
        "key,title_fi\n" + "".join(f"{k},{k}\n" for k in keys), encoding="utf-8"
    )
    kinds = {m.key: m.period_kind for m in read_table(path).indicators}
    assert kinds == {
        "local:meals": "month",
        "local:visits": "quarter",
        "local:pooled": "pooled",
        "local:yearly": "year",
        "local:halves": "half_year",
        "local:none": "year",  # no rows: the default
    }


@pytest.mark.django_db
def test_imported_monthly_indicator_is_stored_as_monthly(tmp_path: Path) -> None:
    from django.core.management import call_command

    from kasvu.bank.loader import load
    from kasvu.bank.models import Indicator
    from kasvu.demo import population_2025

    load(population_2025(), kind="table")
    path = tmp_path / "obs.csv"
    path.write_text("indicator,area_code,period,value\nlocal:meals,049,2024M03,1\n", encoding="utf-8")
    (tmp_path / "obs.indicators.csv").write_text("key,title_fi\nlocal:meals,Ateriat\n", encoding="utf-8")
    call_command("import_", "table", str(path))
    assert Indicator.objects.get(key="local:meals").period_kind == "month"
