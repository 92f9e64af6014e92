"""PX and JSON-stat tables read without a mapping (kasvu.importers.convention) and `kasvu inspect`.

Real files: Statistics Finland's 11rc (PX, whole country, fi/sv/en) and 11re (JSON-stat, three cities).
Unseen files of the same family are built here from 11rc's real header layout (keywords, languages,
CODES, ELIMINATION, CONTVARIABLE, UNITS and PRECISION per content, TIMEVAL), with several
municipalities by code or by name in Finnish, Swedish or English, and monthly and quarterly periods.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from kasvu.bank.loader import load
from kasvu.bank.models import Observation
from kasvu.classification import data_path
from kasvu.demo import population_2025
from kasvu.importers import import_file
from kasvu.importers.base import ImportFailed
from kasvu.importers.convention import infer, period_kind
from kasvu.importers.px import read_px
from kasvu.readmodel.periods import code_of

PX_11RC = data_path("statfin_px", "statfin_vaerak_pxt_11rc.px")
JSONSTAT_11RE = data_path("statfin_jsonstat", "api-query-three-cities.json")

AREA_NAMES = {
    "fi": {"KU049": "Espoo", "KU091": "Helsinki", "KU092": "Vantaa", "SSS": "KOKO MAA"},
    "sv": {"KU049": "Esbo", "KU091": "Helsingfors", "KU092": "Vanda", "SSS": "HELA LANDET"},
    "en": {"KU049": "Espoo", "KU091": "Helsinki", "KU092": "Vantaa", "SSS": "WHOLE COUNTRY"},
}
NAMES = {
    "Alue": {"sv": "Område", "en": "Area"},
    "Vuosi": {"sv": "År", "en": "Year"},
    "Kuukausi": {"sv": "Månad", "en": "Month"},
    "Vuosineljännes": {"sv": "Kvartal", "en": "Quarter"},
    "Sukupuoli": {"sv": "Kön", "en": "Sex"},
    "Tiedot": {"sv": "Uppgifter", "en": "Information"},
}
SEX_LABELS = {
    "fi": ["Yhteensä", "Miehet", "Naiset"],
    "sv": ["Totalt", "Män", "Kvinnor"],
    "en": ["Total", "Males", "Females"],
}
CONTENTS = {
    "lkm": ({"fi": "Lapsiperheet", "sv": "Barnfamiljer", "en": "Families with children"}, "lukumäärä", 0),
    "osuus": ({"fi": "Lapsiperheiden osuus", "sv": "Andel barnfamiljer", "en": "Share of families"}, "%", 1),
}


def quoted(values: list[str]) -> str:
    return ",".join(f'"{v}"' for v in values)


def make_px(
    path: Path,
    *,
    areas: list[str],
    periods: list[str],
    time: str = "Vuosi",
    area_by: str = "code",  # "code": KU049 codes; "name": no CODES, names only
    language: str = "fi",
) -> Path:
    """A StatFin-style PX table in 11rc's layout: STUB Alue, time; HEADING Sukupuoli, Tiedot."""
    langs = ["fi", "sv", "en"]
    others = [lang for lang in langs if lang != language]
    lines = [
        'CHARSET="ANSI";',
        'AXIS-VERSION="2013";',
        'CODEPAGE="iso-8859-15";',
        f'LANGUAGE="{language}";',
        f"LANGUAGES={quoted([language, *others])};",
        'TABLEID="statfin_perh_pxt_99zz";',
        "DECIMALS=1;",
        'SOURCE="Tilastokeskus, perheet";',
        'SOURCE[en]="Statistics Finland, families";',
    ]

    def name(dim: str, lang: str) -> str:
        return dim if lang == "fi" else NAMES[dim][lang]

    def kw(key: str, lang: str) -> str:
        return key if lang == language else f"{key}[{lang}]"

    for lang in [language, *others]:
        lines.append(f'{kw("TITLE", lang)}="Lapsiperheet ({lang})";')
        lines.append(f"{kw('STUB', lang)}={quoted([name('Alue', lang), name(time, lang)])};")
        lines.append(f"{kw('HEADING', lang)}={quoted([name('Sukupuoli', lang), name('Tiedot', lang)])};")
        lines.append(f'{kw("CONTVARIABLE", lang)}="{name("Tiedot", lang)}";')
        area_labels = [AREA_NAMES[lang][a] for a in areas]
        lines.append(f'{kw("VALUES", lang)}("{name("Alue", lang)}")={quoted(area_labels)};')
        if area_by == "code":
            lines.append(f'{kw("CODES", lang)}("{name("Alue", lang)}")={quoted(areas)};')
        lines.append(f'{kw("VALUES", lang)}("{name(time, lang)}")={quoted(periods)};')
        lines.append(f'{kw("TIMEVAL", lang)}("{name(time, lang)}")=TLIST(A1),{quoted(periods)};')
        lines.append(f'{kw("VALUES", lang)}("{name("Sukupuoli", lang)}")={quoted(SEX_LABELS[lang])};')
        lines.append(f'{kw("CODES", lang)}("{name("Sukupuoli", lang)}")="SSS","1","2";')
        lines.append(f'{kw("ELIMINATION", lang)}("{name("Sukupuoli", lang)}")="{SEX_LABELS[lang][0]}";')
        content_labels = [c[0][lang] for c in CONTENTS.values()]
        lines.append(f'{kw("VALUES", lang)}("{name("Tiedot", lang)}")={quoted(content_labels)};')
        lines.append(f'{kw("CODES", lang)}("{name("Tiedot", lang)}")={quoted(list(CONTENTS))};')
        for labels, unit, decimals in CONTENTS.values():
            lines.append(f'{kw("UNITS", lang)}("{labels[lang]}")="{unit}";')
            lines.append(f'{kw("PRECISION", lang)}("{name("Tiedot", lang)}","{labels[lang]}")={decimals};')
    cells = []
    for a, _ in enumerate(areas):
        for p, _ in enumerate(periods):
            for s in range(3):
                count = 1000 * (a + 1) + 10 * p + s
                share = 20.0 + a + p / 10 + s
                cells.append(f"{count} {share:.1f}" if (a, p, s) != (0, 0, 2) else f'{count} ".."')
    lines.append("DATA=\n" + "\n".join(cells) + ";")
    path.write_bytes("\n".join(lines).encode("iso-8859-15"))
    return path


