"""The municipality profile: one municipality against its groups, its region and the country.

Chapters: introduction, summary, one chapter per children's right (each indicator: narrative with the
comparisons and the trend, a line chart of the area against its references, the numbers as a table),
methods, provenance.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

from kasvu import analysis
from kasvu import verdicts as vw
from kasvu.analysis import assessment
from kasvu.reports import formatting as fmt
from kasvu.reports import narrative as nar
from kasvu.reports.builders import ReportNotAvailable, ReportRequest, register
from kasvu.reports.builders.common import (
    estimate,
    generated_text,
    lookup,
    measure,
    methods_chapter,
    period_text,
    provenance_chapter,
    rights_chapters,
    table_notes,
    trend_text,
    verdict_text,
)
from kasvu.reports.data import AreaInfo, IndicatorInfo, ReportData
from kasvu.reports.document import Cell, Chapter, ChartSpec, Figure, Report, Table
from kasvu.reports.texts import Texts
from kasvu.rights import RIGHTS
from kasvu.stats.significance import HIGHER, LOWER, NOT_TESTABLE

WINDOW_YEARS = 10


@dataclass
class Context:
    data: ReportData
    area: AreaInfo
    refs: list[AreaInfo]
    year: int
    tx: Texts
    #: Indicator id → the references it is compared with (the defaults differ for a survey's indicators,
    #: :mod:`kasvu.readmodel.references`); None: every indicator with every reference (chosen references).
    refs_of: dict[int, list[int]] | None = None
    register_refs: frozenset[int] = frozenset()  # the defaults of register data (region, county, country)

    @property
    def lang(self) -> str:
        return self.tx.lang

    @property
    def survey_refs(self) -> list[AreaInfo]:
        """Default references beyond the register ones: a survey's own area, for its indicators only."""
        if self.refs_of is None:
            return []
        return [r for r in self.refs if r.id not in self.register_refs]

    def refs_for(self, indicator_id: int) -> list[AreaInfo]:
        """The references this indicator is compared with, in the report's order."""
        if self.refs_of is None:
            return self.refs
        mine = set(self.refs_of.get(indicator_id, ()))
        return [r for r in self.refs if r.id in mine]


@register("profile")
def build(request: ReportRequest) -> Report:
    from kasvu.bank.areas import AmbiguousArea, AreaNotFound, find_area
    from kasvu.reports import data as d

    try:
        area = find_area(request.target)
    except (AreaNotFound, AmbiguousArea) as exc:
        raise ReportNotAvailable(str(exc)) from None
    ref_keys = [k.strip() for k in request.options.get("references", "").split(",") if k.strip()]
    try:
        chosen_refs = d.references_of(area, request.year, ref_keys) if ref_keys else None
    except (AreaNotFound, AmbiguousArea) as exc:
        raise ReportNotAvailable(f"Reference area: {exc}") from None
    indicators = d.find_indicators(request.indicators or None)
    years = (request.year - WINDOW_YEARS + 1, request.year)
    # Tested over the same family as the web page (every indicator unless some are chosen), against the
    # web profile's references (by default: region, county and Finland; a survey's own area for its
    # indicators), then shown.
    chosen = [i.id for i in indicators] if request.indicators else None
    refs, comparisons = d.profile_verdicts(area, chosen_refs, chosen, request.year, public=request.public)
    data = d.fetch(indicators, [area], refs, years, lang=request.lang, public=request.public)
    data.comparisons = comparisons
    refs_of = None
    if chosen_refs is None:
        refs_of = {}
        for ind, ref in comparisons.select("indicator_id", "ref_id").iter_rows():
            refs_of.setdefault(int(ind), []).append(int(ref))
    ctx = Context(
        data,
        d.area_info(area, request.lang),
        [d.area_info(r, request.lang) for r in refs],
        request.year,
        Texts(request.lang, request.phrases),
        refs_of,
        frozenset(d.register_references(area, request.year)),
    )
    report = compose(ctx)
    report.slug = f"profile-{area.code}-{request.year}-{request.lang}"
    return report


