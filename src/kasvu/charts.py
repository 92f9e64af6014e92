"""Charts: Vega-Lite specifications built with Altair, rendered to SVG or PNG on the server.

Every chart here is readable without JavaScript: pages embed the SVG, and beside each chart goes a data
table with the same numbers (see ``docs/web.md``). Colours come from the Okabe–Ito palette, which stays
distinguishable with the common colour-vision deficiencies, and nothing is told by colour alone: lines
have point markers and labels, bands have text.

Public API (also used by the report builder):

``time_series(frame, ...)``, ``bar_with_intervals(frame, ...)``, ``choropleth(frame, ...)``,
``sparkline(frame, ...)`` build an :class:`altair.Chart`; ``render_svg(chart, lang)`` and
``render_png(chart, lang, scale)`` render it with vl-convert (offline, numbers in the language's format);
``alt_text(...)`` describes a chart in words; ``sparkline_svg(...)`` draws a tiny inline SVG directly in
Python, fast enough for a hundred per page; :class:`RenderWorker` renders batches in worker processes that
are replaced now and then, because vl-convert's memory grows with use.

No Django here: frames in, charts and strings out.
"""

from __future__ import annotations

import json
import math
import multiprocessing
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from pathlib import Path
from typing import Any, Literal

import altair as alt
import polars as pl

Lang = Literal["fi", "sv", "en"]
Format = Literal["svg", "png"]

#: Okabe & Ito (2008): distinguishable with protanopia, deuteranopia and tritanopia.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000", "#F0E442"]
#: Sequential scheme for maps: viridis is perceptually uniform and colour-blind safe.
MAP_SCHEME = "viridis"
FORMAT_LOCALES = {"fi": "fi-FI", "sv": "sv-SE", "en": "en-US"}
TIME_LOCALES = {"fi": "fi-FI", "sv": "sv-SE", "en": "en-US"}
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
GEO_DIR = Path(__file__).resolve().parent / "data" / "geo"

_WORDS: dict[str, dict[str, str]] = {
    "year": {"fi": "Vuosi", "sv": "År", "en": "Year"},
    "area": {"fi": "Alue", "sv": "Område", "en": "Area"},
    "value": {"fi": "Arvo", "sv": "Värde", "en": "Value"},
    "lower": {"fi": "Alaraja", "sv": "Nedre gräns", "en": "Lower limit"},
    "upper": {"fi": "Yläraja", "sv": "Övre gräns", "en": "Upper limit"},
    "no_data": {"fi": "ei tietoa", "sv": "uppgift saknas", "en": "no data"},
    "line": {
        "fi": "Viivakaavio: {title}, {areas}, {first}–{last}.",
        "sv": "Linjediagram: {title}, {areas}, {first}–{last}.",
        "en": "Line chart: {title}, {areas}, {first}–{last}.",
    },
    "line_area": {
        "fi": "{area}: {start} vuonna {first}, {end} vuonna {last}.",
        "sv": "{area}: {start} år {first}, {end} år {last}.",
        "en": "{area}: {start} in {first}, {end} in {last}.",
    },
    "bar": {
        "fi": "Pylväskaavio: {title}, {n} aluetta, {year}. Suurin {max_area} ({max}), pienin {min_area} ({min}).",
        "sv": "Stapeldiagram: {title}, {n} områden, {year}. Högst {max_area} ({max}), lägst {min_area} ({min}).",
        "en": "Bar chart: {title}, {n} areas, {year}. Highest {max_area} ({max}), lowest {min_area} ({min}).",
    },
    "map": {
        "fi": "Kartta: {title}, {n} aluetta, {year}. Arvot {min}–{max}. Samat luvut ovat taulukossa.",
        "sv": "Karta: {title}, {n} områden, {year}. Värden {min}–{max}. Samma siffror finns i tabellen.",
        "en": "Map: {title}, {n} areas, {year}. Values {min} to {max}. The same numbers are in the table.",
    },
    "interval_note": {
        "fi": "Varjostus: 95 %:n luottamusväli.",
        "sv": "Skuggning: 95 % konfidensintervall.",
        "en": "Shading: 95 % confidence interval.",
    },
    "empty": {
        "fi": "Ei tietoja kaaviota varten.",
        "sv": "Inga uppgifter för diagrammet.",
        "en": "No data for the chart.",
    },
}