def cells_in(path: Path) -> int:
    cube = read_px(path)
    return sum(v is not None or s == "-" for v, s in zip(cube.values, cube.symbols, strict=True))


# ---------------------------------------------------------------- real files


def test_real_11rc_reads_without_a_mapping():
    cube = read_px(PX_11RC)
    inference = infer(cube)
    assert inference.roles == {"Vuosi": "time", "Sukupuoli": "sex", "Ikä": "indicators", "Tiedot": "contents"}
    assert inference.mapping["area"] == {"code": "SSS"}
    batch = import_file(PX_11RC)
    keys = {m.key: m for m in batch.indicators}
    assert len(keys) == 19  # the total and 18 age groups
    assert keys["statfin:11rc:vaesto"].unit == "persons"
    assert keys["statfin:11rc:vaesto"].aggregation == "sum"
    assert keys["statfin:11rc:vaesto:0-4"].title == {
        "fi": "Väestö 31.12., 0 - 4",
        "sv": "Befolkning 31.12., 0 - 4",
        "en": "Population 31 Dec, 0 - 4",
    }
    # Every cell of the table is one observation: 159 years × 3 sexes × 19 ages × 1 content.
    assert batch.observations.height == len(cube.values) == 9063


@pytest.mark.django_db
def test_real_11rc_stored_without_a_mapping_has_the_published_values():
    load(population_2025(), kind="table")
    call_command("import_", "px", str(PX_11RC))
    total = Observation.objects.get(
        indicator__key="statfin:11rc:vaesto", area__code="FI", year=2023, breakdown__key="total"
    )
    aged = Observation.objects.get(
        indicator__key="statfin:11rc:vaesto:0-4", area__code="FI", year=2023, breakdown__key="total"
    )
    assert (total.value, aged.value) == (5_603_851, 235_606)
    assert Observation.objects.filter(indicator__key__startswith="statfin:11rc:").count() == 9063


@pytest.mark.django_db
def test_real_jsonstat_stored_without_a_mapping():
    load(population_2025(), kind="table")
    call_command("import_", "jsonstat", str(JSONSTAT_11RE))
    stored = dict(
        Observation.objects.filter(indicator__key="statfin:11re:vaerak-vaesto", year=2025).values_list(
            "area__code", "value"
        )
    )
    assert stored == {"049": 325_716, "091": 694_392, "092": stored["092"]}
    assert len(stored) == 3


