"""Values that are numbers but cannot be true are rejected at import, naming file, row, field and what to do.

Each case is one of the bad inputs of issue 17 that got in before the validation
rules (kasvu.importers.rules): the import fails and nothing stored changes.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

import polars as pl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from kasvu.bank.loader import load, observations_frame
from kasvu.bank.models import Area, ImportRun, Indicator, Observation
from kasvu.classification import data_path
from kasvu.demo import population_2025
from kasvu.importers import rules
from kasvu.importers.base import ImportFailed, IndicatorMeta
from kasvu.importers.px import read_px

pytestmark = pytest.mark.django_db

PX = data_path("statfin_px", "statfin_vaerak_pxt_11rc.px")
MAPPING = data_path("mappings", "statfin_vaerak_11rc.yaml")


def database_state():
    frame = observations_frame().drop("id").sort(["indicator_id", "area_id", "year", "breakdown_id"])
    return (
        frame.to_dicts(),
        list(Indicator.objects.order_by("key").values()),
        Area.objects.count(),
        ImportRun.objects.count(),
    )


@pytest.fixture
def before():
    load(population_2025(), kind="table")
    call_command("import_", "px", str(PX), "--mapping", str(MAPPING))
    return database_state()


def import_px(path: Path) -> None:
    call_command("import_", "px", str(path), "--mapping", str(MAPPING))


def test_px_of_negative_population_counts_changes_nothing(tmp_path, before):
    """The PX file that once overwrote real population counts with negative ones."""
    raw = PX.read_bytes()
    at = raw.index(b"DATA=") + len(b"DATA=")
    negated = re.sub(rb"(?<![\w.\-])(\d+)", rb"-\1", raw[at:])
    bad = tmp_path / "negative.px"
    bad.write_bytes(raw[:at] + negated)
    stored = Observation.objects.filter(indicator__key__startswith="statfin:11rc").count()
    assert stored > 2000  # real values that the bad file would overwrite
    with pytest.raises(CommandError) as failure:
        import_px(bad)
    message = str(failure.value)
    assert "negative.px" in message
    assert re.search(r"negative.px, cell \d+, field .value.", message)
    assert "field 'value'" in message
    assert "count cannot be negative" in message
    assert "statfin:11rc:" in message
    assert database_state() == before


def write_csv(tmp_path: Path, rows: list[str], indicator: str) -> Path:
    path = tmp_path / "local.csv"
    path.write_text(
        "indicator,area_code,year,sex,value,numerator,denominator\n" + "\n".join(rows) + "\n",
        encoding="utf-8",
    )
    (tmp_path / "local.indicators.csv").write_text(
        "key,title_fi,unit,decimals,aggregation,scale\n" + indicator + "\n", encoding="utf-8"
    )
    return path


COUNT = "local:children,Lapset,persons,0,sum,1"
SHARE = "local:meals,Kouluruokailu,%,1,ratio,100"


@pytest.mark.parametrize(
    ("rows", "indicator", "bad_row", "field", "says"),
    [
        (
            ["local:children,049,2024,total,1200", "local:children,091,2024,total,1.7e308"],
            COUNT,
            3,
            "value",
            "over 100,000,000",
        ),
        (["local:children,049,2024,total,-3"], COUNT, 2, "value", "count cannot be negative"),
        (["local:children,049,2024,total,12.5"], COUNT, 2, "value", "not a whole number"),
        (
            ["local:meals,049,2024,total,50,10,20", "local:meals,091,2024,total,500,500,100"],
            SHARE,
            3,
            "value",
            "outside 0–100 %",
        ),
        (["local:meals,049,2024,total,-0.5"], SHARE, 2, "value", "outside 0–100 %"),
        (["local:meals,049,2024,total,50,500,100"], SHARE, 2, "numerator", "larger than the denominator"),
        (["local:meals,049,2024,total,50,5,-10"], SHARE, 2, "denominator", "cannot be negative"),
    ],
    ids=[
        "1.7e308-persons",
        "negative-count",
        "fractional-count",
        "share-500",
        "share-negative",
        "numerator-above-denominator",
        "negative-denominator",
    ],
)
def test_implausible_values_are_rejected(tmp_path, before, rows, indicator, bad_row, field, says):
    path = write_csv(tmp_path, rows, indicator)
    with pytest.raises(CommandError) as failure:
        call_command("import_", "table", str(path))
    message = str(failure.value)
    assert f"local.csv, row {bad_row}, field '{field}'" in message
    assert says in message
    assert database_state() == before


def test_values_already_in_the_bank_are_checked_against_the_stored_metadata(tmp_path, before):
    """A file of observations only (no indicators sheet) is checked by what the bank knows of the indicator."""
    path = tmp_path / "counts.csv"
    path.write_text(
        "indicator,area_code,year,sex,value\nstatfin:11rc:vaesto:0-4,SSS,2024,total,-1\n", encoding="utf-8"
    )
    with pytest.raises(CommandError, match=r"counts.csv, row 2, field 'value'.*count cannot be negative"):
        call_command("import_", "table", str(path))
    assert database_state() == before


def test_a_change_in_per_cent_is_not_held_to_0_100():
    """The escape hatch the message names: aggregation 'none' says the % is not a share."""
    change = IndicatorMeta(
        "local:change", "local", "change", {"fi": "Muutos"}, unit="%", scale=100, aggregation="none"
    )
    frame = pl.DataFrame(
        {
            "indicator": ["local:change"],
            "value": [-12.0],
            "numerator": [None],
            "denominator": [None],
            "row": [2],
        },
        schema_overrides={"numerator": pl.Float64, "denominator": pl.Float64},
    )
    rules.check(frame, rules.measures_of([change]), file="x.csv")  # no error


def test_xlsx_formula_without_saved_result_names_cell_and_sheet(tmp_path, before):
    """A workbook written by a program has formulas but no results: it must not read as 'suppressed'."""
    wb = Workbook()
    ws = wb.active
    ws.title = "observations"
    ws.append(["indicator", "area_code", "year", "sex", "value", "numerator", "denominator"])
    ws.append(["local:meals", "049", 2024, "total", 50.0, 10, 20])
    ws.append(["local:meals", "091", 2024, "total", "=F3/G3*100", 30, 60])
    ind = wb.create_sheet("indicators")
    ind.append(["key", "title_fi", "unit", "decimals", "aggregation", "scale"])
    ind.append(["local:meals", "Kouluruokailu", "%", 1, "ratio", 100])
    path = tmp_path / "generated.xlsx"
    wb.save(path)
    with pytest.raises(CommandError) as failure:
        call_command("import_", "table", str(path))
    message = str(failure.value)
    assert "generated.xlsx, sheet observations, row 3, field 'value'" in message
    assert "cell E3" in message and "=F3/G3*100" in message
    assert "save it" in message
    assert database_state() == before


def test_utf16_px_is_read_as_utf16():
    """A PX re-saved as 'Unicode' (UTF-16) used to be reported as having no DATA block."""
    text = PX.read_bytes().decode("iso-8859-15")
    for codec, bom in (("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", b""), ("utf-16", b"")):
        cube = read_px(bom + text.encode(codec), file="wide.px")
        original = read_px(PX)
        assert cube.values == original.values
        assert cube.dimensions[1].labels["fi"] == original.dimensions[1].labels["fi"]
        assert cube.title["fi"] == original.title["fi"]


def test_damaged_utf16_px_names_the_encoding():
    text = PX.read_bytes().decode("iso-8859-15").encode("utf-16-le")
    damaged = text[:1000] + b"\x00\xdc" + text[1000:]  # an unpaired surrogate
    with pytest.raises(ImportFailed, match="UTF-16"):
        read_px(damaged, file="damaged.px")