def compose(ctx: Context) -> Report:
    tx, data, lang = ctx.tx, ctx.data, ctx.lang
    a = ctx.area
    if data.comparisons is None:
        raise ValueError("A profile report needs the web profile's comparisons (data.profile_comparisons).")
    # The web profile's verdicts (same tests, Benjamini–Hochberg over the profile), not a second opinion.
    cmp = lookup(data.comparisons, ["indicator_id", "area_id", "ref_id", "year"])
    trends = lookup(
        analysis.series_trends(data.tested().filter(pl.col("area_id") == a.id), data.kinds),
        ["indicator_id", "area_id"],
    )
    vals = lookup(data.values, ["indicator_id", "area_id", "year"])
    own = data.values.filter(
        (pl.col("area_id") == a.id)
        & (pl.col("value").is_not_null() | pl.col("withheld"))
        & (pl.col("year") <= ctx.year)
    )
    latest = {int(i): int(y) for i, y in own.group_by("indicator_id").agg(pl.col("year").max()).iter_rows()}
    shown = sorted((data.indicators[i] for i in latest), key=lambda i: i.title)
    if not shown:
        raise ReportNotAvailable(
            f"No indicator has data for {a.name} up to {ctx.year}. Import data first (see docs/importing.md) "
            "or choose another year."
        )
    generated = any(i.generated for i in shown)
    refs_text = ", ".join(r.name for r in ctx.refs)
    report = Report(
        kind="profile",
        title=tx.t("profile_title", area=a.name, year=ctx.year),
        subtitle=tx.t("profile_subtitle", refs=refs_text),
        language=lang,
        chapters=[],
        public=data.public,
        generated_data=generated,
        meta={"area": a.name, "code": a.code, "year": str(ctx.year), "kind": "profile"},
    )
    if generated:
        report.notices.append(tx.t("generated_notice"))
    if not data.public:
        report.notices.append(tx.t("internal_notice"))
    intro = Chapter(tx.t("introduction"), key="introduction")
    intro.add(tx.t("intro_profile", area=a.name, year=ctx.year, refs=refs_text))
    for notice in report.notices:
        intro.add(notice, "warning")
    report.chapters.append(intro)

    report.chapters.append(_summary(ctx, shown, latest, vals, cmp))
    sections: dict[int, Chapter] = {}
    for info in shown:
        sections[info.id], _findings = _section(ctx, info, latest[info.id], vals, cmp, trends)
    chapters, rest = rights_chapters(shown, sections, lang, tx)
    report.chapters.extend(chapters)
    if rest:
        ch = Chapter(tx.t("themes"), key="other")
        ch.sections.extend(sections[i.id] for i in rest)
        report.chapters.append(ch)
    methods = methods_chapter(tx, min((i.threshold for i in shown), default=5))
    methods.add(tx.t("methods_bh"))
    if ctx.survey_refs:
        methods.add(tx.t("methods_survey_refs", refs=", ".join(r.name for r in ctx.survey_refs)))
    report.chapters.append(methods)
    report.provenance = data.provenance
    report.chapters.append(provenance_chapter(data.provenance, tx))
    report.number_figures()
    return report


#: Significant findings, the unfavourable first; neutral indicators last.
_FINDING_ORDER = {"worse": 0, "better": 1, "higher": 2, "lower": 2}
#: How many findings the summary spells out; the table below lists every comparison.
SUMMARY_FINDINGS = 12


