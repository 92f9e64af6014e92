"""Pieces shared by the bundled builders: cells, verdict labels, figures, methods and provenance."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from functools import cache
from typing import Any

import polars as pl

from kasvu.classification import data_path
from kasvu.labels import attribution_label, date_label, period_label
from kasvu.readmodel import IndicatorInfo
from kasvu.reports import formatting as fmt
from kasvu.reports import narrative as nar
from kasvu.reports.document import SUPPRESSED, Cell, Chapter, ProvenanceEntry, Table
from kasvu.reports.texts import Texts
from kasvu.rights import RIGHTS
from kasvu.stats.significance import DECREASING, HIGHER, INCREASING, LOWER, NO_DIFFERENCE, NO_TREND


def measure(info: IndicatorInfo) -> nar.Measure:
    return nar.Measure(info.unit, info.decimals, info.direction, info.threshold)


def _f(v: Any) -> float | None:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    return float(v)


def estimate(row: dict[str, Any] | None, name: str, lang: str = "") -> nar.Estimate:
    """A narrative estimate from a values row; hidden rows are suppressed, missing rows have no value.
    With ``lang``, a sub-year row names its period ("joulukuu 2024", :func:`period_text`)."""
    if row is None:
        return nar.Estimate(name, None)
    hidden = bool(row.get("hidden"))
    sub = int(row.get("sub") or 0)
    return nar.Estimate(
        name,
        None if hidden else _f(row.get("value")),
        None if hidden else _f(row.get("lower")),
        None if hidden else _f(row.get("upper")),
        int(row["year"]) if row.get("year") is not None else None,
        suppressed=hidden,
        period=period_label(int(row["year"]), sub, lang)
        if lang and sub and row.get("year") is not None
        else "",
    )


def period_text(row: dict[str, Any] | None, year: int, lang: str) -> str:
    """The period of a values row as the reader says it: the year, or "maaliskuu 2024" for a month."""
    sub = int((row or {}).get("sub") or 0)
    return period_label(year, sub, lang) if sub else str(year)


def value_cell(row: dict[str, Any] | None, info: IndicatorInfo, lang: str) -> Cell:
    if row is None:
        return Cell("")
    if row.get("hidden"):
        return Cell(SUPPRESSED, suppressed=True, generated=bool(row.get("generated")))
    v = _f(row.get("value"))
    return Cell(fmt.number(v, info.decimals, lang), v, generated=bool(row.get("generated")))


def interval_cell(row: dict[str, Any] | None, info: IndicatorInfo, lang: str) -> Cell:
    if row is None or row.get("hidden"):
        return Cell(SUPPRESSED if row else "", suppressed=bool(row))
    lower, upper = _f(row.get("lower")), _f(row.get("upper"))
    ends = (lower, upper) if lower is not None and upper is not None else None
    return Cell(fmt.interval(lower, upper, info.decimals, lang).strip("()"), interval=ends)


def verdict_text(verdict: str | None, direction: str, tx: Texts) -> str:
    """Table label for a comparison verdict: "higher (worse)" etc., only for significant verdicts."""
    if verdict in (HIGHER, LOWER):
        word = tx.t("v_higher" if verdict == HIGHER else "v_lower")
        if direction in ("higher_better", "lower_better"):
            good = (verdict == HIGHER) == (direction == "higher_better")
            word += f" ({tx.t('v_better' if good else 'v_worse')})"
        return word
    if verdict == NO_DIFFERENCE:
        return tx.t("v_same")
    return tx.t("v_untestable") if verdict else ""


def trend_text(verdict: str | None, direction: str, tx: Texts) -> str:
    if verdict in (INCREASING, DECREASING):
        word = tx.t("t_up" if verdict == INCREASING else "t_down")
        if direction in ("higher_better", "lower_better"):
            good = (verdict == INCREASING) == (direction == "higher_better")
            word += f" ({tx.t('v_better' if good else 'v_worse')})"
        return word
    if verdict == NO_TREND:
        return tx.t("t_none")
    return tx.t("v_untestable") if verdict else ""


def table_notes(table: Table, info: IndicatorInfo | None, tx: Texts, attribution: str = "") -> None:
    """Footnotes: suppression, generated data, source."""
    cells = [c for row in table.rows for c in row]
    if any(c.suppressed for c in cells):
        table.notes.append(tx.t("suppressed_note", threshold=info.threshold if info else 5))
    if table.generated or any(c.generated for c in cells):
        table.generated = True
        table.notes.append(tx.t("generated_note"))
    if attribution:
        table.notes.append(tx.source(attribution))


def lookup(frame: pl.DataFrame, keys: Sequence[str]) -> dict[tuple[Any, ...], dict[str, Any]]:
    return {tuple(r[k] for k in keys): r for r in frame.iter_rows(named=True)}


def provenance_chapter(entries: list[ProvenanceEntry], tx: Texts) -> Chapter:
    ch = Chapter(tx.t("provenance"), key="provenance")
    rows = []
    for e in entries:
        retrieved = date_label(e.retrieved, tx.lang) if e.retrieved else ""
        retrieved += f" {tx.t('imported_on')}" if e.retrieved_is_import_date else ""
        rows.append(
            [
                Cell(e.indicator + (f" [{tx.t('generated_note')}]" if e.generated else "")),
                Cell(e.indicator_key),
                Cell(e.source + (f", {e.url}" if e.url else "")),
                Cell(retrieved),
                Cell(e.licence),
                Cell(attribution_label(e.attribution, tx.lang)),
                Cell(e.years),
                Cell(e.imports),
            ]
        )
    table = Table(
        "provenance",
        tx.t("provenance"),
        [
            tx.t("indicator"),
            "Key",
            tx.t("source"),
            tx.t("retrieved"),
            tx.t("licence"),
            tx.t("attribution"),
            tx.t("years"),
            tx.t("imports"),
        ],
        rows,
        generated=any(e.generated for e in entries),
    )
    if table.generated:
        table.notes.append(tx.t("generated_note"))
    ch.tables.append(table)
    return ch


def methods_chapter(tx: Texts, threshold: int) -> Chapter:
    ch = Chapter(tx.t("methods"), key="methods")
    ch.add(tx.t("methods_text", threshold=threshold))
    return ch


@cache
def _geo() -> dict[str, Any]:
    return dict(json.loads(data_path("geo", "kuntarajat.2023.json").read_text("utf-8")))


def geo_for(codes: Sequence[str]) -> dict[str, Any]:
    """The 2023 municipal boundaries (NLS, CC BY 4.0) of ``codes`` only, as a GeoJSON FeatureCollection."""
    wanted = set(codes)
    feats = [f for f in _geo()["features"] if str(f["properties"].get("NATCODE", "")).zfill(3) in wanted]
    return {"type": "FeatureCollection", "features": feats}


def generated_text(text: str, generated: bool, lang: str, tx: Texts) -> str:
    return f"{nar.generated_prefix(lang, tx.phrases)} {text}" if generated and text else text


def rights_chapters(
    shown: Sequence[IndicatorInfo], sections: dict[int, Chapter], lang: str, tx: Texts, *, intro: bool = False
) -> tuple[list[Chapter], list[IndicatorInfo]]:
    """One chapter per children's right; each indicator's section stands under its first right and the
    other rights point to it. Returns the chapters and the indicators that belong to no right."""
    chapters: list[Chapter] = []
    placed: dict[int, str] = {}
    for right in RIGHTS:
        ch = Chapter(right.label(lang), key=f"right-{right.key}")
        if intro:
            ch.add(tx.t("rights_intro", right=right.label(lang)))
        inds = [i for i in shown if right.key in i.rights]
        if not inds:
            ch.add(tx.t("no_indicators"))
        for info in inds:
            if info.id in placed:
                ch.add(tx.t("see_section", title=info.title, chapter=placed[info.id]), "note")
            else:
                placed[info.id] = ch.heading
                ch.sections.append(sections[info.id])
        chapters.append(ch)
    return chapters, [i for i in shown if i.id not in placed]
