"""What the page views share: parsing areas from the query string, texts for verdicts and reasons,
downloads of exactly what a page shows, and cached chart rendering."""

from __future__ import annotations

import hashlib
import io
import json
import re
from collections.abc import Sequence
from typing import Any

import polars as pl
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from kasvu import charts
from kasvu.access import is_internal
from kasvu.bank.models import Area, AreaKind

MAX_COMPARED = 5

ASSESSMENTS = {
    "better": gettext_lazy("better"),
    "worse": gettext_lazy("worse"),
    "higher": gettext_lazy("higher"),
    "lower": gettext_lazy("lower"),
    "no_difference": gettext_lazy("no difference"),
    "not_testable": gettext_lazy("not tested"),
}
BANDS = {
    "best": gettext_lazy("best fifth"),
    "middle": gettext_lazy("middle"),
    "worst": gettext_lazy("worst fifth"),
}
BAND_AMONG = {
    "municipality": gettext_lazy("among municipalities"),
    "region": gettext_lazy("among regions"),
    "county": gettext_lazy("among wellbeing services counties"),
}
TRENDS = {
    ("up", "better"): gettext_lazy("rising, better"),
    ("up", "worse"): gettext_lazy("rising, worse"),
    ("up", "higher"): gettext_lazy("rising"),
    ("down", "better"): gettext_lazy("falling, better"),
    ("down", "worse"): gettext_lazy("falling, worse"),
    ("down", "lower"): gettext_lazy("falling"),
}
KIND_LABELS = dict(AreaKind.choices)

#: Reasons written by the core in English, with their translations (patterns keep the numbers).
_REASONS: list[tuple[re.Pattern[str], Any]] = [
    (re.compile(r"^fewer than (\d+) persons$"), gettext_lazy("fewer than %(n)s persons")),
    (re.compile(r"^hidden to protect another value$"), gettext_lazy("hidden to protect another value")),
    (
        re.compile(r"^internal only: the number of persons is unknown$"),
        gettext_lazy("internal only: the number of persons is unknown"),
    ),
    (
        re.compile(r"^(\d+) of (\d+) members have no data$"),
        gettext_lazy("%(a)s of %(b)s members have no data"),
    ),
    (re.compile(r"^no member has data$"), gettext_lazy("no member has data")),
    (re.compile(r"^no numerator or denominator$"), gettext_lazy("no numerator or denominator")),
    (re.compile(r"^a count has no sampling interval$"), gettext_lazy("a count has no sampling interval")),
    (re.compile(r"^counts are not compared$"), gettext_lazy("counts are not compared")),
    (re.compile(r"^counts are not tested for trend$"), gettext_lazy("counts are not tested for trend")),
    (re.compile(r"^fewer than (\d+) years with data$"), gettext_lazy("fewer than %(n)s years with data")),
    (re.compile(r"^no aggregation rule"), gettext_lazy("no rule to compute a value for a group")),
    (re.compile(r"^value is suppressed$"), gettext_lazy("value is suppressed")),
    (re.compile(r"^no value$"), gettext_lazy("no value")),
    (re.compile(r"^neutral indicator"), gettext_lazy("neutral indicator: no better or worse")),
    (re.compile(r"^fewer than (\d+) comparable areas$"), gettext_lazy("fewer than %(n)s comparable areas")),
    (
        re.compile(r"^reference: denominator is zero"),
        gettext_lazy("nothing left of the reference to compare"),
    ),
    (re.compile(r"^(area|reference): no numerator"), gettext_lazy("no numerator or denominator")),
    (
        re.compile(r"^no population of the age group is stored"),
        gettext_lazy("no population of the age group is stored: the area's value cannot be computed"),
    ),
    # kasvu.stats.targets: why a plan's goal indicator has no status
    (re.compile(r"^no latest value$"), gettext_lazy("no latest value")),
    (re.compile(r"^no target$"), gettext_lazy("no target")),
    (
        re.compile(r"^indicator has no direction: a target cannot be met or missed$"),
        gettext_lazy("indicator has no direction: a target cannot be met or missed"),
    ),
    (re.compile(r"^indicator has no direction set$"), gettext_lazy("indicator has no direction set")),
    (re.compile(r"^no baseline to draw the path from$"), gettext_lazy("no baseline to draw the path from")),
    (
        re.compile(r"^target year is not after the baseline year$"),
        gettext_lazy("target year is not after the baseline year"),
    ),
]


def reason_text(reason: str | None) -> str:
    """The core's English reason in the reader's language (unknown reasons pass through)."""
    if not reason:
        return ""
    for pattern, text in _REASONS:
        m = pattern.match(reason)
        if m:
            groups = m.groups()
            params = {"n": groups[0]} if len(groups) == 1 else {}
            if len(groups) == 2:
                params = {"a": groups[0], "b": groups[1]}
            return str(text) % params if params else str(text)
    return reason


def lang() -> str:
    return (get_language() or "fi")[:2]


def public_for(request: Any) -> bool:
    """Anonymous readers see published values only; internal users see all, marked internal."""
    return not is_internal(request.user)


