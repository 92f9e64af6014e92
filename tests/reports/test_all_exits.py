"""Every exit shows the same numbers: asked for the same areas, indicators and years, the web profile and its
CSV, the compare page, the indicator page's data download, the API, the open-data bundle and the profile and
regional reports (XLSX) give the same values, hide the same cells and reach the same verdicts.

Satakunta (region 04) has no stored values: every exit shows the value the read model computes from its
municipalities, also in 2016, when Luvia (merged into Eurajoki in 2017) is still a member without values of
its own. The population (statfin:M411) is a count: summed, never tested. One municipality has a value hidden
by the disclosure pattern in one of the years.
"""

from __future__ import annotations

import csv
import io
import zipfile

import openpyxl
import pytest

from kasvu.api.bundle import build_bundle
from kasvu.bank.models import Area, Indicator, Observation
from kasvu.readmodel import area_tree, sync
from kasvu.reports import service
from kasvu.reports.formats import spreadsheet

YEAR = 2025  # the report year: the demo values end in 2024, the population is of 2025
FIRST = YEAR - 9
KEYS = (
    "demo:psychiatric-inpatient",
    "demo:placed-outside-home",
    "demo:child-welfare-notifications",
    "statfin:M411",
)
POPULATION = KEYS[-1]
HIDDEN = "hidden"
#: A verdict seen from the other side ("none": no comparison because a value is missing or hidden).
FLIP = {
    "better": "worse",
    "worse": "better",
    "higher": "lower",
    "lower": "higher",
    "none": "not_testable",
    "": "not_testable",
}
#: The English labels of the reports (kasvu.reports.builders.common.verdict_text) as web assessments.
LABELS = {
    "higher (better)": "better", "lower (better)": "better", "higher (worse)": "worse",
    "lower (worse)": "worse", "higher": "higher", "lower": "lower", "no difference": "no_difference",
    "not testable": "not_testable", "": "not_testable",
}  # fmt: skip


@pytest.fixture
def world(satakunta_data, db):
    """The municipality with a hidden value (the most hidden cells of Satakunta's members), its region."""
    hidden = (
        Observation.objects.filter(
            indicator__key=KEYS[0], breakdown_id=1, year__gte=FIRST, area__kind="municipality",
            area__group_links__group__kind="region", area__group_links__group__code="04",
        ).exclude(suppressed=0)
    )  # fmt: skip
    assert hidden.exists(), "the demo data has small numbers in Satakunta"
    counts: dict[int, int] = {}
    for area_id in hidden.values_list("area_id", flat=True):
        counts[area_id] = counts.get(area_id, 0) + 1
    muni = Area.objects.get(pk=max(counts, key=lambda a: counts[a]))
    sync()
    return {
        "muni": muni,
        "region": Area.objects.get(kind="region", code="04"),
        "country": Area.objects.get(kind="country"),
        # The web profile's default references (region, county, country), which the profile report uses too.
        "refs": [Area.objects.get(pk=i) for i in area_tree().default_references(muni.id, YEAR)],
        "hidden_years": sorted(hidden.filter(area=muni).values_list("year", flat=True)),
    }


def _num(text: str | float | None) -> float | None:
    if text in (None, ""):
        return None
    return round(float(text), 6)


