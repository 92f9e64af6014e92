"""Area profiles: every indicator of an area, its latest value, interval, comparison, trend and band.

A profile answers for one area (a municipality, district, group, county or region) and a few reference
areas (by default its region, its county and the country; for a group, its region and the country):

* the latest value of each indicator with its 95 % confidence interval (Wilson for proportions, exact
  Poisson for rates, the source's own interval for survey values);
* whether it differs significantly from each reference (the area is compared with the *rest* of a
  reference that contains it in the year compared: Iitti is part of Kymenlaakso until 2020), with the
  Benjamini–Hochberg adjustment over all tests of the profile;
* a trend arrow, only when the trend test over the shown years is significant;
* the values of the shown years for a sparkline;
* the ranking band (best fifth / middle / worst fifth) among areas of the same kind in the latest year.

Groups, regions, counties and the country without stored values of their own get values computed from
their municipalities' numerators and denominators (:func:`kasvu.stats.aggregate_groups`, memberships
valid each year). For the public (``public=True``) small numbers are suppressed *here*, before anything
leaves the core: the stored disclosure pattern (:mod:`kasvu.bank.disclosure`) and, as a second line, the
primary rule with each indicator's threshold (:func:`kasvu.stats.primary_mask`). Suppressed values take
no part in intervals, tests, trends or bands.

Speed: the area and its references are read with one SQL query; group values and ranking bands are
cached per data version (the newest import, membership and suppression ids), so a warm profile of 100
indicators costs a few tens of milliseconds (``benchmarks/profile_bench.py``).

Reading, group values, disclosure and intervals live in :mod:`kasvu.readmodel`, tests and trends in
:mod:`kasvu.analysis`; :func:`compute_profile` is pure (frames and pure callables in,
dataclasses out).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from kasvu import analysis
from kasvu.analysis import assessment, compare
from kasvu.readmodel import (
    BAND_KINDS,
    TOTAL,
    AreaInfo,
    IndicatorInfo,
    add_intervals,
    apply_disclosure,
    area_tree,
    bands_for,
    combined_values,
    indicator_frame,
    info_of,
    references_for_area,
    sync,
)
from kasvu.readmodel.periods import code_of, like_latest
from kasvu.readmodel.schema import R_NO_COUNTS
from kasvu.rights import RIGHTS
from kasvu.stats.significance import DECREASING, INCREASING, NOT_TESTABLE

__all__ = ["BAND_KINDS", "AreaInfo", "IndicatorInfo", "assessment", "compare"]  # re-exported for callers

OTHER = "other"


# ---------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class Value:
    """One published (or, for internal users, unsuppressed) value with its interval."""

    year: int | None
    value: float | None
    lower: float | None = None
    sub: int = 0  # the period within the year (kasvu.readmodel.periods): 3 = March of ``year``
    upper: float | None = None
    numerator: float | None = None
    denominator: float | None = None
    interval_method: str | None = None
    interval_reason: str | None = None
    suppressed: bool = False  # hidden from the public
    suppression_reason: str | None = None
    internal: bool = False  # shown only because the reader is internal: would be suppressed
    computed: bool = False  # computed from members, not stored
    approximate: bool = False
    missing_reason: str | None = None  # no value: why (e.g. "2 of 8 members have no data")
    generated: bool = False


@dataclass(frozen=True)
class Comparison:
    reference: AreaInfo
    reference_value: Value
    verdict: str  # significantly_higher / significantly_lower / no_significant_difference / not_testable
    assessment: str  # better / worse / higher / lower / no_difference / not_testable
    p_value: float | None
    p_adjusted: float | None
    contained: bool
    reason: str | None = None
    approximate: bool = False


@dataclass(frozen=True)
class Trend:
    verdict: str  # significantly_increasing / significantly_decreasing / no_significant_trend / not_testable
    arrow: str | None  # "up" / "down" only when significant
    assessment: str | None  # better / worse / None (neutral or not significant)
    p_value: float | None
    first_year: int | None
    last_year: int | None
    reason: str | None = None


@dataclass(frozen=True)
class Band:
    band: str | None  # best / middle / worst
    rank: int | None
    n_compared: int | None
    reason: str | None
    among: str  # kind of the compared areas


@dataclass(frozen=True)
class Row:
    indicator: IndicatorInfo
    latest: Value
    comparisons: tuple[Comparison, ...]
    trend: Trend
    band: Band | None
    series: tuple[tuple[int, float | None], ...]


@dataclass(frozen=True)
class Section:
    key: str
    label: str
    rows: tuple[Row, ...]


@dataclass
class Profile:
    area: AreaInfo
    references: list[AreaInfo]
    sections: list[Section]
    public: bool
    lang: str
    years: int
    alpha: float
    attributions: list[str] = field(default_factory=list)
    has_generated: bool = False
    has_suppressed: bool = False
    has_internal: bool = False
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def rows(self) -> list[Row]:
        """Every indicator once (sections repeat indicators that serve several rights)."""
        seen: dict[int, Row] = {}
        for s in self.sections:
            for r in s.rows:
                seen.setdefault(r.indicator.id, r)
        return list(seen.values())


# ---------------------------------------------------------------------------
# The profile


def load_inputs(
    area_id: int,
    reference_ids: Sequence[int],
    indicator_ids: Sequence[int] | None,
    breakdown_id: int,
    references_of: Mapping[int, Sequence[int]] | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(metadata of the indicators, observations of area and references incl. computed group values).

    ``references_of`` (indicator id → its references): each reference is read only for the indicators
    compared with it (a survey's area is not computed for register indicators)."""
    meta = indicator_frame()
    if indicator_ids is not None:
        meta = meta.filter(pl.col("indicator_id").is_in(list(indicator_ids)))
    ids = meta["indicator_id"].to_list()
    own = combined_values([area_id], ids, breakdown_id)
    # References are shown and tested only in the area's latest year of each indicator: read just those.
    latest = own.filter(pl.col("value").is_not_null())["year"].unique().to_list()
    wanted = [r for r in reference_ids if r != area_id]
    plan: dict[tuple[int, ...], list[int]] = {tuple(wanted): ids}
    if references_of is not None:
        plan = {}
        for ind in ids:
            refs = tuple(r for r in references_of.get(ind, ()) if r != area_id)
            plan.setdefault(refs, []).append(ind)
    parts = [
        combined_values(list(refs), inds, breakdown_id, year_in=latest).select(own.columns)
        for refs, inds in plan.items()
        if refs and inds
    ]
    return meta, pl.concat([own, *parts])