def _summary(
    ctx: Context,
    shown: list[IndicatorInfo],
    latest: dict[int, int],
    vals: dict[tuple[Any, ...], dict[str, Any]],
    cmp: dict[tuple[Any, ...], dict[str, Any]],
) -> Chapter:
    """The few significant findings first, grouped by right, in the reader's terms ("Vihti: 11,3 % –
    heikompi kuin Uusimaa (9,9 %)"); then every comparison in one table. Only tests that ran are reported:
    where a value is missing or hidden the table says why there is no comparison."""
    tx, lang, a = ctx.tx, ctx.lang, ctx.area
    summary = Chapter(tx.t("summary"), key="summary")
    rows: list[list[Cell]] = []
    found: list[tuple[int, str, IndicatorInfo, str]] = []
    tested = 0
    for info in shown:
        y = latest[info.id]
        arow = vals.get((info.id, a.id, y))
        aest = estimate(arow, a.name, lang)
        mine = vw.Side(a.name, vw.shown(aest.value, info.unit, info.decimals, lang), hidden=aest.suppressed)
        cells = [
            Cell(info.title, generated=info.generated),
            Cell(period_text(arow, y, lang)),  # 2024, or the latest month "joulukuu 2024"
            Cell(nar.shown(aest, measure(info), lang)),
        ]
        said: list[tuple[str, str]] = []
        compared = {r.id for r in ctx.refs_for(info.id)}
        for r in ctx.refs:
            if r.id not in compared:  # not this indicator's reference (a survey's area, a register region)
                cells.append(Cell(""))
                continue
            rest = estimate(vals.get((info.id, r.id, y)), r.name)
            theirs = vw.Side(
                r.name, vw.shown(rest.value, info.unit, info.decimals, lang), hidden=rest.suppressed
            )
            verdict = (cmp.get((info.id, a.id, r.id, y)) or {}).get("verdict") or NOT_TESTABLE
            why = vw.why_not_compared(mine, theirs)
            assess = "none" if why else assessment(verdict, info.direction)
            tested += assess not in ("none", "not_testable")
            cells.append(Cell(vw.relation(assess, mine, theirs, lang)))
            if assess in _FINDING_ORDER:
                said.append((assess, vw.relation(assess, mine, theirs, lang)))
        rows.append(cells)
        if said:
            worst = min(_FINDING_ORDER[x] for x, _ in said)
            head = f"{a.name}: {mine.text}"
            found.append(
                (worst, _right_of(info), info, f"{info.title}. {head} – " + "; ".join(t for _, t in said))
            )
    if found:
        summary.add(tx.t("summary_lead", area=a.name, n=len(found), m=len(shown)))
        order = {r.key: i for i, r in enumerate(RIGHTS)}
        found.sort(key=lambda f: (order.get(f[1], len(order)), f[0], f[2].title))
        for right in dict.fromkeys(f[1] for f in found[:SUMMARY_FINDINGS]):
            mine_ = [f for f in found[:SUMMARY_FINDINGS] if f[1] == right]
            label = next((r.label(lang) for r in RIGHTS if r.key == right), tx.t("themes"))
            for _, _, info, text in mine_:
                summary.add(
                    generated_text(f"{label}: {text}.", info.generated, lang, tx),
                    "generated" if info.generated else "finding",
                )
        if len(found) > SUMMARY_FINDINGS:
            summary.add(tx.t("summary_more", n=len(found) - SUMMARY_FINDINGS))
    elif tested:
        summary.add(tx.t("summary_profile_none", area=a.name))
    else:
        summary.add(tx.t("summary_profile_untested", area=a.name))
    summary.tables.append(
        Table(
            "t-summary",
            tx.t("summary_table", area=a.name, year=ctx.year),
            [tx.t("indicator"), tx.t("year"), a.name, *(tx.t("vs", ref=r.name) for r in ctx.refs)],
            rows,
            generated=any(i.generated for i in shown),
            numeric=[1, 2],
        )
    )
    return summary


def _right_of(info: IndicatorInfo) -> str:
    """The first of the seven rights the indicator serves (the order of the plans), "" for none."""
    return next((r.key for r in RIGHTS if r.key in (info.rights or ())), "")


