"""Comparing 2–5 areas side by side, or an area with its peers (similar municipalities)."""

from __future__ import annotations

from typing import Any

import polars as pl
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from kasvu import charts, peers, profiles, values
from kasvu.bank.models import Area, Indicator
from kasvu.web.views.common import (
    ASSESSMENTS,
    MAX_COMPARED,
    area_options,
    download,
    lang,
    options_html,
    parse_area,
    parse_areas,
    public_for,
    reason_text,
)

DEFAULT_BACKGROUND = ("statfin:M411", "sotkanet:127", "sotkanet:1280", "sotkanet:3193")


def _background_options() -> list[Indicator]:
    return list(Indicator.objects.filter(direction="neutral").order_by("key"))


def _find_peers(base: Area, bg_keys: list[str], k: int) -> tuple[list[Area], str]:
    inds = list(Indicator.objects.filter(key__in=bg_keys))
    if not inds:
        return [], _("Choose at least one background indicator.")
    munis = values._areas_frame().filter((pl.col("kind") == "municipality") & pl.col("valid_to").is_null())
    obs = values.read_observations(munis["area_id"].to_list(), [i.id for i in inds])
    latest = obs.filter(pl.col("value").is_not_null()).sort("year").group_by("area_id", "indicator_id").last()
    counts = [i.id for i in inds if i.unit in ("persons", "henkilöä")]
    try:
        near = peers.nearest(
            latest.select("area_id", "indicator_id", "value"), base.id, k, log_indicators=counts
        )
    except peers.NoBackground:
        return [], _("%(area)s has no value for every chosen background indicator.") % {
            "area": base.name(lang())
        }
    found = {a.id: a for a in Area.objects.filter(id__in=near["area_id"].to_list())}
    return [found[i] for i in near["area_id"].to_list() if i in found], ""


def _table(
    areas: list[Area], indicator_ids: list[int] | None, public: bool
) -> tuple[list[dict[str, Any]], pl.DataFrame]:
    """One row per indicator: each area's value in the latest year of the first area, tested against it."""
    meta = values.indicator_frame()
    ids = indicator_ids or values.indicator_ids_with_data([areas[0].id])
    meta = meta.filter(pl.col("indicator_id").is_in(ids))
    data = values.area_values([a.id for a in areas], meta["indicator_id"].to_list(), public=public)
    first = data.filter(
        (pl.col("area_id") == areas[0].id) & (pl.col("value").is_not_null() | pl.col("hidden"))
    )
    latest = first.group_by("indicator_id").agg(pl.col("year").max().alias("latest_year"))
    shown = data.join(latest, left_on=["indicator_id", "year"], right_on=["indicator_id", "latest_year"])
    base = shown.filter(pl.col("area_id") == areas[0].id)
    others = shown.filter(pl.col("area_id") != areas[0].id)
    pairs = base.select("indicator_id", "kind", "value", "numerator", "denominator", "ci_lower", "ci_upper").join(
        others.select("indicator_id", pl.col("area_id").alias("ref_id"),
                      *[pl.col(c).alias(f"ref_{c}") for c in ("value", "numerator", "denominator", "ci_lower",
                                                             "ci_upper")]),
        on="indicator_id",
    ).with_columns(pl.lit(False).alias("contained"))  # fmt: skip
    tested = (
        profiles.compare(pairs)
        if pairs.height
        else pairs.with_columns(pl.lit(None, pl.String).alias("verdict"))
    )
    verdicts = {(r["indicator_id"], r["ref_id"]): r["verdict"] for r in tested.iter_rows(named=True)}
    rows = []
    info = {r["indicator_id"]: r for r in meta.iter_rows(named=True)}
    for ind_id, part in shown.sort("indicator_id").partition_by("indicator_id", as_dict=True).items():
        m = info[ind_id[0]]
        cells = []
        for a in areas:
            hit = part.filter(pl.col("area_id") == a.id)
            r = hit.row(0, named=True) if hit.height else {}
            v = r.get("value")
            suppressed = bool(r.get("hidden")) and v is None
            verdict = verdicts.get((ind_id[0], a.id))
            assess = profiles.assessment(verdict, m["direction"]) if verdict else ""
            cells.append({
                "text": charts.format_number(v, m["decimals"], lang()) if v is not None else "",
                "interval": (f"{charts.format_number(r['lower'], m['decimals'], lang())}–"
                             f"{charts.format_number(r['upper'], m['decimals'], lang())}")
                if r.get("lower") is not None else "",
                "suppressed": reason_text(r.get("suppression_reason")) if suppressed else "",
                "internal": bool(r.get("internal")),
                "assessment": assess,
                "label": str(ASSESSMENTS.get(assess, "")) if assess and a != areas[0] else "",
            })  # fmt: skip
        title = m.get(f"title_{lang()}") or m["title_fi"]
        rows.append({"key": m["key"], "title": title, "unit": m["unit"], "year": part["year"][0],
                     "generated": m["generated"], "cells": cells})  # fmt: skip
    rows.sort(key=lambda r: r["title"].lower())
    export = shown.join(meta.select("indicator_id", "key", "unit"), on="indicator_id").join(
        pl.DataFrame({"area_id": [a.id for a in areas], "area": [a.name(lang()) for a in areas],
                      "area_code": [a.code for a in areas]}), on="area_id",
    ).select(pl.col("key").alias("indicator"), "unit", "area_code", "area", "year", "value",
             pl.col("lower").alias("ci_lower"), pl.col("upper").alias("ci_upper"),
             pl.col("suppression_reason").alias("suppressed"), pl.col("internal").alias("internal_unpublished"))  # fmt: skip
    return rows, export.sort("indicator", "area")


