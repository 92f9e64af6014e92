"""Report charts say what the reader needs: the map's whole legend title and a "no data" entry, a trend
legend in the lines' own colours (it took the pale interval bands' colour)."""

from kasvu.reports.builders.common import geo_for
from kasvu.reports.document import ChartSpec
from kasvu.reports.figures import svg, vegalite

TITLE = "Lastensuojeluilmoitukset 0–17-vuotiaista, ‰ vastaavanikäisestä väestöstä"
CODES = ["078", "149", "224", "257", "444", "710", "755", "927"]


def test_map_legend_has_the_whole_title_and_no_data_in_the_readers_language(db):
    data = [{"code": c, "label": c, "value": None if c == "444" else float(i)} for i, c in enumerate(CODES)]
    spec = ChartSpec(kind="map", data=data, value_title=TITLE, decimals=1, geo=geo_for(CODES))
    drawn = svg(spec, "fi")
    assert "ei tietoa" in drawn and "vastaavanikäisestä väestöstä" in drawn and "…" not in drawn
    assert "inga uppgifter" in svg(spec, "sv")


def test_trend_legend_shows_the_lines_not_the_bands():
    data = [
        {"year": y, "series": s, "value": 5.0, "lower": 4.0, "upper": 6.0} for y in (2020, 2021) for s in "AB"
    ]
    spec = vegalite(ChartSpec(kind="trend", data=data, value_title="%"), "fi")
    band, line = spec["layer"]
    assert band["mark"]["opacity"] < 1 and line["mark"]["type"] == "line"
    legend = line["encoding"]["color"]["legend"]
    assert legend["symbolOpacity"] == 1 and legend["symbolType"] == "stroke"