def word(key: str, lang: str) -> str:
    texts = _WORDS[key]
    return texts.get(lang, texts["en"])


# ---------------------------------------------------------------------------
# Numbers


def format_number(value: float | None, decimals: int = 1, lang: str = "fi") -> str:
    """``1234.5`` as ``1 234,5`` (fi, sv, with a no-break space) or ``1,234.5`` (en); '' for None/NaN."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = f"{value:,.{max(0, decimals)}f}"
    if lang in ("fi", "sv"):
        text = text.replace(",", "\u00a0").replace(".", ",")
        text = text.replace("-", "\u2212")
    return text


def _d3_format(decimals: int) -> str:
    return f",.{max(0, decimals)}f"


# ---------------------------------------------------------------------------
# Chart builders


def _base_config(chart: alt.TopLevelMixin) -> Any:
    return (
        chart.configure(font=FONT, background="white")
        .configure_axis(
            labelFontSize=11,
            titleFontSize=12,
            labelColor="#1a1a1a",
            titleColor="#1a1a1a",
            gridColor="#e4e4e4",
            domainColor="#767676",
            tickColor="#767676",
        )
        # symbolOpacity: a legend symbol is drawn in its series' full colour; it took the confidence band's
        # opacity (0.18) and matched no line.
        .configure_legend(
            labelFontSize=11, titleFontSize=12, orient="bottom", labelLimit=260, symbolOpacity=1
        )
        .configure_title(fontSize=14, anchor="start", color="#1a1a1a")
        .configure_view(stroke=None)
    )


def _title(text: str, width: int) -> alt.TitleParams:
    """A title wrapped to the chart's width (Vega does not wrap titles; long ones would be clipped)."""
    import textwrap

    chars = max(20, int(width / 7.5))
    return alt.TitleParams(textwrap.wrap(text, chars) or [""], anchor="start")


def _values(frame: pl.DataFrame, columns: Sequence[str]) -> list[dict[str, Any]]:
    """Rows as plain dicts with NaN as None: vl-convert gets inline JSON, never a file or URL."""
    out = frame.select([c for c in columns if c in frame.columns]).fill_nan(None)
    return out.to_dicts()


def time_series(
    frame: pl.DataFrame,
    *,
    title: str = "",
    unit: str = "",
    decimals: int = 1,
    lang: str = "fi",
    x: str = "year",
    y: str = "value",
    series: str = "area",
    lower: str | None = "lower",
    upper: str | None = "upper",
    width: int = 560,
    height: int = 280,
    x_title: str | None = None,
) -> alt.Chart:
    """Lines with point markers per ``series`` over ``x``; a shaded band from ``lower`` to ``upper``.

    ``frame`` has one row per series and year. Series get colours and distinct point shapes, so that the
    lines can be told apart without colour.
    """
    cols = [x, y, series] + [c for c in (lower, upper) if c]
    data = alt.Data(values=_values(frame, cols))
    domain = list(dict.fromkeys(frame[series].to_list())) if frame.height else []
    colour = alt.Color(
        f"{series}:N",
        title=word("area", lang),
        scale=alt.Scale(domain=domain, range=PALETTE[: max(1, len(domain))]),
    )
    shape = alt.Shape(f"{series}:N", title=word("area", lang), scale=alt.Scale(domain=domain))
    fmt = _d3_format(decimals)
    # An Enum ``x`` (periods labelled "maaliskuu 2024") keeps its order on the axis: by time, not by name.
    dtype = frame.schema.get(x)
    order = list(dtype.categories) if isinstance(dtype, pl.Enum) else None
    x_enc = alt.X(
        f"{x}:O",
        title=x_title or word("year", lang),
        sort=order if order is not None else "ascending",
        axis=alt.Axis(labelAngle=0 if order is None else -45, labelOverlap=True),
    )
    y_title = f"{word('value', lang)} ({unit})" if unit else word("value", lang)
    y_enc = alt.Y(f"{y}:Q", title=y_title, axis=alt.Axis(format=fmt), scale=alt.Scale(zero=False))
    tooltip = [alt.Tooltip(f"{series}:N"), alt.Tooltip(f"{x}:O"), alt.Tooltip(f"{y}:Q", format=fmt)]
    base = alt.Chart(data)
    layers: list[Any] = []
    if lower and upper and lower in frame.columns and upper in frame.columns:
        layers.append(
            base.mark_area(opacity=0.18).encode(
                x=x_enc, y=alt.Y(f"{lower}:Q"), y2=alt.Y2(f"{upper}:Q"), color=colour
            )
        )
    layers.append(base.mark_line(strokeWidth=2).encode(x=x_enc, y=y_enc, color=colour))
    layers.append(
        base.mark_point(filled=True, size=45).encode(
            x=x_enc, y=y_enc, color=colour, shape=shape, tooltip=tooltip
        )
    )
    chart = alt.layer(*layers).properties(width=width, height=height)
    if title:
        chart = chart.properties(title=_title(title, width))
    return _base_config(chart)


