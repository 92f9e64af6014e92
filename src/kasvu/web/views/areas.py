"""Area pages: the list of areas and the area profile (indicators by the seven rights)."""

from __future__ import annotations

import threading
import time
from typing import Any
from urllib.parse import quote

import polars as pl
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from kasvu import charts, precompute, profiles, verdicts
from kasvu.bank.models import Area
from kasvu.labels import attribution_label, period_label, unit_label
from kasvu.readmodel import area_tree, indicator_frame, sync
from kasvu.web.views.common import (
    BAND_AMONG,
    BANDS,
    KIND_LABELS,
    TRENDS,
    area_options,
    download,
    lang,
    options_html,
    parse_areas,
    public_for,
    reason_text,
)

#: Reference areas offered in the profile's form (compare municipalities on the compare page).
REFERENCE_KINDS = ("country", "region", "county", "group")
#: Verdicts listed beside the area's value: those of a test that ran (the reference columns say why a value is missing).
TESTED = ("better", "worse", "higher", "lower", "no_difference")
PROFILE_KINDS = ("municipality", "district", "group", "county", "region", "subregion", "country")


def area_list(request: HttpRequest) -> HttpResponse:
    """Areas by kind, filtered by a name or code."""
    q = (request.GET.get("q") or "").strip()
    kinds = [k for k in ("region", "county", "group", "municipality", "district", "country")]
    areas = Area.objects.filter(kind__in=kinds, valid_to__isnull=True)
    if q:
        from django.db.models import Q

        areas = areas.filter(
            Q(name_fi__icontains=q) | Q(name_sv__icontains=q) | Q(name_en__icontains=q) | Q(code=q)
        )
    by_kind: dict[str, list[Area]] = {k: [] for k in kinds}
    for a in areas:
        by_kind[a.kind].append(a)
    groups = [
        {"kind": k, "label": str(KIND_LABELS[k]).capitalize(), "areas": sorted(v, key=lambda a: a.name())}
        for k, v in by_kind.items()
        if v
    ]
    return render(request, "kasvu/areas.html", {"groups": groups, "q": q})


_LANG = threading.local()


def _fmt(v: float | None, decimals: int) -> str:
    """A number in the language of the request being rendered (set once per request in :func:`profile`)."""
    return charts.format_number(v, decimals, getattr(_LANG, "code", "fi")) if v is not None else ""


def _value_view(v: profiles.Value, decimals: int, unit: str) -> dict[str, Any]:
    """Pre-formatted strings for one value: formatting here is faster than in the template."""
    out: dict[str, Any] = {
        "text": _fmt(v.value, decimals),
        "interval": "",
        "note": "",
        "suppressed": v.suppressed and v.value is None,
        "internal": v.internal,
        "computed": v.computed,
        "approximate": v.approximate,
        "year": v.year if not v.sub or v.year is None else period_label(v.year, v.sub, lang()),
    }
    if v.lower is not None and v.upper is not None:
        out["interval"] = f"{_fmt(v.lower, decimals)}–{_fmt(v.upper, decimals)}"
    if out["suppressed"]:
        out["note"] = reason_text(v.suppression_reason)
    elif v.value is None:
        out["note"] = reason_text(v.missing_reason) or _("no data")
    elif v.internal:
        out["note"] = _("internal: not published (%(reason)s)") % {
            "reason": reason_text(v.suppression_reason)
        }
    return out


def _row_view(row: profiles.Row, area_name: str) -> dict[str, Any]:
    ind = row.indicator
    latest = _value_view(row.latest, ind.decimals, ind.unit)
    comparisons = []
    code = getattr(_LANG, "code", "fi")
    mine = verdicts.Side(
        area_name,
        verdicts.shown(row.latest.value, ind.unit, ind.decimals, code),
        hidden=row.latest.suppressed,
    )
    for c in row.comparisons:
        ref = _value_view(c.reference_value, ind.decimals, ind.unit)
        theirs = verdicts.Side(
            c.reference.name(code),
            verdicts.shown(c.reference_value.value, ind.unit, ind.decimals, code),
            hidden=c.reference_value.suppressed,
        )
        why = verdicts.why_not_compared(mine, theirs)
        assess = c.assessment if not why else "none" if why.startswith("ref_") else "not_testable"
        comparisons.append(
            {
                "ref_id": c.reference.id,
                "ref": ref,
                "assessment": assess,
                # About this area, naming the reference: "heikompi kuin Uusimaa (9,2 %)".
                "label": verdicts.relation(assess, mine, theirs, code),
                "sentence": verdicts.sentence(assess, mine, theirs, code),
                "reason": reason_text(c.reason) if c.assessment == "not_testable" else "",
                "approximate": c.approximate,
            }
        )
    trend = None
    if row.trend.arrow:
        trend = {
            "arrow": "↑" if row.trend.arrow == "up" else "↓",
            "assessment": row.trend.assessment or "",
            "label": str(TRENDS.get((row.trend.arrow, row.trend.assessment or ""), "")),
            "years": f"{row.trend.first_year}–{row.trend.last_year}",
        }
    band = None
    if row.band is not None:
        band = {
            "band": row.band.band,
            "label": str(BANDS.get(row.band.band or "", "")),
            "among": str(BAND_AMONG.get(row.band.among, "")),
            "reason": reason_text(row.band.reason) if not row.band.band else "",
        }
    shown = [(y, v) for y, v in row.series]
    spark_label = _("%(title)s, %(area)s, %(first)s–%(last)s") % {
        "title": ind.title, "area": area_name,
        "first": shown[0][0] if shown else "", "last": shown[-1][0] if shown else "",
    }  # fmt: skip
    return {
        "id": ind.id,
        "key": ind.key,
        "title": ind.title,
        "unit": unit_label(ind.unit, lang()),
        "generated": ind.generated,
        "latest": latest,
        "comparisons": comparisons,
        "trend": trend,
        "band": band,
        "spark": charts.sparkline_svg(shown, label=spark_label),
        "series_text": ", ".join(f"{y}: {_fmt(v, ind.decimals) or '–'}" for y, v in shown),
    }