def compare(request: HttpRequest) -> HttpResponse:
    mode = "peers" if request.GET.get("mode") == "peers" else "areas"
    public = public_for(request)
    message = ""
    bg_keys = request.GET.getlist("bg") or [k for k in DEFAULT_BACKGROUND]
    try:
        k = max(2, min(10, int(request.GET.get("k") or 5)))
    except ValueError:
        k = 5
    base = parse_area(request.GET.get("base") or "")
    if mode == "peers" and base is not None:
        found, message = _find_peers(base, bg_keys, k)
        areas = [base, *found][: k + 1]
    else:
        areas = parse_areas(request.GET.getlist("area"), limit=MAX_COMPARED)
    chosen_inds = [i.id for i in Indicator.objects.filter(key__in=request.GET.getlist("indicator"))] or None
    rows: list[dict[str, Any]] = []
    export = pl.DataFrame()
    if len(areas) >= 2:
        rows, export = _table(areas, chosen_inds, public)
    elif mode == "areas" and request.GET.getlist("area"):
        message = _("Choose at least two areas.")
    fmt = request.GET.get("format")
    if fmt and export.height:
        meta = [("what", "kasvu comparison of areas"), ("areas", ", ".join(a.name(lang()) for a in areas)),
                ("published values only", "yes" if public else "no: internal")]  # fmt: skip
        return download(export, fmt, "comparison", meta)
    bg_selected = set(bg_keys)
    slot_keys = ([a.key for a in areas] if mode == "areas" else []) + [""] * MAX_COMPARED
    slot_keys = slot_keys[:MAX_COMPARED]
    context = {
        "mode": mode,
        "areas": areas,
        "area_names": [a.name(lang()) for a in areas],
        "rows": rows,
        "message": message,
        "public": public,
        "area_slots": [options_html(area_options(), key) for key in slot_keys],
        "base_options": options_html(area_options(("municipality",)), base.key if base else ""),
        "bg_options": [(i.key, i.title(lang()), i.key in bg_selected) for i in _background_options()],
        "k": k,
        "query": request.GET.urlencode(),
        "has_generated": any(r["generated"] for r in rows),
    }
    return render(request, "kasvu/compare.html", context)
