"""Every published survey indicator has a page that answers with its chart, table and map.

The indicator page used to open on Uusimaa and Finland, which no pupil survey covers; the empty map frame
then crashed the page (HTTP 500, Polars ColumnNotFoundError), for every survey indicator."""

from __future__ import annotations

import re

from kasvu.bank.models import Indicator


def _headings(html: str) -> list[str]:
    return re.findall(r'<h2 id="fig-[a-z]+-h">([^<]*)</h2>', html)


def test_every_survey_indicator_page_renders_chart_table_and_map(published, client):
    keys = list(Indicator.objects.filter(key__startswith="survey-").values_list("key", flat=True))
    assert keys
    for key in keys:
        response = client.get(f"/indicators/{key}/", HTTP_ACCEPT_LANGUAGE="fi")
        assert response.status_code == 200, key
        html = response.content.decode()
        headings = _headings(html)
        assert headings[0] == "Kehitys ajan mittaan", key
        assert any(h.startswith("Kartta") for h in headings) or 'id="no-map"' in html, key
        assert "Ei näytettäviä arvoja" not in html, key  # the page opens on areas that have values


def test_survey_indicator_page_opens_on_the_survey_areas(published, client):
    key = Indicator.objects.filter(key__startswith="survey-").values_list("key", flat=True).first()
    html = client.get(f"/indicators/{key}/", HTTP_ACCEPT_LANGUAGE="fi").content.decode()
    rows = re.findall(r'<th scope="row">([^<]*)</th><td class="num">2024</td>', html)
    assert "Keski-Uudenmaan hyvinvointialue" in rows


def test_survey_attribution_is_in_the_pages_language(published, client):
    """The attribution named the survey in English on Finnish and Swedish pages ("Survey of pupils in
    grades 1–6 2024 (GENERATED demo data, not real)")."""
    key = Indicator.objects.filter(key__startswith="survey-").values_list("key", flat=True).first()
    expected = {
        "fi": "Alaluokkalaisten hyvinvointiselvitys 2024 (GENEROITU demoaineisto, ei todellisia arvoja)",
        "sv": "Enkät om välbefinnande bland elever i årskurs 1–6 2024 (GENERERADE demodata, inte verkliga värden)",
        "en": "Survey of pupils in grades 1–6 2024 (GENERATED demo data, not real)",
    }
    for lang, attribution in expected.items():
        prefix = "" if lang == "fi" else f"/{lang}"
        html = client.get(f"{prefix}/indicators/{key}/").content.decode()
        assert attribution in html, lang
        if lang != "en":
            assert "Survey of pupils" not in html, lang
