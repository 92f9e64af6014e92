"""`kasvu survey estimate | generate | list` and the demo survey."""

from __future__ import annotations

import csv
import io

import polars as pl
import pytest
from django.core.management import call_command

from kasvu.bank.models import Observation, Source
from kasvu.importers.base import FLAG_GENERATED
from kasvu.surveys.demo import load_demo_survey
from kasvu.surveys.models import Survey

from .conftest import KEY

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("survey", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_estimate_prints_intervals_and_shows_suppressed_cells_as_suppressed(imported):
    text = run("estimate", KEY, "--indicator", "has_friends")
    header = text.splitlines()[0].split()
    assert header == ["area", "grade", "sex", "indicator", "unit", "n", "estimate", "se", "lower", "upper"]
    assert "suppressed (primary)" in text and "suppressed (secondary)" in text
    total = next(
        line for line in text.splitlines() if line.startswith("total  ") and " total  total " in line
    )
    assert "has_friends  %" in total


def test_estimate_csv_by_area_and_sex_blanks_suppressed_numbers(imported, tmp_path):
    out = tmp_path / "est.csv"
    run("estimate", KEY, "--by", "area,sex", "--format", "csv", "-o", str(out))
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert set(rows[0]) == {
        "area",
        "sex",
        "indicator",
        "statistic",
        "n",
        "estimate",
        "se",
        "lower",
        "upper",
        "df",
        "suppression",
    }
    assert {r["sex"] for r in rows} == {"female", "male", "total"}
    assert {"total", "group:west-uusimaa", "078"} <= {r["area"] for r in rows}
    for r in rows:
        if r["suppression"]:
            assert r["n"] == r["estimate"] == r["lower"] == r["upper"] == ""
        elif r["lower"]:  # no interval when df <= 0 (one school)
            assert float(r["lower"]) <= float(r["estimate"]) <= float(r["upper"])


def test_estimate_by_nothing_gives_one_row_per_indicator(imported):
    text = run("estimate", KEY, "--by", "", "--format", "csv")
    frame = pl.read_csv(io.StringIO(text))
    assert frame.height == 13 and frame["suppression"].null_count() == 13


def test_generate_writes_a_labelled_file_and_list_shows_status(tmp_path, imported):
    out = tmp_path / "demo.xlsx"
    assert "GENERATED" in run("generate", str(out), "-n", "300", "--seed", "5")
    assert out.exists()
    assert (
        run("list")
        == f"{KEY} GENERATED: 1,500 respondents from {imported.current_import.file_name}; not published\n"
    )


def test_demo_survey_is_generated_published_and_labelled(west_uusimaa):
    first = load_demo_survey(1200, seed=3)
    assert "GENERATED" in str(first) and first.published > 0 and first.suppressed > 0
    survey = Survey.objects.get(key=KEY)
    assert survey.generated and survey.is_published
    assert Source.objects.get(key=survey.source_key).is_generated
    obs = Observation.objects.filter(indicator__source__key=survey.source_key)
    assert obs.count() == first.published + first.suppressed
    assert all(f & FLAG_GENERATED for f in obs.values_list("flags", flat=True))
    again = load_demo_survey(1200, seed=3, purge=True)
    assert again.published == first.published and again.purged == 1200
    assert obs.count() == first.published + first.suppressed