# ---------------------------------------------------------------- unseen files of the same family


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
@pytest.mark.parametrize("area_by", ["code", "name"])
def test_unseen_yearly_table_of_many_municipalities(tmp_path, language, area_by):
    path = make_px(
        tmp_path / "99zz.px",
        areas=["KU049", "KU091", "KU092", "SSS"],
        periods=["2021", "2022", "2023"],
        area_by=area_by,
        language=language,
    )
    batch = import_file(path)
    metas = {m.key: m for m in batch.indicators}
    assert set(metas) == {"statfin:99zz:lkm", "statfin:99zz:osuus"}
    assert (metas["statfin:99zz:lkm"].unit, metas["statfin:99zz:lkm"].decimals) == ("persons", 0)
    assert (metas["statfin:99zz:osuus"].unit, metas["statfin:99zz:osuus"].decimals) == ("%", 1)
    assert metas["statfin:99zz:osuus"].title["sv"] == "Andel barnfamiljer"
    obs = batch.observations
    assert obs.height == cells_in(path) + 1  # plus the one cell published as ".." (suppressed)
    assert set(obs["area_code"].unique()) == {"KU049", "KU091", "KU092", "SSS"}
    helsinki = obs.filter(
        (obs["indicator"] == "statfin:99zz:lkm") & (obs["area_code"] == "KU091") & (obs["year"] == 2023)
    )
    assert dict(zip(helsinki["sex"], helsinki["value"], strict=True)) == {
        "total": 2020.0,
        "male": 2021.0,
        "female": 2022.0,
    }


@pytest.mark.django_db
def test_unseen_table_stored_and_exported_with_every_cell(tmp_path):
    load(population_2025(), kind="table")
    path = make_px(tmp_path / "99zz.px", areas=["KU049", "KU091", "KU092"], periods=["2022", "2023"])
    call_command("import_", "px", str(path))
    stored = Observation.objects.filter(indicator__key__startswith="statfin:99zz:")
    assert stored.exclude(value=None).count() == cells_in(path)
    out = tmp_path / "export.csv"
    call_command("export", "observations", "--indicator", "statfin:99zz:osuus", "--output", str(out))
    rows = out.read_text(encoding="utf-8").splitlines()
    assert len(rows) - 1 == stored.filter(indicator__key="statfin:99zz:osuus").count()


MONTHS = [f"{y}M{m:02d}" for y in (2023, 2024) for m in range(1, 13)]


@pytest.mark.parametrize(
    ("time", "periods", "kind", "first", "sub"),
    [
        ("Kuukausi", MONTHS, "month", "2023M01", 1),
        ("Vuosineljännes", ["2023Q4", "2024Q1", "2024Q2"], "quarter", "2023Q4", 24),
        ("Vuosi", ["2023H2", "2024H1"], "half_year", "2023H2", 32),
        ("Vuosi", ["2020-2021", "2022-2023"], "pooled", "2020–2021", 102),
    ],
)
@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_unseen_monthly_quarterly_half_year_and_pooled_tables_import_without_a_mapping(
    tmp_path, time, periods, kind, first, sub, language
):
    """Spec-built PX tables of 11rc's family (see make_px) with sub-year and pooled periods."""
    path = make_px(tmp_path / "99zz.px", areas=["KU091"], periods=periods, time=time, language=language)
    assert infer(read_px(path)).period_kind == kind
    batch = import_file(path)
    assert {m.period_kind for m in batch.indicators} == {kind}
    obs = batch.observations
    assert obs.height == cells_in(path) + 1
    firsts = obs.filter(pl.col("row") == obs["row"].min())
    assert (int(firsts["sub"][0]), code_of(int(firsts["year"][0]), int(firsts["sub"][0]))) == (sub, first)


@pytest.mark.django_db
@pytest.mark.parametrize("areas", [["KU091"], ["KU049", "KU091", "KU092", "SSS"]])
def test_unseen_monthly_table_stored_and_exported_with_every_cell_and_its_period(tmp_path, areas):
    load(population_2025(), kind="table")
    path = make_px(tmp_path / "99zz.px", areas=areas, periods=MONTHS, time="Kuukausi", language="sv")
    call_command("import_", "px", str(path))
    stored = Observation.objects.filter(indicator__key__startswith="statfin:99zz:")
    assert stored.exclude(value=None).count() == cells_in(path)
    assert stored.filter(year=2024, sub=3).count() == len(areas) * 3 * 2
    # Helsinki, March 2024 (the 15th month of the table), total: 1000 × (position + 1) + 10 × 14.
    at = areas.index("KU091")
    march = stored.get(
        indicator__key="statfin:99zz:lkm", area__code="091", year=2024, sub=3, breakdown__key="total"
    )
    assert march.value == 1000 * (at + 1) + 140
    out = tmp_path / "export.csv"
    call_command("export", "observations", "--indicator", "statfin:99zz:lkm", "--output", str(out))
    exported = pl.read_csv(out, infer_schema=False)
    assert exported.height == stored.filter(indicator__key="statfin:99zz:lkm").count()
    row = exported.filter(
        (pl.col("area_code") == "091") & (pl.col("period") == "2024M03") & (pl.col("breakdown") == "total")
    )
    assert row.select("period_start", "period_end", "value").row(0) == (
        "2024-03-01",
        "2024-03-31",
        f"{march.value}",
    )
    assert set(exported["period"]) == set(MONTHS)
    # Importing it again changes nothing.
    call_command("import_", "px", str(path))
    assert stored.count() == len(areas) * len(MONTHS) * 3 * 2


