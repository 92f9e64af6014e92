"""Indicator pages: time series, bars of a region's municipalities, a map, the data and the metadata.

Every chart is rendered on the server as SVG (no JavaScript needed) and has a table with the same
numbers. The same query string gives the downloads of exactly what the page shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from kasvu import analysis, charts, verdicts
from kasvu.bank.models import Area, Indicator
from kasvu.importers.base import FLAG_BREAK_IN_SERIES, FLAG_GENERATED, FLAG_PROVISIONAL
from kasvu.labels import attribution_label, date_label, note_label, period_label, unit_label
from kasvu.readmodel import (
    Period,
    UnknownPeriod,
    ValueQuery,
    area_tree,
    areas_with_data,
    indicator_frame,
    indicators_with_data,
    pick_text,
    read_values,
    references_by_indicator,
    sync,
)
from kasvu.rights import RIGHTS
from kasvu.web.views import quality
from kasvu.web.views.common import (
    KIND_LABELS,
    area_options,
    chart_file,
    chart_svg,
    download,
    lang,
    options_html,
    parse_area,
    parse_areas,
    public_for,
    reason_text,
)

CHARTS = ("series", "bars", "map")


def indicator_list(request: HttpRequest) -> HttpResponse:
    """Indicators with values, by right, filtered by a word in any language or the key."""
    q = (request.GET.get("q") or "").strip()
    right = request.GET.get("right") or ""
    sync()
    qs = Indicator.objects.select_related("source").filter(id__in=indicators_with_data())
    if q:
        qs = qs.filter(
            Q(title_fi__icontains=q)
            | Q(title_sv__icontains=q)
            | Q(title_en__icontains=q)
            | Q(key__icontains=q)
        )
    items = sorted(qs, key=lambda i: i.title().lower())
    if right:
        items = [i for i in items if right in (i.rights or [])]
    groups = []
    for r in RIGHTS:
        mine = [i for i in items if r.key in (i.rights or [])]
        if mine:
            groups.append({"key": r.key, "label": r.label(lang()), "items": mine})
    other = [i for i in items if not set(i.rights or []) & {r.key for r in RIGHTS}]
    if other:
        groups.append({"key": "other", "label": _("Other indicators"), "items": other})
    rights = [(r.key, r.label(lang())) for r in RIGHTS]
    return render(
        request,
        "kasvu/indicators.html",
        {"groups": groups, "q": q, "right": right, "rights": rights, "n": len(items)},
    )


@dataclass
class IndicatorView:
    """What an indicator page shows, parsed from the query string and read once."""

    indicator: Indicator
    areas: list[Area]
    group: Area | None
    year: int | None
    level: str
    years: list[int]
    #: The period of the bars and the map (``year``'s whole year for yearly indicators), its label
    #: ("maaliskuu 2024") and every period of the series, newest first: (code, label).
    period: Period | None
    period_label: str
    periods: list[tuple[str, str]]
    series: pl.DataFrame  # area, year, value, lower, upper, ...
    bars: pl.DataFrame  # area, code, value, lower, upper (members of ``group`` in ``year``)
    map: pl.DataFrame  # code, area, value (municipalities or regions in ``year``)
    public: bool


_DEFAULT_KIND_ORDER = ("country", "region", "county", "group", "subregion", "municipality", "district")


def _default_areas(ind: Indicator) -> list[Area]:
    """Uusimaa and Finland, where the indicator has values for them; otherwise the widest areas that have
    stored values (a survey's county and its own sample population), so that the page never opens empty."""
    country = Area.objects.filter(kind="country").first()
    uusimaa = Area.objects.filter(kind="region", code="01").first()
    preferred = [a for a in (uusimaa, country) if a is not None]
    stored = set(areas_with_data(ind.id))
    if not stored or any(a.id in stored for a in preferred):
        return preferred
    rank = {kind: i for i, kind in enumerate(_DEFAULT_KIND_ORDER)}
    with_data = sorted(
        Area.objects.filter(id__in=stored), key=lambda a: (rank.get(a.kind, len(rank)), a.code)
    )
    return with_data[:2]


def _named(frame: pl.DataFrame, areas: dict[int, Area]) -> pl.DataFrame:
    names = pl.DataFrame(
        {
            "area_id": list(areas),
            "area": [a.name(lang()) for a in areas.values()],
            "code": [a.code for a in areas.values()],
            "area_kind": [a.kind for a in areas.values()],
        },
        schema={"area_id": pl.Int64, "area": pl.String, "code": pl.String, "area_kind": pl.String},
    )
    return frame.join(names, on="area_id", how="left")


def read_view(request: HttpRequest, key: str) -> IndicatorView:
    ind = get_object_or_404(Indicator.objects.select_related("source"), key=key)
    sync()
    tree = area_tree()
    public = public_for(request)
    areas = parse_areas(request.GET.getlist("area")) or _default_areas(ind)
    try:
        year = int(request.GET.get("year") or 0) or None
    except ValueError:
        year = None
    if len(areas) == 1 and areas[0].kind in ("municipality", "district", "group"):
        # One area alone says little: show it against its region (of the year asked for, else today's)
        # and the country, as its profile does.
        # A survey's indicator: against the survey's own area (kasvu.readmodel.references).
        meta = indicator_frame().filter(pl.col("indicator_id") == ind.id)
        refs = references_by_indicator(tree, meta, areas[0].id, year, "indicator").get(ind.id, [])
        by_id = Area.objects.in_bulk(refs)
        areas += [by_id[r] for r in refs if r in by_id]
    series = read_values(ValueQuery(indicators=[ind.id], areas=[a.id for a in areas], public=public))
    order = pl.DataFrame(
        {"area_id": [a.id for a in areas], "_order": list(range(len(areas)))},
        schema={"area_id": pl.Int64, "_order": pl.Int64},
    )
    series = (
        _named(series, {a.id: a for a in areas})
        .join(order, on="area_id")
        .sort("_order", "year", "sub")
        .drop("_order")
    )
    series, stored = _with_labels(series)
    years = sorted(set(series["year"].to_list()))
    have = series.filter(pl.col("value").is_not_null() | pl.col("hidden"))
    period = _chosen_period(request, stored, have, year)
    year = period.year if period is not None else None
    group = parse_area(request.GET.get("group") or "")
    if group is None:
        first = next((a for a in areas if a.kind == "municipality"), None)
        if first is not None:
            region_ids = tree.parents(first.id, "region", year)  # the bars show that year's members
            group = Area.objects.filter(id__in=region_ids).first()
        group = group or next((a for a in areas if a.kind in ("region", "group", "county")), None)
    level = (
        request.GET.get("level") if request.GET.get("level") in ("municipality", "region") else "municipality"
    )
    bars = pl.DataFrame()
    map_frame = pl.DataFrame()
    shown = [period] if period is not None else None
    if year is not None:
        if group is not None:
            member_ids = tree.members(group.id, year)
            bars = read_values(ValueQuery([ind.id], member_ids, shown, public=public))
            bars = _named(bars, {a.id: a for a in Area.objects.filter(id__in=member_ids)})
        ids = tree.of_kind(level)
        map_frame = read_values(ValueQuery([ind.id], ids, shown, public=public))
        map_frame = _named(map_frame, {a.id: a for a in Area.objects.filter(id__in=ids)})
    label = period_label(period.year, period.sub, lang()) if period is not None else ""
    periods = [(Period.stored(y, sb).code, period_label(y, sb, lang())) for y, sb in reversed(stored)]
    return IndicatorView(
        ind, areas, group, year, level, years, period, label, periods, series, bars, map_frame, public
    )


def _with_labels(series: pl.DataFrame) -> tuple[pl.DataFrame, list[tuple[int, int]]]:
    """``series`` with ``label``, the period as a reader says it ("maaliskuu 2024"), as an Enum in the
    periods' order (so that charts and alt texts order months by time); and the (year, sub) pairs."""
    pairs = sorted(set(series.select("year", "sub").iter_rows())) if series.height else []
    labels = [period_label(y, sb, lang()) for y, sb in pairs]
    order = list(dict.fromkeys(labels))
    table = pl.DataFrame(
        {"year": [y for y, _ in pairs], "sub": [sb for _, sb in pairs], "label": labels},
        schema={"year": pl.Int64, "sub": pl.Int64, "label": pl.Enum(order)},
    )
    return series.join(table, on=["year", "sub"], how="left", maintain_order="left"), pairs


def _chosen_period(
    request: HttpRequest, stored: list[tuple[int, int]], have: pl.DataFrame, year: int | None
) -> Period | None:
    """The period asked for (``period=2024M03``, or ``year=2024``: its latest period), else the latest
    period with a value."""
    wanted: list[tuple[int, int]] = []
    code = request.GET.get("period") or ""
    if code:
        try:
            p = Period.parse(code)
            wanted = [(p.year, p.sub)]
        except UnknownPeriod:
            wanted = []
    elif year is not None:
        wanted = [ys for ys in stored if ys[0] == year]
    chosen = [ys for ys in stored if ys in wanted]
    if not chosen:
        chosen = sorted(set(have.select("year", "sub").iter_rows())) or stored
    if not chosen:
        return None
    y, sb = max(chosen)
    return Period.stored(y, sb)


def _title(view: IndicatorView) -> str:
    return view.indicator.title(lang())


def build_chart(view: IndicatorView, which: str) -> Any:
    ind = view.indicator
    common = {"unit": unit_label(ind.unit, lang()), "decimals": ind.decimals, "lang": lang()}
    if which == "series":
        data = view.series.filter(pl.col("value").is_not_null())
        if _yearly(view):
            return charts.time_series(data, title=_title(view), **common)
        return charts.time_series(data, title=_title(view), x="label", x_title=_("Period"), **common)
    if which == "bars":
        data = view.bars.filter(pl.col("value").is_not_null()) if view.bars.height else view.bars
        title = f"{_title(view)}, {view.group.name(lang()) if view.group else ''} {view.period_label}"
        return charts.bar_with_intervals(
            data if data.height else pl.DataFrame({"area": [], "value": []}), title=title,
            highlight=[a.name(lang()) for a in view.areas], **common,
        )  # fmt: skip
    if which == "map":
        data = (
            view.map.select("code", "area", "value")
            if view.map.height
            else pl.DataFrame(
                {"code": [], "area": [], "value": []},
                schema={"code": pl.String, "area": pl.String, "value": pl.Float64},
            )
        )
        return charts.choropleth(
            data, level=view.level, title=f"{_title(view)} {view.period_label}", **common
        )  # type: ignore[arg-type]
    raise Http404("Unknown chart")


def _alt(view: IndicatorView, which: str) -> str:
    ind = view.indicator
    kw = {
        "title": _title(view),
        "lang": lang(),
        "decimals": ind.decimals,
        "unit": unit_label(ind.unit, lang()),
    }
    if which == "series":
        return charts.alt_text("line", view.series, **kw, **({} if _yearly(view) else {"x": "label"}))
    if which == "bars":
        return (
            charts.alt_text("bar", view.bars, year=view.period_label, **kw)
            if view.bars.height
            else kw["title"]
        )
    return charts.alt_text("map", view.map, year=view.period_label, **kw) if view.map.height else kw["title"]


def _yearly(view: IndicatorView) -> bool:
    """Are all the series' periods whole years (the default, and the charts' year axis)?"""
    return view.series.height == 0 or not (view.series["sub"] != 0).any()


def _table_rows(frame: pl.DataFrame, decimals: int, sort: list[str]) -> list[dict[str, Any]]:
    if frame.height == 0:
        return []
    rows = []
    for r in (frame.sort(sort) if sort else frame).iter_rows(named=True):
        suppressed = bool(r.get("hidden")) and r.get("value") is None
        rows.append(
            {
                "area": r.get("area"),
                "kind": r.get("area_kind"),
                "code": r.get("code"),
                "year": period_label(r["year"], r.get("sub") or 0, lang())
                if r.get("year") is not None
                else "",
                "value": charts.format_number(r["value"], decimals, lang())
                if r.get("value") is not None
                else "",
                "lower": charts.format_number(r["lower"], decimals, lang())
                if r.get("lower") is not None
                else "",
                "upper": charts.format_number(r["upper"], decimals, lang())
                if r.get("upper") is not None
                else "",
                "numerator": charts.format_number(r["numerator"], 0, lang())
                if r.get("numerator") is not None
                else "",
                "denominator": charts.format_number(r["denominator"], 0, lang())
                if r.get("denominator") is not None
                else "",
                "suppressed": reason_text(r.get("suppression_reason")) if suppressed else "",
                "missing": reason_text(r.get("missing_reason"))
                if r.get("value") is None and not suppressed
                else "",
                "internal": bool(r.get("internal")),
                "computed": bool(r.get("computed")),
                "approximate": bool(r.get("approximate")),
                "flags": _flag_words(int(r.get("flags") or 0)),
            }
        )
    return rows


def _flag_words(flags: int) -> str:
    words = []
    if flags & FLAG_PROVISIONAL:
        words.append(_("provisional"))
    if flags & FLAG_BREAK_IN_SERIES:
        words.append(_("break in series"))
    if flags & FLAG_GENERATED:
        words.append(_("generated demo data"))
    return ", ".join(words)


def _metadata(ind: Indicator) -> list[tuple[str, str]]:
    source = ind.source
    note = note_label(ind.notes, lang())
    pick = lang()
    rows = [
        (_("Definition"), ind.description(pick)),
        (_("Numerator"), pick_text(ind, "numerator", pick)),
        (_("Denominator"), pick_text(ind, "denominator", pick)),
        (_("Unit"), unit_label(ind.unit, pick)),
        (_("Source"), source.name(pick)),
        (_("Attribution"), attribution_label(ind.attribution or source.attribution, pick)),
        (_("Licence"), ind.licence or source.licence),
        (_("Last update"), date_label(ind.last_updated, pick)),
        (_("Notes"), note),
        (_("Key"), ind.key),
    ]
    return [(k, str(v)) for k, v in rows if v]


def _comparisons(view: IndicatorView) -> list[dict[str, str]]:
    """The first area against each other area in the year shown: "Vihti: 11,3 % – heikompi kuin Uusimaa
    (9,2 %)", the same test and wording as the compare page and the profile."""
    from kasvu.web.views.compare import turned, verdicts_against_first

    if len(view.areas) < 2 or view.year is None:
        return []
    ind, code = view.indicator, lang()
    assert view.period is not None
    shown = view.series.filter((pl.col("year") == view.year) & (pl.col("sub") == view.period.sub))
    got = verdicts_against_first(shown, view.areas)
    rows = {r["area_id"]: r for r in shown.iter_rows(named=True)}

    def side(a: Area) -> verdicts.Side:
        r = rows.get(a.id, {})
        v = r.get("value")
        text = verdicts.shown(v, ind.unit, ind.decimals, code)
        return verdicts.Side(a.name(code), text, hidden=bool(r.get("hidden")) and v is None)

    first = side(view.areas[0])
    out = []
    for other in view.areas[1:]:
        theirs = side(other)
        verdict = got.get((ind.id, other.id))
        assess = analysis.assessment(turned(verdict), ind.direction) if verdict else "not_testable"
        if verdicts.why_not_compared(first, theirs):
            assess = "none"
        out.append({"assessment": assess, "text": verdicts.sentence(assess, first, theirs, code)})
    return out


def indicator(request: HttpRequest, key: str) -> HttpResponse:
    view = read_view(request, key)
    ind = view.indicator
    figures = []
    no_map = ""
    labels = {
        "series": _("Development over time"),
        "bars": _("Municipalities of %(group)s in %(year)s") % {
            "group": view.group.name(lang()) if view.group else "", "year": view.period_label},
        "map": _("Map %(year)s") % {"year": view.period_label},
    }  # fmt: skip
    for which in CHARTS:
        if which == "bars" and (view.group is None or view.bars.height == 0):
            continue
        if which == "map" and (
            view.map.height == 0 or view.map.filter(pl.col("value").is_not_null()).height == 0
        ):
            no_map = (
                _("No map: the indicator has no values for municipalities in %(year)s.")
                % {"year": view.period_label}
                if view.level == "municipality"
                else _("No map: the indicator has no values for regions in %(year)s.")
                % {"year": view.period_label}
            )
            continue
        alt = _alt(view, which)
        figures.append(
            {
                "key": which,
                "heading": labels[which],
                "svg": chart_svg(build_chart(view, which), alt),
                "alt": alt,
                "rows": _table_rows(
                    {"series": view.series, "bars": view.bars, "map": view.map}[which],
                    ind.decimals,
                    [] if which == "series" else ["area"],
                ),
            }
        )
    query = request.GET.urlencode()
    generated = ind.source.is_generated
    context = {
        "ind": ind,
        "title": ind.title(lang()),
        "view": view,
        "figures": figures,
        "no_map": no_map,
        "metadata": _metadata(ind),
        "comparisons": _comparisons(view),
        "quality": quality.for_indicator(request, ind),
        "query": query,
        "generated": generated,
        "area_slots": [options_html(area_options(), k) for k in ([a.key for a in view.areas] + [""] * 5)[:5]],
        "group_options": options_html(
            area_options(("region", "county", "group")), view.group.key if view.group else ""
        ),
        "years": list(reversed(view.years)),
        "yearly": _yearly(view),
        "period_code": view.period.code if view.period else "",
        "attribution": attribution_label(ind.attribution or ind.source.attribution, lang()),
        "rights": [r.label(lang()) for r in RIGHTS if r.key in (ind.rights or [])],
        "kind_labels": KIND_LABELS,
        "data_url": reverse("web:indicator_data", args=[ind.key, "csv"]),
        "xlsx_url": reverse("web:indicator_data", args=[ind.key, "xlsx"]),
    }
    return render(request, "kasvu/indicator.html", context)


def _export(view: IndicatorView) -> pl.DataFrame:
    """The three tables of the page in one frame, with a ``table`` column saying which."""
    cols = ["table", "area_kind", "code", "area", "year", "period", "value", "ci_lower", "ci_upper", "numerator",
            "denominator", "suppressed", "internal_unpublished", "computed_from_members"]  # fmt: skip
    parts = []
    for name, frame in (("series", view.series), ("bars", view.bars), ("map", view.map)):
        if frame.height == 0:
            continue
        parts.append(
            frame.select(
                pl.lit(name).alias("table"),
                "area_kind",
                "code",
                "area",
                "year",
                "period",
                "value",
                pl.col("lower").alias("ci_lower"),
                pl.col("upper").alias("ci_upper"),
                "numerator",
                "denominator",
                pl.col("suppression_reason").alias("suppressed"),
                pl.col("internal").alias("internal_unpublished"),
                pl.col("computed").alias("computed_from_members"),
            )  # fmt: skip
        )
    frame = pl.concat(parts) if parts else pl.DataFrame(schema=dict.fromkeys(cols, pl.String))
    ind = view.indicator
    return frame.with_columns(
        pl.lit(ind.key).alias("indicator"), pl.lit(ind.title(lang())).alias("title"), pl.lit(ind.unit).alias("unit"),
        pl.lit(ind.source.is_generated).alias("generated_demo_data"),
        pl.lit(ind.attribution or ind.source.attribution).alias("source"),
    )  # fmt: skip


def indicator_data(request: HttpRequest, key: str, fmt: str) -> HttpResponse:
    view = read_view(request, key)
    ind = view.indicator
    meta = [("what", f"kasvu indicator page: {ind.title(lang())} ({ind.key})"),
            ("areas", ", ".join(a.name(lang()) for a in view.areas)),
            ("year of bars and map", view.period.code if view.period else "None"),
            ("published values only", "yes" if view.public else "no: internal, includes unpublished values"),
            *[(k, v) for k, v in _metadata(ind)]]  # fmt: skip
    if ind.source.is_generated:
        meta.append(("NOTE", "generated demo data, not real values"))
    return download(_export(view), fmt, f"{ind.key.replace(':', '-')}", meta)


def indicator_chart(request: HttpRequest, key: str, chart: str, fmt: str) -> HttpResponse:
    if chart not in CHARTS:
        raise Http404("Unknown chart")
    view = read_view(request, key)
    return chart_file(build_chart(view, chart), fmt, f"{view.indicator.key.replace(':', '-')}-{chart}")