class _Words:
    """Words of the profile table, translated once per request (gettext per cell would cost more)."""

    def __init__(self) -> None:
        self.suppressed = _("suppressed")
        self.internal = _("internal")
        self.computed = _("computed")
        self.computed_title = _("computed from the member municipalities")
        self.approximate = _("approximate")
        self.no_data = _("no data")
        self.generated = _("generated demo data")
        self._indicator_url = reverse("web:indicator", args=["__key__"])  # once, not per row

    def indicator_url(self, key: str) -> str:
        """``reverse("web:indicator", args=[key])``, quoted as reverse quotes it."""
        return self._indicator_url.replace("__key__", quote(key, safe=RFC3986_SUBDELIMS + "/~:@"))


def _value_cell(v: dict[str, Any], w: _Words, *, main: bool) -> str:
    """The inside of a value cell: value and interval, or why there is none, with badges."""
    if v["suppressed"]:
        note = f": {escape(v['note'])}" if main and v["note"] else ""
        return f'<span class="suppressed">{w.suppressed}{note}</span>'
    if not v["text"]:
        return f'<span class="suppressed">{escape(v["note"] if main else w.no_data)}</span>'
    out = v["text"]
    if main and v["interval"]:
        out += f'<span class="ci">{v["interval"]}</span>'
    if v["internal"]:
        out += f' <span class="badge internal" title="{escape(v["note"])}">{w.internal}</span>'
    if v["computed"]:
        label = w.computed + (f", {w.approximate}" if v["approximate"] else "")
        out += f'<span class="ci" title="{w.computed_title}">{label}</span>'
    return out


def row_html(row: dict[str, Any], area_key: str, w: _Words, ref_ids: list[int] | None = None) -> str:
    """One table row of the profile, escaped; Python is ~10× faster here than template tags."""
    url = w.indicator_url(row["key"]) + f"?area={escape(area_key)}"
    head = f'<a href="{url}">{escape(row["title"])}</a>'
    if row["unit"]:
        head += f' <span class="code">({escape(row["unit"])})</span>'
    if row["generated"]:
        head += f' <span class="badge generated">{w.generated}</span>'
    latest = row["latest"]
    internal = " internal-value" if latest["internal"] else ""
    cells = [
        f'<th scope="row">{head}</th>',
        f'<td class="num">{latest["year"] or ""}</td>',
        f'<td class="num{internal}">{_value_cell(latest, w, main=True)}</td>',
    ]
    said = [
        f'<li><span class="verdict v-{c["assessment"]}">{escape(c["label"])}</span></li>'
        for c in row["comparisons"]
        if c["assessment"] in TESTED
    ]
    cells.append(
        f'<td class="cmp-verdicts"><ul class="verdicts">{"".join(said)}</ul></td>' if said else "<td></td>"
    )
    t = row["trend"]
    cells.append(
        f'<td><span class="trend {t["assessment"]}"><span class="arrow" aria-hidden="true">{t["arrow"]}</span> '
        f'{escape(t["label"])} <span class="code">{t["years"]}</span></span></td>'
        if t
        else "<td></td>"
    )
    b = row["band"]
    cells.append(
        f'<td><span class="band band-{b["band"]}">{escape(b["label"])}</span> '
        f'<span class="code">{escape(b["among"])}</span></td>'
        if b and b["band"]
        else "<td></td>"
    )
    # One column per reference of the profile; an indicator not compared with a reference (a register
    # indicator and a survey's own area, a survey indicator and the region) leaves its cell empty.
    by_ref = {c["ref_id"]: c for c in row["comparisons"]}
    for ref_id in ref_ids if ref_ids is not None else list(by_ref):
        c = by_ref.get(ref_id)
        cells.append(f'<td class="cmp num">{_value_cell(c["ref"], w, main=False)}</td>' if c else "<td></td>")
    cells.append(f'<td><span class="visually-hidden">{escape(row["series_text"])}</span>{row["spark"]}</td>')
    return "<tr>" + "".join(cells) + "</tr>"