def bar_with_intervals(
    frame: pl.DataFrame,
    *,
    title: str = "",
    unit: str = "",
    decimals: int = 1,
    lang: str = "fi",
    category: str = "area",
    value: str = "value",
    lower: str | None = "lower",
    upper: str | None = "upper",
    highlight: Iterable[str] = (),
    width: int = 520,
    bar_height: int = 16,
) -> alt.Chart:
    """Horizontal bars sorted by value, with interval whiskers; ``highlight`` categories drawn darker.

    Highlighted bars are also marked with a "◆" in front of their label, so the emphasis does not rely
    on colour alone.
    """
    marked = set(highlight)
    frame = frame.with_columns(
        pl.col(category).is_in(list(marked)).alias("_highlight"),
        pl.when(pl.col(category).is_in(list(marked)))
        .then(pl.concat_str(pl.lit("◆ "), pl.col(category)))
        .otherwise(pl.col(category))
        .alias("_label"),
    ).sort(value, descending=True, nulls_last=True)
    cols = ["_label", value, "_highlight"] + [c for c in (lower, upper) if c]
    data = alt.Data(values=_values(frame, cols))
    order = frame["_label"].to_list()
    fmt = _d3_format(decimals)
    y_enc = alt.Y("_label:N", sort=order, title=None, axis=alt.Axis(labelLimit=220))
    x_title = f"{word('value', lang)} ({unit})" if unit else word("value", lang)
    base = alt.Chart(data)
    bars = base.mark_bar(height=max(6, bar_height - 5), opacity=0.6).encode(
        y=y_enc,
        x=alt.X(f"{value}:Q", title=x_title, axis=alt.Axis(format=fmt, orient="top")),
        color=alt.condition("datum._highlight", alt.value(PALETTE[5]), alt.value(PALETTE[0])),
        tooltip=[alt.Tooltip("_label:N", title=word("area", lang)), alt.Tooltip(f"{value}:Q", format=fmt)],
    )
    layers: list[Any] = [bars]
    if lower and upper and lower in frame.columns and upper in frame.columns:
        layers.append(
            base.mark_rule(color="#1a1a1a", strokeWidth=1.2).encode(
                y=y_enc, x=alt.X(f"{lower}:Q"), x2=alt.X2(f"{upper}:Q")
            )
        )
    chart = alt.layer(*layers).properties(width=width, height=max(60, bar_height * max(1, frame.height)))
    if title:
        chart = chart.properties(title=_title(title, width + 120))
    return _base_config(chart)