def parse_area(ref: str) -> Area | None:
    """``kind:code`` (or a bare municipality code) to an Area, None when unknown."""
    ref = (ref or "").strip()
    if not ref:
        return None
    kind, _, code = ref.rpartition(":")
    qs = Area.objects.filter(code=code)
    qs = qs.filter(kind=kind) if kind else qs.filter(kind=AreaKind.MUNICIPALITY)
    return qs.first()


def parse_areas(refs: Sequence[str], limit: int = MAX_COMPARED) -> list[Area]:
    out: list[Area] = []
    for ref in refs:
        area = parse_area(ref)
        if area is not None and area not in out:
            out.append(area)
    return out[:limit]


def area_options(
    kinds: Sequence[str] = ("country", "region", "county", "group", "municipality"),
) -> list[tuple[str, list[tuple[str, str]]]]:
    """Options for area pickers, grouped by kind (current areas only), cached per language."""
    key = f"kasvu:area-options:{lang()}:{','.join(kinds)}"
    hit = cache.get(key)
    if hit is not None:
        return hit  # type: ignore[no-any-return]
    groups = []
    areas = Area.objects.filter(kind__in=kinds, valid_to__isnull=True)
    by_kind: dict[str, list[tuple[str, str]]] = {k: [] for k in kinds}
    for a in areas:
        by_kind[a.kind].append((a.key, a.name(lang())))
    for k in kinds:
        if by_kind[k]:
            groups.append((str(KIND_LABELS.get(k, k)).capitalize(), sorted(by_kind[k], key=lambda o: o[1])))
    cache.set(key, groups, 300)
    return groups


def options_html(groups: list[tuple[str, list[tuple[str, str]]]], selected: str | Sequence[str] = "") -> str:
    """``<optgroup>``s of ``<option>``s with ``selected`` marked. The list is built once per language and
    kind (hundreds of options) and the selection inserted by text replacement."""
    key = "kasvu:options-html:" + hashlib.sha1(repr(groups).encode()).hexdigest()
    html = cache.get(key)
    if html is None:
        parts = []
        for label, opts in groups:
            parts.append(f'<optgroup label="{escape(label)}">')
            parts.extend(f'<option value="{escape(k)}">{escape(n)}</option>' for k, n in opts)
            parts.append("</optgroup>")
        html = "".join(parts)
        cache.set(key, html, 300)
    for sel in [selected] if isinstance(selected, str) else selected:
        if sel:
            html = html.replace(
                f'<option value="{escape(sel)}">', f'<option value="{escape(sel)}" selected>', 1
            )
    return mark_safe(html)  # noqa: S308 - every piece escaped above


# ---------------------------------------------------------------------------
# Downloads


def download(frame: pl.DataFrame, fmt: str, filename: str, metadata: list[tuple[str, str]]) -> HttpResponse:
    """CSV (UTF-8 with BOM, so that Excel reads ä and ö) or XLSX with a metadata sheet."""
    if fmt == "csv":
        buf = io.BytesIO()
        buf.write("\ufeff".encode())
        frame.write_csv(buf)
        response = HttpResponse(buf.getvalue(), content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        response = HttpResponse(
            xlsx_bytes(frame, metadata),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        return HttpResponse(_("Unknown format: use csv or xlsx."), status=400, content_type="text/plain")
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


def xlsx_bytes(frame: pl.DataFrame, metadata: list[tuple[str, str]]) -> bytes:
    """The values sheet, then a metadata sheet (what, source, licence, column meanings)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from kasvu.readmodel import COLUMN_MEANINGS

    wb = Workbook()
    ws = wb.active
    ws.title = "data"
    ws.append(frame.columns)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in frame.iter_rows():
        ws.append(list(row))
    meta = wb.create_sheet("metadata")
    for key, value in metadata:
        meta.append([key, value])
    meta.append([])
    meta.append(["column", "meaning"])
    for col in frame.columns:
        if col in COLUMN_MEANINGS:
            meta.append([col, COLUMN_MEANINGS[col]])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# ---------------------------------------------------------------------------
# Charts, rendered once per spec and language


def chart_svg(chart: Any, label: str) -> str:
    """Inline SVG for a page, cached by the spec's hash (vl-convert takes 0.1–0.5 s per chart)."""
    spec = charts.spec_of(chart)
    key = (
        "kasvu:svg:"
        + hashlib.sha1((json.dumps(spec, sort_keys=True, default=str) + lang()).encode()).hexdigest()
    )
    svg = cache.get(key)
    if svg is None:
        svg = charts.render_svg(spec, lang())
        cache.set(key, svg, 3600)
    return mark_safe(charts.svg_for_html(svg, label))  # noqa: S308 - vl-convert output of our own spec


def chart_file(chart: Any, fmt: str, filename: str) -> HttpResponse:
    if fmt == "svg":
        response = HttpResponse(charts.render_svg(chart, lang()), content_type="image/svg+xml")
    elif fmt == "png":
        response = HttpResponse(charts.render_png(chart, lang(), 2.0), content_type="image/png")
    else:
        return HttpResponse(_("Unknown format: use svg or png."), status=400, content_type="text/plain")
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
