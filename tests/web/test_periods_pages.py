"""Monthly values on the indicator page, its data table and downloads, and the API (issue 17).

The table is spec-built: a StatFin-style PX of 11rc's layout with months 2023M01–2024M12 for three
municipalities (tests/importers/test_convention.py, make_px), imported with no mapping.
"""

from __future__ import annotations

import csv
import io

from importers.test_convention import MONTHS

NBSP = "\u00a0"


def test_monthly_indicator_page_shows_months_in_the_pages_language(client, monthly):
    url = "/indicators/statfin:99zz:lkm/?area=municipality:091&period=2024M03"
    html = client.get(url).content.decode()
    # Helsinki, March 2024 (the 15th month): 2000 + 10 × 14 = 2 140, in Finnish notation.
    assert "maaliskuu 2024" in html and f"2{NBSP}140" in html
    assert html.count('<svg role="img"') >= 2  # the series by month, and the bars of that month
    assert 'name="period"' in html and '<option value="2024M03" selected>maaliskuu 2024</option>' in html
    sv = client.get("/sv" + url).content.decode()
    en = client.get("/en" + url).content.decode()
    assert "mars 2024" in sv and "March 2024" in en
    assert "maaliskuu" not in sv and "maaliskuu" not in en


def test_monthly_indicator_download_and_api_have_the_period(client, monthly):
    data = client.get("/en/indicators/statfin:99zz:lkm/data.csv?area=municipality:091&period=2024M03")
    rows = list(csv.DictReader(io.StringIO(data.content.decode("utf-8-sig"))))
    series = [r for r in rows if r["table"] == "series" and r["code"] == "091"]
    assert [r["period"] for r in series] == MONTHS
    bars = [r for r in rows if r["table"] == "bars"]
    assert {r["period"] for r in bars} == {"2024M03"}
    got = client.get(
        "/api/v1/observations?indicator=statfin:99zz:lkm&area=municipality:091&period=2024M03"
    ).json()
    assert [(i["period"], i["period_start"], i["period_end"], i["value"]) for i in got["items"]] == [
        ("2024M03", "2024-03-01", "2024-03-31", 2140.0)
    ]
    whole = client.get(
        "/api/v1/observations?indicator=statfin:99zz:lkm&area=municipality:091&period=2024"
    ).json()
    assert [i["period"] for i in whole["items"]] == MONTHS[12:]
    bad = client.get("/api/v1/observations?indicator=statfin:99zz:lkm&period=2024M13")
    assert bad.status_code == 400 and "2024M13" in bad.json()["error"]["message"]


def test_profile_shows_a_monthly_indicators_latest_month(client, monthly):
    html = client.get("/areas/municipality/091/").content.decode()
    # The latest month, December 2024 (the 24th): Helsinki 2000 + 10 × 23 = 2 230.
    assert "joulukuu 2024" in html and f"2{NBSP}230" in html
    assert "December 2024" in client.get("/en/areas/municipality/091/").content.decode()


def test_compare_page_compares_the_latest_month_with_the_same_month(client, monthly):
    url = "/en/compare/?area=municipality:091&area=municipality:049&indicator=statfin:99zz:lkm"
    html = client.get(url).content.decode()
    # December 2024: Helsinki 2 230 against Espoo 1 230 (its first area), nothing from other months.
    assert "December 2024" in html and "2,230" in html and "1,230" in html
    data = client.get(url + "&format=csv").content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(data)))
    assert sorted(r["value"] for r in rows) == ["1230.0", "2230.0"]


def test_profile_download_and_api_name_the_month(client, monthly):
    data = client.get("/en/areas/municipality/091/?format=csv").content.decode("utf-8-sig")
    rows = [r for r in csv.DictReader(io.StringIO(data)) if r["indicator"] == "statfin:99zz:lkm"]
    assert {(r["year"], r["period"], r["value"]) for r in rows} == {("2024", "2024M12", "2230.0")}
    api = client.get("/api/v1/profiles/municipality:091").json()
    assert {r["period"] for r in api["rows"] if r["indicator"] == "statfin:99zz:lkm"} == {"2024M12"}
