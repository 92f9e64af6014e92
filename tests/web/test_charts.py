"""kasvu.charts: Vega-Lite specs rendered offline to SVG/PNG, numbers in the reader's language."""

from __future__ import annotations

import polars as pl

from kasvu import charts

SERIES = pl.DataFrame(
    {
        "area": ["Lohja"] * 3 + ["Uusimaa"] * 3,
        "year": [2022, 2023, 2024] * 2,
        "value": [1.25, 1.5, 1.75, 1.0, 1.1, 1.2],
        "lower": [1.0, 1.2, 1.4, 0.9, 1.0, 1.1],
        "upper": [1.5, 1.8, 2.1, 1.1, 1.2, 1.3],
    }
)


def test_time_series_svg_uses_decimal_comma_in_finnish_and_point_in_english():
    chart = charts.time_series(SERIES, title="Sijoitetut", unit="%", decimals=1, lang="fi")
    fi = charts.render_svg(chart, "fi")
    en = charts.render_svg(chart, "en")
    assert fi.startswith("<svg") and "1,5" in fi and "Vuosi" in fi
    assert "1.5" in en


def test_png_and_alt_text():
    chart = charts.bar_with_intervals(
        SERIES.filter(pl.col("year") == 2024), title="Bars", highlight=["Lohja"]
    )
    assert charts.render_png(chart, "en", 1.0)[:8] == b"\x89PNG\r\n\x1a\n"
    text = charts.alt_text("bar", SERIES.filter(pl.col("year") == 2024), title="Bars", year=2024, lang="en")
    assert "Highest Lohja (1.8)" in text and "lowest Uusimaa (1.2)" in text
    fi = charts.alt_text("line", SERIES, title="Sijoitetut", unit="%", lang="fi")
    assert "Lohja: 1,2 % vuonna 2022, 1,8 % vuonna 2024" in fi or "Lohja: 1,3 % vuonna 2022" in fi


def test_choropleth_draws_every_municipality():
    codes = [f["properties"]["code"] for f in charts.boundaries()]
    assert len(codes) == 309 and "444" in codes
    frame = pl.DataFrame({"code": codes, "area": codes, "value": [float(i) for i in range(len(codes))]})
    svg = charts.render_svg(charts.choropleth(frame, title="Map"), "sv")
    assert svg.count("<path") > 300


def test_sparkline_svg_breaks_at_missing_values():
    svg = charts.sparkline_svg([(2020, 1.0), (2021, 2.0), (2022, None), (2023, 1.5), (2024, 1.0)], label="x")
    assert svg.count("<polyline") == 2 and 'aria-label="x"' in svg
    assert charts.sparkline_svg([(2020, None)]).endswith("</svg>")


def test_format_number():
    assert charts.format_number(1234.56, 1, "fi") == "1\u00a0234,6"
    assert charts.format_number(1234.56, 1, "en") == "1,234.6"
    assert charts.format_number(None) == ""


def test_render_worker_renders_batches_in_another_process():
    spec = charts.spec_of(charts.sparkline(SERIES.filter(pl.col("area") == "Lohja")))
    with charts.RenderWorker(processes=1, tasks_per_child=1) as worker:
        out = worker.render([charts.RenderJob(spec, "svg", "fi"), charts.RenderJob(spec, "png", "en", 1.0)])
    assert isinstance(out[0], str) and out[0].startswith("<svg")
    assert out[1][:4] == b"\x89PNG"
