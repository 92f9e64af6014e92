"""`kasvu survey import`: all or nothing. Every bad input is rejected naming file, row and field, and
the database is exactly as before; good input is stored compactly and reads back unchanged."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from polars.testing import assert_frame_equal

from kasvu.surveys import microdata
from kasvu.surveys.generate import write_responses
from kasvu.surveys.indicators import estimate_indicators
from kasvu.surveys.models import Response, Survey
from kasvu.surveys.responses import read_responses

from .conftest import CODEBOOK, KEY, RESPONDENTS, db_state

pytestmark = pytest.mark.django_db


def _broken(frame: pl.DataFrame, tmp_path: Path, column: str, row: int, value: object) -> Path:
    """The generated file with one cell replaced; ``row`` is the 0-based respondent (file row + 2)."""
    values = frame.fill_nan(None)[column].cast(pl.String).to_list()
    values[row] = None if value is None else str(value)
    return write_responses(
        frame.with_columns(pl.Series(column, values, dtype=pl.String)), tmp_path / "bad.csv"
    )


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        ("kaverit", 7, "answer code 7 is not an option of question 'kaverit'"),
        ("luokka", 9, "grade 9 is outside the survey population (grades 1–6)"),
        ("kunta", "091", "'091' is not a municipality code of this survey"),
        ("koulu", "99999", "school '99999' is not in the codebook's 'schools:' list"),
        ("paino", 0, "the weight 0 is not positive"),
        ("paino", "heavy", "the weight 'heavy' is not a number"),
        ("sukupuoli", 5, "sex code 5 is not in the codebook"),
    ],
)
def test_bad_input_is_rejected_with_file_row_field_and_nothing_is_stored(
    generated_frame, tmp_path, west_uusimaa, column, value, expected
):
    path = _broken(generated_frame, tmp_path, column, 40, value)
    before = db_state()
    with pytest.raises(CommandError) as err:
        call_command("survey", "import", str(CODEBOOK), str(path))
    message = str(err.value)
    assert expected in message
    assert f"{path}, row 42, field {column!r}" in message  # header is row 1, respondent 0 is row 2
    assert "Nothing was stored." in message
    assert db_state() == before


def test_bad_input_after_a_good_import_leaves_the_stored_round_untouched(imported, generated_frame, tmp_path):
    path = _broken(generated_frame, tmp_path, "luokka", RESPONDENTS - 1, 0)
    before = db_state()
    with pytest.raises(CommandError, match="grade 0 is outside the survey population"):
        call_command("survey", "import", str(CODEBOOK), str(path), "--replace")
    assert db_state() == before
    assert microdata.stored_rows(imported) == RESPONDENTS


def test_invalid_codebook_is_rejected_before_reading_responses(responses_csv, tmp_path):
    bad = tmp_path / "codebook.yaml"
    bad.write_text(CODEBOOK.read_text(encoding="utf-8").replace("yes_codes: [3]", "yes_codes: [8]"))
    before = db_state()
    with pytest.raises(CommandError, match=r"indicators\[1\] \(bullied_weekly\)\.yes_codes"):
        call_command("survey", "import", str(bad), str(responses_csv))
    assert db_state() == before


def test_second_import_needs_replace_and_replaces(imported, generated_frame, tmp_path):
    with pytest.raises(CommandError, match="already has 1,500 responses .* Give --replace"):
        call_command(
            "survey", "import", str(CODEBOOK), str(write_responses(generated_frame, tmp_path / "again.csv"))
        )
    smaller = write_responses(generated_frame.head(1000), tmp_path / "smaller.xlsx")
    call_command("survey", "import", str(CODEBOOK), str(smaller), "--replace")
    survey = Survey.objects.get(key=KEY)
    assert microdata.stored_rows(survey) == 1000 == Response.objects.count()
    assert survey.imports.count() == 2 and survey.current_import.file_name == str(smaller)


def test_stored_microdata_read_back_exactly_as_validated(imported, responses_csv):
    from_file = read_responses(responses_csv, imported_codebook := microdata.survey_codebook(imported))
    from_db = microdata.read(imported, microdata.COMMAND_LINE)
    assert from_db.generated and from_db.codebook == imported_codebook
    assert from_db.frame.schema == from_file.frame.schema
    assert from_db.frame.equals(from_file.frame)
    assert_frame_equal(
        estimate_indicators(from_db), estimate_indicators(from_file), check_row_order=False, rel_tol=1e-12
    )


def test_import_records_who_when_and_how_many(imported):
    imp = imported.current_import
    assert (imp.rows, imp.imported_by, imp.generated) == (RESPONDENTS, "analyst1", True)
    assert len(imp.file_sha256) == 64 and imp.questions[0] == "kaverit"
    assert imported.codebook_yaml == CODEBOOK.read_text(encoding="utf-8")
    assert Response.objects.count() == RESPONDENTS