def _csv(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def _series_from_rows(rows, key_of, area_of, year_of, value_of, hidden_of) -> dict:
    out = {}
    for r in rows:
        out[(key_of(r), area_of(r), int(year_of(r)))] = HIDDEN if hidden_of(r) else _num(value_of(r))
    return out


def _within(series: dict, areas: set[str], first: int = FIRST, last: int = YEAR) -> dict:
    return {k: v for k, v in series.items() if k[1] in areas and first <= k[2] <= last}


def _indicator_download(client, w) -> dict:
    out = {}
    for key in KEYS:
        query = f"area={w['muni'].key}&area={w['region'].key}"
        rows = _csv(client.get(f"/en/indicators/{key}/data.csv?{query}").content)
        out.update(
            _series_from_rows(
                [r for r in rows if r["table"] == "series"],
                lambda r, k=key: k,
                lambda r: f"{r['area_kind']}:{r['code']}",
                lambda r: r["year"],
                lambda r: r["value"],
                lambda r: bool(r["suppressed"]),
            )  # fmt: skip
        )
    return out


def _api(client, w) -> dict:
    query = "&".join(f"indicator={k}" for k in KEYS) + f"&area={w['muni'].key}&area={w['region'].key}"
    response = client.get(
        f"/api/v1/observations?{query}&include_groups=true&intervals=true&format=csv&limit=10000"
    )
    assert response.status_code == 200, response.content[:300]
    rows = _csv(response.content)
    return _series_from_rows(
        rows, lambda r: r["indicator"], lambda r: r["area"], lambda r: r["year"], lambda r: r["value"],
        lambda r: r["suppressed"] == "true",
    )  # fmt: skip


def _bundle(w) -> dict:
    inds = list(Indicator.objects.filter(key__in=KEYS))
    data = build_bundle(inds, [w["muni"], w["region"]])
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        rows = _csv(z.read("observations.csv"))
    return _series_from_rows(
        rows, lambda r: r["indicator"], lambda r: r["area"], lambda r: r["year"], lambda r: r["value"],
        lambda r: r["suppressed"] == "true",
    )  # fmt: skip


def _report_sheets(kind: str, target: str) -> tuple[openpyxl.Workbook, object]:
    report = service.build(service.request_for(kind, target, YEAR, "en", indicators=KEYS))
    wb = openpyxl.load_workbook(io.BytesIO(spreadsheet.xlsx_bytes(report)))
    return wb, report


def _sheet_of(wb, title: str, first_header: str):
    for name in wb.sheetnames[1:]:
        ws = wb[name]
        if title in str(ws["A1"].value or "") and ws.cell(3, 1).value == first_header:
            return ws
    raise AssertionError(f"no sheet for {title!r} ({first_header})")


def _cell(v) -> float | str | None:
    if isinstance(v, (int, float)):
        return round(float(v), 6)
    if v in ("–", "-"):
        return HIDDEN
    return None if v in (None, "") else v


def _profile_report(w) -> tuple[dict, dict]:
    """(series of the area and its references by year, verdicts (key, reference) → assessment)."""
    wb, _ = _report_sheets("profile", w["muni"].key)
    series, verdicts = {}, {}
    areas = [w["muni"], w["region"], w["country"]]
    for key in KEYS:
        ind = Indicator.objects.get(key=key)
        ws = _sheet_of(wb, ind.title_en, "Year")
        header = [ws.cell(3, c).value for c in range(1, ws.max_column + 1)]
        for r in range(4, ws.max_row + 1):
            year = ws.cell(r, 1).value
            if not (isinstance(year, str) and year.isdigit()):
                if isinstance(year, str) and year.startswith("vs "):
                    for part in year.split("; ")[: len(w["refs"])]:
                        head, _, label = part.partition(": ")
                        verdicts[(key, head.removeprefix("vs "))] = LABELS[label]
                continue
            for a in areas:
                if a.name("en") in header:
                    value = _cell(ws.cell(r, header.index(a.name("en")) + 1).value)
                    if value is not None and not isinstance(value, str) or value == HIDDEN:
                        series[(key, a.key, int(year))] = value
    return series, verdicts


def _regional_report(w) -> dict:
    """The latest year's table of each indicator: (key, area, year) → value or hidden."""
    wb, report = _report_sheets("regional", w["region"].key)
    out = {}
    latest = {}
    for key in KEYS:
        ind = Indicator.objects.get(key=key)
        ws = _sheet_of(wb, ind.title_en, "Area")
        year = int(str(ws["A1"].value).rsplit(" ", 1)[-1]) if str(ws["A1"].value)[-4:].isdigit() else None
        latest[key] = year
        for r in range(4, ws.max_row + 1):
            name = ws.cell(r, 1).value
            for a in (w["muni"], w["region"]):
                if name == a.name("en"):
                    out[(key, a.key, year)] = _cell(ws.cell(r, 2).value)
    return out


def _profile_csv(client, w) -> tuple[dict, dict]:
    refs = "&".join(f"ref={r.key}" for r in w["refs"])
    inds = "&".join(f"indicator={k}" for k in KEYS)
    rows = _csv(client.get(f"/en/areas/{w['muni'].kind}/{w['muni'].code}/?{refs}&{inds}&format=csv").content)
    values, verdicts = {}, {}
    for r in rows:
        values[(r["indicator"], w["muni"].key, int(r["year"]))] = (
            HIDDEN if r["suppressed"] else _num(r["value"])
        )
        if r["reference"] == w["region"].name("en"):
            hidden = bool(r["reference_suppressed"])
            values[(r["indicator"], w["region"].key, int(r["year"]))] = (
                HIDDEN if hidden else _num(r["reference_value"])
            )
        if r["reference"]:
            verdicts[(r["indicator"], r["reference"])] = r["comparison"]
    return values, verdicts


def _compare_csv(client, w) -> tuple[dict, dict]:
    areas = "&".join(f"area={a.key}" for a in (w["muni"], *w["refs"]))
    inds = "&".join(f"indicator={k}" for k in KEYS)
    rows = _csv(client.get(f"/en/compare/?{areas}&{inds}&format=csv").content)
    values, verdicts = {}, {}
    codes = {a.key: a for a in (w["muni"], *w["refs"])}
    for r in rows:
        a = next(x for k, x in codes.items() if x.code == r["area_code"] and x.name("en") == r["area"])
        if a in (w["muni"], w["region"]):
            values[(r["indicator"], a.key, int(r["year"]))] = HIDDEN if r["suppressed"] else _num(r["value"])
        if a != w["muni"]:  # the compare page judges each area against the first: turn it round
            verdicts[(r["indicator"], a.name("en"))] = FLIP.get(r["comparison"], r["comparison"])
    return values, verdicts


def test_every_exit_shows_the_same_values_hidden_cells_and_verdicts(client, world):
    w = world
    pair = {w["muni"].key, w["region"].key}
    download_all = _indicator_download(client, w)
    download = _within(download_all, pair)
    api = _within(_api(client, w), pair)
    bundle = _within(_bundle(w), pair)
    report_series, report_verdicts = _profile_report(w)
    report_series = _within(report_series, pair)

    # The series: the indicator page's download is the reference every other exit must match.
    assert download, "the indicator page shows values"
    assert api == download
    assert bundle == download
    assert {k: v for k, v in report_series.items() if k in download} == {
        k: v for k, v in download.items() if k in report_series
    }
    assert set(report_series) >= {k for k, v in download.items() if v is not None}

    # The hidden cell is hidden everywhere, the merger year has a region value, the count is a sum.
    for year in w["hidden_years"]:
        assert download[(KEYS[0], w["muni"].key, year)] == HIDDEN
        assert report_series[(KEYS[0], w["muni"].key, year)] == HIDDEN
    checked = 0
    for key, year in [(k, y) for k in KEYS[:-1] for y in (2015, 2016)]:
        scale = Indicator.objects.get(key=key).scale
        region_value = download_all[(key, w["region"].key, year)]
        if region_value == HIDDEN:  # withheld: a member's cell is hidden that year
            continue
        members = Observation.objects.filter(
            indicator__key=key, year=year, breakdown_id=1, area__kind="municipality",
            area__group_links__group=w["region"],
        ).distinct()  # fmt: skip
        assert not members.filter(area__code="442").exists(), "Luvia (merged 2017) has no values of its own"
        x, n = sum(o.numerator for o in members), sum(o.denominator for o in members)
        assert region_value == pytest.approx(x / n * scale, abs=1e-6)
        checked += 1
    assert checked, "a region value of a merger year is shown"
    pop_members = Observation.objects.filter(
        indicator__key=POPULATION, year=YEAR, area__group_links__group=w["region"], area__kind="municipality"
    ).distinct()
    assert download[(POPULATION, w["region"].key, YEAR)] == pytest.approx(sum(o.value for o in pop_members))

    # The latest year: profile CSV, compare page and the regional report show the same as the series.
    profile_values, profile_verdicts = _profile_csv(client, w)
    compare_values, compare_verdicts = _compare_csv(client, w)
    regional = _regional_report(w)
    for exit_values in (profile_values, compare_values, regional):
        assert exit_values
        for k, v in exit_values.items():
            assert download[k] == v, k

    # The verdicts: the profile page, its report and the compare page ask the same family of tests.
    assert profile_verdicts == compare_verdicts
    assert {k: v for k, v in report_verdicts.items() if k in profile_verdicts} == profile_verdicts
    assert profile_verdicts[(POPULATION, w["region"].name("en"))] == "not_testable"  # counts are not tested