@lru_cache(maxsize=4)
def boundaries(
    level: Literal["municipality", "region"] = "municipality", digits: int = 3
) -> list[dict[str, Any]]:
    """GeoJSON features (WGS84) with ``properties.code`` and names, coordinates rounded to ``digits``.

    From the National Land Survey's 1:4.5M division of 2023 (CC BY 4.0, ``data/geo/SOURCE.txt``); rounding
    to 3 decimals (~100 m) halves the size without a visible change at page scale.
    """
    name = "kuntarajat.2023.json" if level == "municipality" else "maakuntarajat.2023.json"
    raw = json.loads((GEO_DIR / name).read_text("utf-8"))

    def rnd(c: Any) -> Any:
        if isinstance(c[0], (int, float)):
            return [round(c[0], digits), round(c[1], digits)]
        return [rnd(x) for x in c]

    return [
        {
            "type": "Feature",
            "properties": {
                "code": f["properties"]["NATCODE"],
                "name_fi": f["properties"].get("NAMEFIN", ""),
                "name_sv": f["properties"].get("NAMESWE", ""),
            },
            "geometry": {"type": f["geometry"]["type"], "coordinates": rnd(f["geometry"]["coordinates"])},
        }
        for f in raw["features"]
    ]


def choropleth(
    frame: pl.DataFrame,
    *,
    level: Literal["municipality", "region"] = "municipality",
    title: str = "",
    unit: str = "",
    decimals: int = 1,
    lang: str = "fi",
    code: str = "code",
    value: str = "value",
    name: str = "area",
    only_codes: Iterable[str] | None = None,
    width: int = 320,
    height: int = 520,
) -> alt.Chart:
    """A map of ``value`` by area ``code`` (municipality 3 digits, region 2 digits), as SVG geoshapes.

    Areas without a value are drawn light grey with a hatch-free outline and named "no data" in the
    tooltip; the legend gives the scale. ``only_codes`` restricts the map (e.g. to a region).
    """
    features = boundaries(level)
    if only_codes is not None:
        keep = set(only_codes)
        features = [f for f in features if f["properties"]["code"] in keep]
    values = {r[code]: r for r in _values(frame, [code, value, name])}
    shapes = []
    for f in features:
        c = f["properties"]["code"]
        row = values.get(c, {})
        label = row.get(name) or f["properties"].get(f"name_{lang}") or f["properties"]["name_fi"]
        shapes.append({**f, "properties": {"code": c, "name": label, "value": row.get(value)}})
    fmt = _d3_format(decimals)
    legend_title = unit or word("value", lang)
    data = alt.Data(values=shapes, format=alt.DataFormat(type="json"))
    base = alt.Chart(data).project(type="transverseMercator", rotate=[-26, -65, 0])
    missing = base.mark_geoshape(fill="#eeeeee", stroke="#8c8c8c", strokeWidth=0.3).transform_filter(
        "datum.properties.value == null"
    )
    filled = (
        base.mark_geoshape(stroke="white", strokeWidth=0.3)
        .encode(
            color=alt.Color(
                "properties.value:Q",
                title=legend_title,
                scale=alt.Scale(scheme=MAP_SCHEME, zero=False),
                legend=alt.Legend(format=fmt, orient="right", gradientLength=180),
            ),
            tooltip=[
                alt.Tooltip("properties.name:N", title=word("area", lang)),
                alt.Tooltip("properties.value:Q", title=word("value", lang), format=fmt),
            ],
        )
        .transform_filter("datum.properties.value != null")
    )
    chart = alt.layer(missing, filled).properties(width=width, height=height)
    if title:
        chart = chart.properties(title=_title(title, width + 100))
    return _base_config(chart)


def sparkline(
    frame: pl.DataFrame, *, x: str = "year", y: str = "value", width: int = 120, height: int = 28
) -> alt.Chart:
    """A tiny line without axes, for reports (pages use the faster :func:`sparkline_svg`)."""
    data = alt.Data(values=_values(frame, [x, y]))
    line = (
        alt.Chart(data)
        .mark_line(color=PALETTE[0], strokeWidth=1.5, point=False)
        .encode(x=alt.X(f"{x}:O", axis=None), y=alt.Y(f"{y}:Q", axis=None, scale=alt.Scale(zero=False)))
    )
    return line.properties(width=width, height=height).configure_view(stroke=None)