def _chosen_indicators(request: HttpRequest) -> list[int] | None:
    """``?indicator=key`` (repeatable) picks an indicator set; ``?right=key`` one right; else all."""
    keys = request.GET.getlist("indicator")
    right = request.GET.get("right")
    if not keys and not right:
        return None
    sync()
    meta = indicator_frame()
    if keys:
        meta = meta.filter(pl.col("key").is_in(keys))
    if right:
        meta = meta.filter(pl.col("rights").list.contains(right))
    return meta["indicator_id"].to_list()


def profile(request: HttpRequest, kind: str, code: str) -> HttpResponse:
    """The area profile; ``?ref=kind:code`` (repeatable) chooses reference areas; ``?format=csv|xlsx``."""
    if kind not in PROFILE_KINDS:
        raise Http404("Unknown kind of area")
    t0 = time.perf_counter()
    area = get_object_or_404(Area, kind=kind, code=code)
    chosen = parse_areas(request.GET.getlist("ref"), limit=4)
    ref_ids = [a.id for a in chosen] if chosen else None
    public = public_for(request)
    indicator_ids = _chosen_indicators(request)
    prof = precompute.profile_summary(  # computed ahead after every change (kasvu.precompute)
        area.id, ref_ids, public=public, lang=lang(), indicator_ids=indicator_ids
    )
    fmt = request.GET.get("format")
    if fmt:
        return _profile_download(prof, fmt)
    _LANG.code = lang()
    others = [(r.key, r.name(lang())) for r in prof.references if r.kind not in REFERENCE_KINDS]
    ref_options = area_options(REFERENCE_KINDS) + ([(_("Other areas"), others)] if others else [])
    name = area.name(lang())

    def build_sections() -> list[dict[str, Any]]:
        words = _Words()
        columns = [r.id for r in prof.references]
        views = {r.indicator.id: row_html(_row_view(r, name), area.key, words, columns) for r in prof.rows}
        return [
            {"key": s.key, "label": s.label, "n": len(s.rows),
             "rows": mark_safe("\n".join(views[r.indicator.id] for r in s.rows))}  # noqa: S308 - escaped in row_html
            for s in prof.sections
        ]  # fmt: skip

    # The table's rows depend on the profile and the language only, not on who reads: kept beside the
    # profile, so a signed-in page (never cached whole) renders only its frame (~half of its CPU).
    sections = precompute.kept(
        ("profile-rows", area.id, ref_ids, public, lang(), indicator_ids, name), build_sections
    )
    context = {
        "area": area,
        "area_name": name,
        "kind_label": KIND_LABELS.get(area.kind, area.kind),
        "profile": prof,
        "sections": sections,
        "references": [{"key": r.key, "name": r.name(lang())} for r in prof.references],
        "ref_slots": [
            options_html(ref_options, key) for key in ([r.key for r in prof.references] + [""] * 3)[:3]
        ],
        "public": public,
        "query": request.GET.urlencode(),
        "n_indicators": len(prof.rows),
        "survey_references": _survey_references(prof, area.id) if ref_ids is None else "",
    }
    response = render(request, "kasvu/profile.html", context)
    response["Server-Timing"] = (
        f"profile;dur={prof.timings.get('total', 0) * 1000:.1f}, total;dur={(time.perf_counter() - t0) * 1000:.1f}"
    )
    return response


def _survey_references(prof: profiles.Profile, area_id: int) -> str:
    """Names of the default references that are a survey's own area (its indicators' reference), or ""."""
    register = set(area_tree().default_references(area_id))
    return ", ".join(r.name(lang()) for r in prof.references if r.id not in register)


def _profile_download(prof: profiles.Profile, fmt: str) -> HttpResponse:
    frame = profiles.profile_frame(prof)
    meta = [
        ("what", f"kasvu area profile: {prof.area.name(prof.lang)} ({prof.area.key})"),
        ("references", ", ".join(r.name(prof.lang) for r in prof.references)),
        ("published values only", "yes" if prof.public else "no: internal, includes unpublished values"),
        (
            "comparison",
            f"significance at {prof.alpha:g} after Benjamini–Hochberg adjustment over the profile",
        ),
        ("sources", "; ".join(attribution_label(a, lang()) for a in prof.attributions)),
        ("licence", "CC BY 4.0 (THL, Statistics Finland); generated demo data is not real"),
    ]
    return download(frame, fmt, f"profile-{prof.area.kind}-{prof.area.code}", meta)
