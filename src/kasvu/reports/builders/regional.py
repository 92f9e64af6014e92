"""The yearly regional report on children's and family services for a group of municipalities.

Chapters: introduction, summary, the area and its population (with a map), one chapter per children's
right (each indicator: narrative, bar chart of the municipalities against the group and the country, map,
table), indicators by theme, methods, provenance. Every municipality is compared with the group and the
country; the narrative states only what the statistics core finds significant.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import polars as pl

from kasvu import analysis
from kasvu.labels import source_name
from kasvu.reports import formatting as fmt
from kasvu.reports import narrative as nar
from kasvu.reports.builders import ReportNotAvailable, ReportRequest, register
from kasvu.reports.builders.common import (
    estimate,
    generated_text,
    geo_for,
    interval_cell,
    lookup,
    measure,
    methods_chapter,
    period_text,
    provenance_chapter,
    rights_chapters,
    table_notes,
    trend_text,
    value_cell,
    verdict_text,
)
from kasvu.reports.data import AreaInfo, IndicatorInfo, ReportData
from kasvu.reports.document import Cell, Chapter, ChartSpec, Figure, Report, Table
from kasvu.reports.texts import Texts
from kasvu.stats.significance import HIGHER, LOWER, NO_DIFFERENCE

WINDOW_YEARS = 10


@dataclass
class Context:
    data: ReportData
    group: AreaInfo
    members: list[AreaInfo]
    country: AreaInfo
    year: int
    tx: Texts
    codes: dict[int, str]
    population: list[tuple[AreaInfo, float | None, int | None]] = field(default_factory=list)
    population_source: str = ""

    @property
    def lang(self) -> str:
        return self.tx.lang


@register("regional")
def build(request: ReportRequest) -> Report:
    """Database side: find the group, its members, the country and the values; then :func:`compose`."""
    from kasvu.bank.areas import AmbiguousArea, AreaNotFound, find_area
    from kasvu.bank.models import Area, AreaKind
    from kasvu.reports import data as d

    try:
        group = find_area(request.target if ":" in request.target else f"group:{request.target}")
    except (AreaNotFound, AmbiguousArea):
        try:
            group = find_area(request.target)
        except (AreaNotFound, AmbiguousArea) as exc:
            raise ReportNotAvailable(f"{exc} Groups: see `kasvu areas list --kind group`.") from None
    members = d.members_of(group, request.year)
    if not members:
        raise ReportNotAvailable(f"{group} has no member municipalities in {request.year}.")
    country = Area.objects.filter(kind=AreaKind.COUNTRY).first()
    if country is None:
        raise ReportNotAvailable("The bank has no country area. Run `kasvu demo load` or install the areas.")
    indicators = d.find_indicators(request.indicators or None)
    years = (request.year - WINDOW_YEARS + 1, request.year)
    data = d.fetch(indicators, members, [group, country], years, lang=request.lang, public=request.public)
    population, population_provenance = _population(d, members, request.lang, request.public)
    data.provenance = sorted([*data.provenance, *population_provenance], key=lambda e: e.indicator)
    tx = Texts(request.lang, request.phrases)
    ctx = Context(
        data,
        d.area_info(group, request.lang),
        [d.area_info(m, request.lang) for m in members],
        d.area_info(country, request.lang),
        request.year,
        tx,
        {m.id: m.code for m in members},
        population,
        ", ".join(f"{source_name(e.attribution, request.lang)} ({e.licence})" for e in population_provenance),
    )
    report = compose(ctx)
    report.slug = f"regional-{group.code}-{request.year}-{request.lang}"
    return report


def _population(
    d: Any, members: list[Any], lang: str, public: bool
) -> tuple[list[tuple[AreaInfo, float | None, int | None]], list[Any]]:
    latest, provenance = d.population(members, lang, public=public)
    rows = [(d.area_info(m, lang), *latest.get(m.id, (None, None))) for m in members]
    return rows, provenance


# ---------------------------------------------------------------------------------------------------------
# Pure composition


def compose(ctx: Context) -> Report:
    tx, data = ctx.tx, ctx.data
    member_ids = [m.id for m in ctx.members]
    n = len(member_ids)
    pairs = pl.DataFrame(
        {
            "area_id": [*member_ids, *member_ids, ctx.group.id],
            "ref_id": [ctx.group.id] * n + [ctx.country.id] * (n + 1),
            "contained": [True] * (2 * n + 1),
        },
        schema={"area_id": pl.Int64, "ref_id": pl.Int64, "contained": pl.Boolean},
    )
    latest = _latest_years(data, ctx.group.id, ctx.year)
    # The report states each indicator's latest year: those tests are one family, Benjamini–Hochberg
    # adjusted as the web adjusts a profile's.
    stated = pl.DataFrame(
        {"indicator_id": list(latest), "year": list(latest.values())},
        schema={"indicator_id": pl.Int64, "year": pl.Int64},
    )
    tested = analysis.compare_series(data.tested(), pairs, data.kinds)
    tested = tested.join(stated, on=["indicator_id", "year"], how="semi")
    cmp = lookup(analysis.adjust_family(tested), ["indicator_id", "area_id", "ref_id", "year"])
    trends = lookup(analysis.series_trends(data.tested(), data.kinds), ["indicator_id", "area_id"])
    vals = lookup(data.values, ["indicator_id", "area_id", "year"])
    shown = [data.indicators[i] for i in sorted(latest, key=lambda i: data.indicators[i].title)]
    if not shown:
        raise ReportNotAvailable(
            f"No indicator has data for {ctx.group.name} up to {ctx.year}. Import data first (see docs/importing.md) "
            "or choose another year."
        )
    generated = any(data.indicators[i].generated for i in latest)

    report = Report(
        kind="regional",
        title=tx.t("regional_title", area=ctx.group.name, year=ctx.year),
        subtitle=tx.t("regional_subtitle", members=", ".join(m.name for m in ctx.members)),
        language=ctx.lang,
        chapters=[],
        public=data.public,
        generated_data=generated,
        meta={"area": ctx.group.name, "year": str(ctx.year), "kind": "regional"},
    )
    if generated:
        report.notices.append(tx.t("generated_notice"))
    if not data.public:
        report.notices.append(tx.t("internal_notice"))

    intro = Chapter(tx.t("introduction"), key="introduction")
    intro.add(tx.t("intro_regional", area=ctx.group.name, year=ctx.year))
    for notice in report.notices:
        intro.add(notice, "warning")
    report.chapters.append(intro)

    area_chapter = _area_chapter(ctx)
    sections: dict[int, Chapter] = {}
    summary_lines: list[tuple[str, bool]] = []
    country_tested = sum(
        1
        for info in shown
        if (cmp.get((info.id, ctx.group.id, ctx.country.id, latest[info.id])) or {}).get("verdict")
        in (HIGHER, LOWER, NO_DIFFERENCE)
    )
    for info in shown:
        sec, finding = _indicator_section(ctx, info, latest[info.id], vals, cmp, trends)
        sections[info.id] = sec
        if finding:
            summary_lines.append((finding, info.generated))

    summary = Chapter(tx.t("summary"), key="summary")
    for text, gen in summary_lines:
        summary.add(generated_text(text, gen, ctx.lang, tx), "generated" if gen else "finding")
    if not summary_lines:
        summary.add(
            tx.t("summary_none") if country_tested else tx.t("summary_no_country", ref=ctx.country.name)
        )
    if summary_lines or country_tested:
        untested = len(shown) - country_tested
        if untested:
            summary.add(tx.t("summary_untested", n=untested, m=len(shown), ref=ctx.country.name))
    report.chapters.append(summary)
    report.chapters.append(area_chapter)

    chapters, rest = rights_chapters(shown, sections, ctx.lang, tx, intro=True)
    report.chapters.extend(chapters)
    if rest:
        ch = Chapter(
            tx.t("themes") + ": " + ", ".join(sorted({t for i in rest for t in i.themes})), key="other"
        )
        ch.sections.extend(sections[i.id] for i in rest)
        report.chapters.append(ch)
    report.chapters.append(_themes_chapter(ctx, shown, latest, vals, cmp, trends))
    methods = methods_chapter(tx, min((i.threshold for i in shown), default=5))
    methods.add(tx.t("methods_bh_regional"))
    report.chapters.append(methods)
    report.provenance = data.provenance
    report.chapters.append(provenance_chapter(data.provenance, tx))
    report.number_figures()
    return report


def _latest_years(data: ReportData, group_id: int, year: int) -> dict[int, int]:
    """Per indicator, the latest year up to ``year`` with a group value (a hidden one counts: the report
    says it is hidden rather than showing an older year, as the web pages do)."""
    g = data.values.filter(
        (pl.col("area_id") == group_id)
        & (pl.col("value").is_not_null() | pl.col("withheld"))
        & (pl.col("year") <= year)
    )
    return {int(i): int(y) for i, y in g.group_by("indicator_id").agg(pl.col("year").max()).iter_rows()}


def _indicator_section(
    ctx: Context,
    info: IndicatorInfo,
    year: int,
    vals: dict[tuple[Any, ...], dict[str, Any]],
    cmp: dict[tuple[Any, ...], dict[str, Any]],
    trends: dict[tuple[Any, ...], dict[str, Any]],
) -> tuple[Chapter, str]:
    tx, lang, m = ctx.tx, ctx.lang, measure(info)
    g, c = ctx.group, ctx.country
    grow, crow = vals.get((info.id, g.id, year)), vals.get((info.id, c.id, year))
    sec = Chapter(info.title, key=f"indicator-{info.key}")
    gest, cest = estimate(grow, g.name, lang), estimate(crow, c.name, lang)
    vs_country = (cmp.get((info.id, g.id, c.id, year)) or {}).get("verdict")
    first_year = year - WINDOW_YEARS + 1
    text = " ".join(
        s
        for s in (
            nar.value_sentence(gest, m, lang, tx.phrases),
            nar.comparison_sentence(gest, cest, vs_country or "", m, lang, tx.phrases),
            _trend_sentence(info, g, first_year, year, vals, trends, m, lang, tx),
        )
        if s
    )
    sec.add(generated_text(text, info.generated, lang, tx), "generated" if info.generated else "text")
    counts = " ".join(
        _count_sentence(ctx, info, year, ref, est, vals, cmp) for ref, est in ((c, cest), (g, gest))
    )
    sec.add(generated_text(counts, info.generated, lang, tx), "generated" if info.generated else "text")

    table = _members_table(ctx, info, year, vals, cmp, trends)
    bars = [
        {
            "label": mem.name,
            "value": None if (r := vals.get((info.id, mem.id, year))) is None or r["hidden"] else r["value"],
            "lower": None if r is None or r["hidden"] else r["lower"],
            "upper": None if r is None or r["hidden"] else r["upper"],
        }
        for mem in ctx.members
    ]
    refs = [
        (x.name, r["value"])
        for x, r in ((g, grow), (c, crow))
        if r and not r["hidden"] and r["value"] is not None
    ]
    published = [b for b in bars if b["value"] is not None]
    gen_note = f" {tx.t('generated_note')}" if info.generated else ""
    source = " " + tx.source(info.attribution)
    if published:
        hi = max(published, key=lambda b: b["value"])
        lo = min(published, key=lambda b: b["value"])
        refs_text = "; ".join(f"{name} {fmt.value(v, info.unit, info.decimals, lang)}" for name, v in refs)
        alt = tx.t(
            "alt_bars",
            title=info.title,
            year=year,
            max_area=hi["label"],
            max=fmt.value(hi["value"], info.unit, info.decimals, lang),
            min_area=lo["label"],
            min=fmt.value(lo["value"], info.unit, info.decimals, lang),
            refs_text=refs_text,
        )
        fig_n = "{n}"
        sec.figures.append(
            Figure(
                key="",
                caption=tx.t(
                    "fig_bars", n=fig_n, title=info.title, year=year, refs=", ".join(name for name, _ in refs)
                )
                + source
                + gen_note,
                alt_text=generated_text(alt, info.generated, lang, tx),
                chart=ChartSpec(
                    "bars",
                    bars,
                    value_title=fmt.unit_suffix(info.unit, lang).strip() or info.unit,
                    decimals=info.decimals,
                    references=refs,
                ),
                table=table,
                generated=info.generated,
            )
        )
        map_n = "{n}"
        codes = [ctx.codes[mem.id] for mem in ctx.members]
        sec.maps.append(
            Figure(
                key="",
                caption=tx.t("fig_map", n=map_n, title=info.title, year=year) + source + gen_note,
                alt_text=generated_text(
                    tx.t(
                        "alt_map",
                        title=info.title,
                        year=year,
                        area=g.name,
                        max_area=hi["label"],
                        max=fmt.value(hi["value"], info.unit, info.decimals, lang),
                        min_area=lo["label"],
                        min=fmt.value(lo["value"], info.unit, info.decimals, lang),
                        table=table.caption,
                    ),
                    info.generated,
                    lang,
                    tx,
                ),
                chart=ChartSpec(
                    "map",
                    [
                        {"code": code, "label": b["label"], "value": b["value"]}
                        for code, b in zip(codes, bars, strict=True)
                    ],
                    value_title=fmt.unit_suffix(info.unit, lang).strip() or info.unit,
                    decimals=info.decimals,
                    geo=geo_for(codes),
                ),
                generated=info.generated,
            )
        )
    else:
        sec.tables.append(table)
    finding = ""
    if vs_country in (HIGHER, LOWER) and not gest.suppressed:
        finding = f"{info.title}. " + nar.value_sentence(gest, m, lang, tx.phrases) + " "
        finding += nar.comparison_sentence(gest, cest, vs_country, m, lang, tx.phrases)
    return sec, finding


def _count_sentence(
    ctx: Context,
    info: IndicatorInfo,
    year: int,
    ref: AreaInfo,
    ref_est: nar.Estimate,
    vals: dict[tuple[Any, ...], dict[str, Any]],
    cmp: dict[tuple[Any, ...], dict[str, Any]],
) -> str:
    """How many members differ from ``ref``; "none differs" only of members a test ran for, and why
    nothing was tested when the reference has no published value."""
    reason = "hidden" if ref_est.suppressed else "missing" if ref_est.value is None else None
    higher, lower, tested = [], [], 0
    for mem in ctx.members:
        row = vals.get((info.id, mem.id, year))
        if row is None or row.get("hidden") or row.get("value") is None:
            continue
        v = (cmp.get((info.id, mem.id, ref.id, year)) or {}).get("verdict")
        tested += v in (HIGHER, LOWER, NO_DIFFERENCE)
        if v == HIGHER:
            higher.append(mem.name)
        elif v == LOWER:
            lower.append(mem.name)
    return nar.count_sentences(
        higher, lower, len(ctx.members), ref.name, ctx.lang, ctx.tx.phrases, tested=tested, ref_reason=reason
    )


def _trend_sentence(
    info: IndicatorInfo,
    area: AreaInfo,
    first_year: int,
    year: int,
    vals: dict[tuple[Any, ...], dict[str, Any]],
    trends: dict[tuple[Any, ...], dict[str, Any]],
    m: nar.Measure,
    lang: str,
    tx: Texts,
) -> str:
    tr = trends.get((info.id, area.id))
    if not tr or tr.get("first_year") is None:
        return nar.trend_sentence(
            nar.Estimate(area.name, None), nar.Estimate(area.name, None), "", m, lang, tx.phrases
        )
    y0 = max(int(tr["first_year"]), first_year)
    first = estimate(vals.get((info.id, area.id, y0)), area.name, lang)
    last = estimate(vals.get((info.id, area.id, year)), area.name, lang)
    return nar.trend_sentence(first, last, tr["verdict"], m, lang, tx.phrases)


def _members_table(
    ctx: Context,
    info: IndicatorInfo,
    year: int,
    vals: dict[tuple[Any, ...], dict[str, Any]],
    cmp: dict[tuple[Any, ...], dict[str, Any]],
    trends: dict[tuple[Any, ...], dict[str, Any]],
) -> Table:
    tx, lang = ctx.tx, ctx.lang
    g, c = ctx.group, ctx.country
    years = f"{year - WINDOW_YEARS + 1}–{year}"
    rows = []
    for area in [*ctx.members, g, c]:
        row = vals.get((info.id, area.id, year))
        hidden = row is None or bool(row.get("hidden"))
        verdicts = []
        for ref in (g, c):
            if area.id in (g.id, c.id) and (ref.id == g.id or area.id == c.id):
                verdicts.append(Cell(""))
                continue
            v = None if hidden else (cmp.get((info.id, area.id, ref.id, year)) or {}).get("verdict")
            verdicts.append(Cell(verdict_text(v, info.direction, tx)))
        tr = None if hidden else (trends.get((info.id, area.id)) or {}).get("verdict")
        rows.append(
            [
                Cell(area.name),
                value_cell(row, info, lang),
                interval_cell(row, info, lang),
                *verdicts,
                Cell(trend_text(tr, info.direction, tx)),
            ]
        )
    unit = fmt.unit_suffix(info.unit, lang).strip()
    table = Table(
        key=f"t-{info.key}",
        caption=tx.t("table_members", title=info.title, year=year),
        columns=[
            tx.t("area"),
            f"{tx.t('value_col')} {unit}".strip(),
            tx.t("interval"),
            tx.t("vs", ref=g.name),
            tx.t("vs", ref=c.name),
            tx.t("trend", years=years),
        ],
        rows=rows,
        generated=info.generated,
        numeric=[1, 2],
    )
    table_notes(table, info, tx, info.attribution)
    return table


def _area_chapter(ctx: Context) -> Chapter:
    tx, lang = ctx.tx, ctx.lang
    ch = Chapter(tx.t("area_chapter"), key="area")
    rows = []
    for area, value, year in ctx.population:
        rows.append([Cell(area.name), Cell(fmt.number(value, 0, lang), value), Cell(str(year or ""))])
    total = sum(v for _, v, _ in ctx.population if v is not None)
    years = {y for _, _, y in ctx.population if y}
    rows.append(
        [
            Cell(ctx.group.name),
            Cell(fmt.number(total, 0, lang), total),
            Cell(", ".join(map(str, sorted(years)))),
        ]
    )
    table = Table(
        "population",
        tx.t("population"),
        [tx.t("municipality"), tx.t("population"), tx.t("year")],
        rows,
        numeric=[1],
    )
    table.notes.append(tx.t("source_line", attribution=ctx.population_source))  # named already
    if rows and ctx.population:
        codes = [ctx.codes[a.id] for a, _, _ in ctx.population]
        n = "{n}"
        hi = max((p for p in ctx.population if p[1] is not None), key=lambda p: p[1], default=None)
        lo = min((p for p in ctx.population if p[1] is not None), key=lambda p: p[1], default=None)
        if hi and lo:
            ch.maps.append(
                Figure(
                    key="",
                    caption=tx.t(
                        "fig_map", n=n, title=tx.t("population"), year=", ".join(map(str, sorted(years)))
                    ),
                    alt_text=tx.t(
                        "alt_map",
                        title=tx.t("population"),
                        year=", ".join(map(str, sorted(years))),
                        area=ctx.group.name,
                        max_area=hi[0].name,
                        max=fmt.number(hi[1], 0, lang),
                        min_area=lo[0].name,
                        min=fmt.number(lo[1], 0, lang),
                        table=table.caption,
                    ),
                    chart=ChartSpec(
                        "map",
                        [
                            {"code": code, "label": a.name, "value": v}
                            for code, (a, v, _) in zip(codes, ctx.population, strict=True)
                        ],
                        value_title=tx.t("population"),
                        decimals=0,
                        geo=geo_for(codes),
                    ),
                )
            )
    ch.tables.append(table)
    return ch


def _themes_chapter(
    ctx: Context,
    shown: list[IndicatorInfo],
    latest: dict[int, int],
    vals: dict[tuple[Any, ...], dict[str, Any]],
    cmp: dict[tuple[Any, ...], dict[str, Any]],
    trends: dict[tuple[Any, ...], dict[str, Any]],
) -> Chapter:
    tx, lang = ctx.tx, ctx.lang
    g, c = ctx.group, ctx.country
    ch = Chapter(tx.t("themes"), key="themes")
    themes: dict[str, list[IndicatorInfo]] = {}
    for info in shown:
        for theme in info.themes[:1] or ("–",):
            themes.setdefault(theme, []).append(info)
    for n, (theme, infos) in enumerate(sorted(themes.items()), start=1):
        rows = []
        for info in infos:
            year = latest[info.id]
            grow, crow = vals.get((info.id, g.id, year)), vals.get((info.id, c.id, year))
            v = (
                None
                if grow is None or grow.get("hidden")
                else (cmp.get((info.id, g.id, c.id, year)) or {}).get("verdict")
            )
            tr = (
                None
                if grow is None or grow.get("hidden")
                else (trends.get((info.id, g.id)) or {}).get("verdict")
            )
            m = measure(info)
            rows.append(
                [
                    Cell(info.title + (" *" if info.generated else ""), generated=info.generated),
                    Cell(period_text(grow or crow, year, lang)),  # 2024, or the latest month
                    Cell(
                        nar.shown(estimate(grow, g.name), m, lang),
                        suppressed=bool(grow and grow.get("hidden")),
                    ),
                    Cell(
                        nar.shown(estimate(crow, c.name), m, lang),
                        suppressed=bool(crow and crow.get("hidden")),
                    ),
                    Cell(verdict_text(v, info.direction, tx)),
                    Cell(trend_text(tr, info.direction, tx)),
                ]
            )
        table = Table(
            key=f"theme-{n}",
            caption=f"{tx.t('themes')}: {theme}",
            columns=[
                tx.t("indicator"),
                tx.t("year"),
                g.name,
                c.name,
                tx.t("vs", ref=c.name),
                tx.t("trend", years=""),
            ],
            rows=rows,
            numeric=[2, 3],
        )
        table_notes(table, min(infos, key=lambda i: i.threshold), tx)
        if table.generated:
            table.notes[-1] = "* " + table.notes[-1]
        ch.tables.append(table)
    return ch
