"""Issue 15: a survey's own reference population is the default reference for that survey's indicators only.

The pupil survey (GENERATED responses, 15 West and Central Uusimaa municipalities) publishes its totals on
"Kyselyn alue: Alaluokkalaisten hyvinvointiselvitys 2024". Lohja's survey values are compared with that
area (Uusimaa and Finland have no survey value); Lohja's register values (generated demo child-welfare
figures and the real 2025 population) with Uusimaa, its county and Finland, never with the survey's area.
The profile page, its CSV, the profile report and the indicator page agree.
"""

from __future__ import annotations

import csv
import io
import re

import polars as pl
import pytest

from kasvu.bank.loader import load
from kasvu.bank.models import Area, Indicator
from kasvu.demo import generate, population_2025
from kasvu.readmodel import clear_caches
from kasvu.reports import service

SURVEY_AREA = "group:survey-pupil-survey-2024"
SURVEY_AREA_FI = "Kyselyn alue: Alaluokkalaisten hyvinvointiselvitys 2024"
REGISTER = "demo:child-welfare-notifications"


@pytest.fixture
def with_register_data(published):
    from kasvu.surveys.codebook import bundled_codebook

    codes = sorted(bundled_codebook().areas or ())
    batch = generate()
    frame = batch.observations.filter(pl.col("indicator") == REGISTER).filter(
        pl.col("area_code").is_in(codes)
    )
    batch.observations = frame.with_columns(pl.int_range(1, frame.height + 1).alias("row"))
    batch.indicators = [m for m in batch.indicators if m.key == REGISTER]
    load(batch, kind="demo")
    load(population_2025(), kind="table")
    clear_caches()
    return published


def _survey_key() -> str:
    return (
        Indicator.objects.filter(key__startswith="survey-").order_by("key").values_list("key", flat=True)[0]
    )


def _csv_references(client, lang: str = "fi") -> dict[str, set[str]]:
    prefix = "" if lang == "fi" else f"/{lang}"
    response = client.get(f"{prefix}/areas/municipality/444/?format=csv")
    assert response.status_code == 200
    out: dict[str, set[str]] = {}
    for row in csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))):
        out.setdefault(row["indicator"], set()).add(row["reference"])
    return out


def test_publishing_stores_the_survey_area_as_its_indicators_reference(published):
    notes = Indicator.objects.get(key=_survey_key()).notes
    assert notes["reference_areas"] == [SURVEY_AREA]


def test_profile_compares_survey_indicators_with_the_survey_area_only(with_register_data, client):
    refs = _csv_references(client)
    survey = _survey_key()
    assert refs[survey] == {SURVEY_AREA_FI}
    assert SURVEY_AREA_FI not in refs[REGISTER]
    assert SURVEY_AREA_FI not in refs["statfin:M411"]
    assert {"Uusimaa", "Suomi"} <= refs[REGISTER]

    html = client.get("/areas/municipality/444/").content.decode()
    note = re.search(r'<p class="legend" id="survey-references">([^<]*)</p>', html)
    assert note is not None
    assert f"Kyselyn indikaattoreita verrataan kyselyn omaan alueeseen ({SURVEY_AREA_FI})" in note.group(1)
    sv = client.get("/sv/areas/municipality/444/").content.decode()
    assert "Enkätens indikatorer jämförs med enkätens eget område" in sv


def test_profile_report_has_the_webs_references_per_indicator(with_register_data):
    from kasvu import profiles

    lohja = Area.objects.get(kind="municipality", code="444")
    web = profiles.build_profile(lohja.id, until_year=2024, lang="fi")
    report = service.build(service.request_for("profile", "444", 2024, "fi", public=True))
    # Same defaults on the web and in the report.
    assert report.subtitle.endswith(", ".join(r.name("fi") for r in web.references) + ".")
    assert SURVEY_AREA_FI in report.subtitle
    by_key = {s.key: s for ch in report.chapters for s in ch.sections}
    survey_table = by_key[f"indicator-{_survey_key()}"].figures[0].table
    assert survey_table.columns[1:] == ["Lohja", SURVEY_AREA_FI]
    register_table = by_key[f"indicator-{REGISTER}"].figures[0].table
    assert SURVEY_AREA_FI not in register_table.columns
    assert "Suomi" in register_table.columns
    methods = next(ch for ch in report.chapters if ch.key == "methods")
    assert any(
        f"Kyselyn indikaattoreita verrataan kyselyn omaan alueeseen ({SURVEY_AREA_FI})" in p.text
        for p in methods.paragraphs
    )


def test_indicator_page_of_a_survey_indicator_shows_the_survey_area(with_register_data, client):
    html = client.get(f"/indicators/{_survey_key()}/?area=municipality:444").content.decode()
    rows = re.findall(r'<th scope="row">([^<]*)</th><td class="num">2024</td>', html)
    assert rows[:2] == ["Lohja", SURVEY_AREA_FI]
    register = client.get(f"/indicators/{REGISTER}/?area=municipality:444").content.decode()
    shown = set(re.findall(r'<th scope="row">([^<]*)</th><td class="num">20\d\d</td>', register))
    assert "Lohja" in shown and "Uusimaa" in shown and SURVEY_AREA_FI not in shown