def sparkline_svg(
    points: Sequence[tuple[int, float | None]],
    *,
    width: int = 96,
    height: int = 24,
    label: str = "",
    colour: str = PALETTE[0],
) -> str:
    """An inline SVG polyline of (year, value) points; gaps (None) break the line; last point marked.

    Plain Python, about 20 µs per line, so a profile with a hundred indicators needs no renderer. The SVG
    has ``role="img"`` and an ``aria-label`` (``label``); the numbers are in the table next to it.
    """
    pts = [(x, v) for x, v in points if v is not None and not (isinstance(v, float) and math.isnan(v))]
    aria = f' role="img" aria-label="{escape(label)}"' if label else ' aria-hidden="true"'
    head = f'<svg class="spark" width="{width}" height="{height}" viewBox="0 0 {width} {height}"{aria}>'
    if len(pts) < 2:
        return head + "</svg>"
    xs = [p[0] for p in points]
    x0, x1 = min(xs), max(xs)
    lo = min(v for _, v in pts)
    hi = max(v for _, v in pts)
    pad = 3.0
    span_x = (x1 - x0) or 1
    span_y = (hi - lo) or 1.0

    def px(x: float) -> float:
        return pad + (x - x0) / span_x * (width - 2 * pad)

    def py(v: float) -> float:
        return height - pad - (v - lo) / span_y * (height - 2 * pad) if hi > lo else height / 2

    segments: list[list[str]] = [[]]
    for x, v in points:
        if v is None or (isinstance(v, float) and math.isnan(v)):
            if segments[-1]:
                segments.append([])
            continue
        segments[-1].append(f"{px(x):.1f},{py(v):.1f}")
    lines = "".join(
        f'<polyline fill="none" stroke="{colour}" stroke-width="1.5" points="{" ".join(s)}"/>'
        for s in segments
        if len(s) > 1
    )
    lx, lv = pts[-1]
    dot = f'<circle cx="{px(lx):.1f}" cy="{py(lv):.1f}" r="2.5" fill="{colour}"/>'
    return head + lines + dot + "</svg>"


# ---------------------------------------------------------------------------
# Words for charts


def alt_text(
    kind: Literal["line", "bar", "map"],
    frame: pl.DataFrame,
    *,
    title: str,
    lang: str = "fi",
    decimals: int = 1,
    unit: str = "",
    series: str = "area",
    x: str = "year",
    value: str = "value",
    year: int | str = "",
) -> str:
    """A sentence or two saying what the chart shows, for ``aria-label``/``alt`` and DOCX alt text."""
    data = frame.filter(pl.col(value).is_not_null() & pl.col(value).is_not_nan()) if frame.height else frame
    if data.height == 0:
        return f"{title}. {word('empty', lang)}"

    def num(v: float) -> str:
        return f"{format_number(v, decimals, lang)}{' ' + unit if unit else ''}"

    if kind == "line":
        years = data[x]
        names = list(dict.fromkeys(data[series].to_list()))
        parts = [
            word("line", lang).format(
                title=title, areas=", ".join(names), first=years.min(), last=years.max()
            )
        ]
        for n in names:
            s = data.filter(pl.col(series) == n).sort(x)
            parts.append(
                word("line_area", lang).format(
                    area=n, start=num(s[value][0]), first=s[x][0], end=num(s[value][-1]), last=s[x][-1]
                )
            )
        return " ".join(parts)
    hi = data.sort(value, descending=True).row(0, named=True)
    lo = data.sort(value).row(0, named=True)
    if kind == "bar":
        return word("bar", lang).format(
            title=title,
            n=data.height,
            year=year,
            max_area=hi[series],
            max=num(hi[value]),
            min_area=lo[series],
            min=num(lo[value]),
        )
    return word("map", lang).format(
        title=title, n=data.height, year=year, min=num(lo[value]), max=num(hi[value])
    )


