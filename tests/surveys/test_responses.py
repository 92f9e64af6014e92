"""Importing response files: CSV, XLSX and SAV read alike; every kind of bad input is rejected.

Errors name the file, the row (spreadsheet row with the header as row 1; SPSS case number)
and the column, and say what to do. Nothing partial is ever returned.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pyreadstat
import pytest

from kasvu.importers.base import ImportFailed
from kasvu.surveys.codebook import Codebook
from kasvu.surveys.generate import write_responses
from kasvu.surveys.responses import read_responses


def _write(frame: pl.DataFrame, tmp_path: Path, suffix: str) -> Path:
    return write_responses(frame, tmp_path / f"responses.{suffix}")


@pytest.mark.parametrize("suffix", ["csv", "xlsx", "sav"])
def test_all_formats_read_to_the_same_frame(
    suffix: str, codebook: Codebook, small_responses: pl.DataFrame, tmp_path: Path
) -> None:
    baseline = read_responses(_write(small_responses, tmp_path, "csv"), codebook).frame
    result = read_responses(_write(small_responses, tmp_path, suffix), codebook)
    assert result.generated
    assert result.frame.height == small_responses.height
    assert result.frame.drop("row").equals(baseline.drop("row"))
    first_row = 1 if suffix == "sav" else 2
    assert result.frame["row"][0] == first_row


def test_spss_value_labels_are_kept(
    codebook: Codebook, small_responses: pl.DataFrame, tmp_path: Path
) -> None:
    path = tmp_path / "labelled.sav"
    labels = {"kaverit": {1: "Kyllä, monta", 2: "Kyllä, yksi", 3: "Ei yhtään", 9: "En halua vastata"}}
    pyreadstat.write_sav(small_responses.fill_nan(None), str(path), variable_value_labels=labels)
    result = read_responses(path, codebook)
    assert result.value_labels["kaverit"][3] == "Ei yhtään"
    assert result.row_convention.startswith("row numbers are SPSS case numbers")


def test_finnish_excel_csv_with_semicolons_and_decimal_commas(
    codebook: Codebook, small_responses: pl.DataFrame, tmp_path: Path
) -> None:
    path = tmp_path / "excel.csv"
    text = small_responses.fill_nan(None).with_columns(
        pl.col("paino").cast(pl.String).str.replace(".", ",", literal=True)
    )
    text.write_csv(path, separator=";")
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp1252"))
    result = read_responses(path, codebook)
    assert result.frame["weight"].to_list() == pytest.approx(small_responses["paino"].to_list())


def _broken(frame: pl.DataFrame, index: int, column: str, value: object) -> pl.DataFrame:
    frame = frame.fill_nan(None)
    values = frame[column].cast(pl.String).to_list()
    values[index] = None if value is None else str(value)
    return frame.with_columns(pl.Series(column, values, dtype=pl.String))


BAD_VALUES = [
    # (column, bad value, words the message must contain)
    ("kaverit", 7, ["answer code 7", "kaverit", "options [1, 2, 3]"]),
    ("luokka", 7, ["grade 7", "outside the survey population", "1–6"]),
    ("luokka", None, ["grade", "empty"]),
    ("luokka", "kolmas", ["not a number"]),
    ("kunta", "091", ["'091' is not a municipality code of this survey"]),
    ("koulu", "99999", ["school '99999'", "schools:"]),
    ("paino", "abc", ["weight", "not a number"]),
    ("paino", 0, ["weight 0", "not positive"]),
    ("paino", -1.5, ["not positive"]),
    ("paino", None, ["weight is empty"]),
    ("sukupuoli", 5, ["sex code 5"]),
    ("liikunta", 8, ["outside its range", "0–7"]),
]


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
@pytest.mark.parametrize(("column", "value", "words"), BAD_VALUES)
def test_bad_values_are_rejected_with_file_row_and_field(
    suffix: str,
    column: str,
    value: object,
    words: list[str],
    codebook: Codebook,
    small_responses: pl.DataFrame,
    tmp_path: Path,
) -> None:
    index = 41
    path = _write(_broken(small_responses, index, column, value), tmp_path, suffix)
    with pytest.raises(ImportFailed) as info:
        read_responses(path, codebook)
    err = info.value
    assert err.file == str(path)
    assert err.row == index + 2  # header is row 1
    assert err.field == column
    text = str(err)
    assert f"row {index + 2}" in text and "header is row 1" in text
    for word in words:
        assert word in text


def test_bad_value_in_spss_file_names_the_case_number(
    codebook: Codebook, small_responses: pl.DataFrame, tmp_path: Path
) -> None:
    frame = small_responses.fill_nan(None).with_columns(
        pl.when(pl.int_range(pl.len()) == 9).then(12).otherwise(pl.col("luokka")).alias("luokka")
    )
    path = tmp_path / "bad.sav"
    pyreadstat.write_sav(frame, str(path))
    with pytest.raises(ImportFailed) as info:
        read_responses(path, codebook)
    assert info.value.row == 10 and info.value.field == "luokka"
    assert "SPSS case numbers" in str(info.value)


def test_many_bad_rows_are_counted(codebook: Codebook, small_responses: pl.DataFrame, tmp_path: Path) -> None:
    frame = small_responses.fill_nan(None).with_columns(pl.lit(0.0).alias("paino"))
    with pytest.raises(ImportFailed, match="199 more row"):
        read_responses(_write(frame, tmp_path, "csv"), codebook)


def test_missing_column_is_named(codebook: Codebook, small_responses: pl.DataFrame, tmp_path: Path) -> None:
    path = _write(small_responses.drop("uni"), tmp_path, "csv")
    with pytest.raises(ImportFailed) as info:
        read_responses(path, codebook)
    assert info.value.field == "uni" and info.value.row is None
    assert "column is missing" in str(info.value) and "question uni" in str(info.value)


def test_truncated_csv_is_rejected(codebook: Codebook, small_responses: pl.DataFrame, tmp_path: Path) -> None:
    path = _write(small_responses, tmp_path, "csv")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 25])
    with pytest.raises(ImportFailed, match="truncated") as info:
        read_responses(path, codebook)
    assert info.value.row == small_responses.height + 1


@pytest.mark.parametrize("suffix", ["xlsx", "sav"])
def test_truncated_binary_files_are_rejected(
    suffix: str, codebook: Codebook, small_responses: pl.DataFrame, tmp_path: Path
) -> None:
    path = _write(small_responses, tmp_path, suffix)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ImportFailed, match="damaged or truncated") as info:
        read_responses(path, codebook)
    assert info.value.file == str(path)


def test_binary_file_named_csv_is_rejected(
    codebook: Codebook, small_responses: pl.DataFrame, tmp_path: Path
) -> None:
    sav = _write(small_responses, tmp_path, "sav")
    path = tmp_path / "really_spss.csv"
    path.write_bytes(sav.read_bytes())
    with pytest.raises(ImportFailed, match="not a text"):
        read_responses(path, codebook)


@pytest.mark.parametrize(
    ("name", "content", "words"), [("empty.csv", b"", "empty"), ("x.json", b"{}", "unknown file type")]
)
def test_empty_and_unknown_files(
    name: str, content: bytes, words: str, codebook: Codebook, tmp_path: Path
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ImportFailed, match=words):
        read_responses(path, codebook)


def test_school_and_municipality_must_agree(
    codebook: Codebook, small_responses: pl.DataFrame, tmp_path: Path
) -> None:
    frame = _broken(small_responses, 3, "kunta", "078" if small_responses["kunta"][3] != "078" else "149")
    with pytest.raises(ImportFailed, match="does not match the school's municipality") as info:
        read_responses(_write(frame, tmp_path, "csv"), codebook)
    assert info.value.row == 5


def test_missing_codes_and_empty_answers_are_kept_as_is(
    codebook: Codebook, small_responses: pl.DataFrame, tmp_path: Path
) -> None:
    frame = read_responses(_write(small_responses, tmp_path, "csv"), codebook).frame
    assert frame["kaverit"].is_in([9]).any()  # missing code kept for the recode step
    assert frame["kaverit"].null_count() > 0  # skipped questions are null
    assert set(frame["sex"].unique()) <= {"female", "male", "other", "missing"}
    assert frame["area"].str.len_chars().eq(3).all()
