"""Charts and maps of a report, drawn as SVG (HTML, PDF) and PNG (DOCX).

:func:`render_figures` is the one entry point. The Vega-Lite specs are this module's own (bars with
intervals and reference lines, trends with interval bands, choropleths of a group's municipalities);
they are rendered by :func:`kasvu.charts.render_svg` (the web app's renderer: same fonts and number
locale) when that module is installed, otherwise by ``vl-convert`` directly (no browser, no network:
``allowed_base_urls=[]``).
Pure: no Django, so it runs in worker processes.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable
from typing import Any

from kasvu.reports.document import ChartSpec, Figure

LOCALES = {"fi": "fi-FI", "sv": "sv-SE", "en": "en-US"}
WIDTH = 520
FONT = "DejaVu Sans, Arial, sans-serif"
BLUE, ORANGE, GREY = "#1f5d99", "#d9822b", "#9aa5b1"


def _number_format(decimals: int) -> str:
    return f",.{max(0, decimals)}f"


NO_DATA = {"fi": "ei tietoa", "sv": "inga uppgifter", "en": "no data"}


def _lines(text: str, width: int = 30) -> list[str] | str:
    """A long legend title as lines (Vega cuts a one-line title at 180 px: the map's title was truncated)."""
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return lines if len(lines) > 1 else text


def vegalite(spec: ChartSpec, lang: str = "fi") -> dict[str, Any]:
    """The Vega-Lite specification of ``spec``."""
    config = {"font": FONT, "view": {"stroke": None}, "axis": {"labelFontSize": 11, "titleFontSize": 11}}
    base: dict[str, Any] = {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "config": config,
        "width": WIDTH,
        "background": "white",
    }
    fmt = _number_format(spec.decimals)
    if spec.kind == "bars":
        rows = [r for r in spec.data if r.get("value") is not None]
        order = [r["label"] for r in sorted(rows, key=lambda r: -r["value"])]
        order += [r["label"] for r in spec.data if r.get("value") is None]
        y = {"field": "label", "type": "nominal", "sort": order, "title": None}
        color = {
            "condition": {"test": f"datum.label === {spec.highlight!r}", "value": ORANGE}
            if spec.highlight
            else {"test": "false", "value": ORANGE},
            "value": BLUE,
        }
        layers: list[dict[str, Any]] = [
            {
                "mark": {"type": "bar", "height": {"band": 0.7}},
                "encoding": {
                    "y": y,
                    "x": {
                        "field": "value",
                        "type": "quantitative",
                        "title": spec.value_title,
                        "axis": {"format": fmt},
                    },
                    "color": color,
                },
            },
            {
                "mark": {"type": "rule", "color": "#222"},
                "encoding": {
                    "y": y,
                    "x": {"field": "lower", "type": "quantitative"},
                    "x2": {"field": "upper"},
                },
            },
        ]
        for i, (label, value) in enumerate(spec.references):
            dash = [6, 3] if i == 0 else [2, 2]
            layers.append(
                {
                    "data": {"values": [{"ref": label, "v": value}]},
                    "mark": {"type": "rule", "strokeDash": dash, "color": "#444", "strokeWidth": 1.5},
                    "encoding": {"x": {"field": "v", "type": "quantitative"}},
                }
            )
            layers.append(
                {
                    "data": {"values": [{"ref": label, "v": value}]},
                    "mark": {
                        "type": "text",
                        "align": "left",
                        "dx": 3,
                        "dy": -4 - 12 * i,
                        "fontSize": 10,
                        "baseline": "bottom",
                        "y": 0,
                    },
                    "encoding": {"x": {"field": "v", "type": "quantitative"}, "text": {"field": "ref"}},
                }
            )
        return {
            **base,
            "height": max(120, 18 * len(spec.data)),
            "data": {"values": spec.data},
            "layer": layers,
        }
    if spec.kind == "trend":
        enc_x = {"field": "year", "type": "ordinal", "title": None, "axis": {"labelAngle": 0}}
        # the legend draws lines at full strength: it took the pale interval bands' colour before
        legend = {"orient": "bottom", "symbolType": "stroke", "symbolOpacity": 1, "symbolStrokeWidth": 3}
        colour = {"field": "series", "type": "nominal", "title": None, "legend": legend}
        return {
            **base,
            "height": 220,
            "data": {"values": spec.data},
            "layer": [
                {
                    "mark": {"type": "area", "opacity": 0.15},
                    "encoding": {
                        "x": enc_x,
                        "y": {"field": "lower", "type": "quantitative"},
                        "y2": {"field": "upper"},
                        "color": colour,
                    },
                },
                {
                    "mark": {"type": "line", "point": True},
                    "encoding": {
                        "x": enc_x,
                        "y": {
                            "field": "value",
                            "type": "quantitative",
                            "title": spec.value_title,
                            "axis": {"format": fmt},
                            "scale": {"zero": False},
                        },
                        "color": colour,
                    },
                },
            ],
        }
    if spec.kind == "map":
        by_code = {r["code"]: r for r in spec.data}
        features = []
        for feat in (spec.geo or {}).get("features", []):
            code = str(feat.get("properties", {}).get("NATCODE", "")).zfill(3)
            if code in by_code:
                row = by_code[code]
                features.append(
                    {**feat, "properties": {"code": code, "label": row["label"], "value": row.get("value")}}
                )
        return {
            **base,
            "width": 420,
            "height": 420,
            "data": {
                "values": {"type": "FeatureCollection", "features": features},
                "format": {"type": "json", "property": "features"},
            },
            "projection": {"type": "mercator"},
            "layer": [
                {
                    "mark": {"type": "geoshape", "stroke": "white", "strokeWidth": 0.8},
                    "encoding": {  # areas without a value, named in a legend of their own
                        "fill": {
                            "datum": NO_DATA.get(lang, NO_DATA["en"]),
                            "type": "nominal",
                            "scale": {"range": ["#d9d9d9"]},
                            "legend": {"title": None, "orient": "right", "symbolType": "square"},
                        },
                    },
                },
                {
                    "transform": [{"filter": "isValid(datum.properties.value)"}],
                    "mark": {"type": "geoshape", "stroke": "white", "strokeWidth": 0.8},
                    "encoding": {
                        "color": {
                            "field": "properties.value",
                            "type": "quantitative",
                            "title": _lines(spec.value_title),
                            "scale": {"scheme": "blues"},
                            "legend": {"format": fmt, "orient": "right", "titleLimit": 0},
                        },
                    },
                },
                {
                    "mark": {"type": "text", "fontSize": 9, "color": "#111"},
                    "encoding": {
                        "longitude": {"field": "lon", "type": "quantitative"},
                        "latitude": {"field": "lat", "type": "quantitative"},
                        "text": {"field": "properties.label"},
                    },
                    "transform": [
                        {"calculate": "geoCentroid(null, datum)[0]", "as": "lon"},
                        {"calculate": "geoCentroid(null, datum)[1]", "as": "lat"},
                    ],
                },
            ],
        }
    raise ValueError(f"Unknown chart kind {spec.kind!r}; use bars, trend or map.")


def _external_renderer() -> Any | None:
    """kasvu.charts when it is installed and offers ``render_svg(spec_dict, lang)``."""
    if importlib.util.find_spec("kasvu.charts") is None:
        return None
    import kasvu.charts as charts

    return charts if hasattr(charts, "render_svg") else None


def svg(spec: ChartSpec, lang: str = "fi") -> str:
    vl = vegalite(spec, lang)
    external = _external_renderer()
    if external is not None:
        return str(external.render_svg(vl, lang))
    import vl_convert

    return str(vl_convert.vegalite_to_svg(vl, format_locale=LOCALES.get(lang, "en-US"), allowed_base_urls=[]))


def png(svg_text: str, scale: float = 2.0) -> bytes:
    import vl_convert

    return bytes(vl_convert.svg_to_png(svg_text, scale=scale))


def render_figures(figures: Iterable[Figure], lang: str, *, need_png: bool = True) -> None:
    """Fill in ``svg`` (and ``png``) of every figure that does not have them yet."""
    for fig in figures:
        if fig.svg is None:
            fig.svg = svg(fig.chart, lang)
        if need_png and fig.png is None:
            fig.png = png(fig.svg)