# ---------------------------------------------------------------------------
# Rendering


def spec_of(chart: alt.TopLevelMixin | Mapping[str, Any]) -> dict[str, Any]:
    """The Vega-Lite JSON of a chart (a dict passes through)."""
    if isinstance(chart, Mapping):
        return dict(chart)
    return chart.to_dict(validate=False)


def render_svg(chart: alt.TopLevelMixin | Mapping[str, Any], lang: str = "fi") -> str:
    """SVG text, with numbers formatted for ``lang`` (decimal comma in Finnish and Swedish)."""
    import vl_convert as vlc

    svg: str = vlc.vegalite_to_svg(
        spec_of(chart),
        format_locale=FORMAT_LOCALES.get(lang, "en-US"),
        time_format_locale=TIME_LOCALES.get(lang, "en-US"),
    )
    return svg


def render_png(chart: alt.TopLevelMixin | Mapping[str, Any], lang: str = "fi", scale: float = 2.0) -> bytes:
    """PNG bytes (``scale`` 2 gives print quality for DOCX reports)."""
    import vl_convert as vlc

    png: bytes = vlc.vegalite_to_png(
        spec_of(chart),
        scale=scale,
        format_locale=FORMAT_LOCALES.get(lang, "en-US"),
        time_format_locale=TIME_LOCALES.get(lang, "en-US"),
    )
    return png


_INNER_ARIA = re.compile(r' (?:role="graphics-[a-z-]+"|aria-roledescription="[^"]*"|aria-label="[^"]*")')


def svg_for_html(svg: str, label: str) -> str:
    """The rendered SVG made fit for inline use: ``role="img"``, an ``aria-label`` and a scalable size."""
    head, _, rest = svg.partition(">")
    head = head.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" focusable="false" ', 1)
    # The whole chart is one image described by ``label`` (and the table beside it): Vega's inner ARIA
    # roles and labels would make screen readers walk hundreds of marks.
    rest = _INNER_ARIA.sub("", rest)
    # Scaled by a class (kasvu.css), not a style attribute: the Content-Security-Policy allows no inline styles.
    if ' class="' in head:
        head = head.replace(' class="', ' class="chart-svg ', 1)
    else:
        head += ' class="chart-svg"'
    return f'{head} preserveAspectRatio="xMinYMin meet">{rest}'


@dataclass(frozen=True)
class RenderJob:
    """One chart to render in a :class:`RenderWorker`: the spec, the format, the language and scale."""

    spec: dict[str, Any]
    fmt: Format = "png"
    lang: str = "fi"
    scale: float = 2.0


def _render_job(job: RenderJob) -> bytes | str:
    if job.fmt == "svg":
        return render_svg(job.spec, job.lang)
    return render_png(job.spec, job.lang, job.scale)


class RenderWorker:
    """Render many charts in worker processes that are replaced every ``tasks_per_child`` charts.

    vl-convert keeps a JavaScript engine per process whose memory grows with use; a long report batch in
    the web process would grow it without bound. Use as a context manager::

        with RenderWorker() as worker:
            images = worker.render([RenderJob(spec_of(chart), "png", "fi")])
    """

    def __init__(self, processes: int = 1, tasks_per_child: int = 50) -> None:
        ctx = multiprocessing.get_context("spawn")
        self._pool = ctx.Pool(processes=processes, maxtasksperchild=tasks_per_child)

    def render(self, jobs: Iterable[RenderJob]) -> list[bytes | str]:
        return self._pool.map(_render_job, list(jobs), chunksize=1)

    def render_one(self, job: RenderJob) -> bytes | str:
        return self._pool.apply(_render_job, (job,))

    def close(self) -> None:
        self._pool.close()
        self._pool.join()

    def __enter__(self) -> RenderWorker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