def build_profile(
    area_id: int,
    reference_ids: Sequence[int] | None = None,
    *,
    public: bool = True,
    lang: str = "fi",
    indicator_ids: Sequence[int] | None = None,
    years: int = 10,
    alpha: float = 0.05,
    breakdown_id: int = TOTAL,
    until_year: int | None = None,
) -> Profile:
    """The profile of ``area_id`` (see the module docstring). ``public`` suppresses small numbers.

    ``until_year`` shows each indicator in its latest year up to then (a report's year); None: the latest.
    The default references are those of the memberships in ``until_year`` (None: now).
    """
    t0 = time.perf_counter()
    sync()
    tree = area_tree()
    per_indicator: dict[int, list[int]] | None = None
    if reference_ids is None:  # register data: region, county, Finland; a survey's indicators: its own area
        refs, per_indicator = references_for_area(area_id, until_year, "profile", indicator_ids)
    else:
        refs = list(reference_ids)
    refs = [r for r in dict.fromkeys(refs) if r != area_id]
    meta, obs = load_inputs(area_id, refs, indicator_ids, breakdown_id, per_indicator)
    t1 = time.perf_counter()

    def contained(ref_id: int, year: int) -> bool:
        return tree.contains(ref_id, area_id, year)

    def bands(pairs: list[tuple[int, int]], kind: str) -> dict[tuple[int, int], Any]:
        return bands_for(pairs, kind, public, breakdown_id)

    profile = compute_profile(
        tree.info(area_id), tree.infos(refs), meta, obs, contained, bands,
        public=public, lang=lang, years=years, alpha=alpha, breakdown_id=breakdown_id, until_year=until_year,
        references_of=per_indicator,
    )  # fmt: skip
    profile.timings = {"read": t1 - t0, "total": time.perf_counter() - t0}
    return profile