def test_period_kinds():
    assert period_kind(["2023", "2024"]) == "year"
    assert period_kind(["2024M01", "2024M12"]) == "month"
    assert period_kind(["2024Q1"]) == "quarter"
    assert period_kind(["2022-2023"]) == "pooled"
    assert period_kind(["2024", "2024M01"]) is None


def test_jsonstat_in_swedish_with_names(tmp_path):
    doc = json.loads(JSONSTAT_11RE.read_text(encoding="utf-8"))
    doc["extension"]["px"]["language"] = "sv"
    area = doc["dimension"]["alue_23_20260101"]["category"]
    area["index"] = {"049": 0, "091": 1, "092": 2}
    area["label"] = {"049": "Esbo", "091": "Helsingfors", "092": "Vanda"}
    path = tmp_path / "sv.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    batch = import_file(path, kind="jsonstat")
    assert sorted(batch.observations["area_code"]) == ["KU049", "KU091", "KU092"]


def test_unknown_area_names_are_named(tmp_path):
    doc = json.loads(JSONSTAT_11RE.read_text(encoding="utf-8"))
    area = doc["dimension"]["alue_23_20260101"]["category"]
    area["index"] = {"a": 0, "b": 1, "c": 2}
    area["label"] = {"a": "Atlantis", "b": "Lemuria", "c": "Mu"}
    doc["role"]["geo"] = ["alue_23_20260101"]
    path = tmp_path / "nowhere.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(ImportFailed, match=r"nowhere.json, field 'alue_23_20260101': .*codes kasvu does not"):
        import_file(path, kind="jsonstat")


# ---------------------------------------------------------------- kasvu inspect


def test_inspect_shows_the_reading_and_writes_an_editable_mapping(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = make_px(tmp_path / "99zz.px", areas=["KU049", "KU091"], periods=["2023"], language="sv")
    call_command("inspect", str(path))
    out = capsys.readouterr().out
    assert "area" in out and "time (year)" in out and "contents: one indicator each" in out
    assert "statfin:99zz:lkm" in out and "[persons, 0 decimals]" in out
    assert "Import as is: kasvu import px" in out
    written = yaml.safe_load((tmp_path / "99zz.mapping.yaml").read_text(encoding="utf-8"))
    assert written["year"] == {"dimension": "År"}
    assert [i["key"] for i in written["indicators"]] == ["statfin:99zz:lkm", "statfin:99zz:osuus"]
    # The mapping overrides the convention: an edited key and aggregation are what is read.
    written["indicators"] = written["indicators"][1:]
    written["indicators"][0]["key"] = "local:family-share"
    written["indicators"][0]["aggregation"] = "ratio"
    (tmp_path / "edited.yaml").write_text(yaml.safe_dump(written, allow_unicode=True), encoding="utf-8")
    batch = import_file(path, mapping=tmp_path / "edited.yaml")
    assert [(m.key, m.aggregation) for m in batch.indicators] == [("local:family-share", "ratio")]
    with pytest.raises(CommandError, match="exists"):
        call_command("inspect", str(path))


def test_inspect_of_a_table_that_needs_a_choice(tmp_path, capsys, monkeypatch):
    """Time use (akay 001): activity has no total, so the import needs a mapping; inspect writes one."""
    monkeypatch.chdir(tmp_path)
    path = data_path("statfin_px", "statfin_akay_pxt_001.px")
    with pytest.raises(ImportFailed, match=r"dimension 'Toiminto' has 32 values .*kasvu inspect"):
        import_file(path)
    call_command("inspect", str(path))
    out = capsys.readouterr().out
    assert "Without a mapping the import would stop" in out
    mapping = tmp_path / "statfin_akay_pxt_001.mapping.yaml"
    batch = import_file(path, mapping=mapping)
    assert batch.observations.height == 2 * 3 * 4  # two contents × three sexes × four years, activity 01-26


def test_bundled_mapping_uses_the_keys_of_the_table_read_without_a_mapping():
    """One key scheme for 11rc: the bundled mapping's keys are those kasvu infers from the table."""
    bundled = yaml.safe_load(data_path("mappings", "statfin_vaerak_11rc.yaml").read_text(encoding="utf-8"))
    inferred = {spec["key"] for spec in infer(read_px(PX_11RC)).mapping["indicators"]}
    keys = [spec["key"] for spec in bundled["indicators"]]
    assert keys[:2] == ["statfin:11rc:vaesto", "statfin:11rc:vaesto:0-4"]
    assert set(keys) <= inferred
