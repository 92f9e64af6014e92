"""kasvu's PX reader on real Statistics Finland files and on broken copies."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from kasvu.importers import import_file
from kasvu.importers.base import FLAG_SUPPRESSED_AT_SOURCE, ImportFailed
from kasvu.importers.px import px_to_batch, read_px

from .conftest import DATA

PX_11RC = DATA / "statfin_px" / "statfin_vaerak_pxt_11rc.px"
PX_AKAY = DATA / "statfin_px" / "statfin_akay_pxt_001.px"

MAPPING = {
    "area": {"code": "SSS"},
    "year": {"dimension": "Vuosi"},
    "sex": {"dimension": "Sukupuoli", "values": {"SSS": "total", "1": "male", "2": "female"}},
    "area_scheme": "statfin",
    "indicators": [
        {
            "key": "statfin:11rc:vaesto:0-4",
            "title": {"fi": "0-4-vuotiaat", "en": "Aged 0-4"},
            "where": {"Ikä": "0-4"},
        },
        {"key": "statfin:11rc:vaesto", "title": {"fi": "Väestö"}, "unit": "persons", "aggregation": "sum"},
    ],
}


def first_data_rows(path: Path, n: int) -> list[list[int]]:
    lines = path.read_bytes().decode("iso-8859-15").splitlines()
    start = lines.index("DATA=") + 1
    return [[int(x) for x in line.split()] for line in lines[start : start + n]]


@pytest.fixture(scope="module")
def cube():  # type: ignore[no-untyped-def]
    return read_px(PX_11RC)


def test_dimensions_in_stub_then_heading_order(cube) -> None:  # type: ignore[no-untyped-def]
    assert [d.id for d in cube.dimensions] == ["Vuosi", "Sukupuoli", "Ikä", "Tiedot"]
    assert [len(d) for d in cube.dimensions] == [159, 3, 19, 1]
    age = cube.dimension("Age")  # found by its English name
    assert age.codes[:5] == ["SSS", "0-4", "5-9", "10-14", "15-19"]
    assert age.labels["fi"][1] == "0 - 4"
    assert age.labels["sv"][0] == "Totalt"
    assert age.names == {"fi": "Ikä", "sv": "Ålder", "en": "Age"}
    assert age.elimination == "SSS"
    assert cube.dimension("Vuosi").role == "time"
    assert cube.dimension("Sukupuoli").labels["en"] == ["Total", "Males", "Females"]


def test_keywords_with_language_suffixes(cube) -> None:  # type: ignore[no-untyped-def]
    assert cube.languages == ["fi", "sv", "en"]
    assert cube.title["sv"] == "Befolkning 31.12. efter År, Kön, Ålder och Uppgifter"
    assert cube.source["en"] == "Statistics Finland, population structure"
    assert cube.decimals == 0
    assert cube.last_updated is not None and cube.last_updated.date().isoformat() == "2024-04-26"
    assert "1918" in cube.notes["en"]
    assert cube.table_id == "statfin_vaerak_pxt_11rc"


def test_long_frame_matches_the_data_block(cube) -> None:  # type: ignore[no-untyped-def]
    frame = cube.to_frame()
    assert frame.height == 159 * 3 * 19
    assert {"Vuosi", "Vuosi.fi", "Vuosi.sv", "Vuosi.en", "Ikä", "Ikä.sv", "value", "symbol"} <= set(
        frame.columns
    )
    first, second = first_data_rows(PX_11RC, 2)
    # row 1 of DATA is year 1865: (total, male, female) × 19 age groups, age varying fastest
    y1865 = frame.filter(pl.col("Vuosi") == "1865")["value"].to_list()
    assert y1865 == first
    assert frame.filter(pl.col("Vuosi") == "1866")["value"].to_list() == second
    cell = frame.filter((pl.col("Vuosi") == "1865") & (pl.col("Sukupuoli") == "2") & (pl.col("Ikä") == "0-4"))
    assert cell["value"][0] == first[19 + 19 + 1] == 131300


def test_known_numbers_2023(cube) -> None:  # type: ignore[no-untyped-def]
    frame = cube.to_frame().filter(pl.col("Vuosi") == "2023")

    def value(sex: str, age: str) -> float:
        return float(frame.filter((pl.col("Sukupuoli") == sex) & (pl.col("Ikä") == age))["value"][0])

    assert value("SSS", "SSS") == 5_603_851  # population of Finland 31.12.2023
    assert value("SSS", "0-4") == 235_606
    assert value("1", "SSS") + value("2", "SSS") == value("SSS", "SSS")
    ages = [c for c in cube.dimension("Ikä").codes if c != "SSS"]
    assert sum(value("SSS", a) for a in ages) == value("SSS", "SSS")


def test_missing_symbols(tmp_path: Path) -> None:
    cube = read_px(PX_AKAY)
    frame = cube.to_frame()
    assert frame.filter(pl.col("symbol") == ".").height == 3
    assert frame.filter(pl.col("symbol") == ".")["value"].null_count() == 3
    assert cube.decimals == 2


def test_px_to_batch(cube) -> None:  # type: ignore[no-untyped-def]
    batch = px_to_batch(cube, MAPPING)
    obs = batch.observations
    assert batch.area_scheme == "statfin"
    assert obs.height == 2 * 159 * 3
    row = obs.filter(
        (pl.col("indicator") == "statfin:11rc:vaesto:0-4")
        & (pl.col("year") == 2023)
        & (pl.col("sex") == "total")
    )
    assert row["value"][0] == 235_606 and row["area_code"][0] == "SSS"
    total = obs.filter(
        (pl.col("indicator") == "statfin:11rc:vaesto") & (pl.col("year") == 2023) & (pl.col("sex") == "male")
    )
    assert total["value"][0] == 2_773_898
    meta = {m.key: m for m in batch.indicators}
    assert meta["statfin:11rc:vaesto"].aggregation == "sum"
    assert meta["statfin:11rc:vaesto:0-4"].title["en"] == "Aged 0-4"
    assert meta["statfin:11rc:vaesto:0-4"].licence == "CC BY 4.0"
    assert meta["statfin:11rc:vaesto:0-4"].attribution == "Source: Statistics Finland, population structure"
    assert meta["statfin:11rc:vaesto:0-4"].decimals == 0


def test_missing_cells_become_suppressed_observations() -> None:
    cube = read_px(PX_AKAY)
    activity = cube.dimension("Toiminto")
    mapping = {
        "area": {"code": "SSS"},
        "year": {"dimension": "Vuosi"},
        "sex": {
            "dimension": "Sukupuoli",
            "values": {
                c: s
                for c, s in zip(cube.dimension("Sukupuoli").codes, ["total", "male", "female"], strict=True)
            },
        },
        "indicators": [
            {"key": f"px:akay:{i}", "where": {"Toiminto": code, "Tiedot": cube.dimension("Tiedot").codes[1]}}
            for i, code in enumerate(activity.codes)
        ],
    }
    obs = px_to_batch(cube, mapping).observations
    suppressed = obs.filter(pl.col("flags") == FLAG_SUPPRESSED_AT_SOURCE)
    assert suppressed.height == 3
    assert suppressed["value"].null_count() == 3


def test_mapping_must_fix_every_other_dimension(cube) -> None:  # type: ignore[no-untyped-def]
    mapping = {**MAPPING, "indicators": [{"key": "x:1", "where": {"Ikä": "0-3"}}]}
    with pytest.raises(
        ImportFailed, match=r"indicators\[1\], field 'where': '0-3' is not a value of dimension 'Ikä'"
    ):
        px_to_batch(cube, mapping)


def test_mapping_unknown_dimension(cube) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ImportFailed, match="no dimension 'Alue'"):
        px_to_batch(cube, {**MAPPING, "area": {"dimension": "Alue"}})


def test_mapping_unknown_sex_target(cube) -> None:  # type: ignore[no-untyped-def]
    mapping = {**MAPPING, "sex": {"dimension": "Sukupuoli", "values": {"SSS": "kaikki"}}}
    with pytest.raises(ImportFailed, match="field 'sex.values'"):
        px_to_batch(cube, mapping)


def test_import_file_with_a_yaml_mapping(tmp_path: Path) -> None:
    mapping = tmp_path / "11rc.yaml"
    mapping.write_text(
        "area: {code: SSS}\nyear: {dimension: Year}\n"
        "sex: {dimension: Sex, values: {SSS: total, '1': male, '2': female}}\n"
        "indicators:\n  - key: statfin:11rc:vaesto:5-9\n    title: {en: Aged 5-9}\n    where: {Age: '5-9'}\n",
        encoding="utf-8",
    )
    batch = import_file(PX_11RC, mapping=mapping)
    assert (
        batch.observations.filter((pl.col("year") == 2023) & (pl.col("sex") == "total"))["value"][0]
        == 278_318
    )
    # Without a mapping the file is read by convention (tests/importers/test_convention.py).
    assert import_file(PX_11RC).indicators[0].key == "statfin:11rc:vaesto"


# ---------------------------------------------------------------- broken files


def test_missing_data_block(tmp_path: Path) -> None:
    raw = PX_11RC.read_bytes()
    path = tmp_path / "nodata.px"
    path.write_bytes(raw[: raw.index(b"DATA=")])
    with pytest.raises(ImportFailed, match=r"nodata.px, field 'DATA': no DATA block"):
        read_px(path)


def test_truncated_data_block(tmp_path: Path) -> None:
    raw = PX_11RC.read_bytes()
    path = tmp_path / "truncated.px"
    path.write_bytes(raw[: len(raw) - 2000])
    with pytest.raises(ImportFailed, match="does not end with ';': the file is truncated"):
        read_px(path)


def test_wrong_number_of_values(tmp_path: Path) -> None:
    raw = PX_11RC.read_bytes()
    path = tmp_path / "short.px"
    cut = raw.rstrip().rstrip(b";").rsplit(b" ", 3)[0]
    path.write_bytes(cut + b";\r\n")
    with pytest.raises(
        ImportFailed,
        match=r"DATA has 9060 values but the dimensions \(Vuosi 159 × Sukupuoli 3 × Ikä 19 × Tiedot 1\) need 9063",
    ):
        read_px(path)


def test_text_in_data(tmp_path: Path) -> None:
    raw = PX_11RC.read_bytes()
    path = tmp_path / "text.px"
    path.write_bytes(raw.replace(b"DATA=\r\n1843245 ", b"DATA=\r\n18432x5 "))
    with pytest.raises(ImportFailed, match=r"field 'DATA': data value 1 is '18432x5'"):
        read_px(path)


def test_declared_utf8_but_latin1_bytes(tmp_path: Path) -> None:
    raw = PX_11RC.read_bytes().replace(b'CODEPAGE="iso-8859-15"', b'CODEPAGE="utf-8"')
    path = tmp_path / "wrong-codepage.px"
    path.write_bytes(raw)
    with pytest.raises(ImportFailed) as exc:
        read_px(path)
    message = str(exc.value)
    assert "not valid utf-8" in message and "'utf-8'" in message and "download it again" in message


def test_declared_latin_but_utf8_text(tmp_path: Path) -> None:
    text = PX_11RC.read_bytes().decode("iso-8859-15")
    path = tmp_path / "resaved.px"
    path.write_bytes(text.encode("utf-8"))
    with pytest.raises(ImportFailed, match="declares CODEPAGE 'iso-8859-15' but its text is UTF-8"):
        read_px(path)


def test_utf8_and_cp1252_files_are_read(tmp_path: Path) -> None:
    text = PX_11RC.read_bytes().decode("iso-8859-15")
    utf8 = tmp_path / "utf8.px"
    utf8.write_bytes(text.replace('CODEPAGE="iso-8859-15"', 'CODEPAGE="utf-8"').encode("utf-8"))
    cp1252 = tmp_path / "cp1252.px"
    cp1252.write_bytes(text.replace('CODEPAGE="iso-8859-15"', 'CODEPAGE="windows-1252"').encode("cp1252"))
    for path in (utf8, cp1252):
        cube = read_px(path)
        assert cube.dimension("Age").names["sv"] == "Ålder"
        assert cube.dimensions[2].id == "Ikä"


def test_unknown_codepage(tmp_path: Path) -> None:
    path = tmp_path / "x.px"
    path.write_bytes(PX_11RC.read_bytes().replace(b'CODEPAGE="iso-8859-15"', b'CODEPAGE="klingon"'))
    with pytest.raises(ImportFailed, match="unknown CODEPAGE 'klingon'"):
        read_px(path)


def test_missing_stub_and_heading(tmp_path: Path) -> None:
    text = PX_11RC.read_bytes().decode("iso-8859-15")
    lines = [line for line in text.split("\r\n") if not line.startswith(("STUB", "HEADING"))]
    path = tmp_path / "nostub.px"
    path.write_bytes("\r\n".join(lines).encode("iso-8859-15"))
    with pytest.raises(ImportFailed, match="field 'STUB': neither STUB nor HEADING"):
        read_px(path)