def compute_profile(
    area: AreaInfo,
    references: list[AreaInfo],
    meta: pl.DataFrame,
    obs: pl.DataFrame,
    contained: Callable[[int, int], bool],
    bands_of: Callable[[list[tuple[int, int]], str], dict[tuple[int, int], Any]] | None = None,
    *,
    public: bool,
    lang: str = "fi",
    years: int = 10,
    alpha: float = 0.05,
    breakdown_id: int = TOTAL,
    until_year: int | None = None,
    references_of: Mapping[int, Sequence[int]] | None = None,
) -> Profile:
    """Assemble the profile from metadata and observations (disclosure, intervals, tests, bands).

    ``references_of``: indicator id → the references it is compared with (the defaults differ for survey
    indicators, :mod:`kasvu.readmodel.references`); None: every indicator with every reference. The
    profile's references are then those some shown indicator is compared with (all, when none is).

    ``contained(ref_id, year)``: is the area part of the reference in ``year``, so that it is compared
    with the rest of the reference (asked only for the years compared). ``bands_of(pairs, kind)``: the
    ranking bands of areas of the area's kind for these (indicator, year) pairs (see
    :func:`kasvu.readmodel.bands_for`); None: no bands. Pure, given pure callables."""
    obs = apply_disclosure(obs, meta, public)
    m = meta.select("indicator_id", "kind", "scale", "direction")
    obs = obs.join(m, on="indicator_id", how="inner")
    obs = like_latest(obs, area.id, until_year)  # a monthly indicator in its latest month of each year
    own = obs.filter(pl.col("area_id") == area.id)
    present = own.filter(pl.col("value").is_not_null() | pl.col("hidden"))
    if until_year is not None:
        present = present.filter(pl.col("year") <= until_year)
    latest = present.group_by("indicator_id").agg(pl.col("year").max().alias("latest_year"))
    own = own.join(latest, on="indicator_id", how="inner").filter(
        (pl.col("year") > pl.col("latest_year") - years) & (pl.col("year") <= pl.col("latest_year"))
    )
    head = add_intervals(own.filter(pl.col("year") == pl.col("latest_year")))
    # Comparisons: each reference in the area's latest year.
    ref_rows = obs.filter(pl.col("area_id") != area.id).join(
        latest, left_on=["indicator_id", "year"], right_on=["indicator_id", "latest_year"], how="inner"
    )
    ref_rows = add_intervals(ref_rows)
    ref_sel = ref_rows.select(
        "indicator_id", pl.col("area_id").alias("ref_id"),
        *[pl.col(c).alias(f"ref_{c}") for c in ("value", "numerator", "denominator", "ci_lower", "ci_upper",
                                                "lower", "upper", "hidden", "suppression_reason",
                                                "computed", "approximate", "missing_reason", "internal",
                                                "interval_method", "interval_reason")],
    )  # fmt: skip
    compared_years = sorted(set(head["year"].to_list()))
    grid = pl.DataFrame(
        [(r.id, y, contained(r.id, y)) for r in references for y in compared_years],
        schema={"ref_id": pl.Int64, "year": pl.Int64, "contained": pl.Boolean},
        orient="row",
    )
    own_cols = ["indicator_id", "year", "kind", "direction", "value", "numerator", "denominator"]
    pairs = (
        head.select(*own_cols, "ci_lower", "ci_upper")
        .join(grid, on="year")
        .join(ref_sel, on=["indicator_id", "ref_id"], how="left")
    )
    if references_of is not None:
        allowed = pl.DataFrame(
            [(i, r) for i, refs in references_of.items() for r in refs],
            schema={"indicator_id": pl.Int64, "ref_id": pl.Int64},
            orient="row",
        )
        pairs = pairs.join(allowed, on=["indicator_id", "ref_id"], how="semi")
        used = set(pairs["ref_id"].to_list())
        references = [r for r in references if r.id in used] if used else references
    tested = compare(pairs, alpha=alpha) if pairs.height else pairs
    # Trends over the shown years (published values only).
    trends = analysis.trends(own, alpha)
    # Bands in the latest year.
    bands: dict[tuple[int, int], Any] = {}
    if bands_of is not None and area.kind in BAND_KINDS and head.height:
        pairs_needed = [(int(i), int(y)) for i, y in head.select("indicator_id", "year").iter_rows()]
        bands = bands_of(pairs_needed, area.kind)
    return _assemble(area, references, meta, own, head, tested, trends, bands, public, lang, years, alpha)