def _section(
    ctx: Context,
    info: IndicatorInfo,
    year: int,
    vals: dict[tuple[Any, ...], dict[str, Any]],
    cmp: dict[tuple[Any, ...], dict[str, Any]],
    trends: dict[tuple[Any, ...], dict[str, Any]],
) -> tuple[Chapter, list[str]]:
    tx, lang, m, a = ctx.tx, ctx.lang, measure(info), ctx.area
    sec = Chapter(info.title, key=f"indicator-{info.key}")
    arow = vals.get((info.id, a.id, year))
    aest = estimate(arow, a.name, lang)
    sentences = [nar.value_sentence(aest, m, lang, tx.phrases)]
    findings = []
    refs = ctx.refs_for(info.id)
    for ref in refs:
        v = (cmp.get((info.id, a.id, ref.id, year)) or {}).get("verdict") or ""
        s = nar.comparison_sentence(
            aest, estimate(vals.get((info.id, ref.id, year)), ref.name), v, m, lang, tx.phrases
        )
        sentences.append(s)
        if v in (HIGHER, LOWER) and s:
            findings.append(f"{info.title}. {sentences[0]} {s}")
    tr = trends.get((info.id, a.id)) or {}
    if tr.get("first_year") is not None:
        first = estimate(vals.get((info.id, a.id, int(tr["first_year"]))), a.name, lang)
        sentences.append(nar.trend_sentence(first, aest, tr.get("verdict") or "", m, lang, tx.phrases))
    sec.add(
        generated_text(" ".join(s for s in sentences if s), info.generated, lang, tx),
        "generated" if info.generated else "text",
    )

    series = [a, *refs]
    years = sorted({y for (i, ar, y) in vals if i == info.id and ar == a.id})
    points, rows = [], []
    for y in years:
        row = [Cell(period_text(vals.get((info.id, a.id, y)), y, lang))]  # like periods: each year's month
        for s in series:
            r = vals.get((info.id, s.id, y))
            hidden = r is None or bool(r.get("hidden")) or r.get("value") is None
            if not hidden:
                points.append(
                    {
                        "series": s.name,
                        "year": y,
                        "value": r["value"],
                        "lower": r["lower"],
                        "upper": r["upper"],
                    }
                )
            row.append(
                Cell(
                    nar.shown(estimate(r, s.name), m, lang) if r else "",
                    None if hidden else r["value"],
                    suppressed=bool(r and r.get("hidden")),
                    generated=bool(r and r.get("generated")),
                )
            )
        rows.append(row)
    table = Table(
        f"t-{info.key}",
        f"{info.title}, {fmt.year_range(years[0], years[-1])}",
        [tx.t("year"), *(s.name for s in series)],
        rows,
        generated=info.generated,
        numeric=list(range(1, len(series) + 1)),
    )
    table_notes(table, info, tx, info.attribution)
    verdicts = [
        Cell(
            tx.t("vs", ref=r.name)
            + ": "
            + verdict_text(
                None if aest.suppressed else (cmp.get((info.id, a.id, r.id, year)) or {}).get("verdict"),
                info.direction,
                tx,
            )
        )
        for r in refs
    ]
    table.notes.insert(
        0,
        "; ".join(c.text for c in verdicts)
        + "; "
        + tx.t("trend", years="")
        + ": "
        + trend_text(None if aest.suppressed else tr.get("verdict"), info.direction, tx),
    )
    span = fmt.year_range(years[0], years[-1]) if years else str(year)
    gen_note = f" {tx.t('generated_note')}" if info.generated else ""
    series_text = "; ".join(
        f"{s.name} {nar.shown(estimate(vals.get((info.id, s.id, year)), s.name), m, lang)}" for s in series
    )
    sec.figures.append(
        Figure(
            key="",
            caption=tx.t("fig_trend", n="{n}", title=info.title, years=span)
            + " "
            + tx.source(info.attribution)
            + gen_note,
            alt_text=generated_text(
                tx.t("alt_trend", title=info.title, years=span, series=series_text), info.generated, lang, tx
            ),
            chart=ChartSpec(
                "trend",
                points,
                value_title=fmt.unit_suffix(info.unit, lang).strip() or info.unit,
                decimals=info.decimals,
            ),
            table=table,
            generated=info.generated,
        )
    )
    return sec, findings
