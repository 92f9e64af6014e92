"""The legend of a web chart shows each series in the colour of its line and points.

The time-series legend took its symbols from the confidence band's layer: the right hue at opacity 0.18,
so that on white each entry was a pale tint that matched no line ("legend colours do not match lines").
Checked on the Vega-Lite spec, on the SVG kasvu renders, and in Chromium on the indicator page."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import polars as pl
import pytest

from kasvu import charts

from .test_every_page import CHROMIUM_ARGS, site  # noqa: F401  (fixture)

SVG = "{http://www.w3.org/2000/svg}"
SERIES = pl.DataFrame(
    {
        "area": ["Vihti"] * 3 + ["Lohja"] * 3 + ["Uusimaa"] * 3,
        "year": [2022, 2023, 2024] * 3,
        "value": [1.25, 1.5, 1.75, 1.0, 1.1, 1.2, 2.0, 2.1, 2.2],
        "lower": [1.0, 1.2, 1.4, 0.9, 1.0, 1.1, 1.8, 1.9, 2.0],
        "upper": [1.5, 1.8, 2.1, 1.1, 1.2, 1.3, 2.2, 2.3, 2.4],
    }
)


def _groups(root: ET.Element, role: str) -> list[ET.Element]:
    return [g for g in root.iter(f"{SVG}g") if role in (g.get("class") or "").split()]


def legend_and_lines(svg: str) -> tuple[dict[str, tuple[str, str, float]], dict[str, str]]:
    """Legend entries as label → (fill, stroke, opacity) of the symbol; lines as series → stroke."""
    root = ET.fromstring(svg)
    legend = {}
    for entry in _groups(root, "role-legend-entry"):
        for symbol_group, label_group in zip(
            _groups(entry, "role-legend-symbol"), _groups(entry, "role-legend-label"), strict=True
        ):
            for path, text in zip(symbol_group, label_group, strict=True):
                legend[text.text or ""] = (
                    path.get("fill"),
                    path.get("stroke"),
                    float(path.get("opacity", 1)),
                )
    lines = {}
    for group in root.iter(f"{SVG}g"):
        if "mark-line" in (group.get("class") or "").split():
            for path in group:
                series = path.get("aria-label", "").rsplit("Alue: ", 1)[-1]
                lines[series] = path.get("stroke")
    return legend, lines


def test_time_series_spec_colours_every_layer_by_one_scale_and_draws_legend_symbols_opaque():
    spec = charts.spec_of(charts.time_series(SERIES, title="Sijoitetut", lang="fi"))
    colours = [layer["encoding"]["color"] for layer in spec["layer"]]
    assert {c["field"] for c in colours} == {"area"}
    assert {tuple(c["scale"]["range"]) for c in colours} == {tuple(charts.PALETTE[:3])}
    assert colours[0]["scale"]["domain"] == ["Vihti", "Lohja", "Uusimaa"]
    assert spec["config"]["legend"]["symbolOpacity"] == 1


def test_rendered_legend_symbol_has_the_colour_of_its_line():
    legend, lines = legend_and_lines(charts.render_svg(charts.time_series(SERIES, lang="fi"), "fi"))
    assert set(legend) == set(lines) == {"Vihti", "Lohja", "Uusimaa"}
    for series, (fill, stroke, opacity) in legend.items():
        assert (fill, stroke, opacity) == (lines[series], lines[series], 1.0), series
    assert len(set(lines.values())) == 3


#: Legend symbols and lines of the page's trend chart as the browser paints them (computed style).
PAINTED = """() => {
  const svg = document.querySelector('svg.chart-svg');
  const paint = (e, what) => getComputedStyle(e)[what];
  const symbols = [...svg.querySelectorAll('g.role-legend-symbol path')];
  const labels = [...svg.querySelectorAll('g.role-legend-label text')].map(t => t.textContent);
  const lines = [...svg.querySelectorAll('g.mark-line path')];
  return {labels,
          symbols: symbols.map(p => [paint(p, 'fill'), paint(p, 'stroke'), parseFloat(paint(p, 'opacity'))]),
          lines: lines.map(p => paint(p, 'stroke'))};
}"""


@pytest.mark.browser
def test_indicator_page_legend_matches_its_lines_in_chromium(site):  # noqa: F811
    from django.db import connections
    from playwright.sync_api import sync_playwright

    base, _ids = site
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            tab = browser.new_page(viewport={"width": 1366, "height": 900})
            tab.goto(f"{base}/indicators/demo:placed-outside-home/?area=municipality:444&area=region:01")
            painted = tab.evaluate(PAINTED)
        finally:
            browser.close()
            connections.close_all()
    assert len(painted["labels"]) == len(painted["lines"]) >= 2, painted
    # Lines are drawn in the order of the legend (the colour scale's domain; names checked above).
    for label, (fill, stroke, opacity), line in zip(
        painted["labels"], painted["symbols"], painted["lines"], strict=True
    ):
        assert (fill, stroke, opacity) == (line, line, 1.0), label