def _value(row: dict[str, Any], prefix: str = "", generated: bool = False) -> Value:
    g = row.get
    return Value(
        sub=int(g("sub") or 0),
        year=g("year") if not prefix else g("latest_year", g("year")),
        value=g(f"{prefix}value"),
        lower=g(f"{prefix}lower"),
        upper=g(f"{prefix}upper"),
        numerator=g(f"{prefix}numerator"),
        denominator=g(f"{prefix}denominator"),
        interval_method=g(f"{prefix}interval_method"),
        interval_reason=g(f"{prefix}interval_reason"),
        suppressed=bool(g(f"{prefix}hidden")),
        suppression_reason=g(f"{prefix}suppression_reason"),
        internal=bool(g(f"{prefix}internal")),
        computed=bool(g(f"{prefix}computed")),
        approximate=bool(g(f"{prefix}approximate")),
        missing_reason=g(f"{prefix}missing_reason"),
        generated=generated,
    )


def _assemble(
    area: AreaInfo, references: list[AreaInfo], meta: pl.DataFrame, own: pl.DataFrame, head: pl.DataFrame,
    tested: pl.DataFrame, trends: dict[int, dict[str, Any]], bands: dict[tuple[int, int], Any],
    public: bool, lang: str, years: int, alpha: float,
) -> Profile:  # fmt: skip
    infos: dict[int, IndicatorInfo] = {}
    for r in meta.iter_rows(named=True):
        infos[r["indicator_id"]] = info_of(r, lang)
    series: dict[int, list[tuple[int, float | None]]] = {}
    for ind, year, value in own.sort("year").select("indicator_id", "year", "value").iter_rows():
        series.setdefault(ind, []).append((year, value))
    comps: dict[int, list[Comparison]] = {}
    ref_by_id = {r.id: r for r in references}
    if tested.height:
        for row in tested.iter_rows(named=True):
            info = infos[row["indicator_id"]]
            ref_value = Value(
                year=None, value=row["ref_value"], lower=row["ref_lower"], upper=row["ref_upper"],
                numerator=row["ref_numerator"], denominator=row["ref_denominator"],
                interval_method=row["ref_interval_method"], interval_reason=row["ref_interval_reason"],
                suppressed=bool(row["ref_hidden"]), suppression_reason=row["ref_suppression_reason"],
                internal=bool(row["ref_internal"]), computed=bool(row["ref_computed"]),
                approximate=bool(row["ref_approximate"]), missing_reason=row["ref_missing_reason"],
                generated=info.generated,
            )  # fmt: skip
            comps.setdefault(row["indicator_id"], []).append(
                Comparison(
                    reference=ref_by_id[row["ref_id"]],
                    reference_value=ref_value,
                    verdict=row["verdict"],
                    assessment=assessment(row["verdict"], info.direction),
                    p_value=row["p_value"],
                    p_adjusted=row["p_adjusted"],
                    contained=bool(row["contained"]),
                    reason=row["test_reason"],
                    approximate=bool(row["approximate_test"]),
                )  # fmt: skip
            )
    rows: dict[int, Row] = {}
    for row in head.iter_rows(named=True):
        ind = row["indicator_id"]
        info = infos[ind]
        t = trends.get(ind)
        if t is None:
            reason = "counts are not tested for trend" if info.kind == "count" else R_NO_COUNTS
            trend = Trend(NOT_TESTABLE, None, None, None, None, None, reason)
        else:
            verdict = t["verdict"]
            arrow = {INCREASING: "up", DECREASING: "down"}.get(verdict)
            yrs = [y for y, v in series.get(ind, []) if v is not None]
            trend = Trend(
                verdict, arrow,
                assessment(verdict, info.direction) if arrow else None,
                t["p_value"], min(yrs) if yrs else None, max(yrs) if yrs else None, t["test_reason"],
            )  # fmt: skip
        band = None
        hit = bands.get((ind, row["year"]))
        if hit is not None or area.kind in BAND_KINDS:
            b = (hit or {}).get(area.id)
            if row["hidden"] and public:
                band = Band(None, None, None, "value is suppressed", area.kind)
            elif b is None:
                band = Band(None, None, None, "no value", area.kind)
            else:
                band = Band(b[0], b[1], b[2], b[3], area.kind)
        rows[ind] = Row(
            indicator=info, latest=_value(row, generated=info.generated),
            comparisons=tuple(sorted(comps.get(ind, []), key=lambda c: [r.id for r in references].index(
                c.reference.id))),
            trend=trend, band=band, series=tuple(series.get(ind, [])),
        )  # fmt: skip
    sections = _sections(rows, lang)
    used = list(rows.values())
    return Profile(
        area=area, references=references, sections=sections, public=public, lang=lang, years=years,
        alpha=alpha,
        attributions=sorted({r.indicator.attribution for r in used if r.indicator.attribution}),
        has_generated=any(r.indicator.generated for r in used),
        has_suppressed=any(r.latest.suppressed for r in used),
        has_internal=any(r.latest.internal for r in used),
    )  # fmt: skip


