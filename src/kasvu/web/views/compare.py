"""Comparing 2–5 areas side by side, or an area with its peers (similar municipalities)."""

from __future__ import annotations

from typing import Any

import polars as pl
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from kasvu import analysis, charts, peers
from kasvu import verdicts as verdicts_
from kasvu.bank.models import Area, Indicator
from kasvu.labels import period_label, unit_label
from kasvu.readmodel import (
    ValueQuery,
    area_tree,
    indicator_frame,
    indicators_with_data,
    pick_text,
    read_values,
)
from kasvu.stats.significance import HIGHER, LOWER
from kasvu.web.views.common import (
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
    munis = area_tree().of_kind("municipality", current=True)
    obs = read_values(ValueQuery([i.id for i in inds], munis, groups=False, intervals=False))
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


def _oriented_pairs(shown: pl.DataFrame, areas: list[Area]) -> pl.DataFrame:
    """Every other area (``area``) against the first (``ref``), in the first area's latest year.

    An area inside the first (Lohja in West Uusimaa) is compared with the rest of it (``contained``). When
    the first lies inside the other (Lohja first, West Uusimaa second), the test runs the other way round,
    Lohja against the rest of the group (``swapped``): the group is higher than Lohja exactly when the rest
    of it is, so the verdict is then turned back to be about the group.
    """
    cols = ("value", "numerator", "denominator", "ci_lower", "ci_upper")
    first = areas[0].id
    base = shown.filter(pl.col("area_id") == first).select(
        "indicator_id", "year", "sub", "kind", *[pl.col(c).alias(f"ref_{c}") for c in cols]
    )
    others = shown.filter(pl.col("area_id") != first).select("indicator_id", "area_id", "year", "sub", *cols)
    pairs = others.join(base, on=["indicator_id", "year", "sub"])  # like periods only
    years = pairs.select("area_id", "year").unique()
    tree = area_tree()
    flags = [(a, y, tree.contains(first, a, y), tree.contains(a, first, y)) for a, y in years.iter_rows()]
    grid = pl.DataFrame(
        flags, schema={"area_id": pl.Int64, "year": pl.Int64, "inside": pl.Boolean, "swapped": pl.Boolean},
        orient="row",
    )  # fmt: skip
    pairs = pairs.join(grid, on=["area_id", "year"]).with_columns(pl.col("swapped") & ~pl.col("inside"))
    swap = pl.col("swapped")
    return pairs.select(
        "indicator_id", "kind", pl.col("area_id").alias("ref_id"),
        *[pl.when(swap).then(pl.col(f"ref_{c}")).otherwise(pl.col(c)).alias(c) for c in cols],
        *[pl.when(swap).then(pl.col(c)).otherwise(pl.col(f"ref_{c}")).alias(f"ref_{c}") for c in cols],
        (pl.col("inside") | swap).alias("contained"), "swapped",
    )  # fmt: skip


_TURNED = {HIGHER: LOWER, LOWER: HIGHER}


def verdicts_against_first(shown: pl.DataFrame, areas: list[Area]) -> dict[tuple[int, int], str]:
    """(indicator_id, area_id) → the core's verdict about that area against the first area, for every
    other area and indicator of ``shown`` (one year per indicator), Benjamini–Hochberg adjusted over all."""
    pairs = _oriented_pairs(shown, areas)
    if not pairs.height:
        return {}
    tested = analysis.compare(pairs)
    return {
        (r["indicator_id"], r["ref_id"]): _TURNED.get(r["verdict"], r["verdict"])
        if r["swapped"]
        else r["verdict"]
        for r in tested.iter_rows(named=True)
    }


def turned(verdict: str) -> str:
    """The same verdict seen from the other side: A higher than B is B lower than A."""
    return _TURNED.get(verdict, verdict)


def _table(
    areas: list[Area], indicator_ids: list[int] | None, public: bool
) -> tuple[list[dict[str, Any]], pl.DataFrame]:
    """One row per indicator: each area's value in the latest year of the first area, tested against it.

    The verdict under an area is about that area ("Vihti: 11,3 % – heikompi kuin Lohja (9,2 %)"), never
    about the first one."""
    meta = indicator_frame()
    ids = indicator_ids or indicators_with_data([areas[0].id])
    meta = meta.filter(pl.col("indicator_id").is_in(ids))
    data = read_values(ValueQuery(meta["indicator_id"].to_list(), [a.id for a in areas], public=public))
    first = data.filter(
        (pl.col("area_id") == areas[0].id) & (pl.col("value").is_not_null() | pl.col("hidden"))
    )
    # The first area's latest period of each indicator (a month, for monthly ones); every area in it.
    latest = (
        first.sort("year", "sub")
        .group_by("indicator_id")
        .agg(pl.col("year").last().alias("latest_year"), pl.col("sub").last().alias("latest_sub"))
    )
    shown = data.join(
        latest,
        left_on=["indicator_id", "year", "sub"],
        right_on=["indicator_id", "latest_year", "latest_sub"],
    )
    verdicts = verdicts_against_first(shown, areas)
    rows = []
    info = {r["indicator_id"]: r for r in meta.iter_rows(named=True)}
    code = lang()
    first_name = areas[0].name(code)
    for ind_id, part in shown.sort("indicator_id").partition_by("indicator_id", as_dict=True).items():
        m = info[ind_id[0]]
        by_area = {r["area_id"]: r for r in part.iter_rows(named=True)}

        def side(a: Area, r: dict[str, Any], m: dict[str, Any] = m) -> verdicts_.Side:
            v = r.get("value")
            text = verdicts_.shown(v, m["unit"], m["decimals"], code)
            return verdicts_.Side(a.name(code), text, hidden=bool(r.get("hidden")) and v is None)

        base_side = side(areas[0], by_area.get(areas[0].id, {}))
        cells = []
        for a in areas:
            r = by_area.get(a.id, {})
            v = r.get("value")
            suppressed = bool(r.get("hidden")) and v is None
            assess, label = "", ""
            if a != areas[0]:
                verdict = verdicts.get((ind_id[0], a.id))
                assess = analysis.assessment(verdict, m["direction"]) if verdict else "not_testable"
                mine = side(a, r)
                if verdicts_.why_not_compared(mine, base_side):
                    assess = "none"
                label = verdicts_.sentence(assess, mine, base_side, code)
            cells.append({
                "text": charts.format_number(v, m["decimals"], code) if v is not None else "",
                "interval": (f"{charts.format_number(r['lower'], m['decimals'], code)}–"
                             f"{charts.format_number(r['upper'], m['decimals'], code)}")
                if r.get("lower") is not None else "",
                "suppressed": reason_text(r.get("suppression_reason")) if suppressed else "",
                "internal": bool(r.get("internal")),
                "assessment": assess,
                "label": label,
            })  # fmt: skip
        title = pick_text(m, "title", code, m["key"])
        rows.append({"key": m["key"], "title": title, "unit": unit_label(m["unit"], code), "year": period_label(part["year"][0], part["sub"][0], code),
                     "generated": m["generated"], "cells": cells, "first": first_name})  # fmt: skip
    rows.sort(key=lambda r: r["title"].lower())
    export = shown.join(meta.select("indicator_id", "key", "unit"), on="indicator_id").join(
        pl.DataFrame({"area_id": [a.id for a in areas], "area": [a.name(code) for a in areas],
                      "area_code": [a.code for a in areas]}), on="area_id",
    ).select(pl.col("key").alias("indicator"), "unit", "area_code", "area", "year", "value",
             pl.col("lower").alias("ci_lower"), pl.col("upper").alias("ci_upper"),
             pl.col("suppression_reason").alias("suppressed"), pl.col("internal").alias("internal_unpublished"))  # fmt: skip
    labels = pl.DataFrame(
        [(r["key"], a.code, c["label"], c["assessment"] or None)
         for r in rows for a, c in zip(areas, r["cells"], strict=True)],
        schema={"indicator": pl.String, "area_code": pl.String, "comparison_with_first": pl.String,
                "comparison": pl.String},
        orient="row",
    )  # fmt: skip
    export = export.join(labels, on=["indicator", "area_code"], how="left")
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
