"""Every page in Finnish, Swedish and English; downloads are exactly what the page shows."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from kasvu.accounts.models import Profile, Role

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/areas/",
    "/areas/municipality/444/",
    "/areas/group/west-uusimaa/",
    "/areas/region/01/",
    "/indicators/",
    "/indicators/demo:placed-outside-home/?area=municipality:444&area=region:01",
    "/compare/?area=municipality:444&area=municipality:927",
    "/compare/?mode=peers&base=municipality:444&bg=statfin:M411",
    "/search/?q=lohja",
]


@pytest.mark.parametrize("prefix", ["", "/sv", "/en"])
@pytest.mark.parametrize("path", PAGES)
def test_pages_answer_in_every_language(client, demo_data, prefix, path):
    response = client.get(prefix + path)
    assert response.status_code == 200
    html = response.content.decode()
    lang = prefix.strip("/") or "fi"
    assert f'<html lang="{lang}">' in html
    assert 'href="#main"' in html  # skip link


def test_profile_is_translated(client, demo_data):
    fi = client.get("/areas/municipality/444/").content.decode()
    sv = client.get("/sv/areas/municipality/444/").content.decode()
    en = client.get("/en/areas/municipality/444/").content.decode()
    assert "Vertailualueet" in fi and "Jämförelseområden" in sv and "Reference areas" in en
    assert "Oikeus terveyteen" in fi and "Rätt till hälsa" in sv and "Health" in en


def test_profile_shows_suppressed_values_with_reason_to_the_public(client, demo_data):
    html = client.get("/en/areas/municipality/755/").content.decode()
    assert "suppressed" in html and "fewer than 5 persons" in html
    assert "generated demo data" in html
    assert "internal" not in html.split("<main", 1)[1].split("Sources")[0].lower().replace(
        "internal view", ""
    )


def test_internal_users_see_unsuppressed_values_marked(client, demo_data):
    user = get_user_model().objects.create_user("analyst", password="a-long-test-password-1")
    Profile.objects.create(user=user, role=Role.ANALYST)
    client.force_login(user)
    html = client.get("/en/areas/municipality/755/").content.decode()
    assert "Internal view" in html and 'class="badge internal"' in html


def test_profile_csv_is_what_the_page_shows(client, demo_data):
    response = client.get("/en/areas/municipality/444/?format=csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    placed = [r for r in rows if r["indicator"] == "demo:placed-outside-home"]
    assert {r["reference"] for r in placed} == {
        "Uusimaa",
        "Western Uusimaa wellbeing services county",
        "Finland",
    } or len(placed) == 3
    assert all(r["generated_demo_data"] == "true" for r in placed)
    html = client.get("/en/areas/municipality/444/").content.decode()
    value = placed[0]["value"]
    assert value.replace(".", ".") in html or value.rstrip("0").rstrip(".") in html


def test_profile_xlsx_has_a_metadata_sheet(client, demo_data):
    from openpyxl import load_workbook

    response = client.get("/areas/municipality/444/?format=xlsx")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["data", "metadata"]
    meta = {r[0].value: r[1].value for r in book["metadata"].iter_rows() if r[0].value}
    assert "Lohja" in meta["what"]
    assert "Lähde: THL, Sotkanet.fi" in meta["sources"]  # in the language of the page (was "Source: THL")


def test_indicator_page_has_charts_tables_and_attribution(client, demo_data):
    html = client.get(
        "/en/indicators/demo:placed-outside-home/?area=municipality:444&area=region:01"
    ).content.decode()
    assert html.count('<svg role="img"') == 3  # series, bars, map
    assert html.count("<table") >= 3 and 'scope="col"' in html and "<caption>" in html
    assert "generated demo data" in html
    assert "Generated demo data (kasvu), not real" in html  # the indicator's attribution


def test_indicator_csv_and_chart_downloads(client, demo_data):
    url = "/en/indicators/demo:placed-outside-home/"
    q = "?area=municipality:444&area=region:01&year=2024"
    data = client.get(url + "data.csv" + q)
    rows = list(csv.DictReader(io.StringIO(data.content.decode("utf-8-sig"))))
    series = [r for r in rows if r["table"] == "series" and r["area"] == "Lohja"]
    assert [int(r["year"]) for r in series] == list(range(2015, 2025))
    bars = [r for r in rows if r["table"] == "bars"]
    assert {r["year"] for r in bars} == {"2024"} and len(bars) >= 20
    assert all(r["generated_demo_data"] == "true" for r in rows)
    svg = client.get(url + "series.svg" + q)
    assert svg["Content-Type"] == "image/svg+xml" and svg.content.startswith(b"<svg")
    png = client.get(url + "map.png" + q)
    assert png.content[:8] == b"\x89PNG\r\n\x1a\n"
    xlsx = client.get(url + "data.xlsx" + q)
    assert xlsx.content[:2] == b"PK"


def test_real_indicator_shows_thl_attribution(client, demo_data):
    html = client.get("/indicators/sotkanet:127/?area=region:01").content.decode()
    assert "Lähde: THL, Sotkanet.fi" in html  # the attribution in the page's language
    assert (
        "Source: THL, Sotkanet.fi"
        in client.get("/en/indicators/sotkanet:127/?area=region:01").content.decode()
    )


def test_compare_and_peers(client, demo_data):
    html = client.get("/en/compare/?area=municipality:444&area=municipality:927").content.decode()
    assert "Lohja" in html and "Vihti" in html and "demo:placed-outside-home" in html
    peers = client.get("/en/compare/?mode=peers&base=municipality:444&bg=statfin:M411&k=3").content.decode()
    assert "Municipalities most similar to Lohja" in peers
    data = client.get("/en/compare/?area=municipality:444&area=municipality:927&format=csv")
    assert b"demo:placed-outside-home" in data.content


def test_search_in_three_languages(client, demo_data):
    assert "Lohja" in client.get("/search/?q=Lojo").content.decode()
    assert "Helsingfors" in client.get("/sv/search/?q=Helsingfors").content.decode()
    found = client.get("/en/search/?q=placed outside").content.decode()
    assert "demo:placed-outside-home" in found


def test_nav_links_and_static_files():
    client = Client()
    html = client.get("/").content.decode()
    for url in ("/areas/", "/indicators/", "/compare/", "/plans/", "/bank/"):
        assert f'href="{url}"' in html
    css = client.get("/static/kasvu/kasvu.css")
    assert css.status_code == 200  # WhiteNoise serves it without collectstatic (WHITENOISE_USE_FINDERS)
    assert b"--accent" in b"".join(css.streaming_content) if css.streaming else b"--accent" in css.content


@pytest.mark.parametrize(
    ("role", "shown"),
    [(None, False), (Role.REGIONAL_ADMIN, True), (Role.ANALYST, True), (Role.MUNICIPAL_EDITOR, True)],
)
def test_data_collection_is_in_the_navigation_of_those_who_use_it(role, shown):
    """Staff reached /collection/ only from the home page; anonymous visitors get no link to it."""
    client = Client()
    if role is not None:
        user = get_user_model().objects.create_user(f"u-{role}", password="a-long-test-password-1")
        Profile.objects.create(user=user, role=role)
        client.force_login(user)
    for prefix, label in (("", "Tiedonkeruu"), ("/sv", "Datainsamling"), ("/en", "Data collection")):
        nav = client.get(f"{prefix}/").content.decode().split('<nav class="main"', 1)[1].split("</nav>")[0]
        assert (f'href="{prefix}/collection/">{label}</a>' in nav) is shown, (role, prefix)