def _sections(rows: dict[int, Row], lang: str) -> list[Section]:
    ordered = sorted(rows.values(), key=lambda r: r.indicator.title.lower())
    sections = []
    for right in RIGHTS:
        mine = tuple(r for r in ordered if right.key in r.indicator.rights)
        if mine:
            sections.append(Section(right.key, right.label(lang), mine))
    others = tuple(r for r in ordered if not set(r.indicator.rights) & {x.key for x in RIGHTS})
    if others:
        label = {"fi": "Muut indikaattorit", "sv": "Övriga indikatorer"}.get(lang, "Other indicators")
        sections.append(Section(OTHER, label, others))
    return sections


def profile_frame(profile: Profile) -> pl.DataFrame:
    """Exactly what the profile page shows, one row per indicator and reference (for CSV/XLSX)."""
    records: list[dict[str, Any]] = []
    for r in profile.rows:
        v = r.latest
        base = {
            "indicator": r.indicator.key, "title": r.indicator.title, "unit": r.indicator.unit,
            "area_code": profile.area.code, "area": profile.area.name(profile.lang), "year": v.year,
            "period": code_of(v.year, v.sub) if v.year is not None else None,
            "value": v.value, "ci_lower": v.lower, "ci_upper": v.upper,
            "suppressed": v.suppression_reason if v.suppressed else None,
            "internal_unpublished": v.internal, "computed_from_members": v.computed,
            "trend": r.trend.verdict if r.trend.arrow else None,
            "band": r.band.band if r.band else None,
            "generated_demo_data": r.indicator.generated, "source": r.indicator.attribution,
            "licence": r.indicator.licence,
        }  # fmt: skip
        if not r.comparisons:
            records.append(
                {
                    **base,
                    "reference": None,
                    "reference_value": None,
                    "reference_suppressed": None,
                    "comparison": None,
                    "p_adjusted": None,
                }  # fmt: skip
            )
        for c in r.comparisons:
            records.append({
                **base, "reference": c.reference.name(profile.lang), "reference_value": c.reference_value.value,
                "reference_suppressed": c.reference_value.suppression_reason if c.reference_value.suppressed
                else None,
                "comparison": c.assessment, "p_adjusted": c.p_adjusted,
            })  # fmt: skip
    schema = {
        "indicator": pl.String, "title": pl.String, "unit": pl.String, "area_code": pl.String,
        "area": pl.String, "year": pl.Int64, "period": pl.String, "value": pl.Float64, "ci_lower": pl.Float64,
        "ci_upper": pl.Float64, "suppressed": pl.String, "internal_unpublished": pl.Boolean,
        "computed_from_members": pl.Boolean, "trend": pl.String, "band": pl.String,
        "generated_demo_data": pl.Boolean, "source": pl.String, "licence": pl.String,
        "reference": pl.String, "reference_value": pl.Float64, "reference_suppressed": pl.String,
        "comparison": pl.String,
        "p_adjusted": pl.Float64,
    }  # fmt: skip
    return pl.DataFrame(records, schema=schema)
