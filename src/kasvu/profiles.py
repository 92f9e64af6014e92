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

Reading and disclosure live in :mod:`kasvu.values`; :func:`compute_profile` is pure (frames in,
dataclasses out).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl
from scipy import stats as sps

from kasvu.rights import RIGHTS
from kasvu.stats import benjamini_hochberg, rank_bands, trend_test
from kasvu.stats.significance import (
    DECREASING,
    HIGHER,
    INCREASING,
    LOWER,
    NO_DIFFERENCE,
    NOT_TESTABLE,
    rate_ratio_test,
    two_proportion_test,
)
from kasvu.values import (
    _CACHE,
    OBS_COLUMNS,
    R_NO_COUNTS,
    TOTAL,
    AreaInfo,
    _areas_frame,
    _in,
    _query,
    add_intervals,
    apply_disclosure,
    area_info,
    data_version,
    default_references,
    indicator_frame,
    is_contained,
    read_values,
)

BAND_KINDS = ("municipality", "region", "county")
OTHER = "other"


# ---------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class Value:
    """One published (or, for internal users, unsuppressed) value with its interval."""

    year: int | None
    value: float | None
    lower: float | None = None
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
class IndicatorInfo:
    id: int
    key: str
    title: str
    unit: str
    decimals: int
    scale: float
    direction: str
    kind: str  # proportion / rate / count / survey
    rights: tuple[str, ...]
    generated: bool
    attribution: str
    licence: str
    source: str
    threshold: int


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


def _interval_z_test(
    v1: np.ndarray, lo1: np.ndarray, hi1: np.ndarray, v2: np.ndarray, lo2: np.ndarray, hi2: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Approximate z test from two 95 % intervals (survey values without counts): returns (p, diff)."""
    z95 = 1.959963984540054
    se1, se2 = (hi1 - lo1) / (2 * z95), (hi2 - lo2) / (2 * z95)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = (v1 - v2) / np.sqrt(se1 * se1 + se2 * se2)
        p = 2 * sps.norm.sf(np.abs(z))
    return p, v1 - v2


def compare(pairs: pl.DataFrame, alpha: float = 0.05, adjust: bool = True) -> pl.DataFrame:
    """Test area against reference per row; adds verdict, p_value, p_adjusted, test_reason, approximate.

    ``pairs`` has kind, numerator, denominator, value, lower, upper (area) and the same with ``ref_``,
    plus ``contained``. Proportions: two-proportion test; rates: exact rate-ratio test; survey values with
    only intervals: an approximate z test from the intervals.
    """
    h = pairs.height
    p = np.full(h, np.nan)
    diff = np.full(h, np.nan)
    reason = np.full(h, None, dtype=object)
    approx = np.zeros(h, dtype=bool)
    kind = pairs["kind"].to_numpy()
    contained = pairs["contained"].to_numpy().astype(bool)
    cols = {c: pairs[c].cast(pl.Float64).to_numpy() for c in
            ("numerator", "denominator", "ref_numerator", "ref_denominator", "value", "ref_value",
             "ci_lower", "ci_upper", "ref_ci_lower", "ref_ci_upper")}  # fmt: skip
    has_counts = ~np.isnan(cols["numerator"]) & ~np.isnan(cols["denominator"])
    has_counts &= ~np.isnan(cols["ref_numerator"]) & ~np.isnan(cols["ref_denominator"])
    for k, test in (("proportion", two_proportion_test), ("rate", rate_ratio_test)):
        sel = (kind == k) & has_counts
        if sel.any():
            r = test(
                cols["numerator"][sel],
                cols["denominator"][sel],
                cols["ref_numerator"][sel],
                cols["ref_denominator"][sel],
                contained=contained[sel],
                alpha=alpha,
            )
            p[sel] = r.p_value
            reason[sel] = r.reason
            with np.errstate(invalid="ignore", divide="ignore"):
                x1, n1 = cols["numerator"][sel], cols["denominator"][sel]
                x2, n2 = cols["ref_numerator"][sel], cols["ref_denominator"][sel]
                x2 = np.where(contained[sel], x2 - x1, x2)
                n2 = np.where(contained[sel], n2 - n1, n2)
                diff[sel] = x1 / n1 - x2 / n2
    intervals = ~has_counts & ~np.isnan(cols["ci_lower"]) & ~np.isnan(cols["ref_ci_lower"])
    intervals &= ~np.isnan(cols["value"]) & ~np.isnan(cols["ref_value"])
    if intervals.any():
        pi, di = _interval_z_test(
            cols["value"][intervals],
            cols["ci_lower"][intervals],
            cols["ci_upper"][intervals],
            cols["ref_value"][intervals],
            cols["ref_ci_lower"][intervals],
            cols["ref_ci_upper"][intervals],
        )
        p[intervals], diff[intervals], approx[intervals] = pi, di, True
    untested = np.isnan(p) & (reason == None)  # noqa: E711
    reason[untested & (kind == "count")] = "counts are not compared"
    reason[untested & (reason == None)] = R_NO_COUNTS  # noqa: E711
    p_adj = benjamini_hochberg(p) if adjust else p.copy()
    ok = ~np.isnan(p_adj)
    with np.errstate(invalid="ignore"):
        sig = ok & (p_adj < alpha)
    verdict = np.full(h, NO_DIFFERENCE, dtype=object)
    verdict[sig & (diff > 0)] = HIGHER
    verdict[sig & (diff < 0)] = LOWER
    verdict[~ok] = NOT_TESTABLE
    return pairs.with_columns(
        pl.Series("verdict", verdict.tolist(), dtype=pl.String),
        pl.Series("p_value", p, nan_to_null=True),
        pl.Series("p_adjusted", p_adj, nan_to_null=True),
        pl.Series(
            "test_reason",
            [None if o else r for o, r in zip(ok, reason.tolist(), strict=True)],
            dtype=pl.String,
        ),
        pl.Series("approximate_test", approx),
    )


def assessment(verdict: str, direction: str) -> str:
    """better / worse for indicators with a direction; higher / lower for neutral ones."""
    if verdict == NOT_TESTABLE:
        return "not_testable"
    if verdict == NO_DIFFERENCE:
        return "no_difference"
    up = verdict in (HIGHER, INCREASING)
    if direction == "higher_better":
        return "better" if up else "worse"
    if direction == "lower_better":
        return "worse" if up else "better"
    return "higher" if up else "lower"


# ---------------------------------------------------------------------------
# Bands (cached per indicator, year and kind of area)


def bands_for(
    pairs: Sequence[tuple[int, int]], kind: str, public: bool, breakdown_id: int = TOTAL
) -> dict[tuple[int, int], dict[int, tuple[str | None, int | None, int | None, str | None]]]:
    """Band of every area of ``kind`` for each (indicator, year): area_id → (band, rank, n, reason)."""
    out: dict[tuple[int, int], Any] = {}
    missing: list[tuple[int, int]] = []
    for pair in pairs:
        hit = _CACHE.get(("band", pair, kind, public, breakdown_id))
        if hit is None:
            missing.append(pair)
        else:
            out[pair] = hit
    if missing:
        out.update(_compute_bands(missing, kind, public, breakdown_id))
    return out


def _compute_bands(
    pairs: list[tuple[int, int]], kind: str, public: bool, breakdown_id: int
) -> dict[tuple[int, int], Any]:
    areas = _areas_frame().filter(pl.col("kind") == kind)["area_id"].to_list()
    ind_ids = sorted({i for i, _ in pairs})
    years = sorted({y for _, y in pairs})
    meta = indicator_frame()
    result: dict[tuple[int, int], Any] = {p: {} for p in pairs}
    if areas:
        sql = (
            f"SELECT {', '.join(OBS_COLUMNS)} FROM bank_observation WHERE breakdown_id = %s "
            f"AND indicator_id IN ({_in(ind_ids)}) AND area_id IN ({_in(areas)}) AND year IN ({_in(years)})"
        )
        obs = _query(sql, [breakdown_id, *ind_ids, *areas, *years])
        wanted = pl.DataFrame(
            {"indicator_id": [p[0] for p in pairs], "year": [p[1] for p in pairs]},
            schema={"indicator_id": pl.Int64, "year": pl.Int64},
        )
        obs = obs.join(wanted, on=["indicator_id", "year"], how="semi")
        if obs.height:
            obs = apply_disclosure(obs, meta, public=True) if public else obs
            ranked = rank_bands(
                obs.join(meta.select("indicator_id", "direction"), on="indicator_id", how="left").select(
                    pl.col("indicator_id").alias("indicator"),
                    "year",
                    pl.lit("total").alias("sex"),
                    "area_id",
                    "value",
                    "direction",
                )  # fmt: skip
            )
            for (ind, year), part in ranked.partition_by(["indicator", "year"], as_dict=True).items():
                result[(int(ind), int(year))] = {
                    a: (b, r, n, why)
                    for a, b, r, n, why in part.select(
                        "area_id", "band", "rank", "n_compared", "band_reason"
                    ).iter_rows()
                }
    for pair, value in result.items():
        _CACHE.put(("band", pair, kind, public, breakdown_id), value)
    return result


# ---------------------------------------------------------------------------
# The profile


def load_inputs(
    area_id: int, reference_ids: Sequence[int], indicator_ids: Sequence[int] | None, breakdown_id: int
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(metadata of the indicators, observations of area and references incl. computed group values)."""
    meta = indicator_frame()
    if indicator_ids is not None:
        meta = meta.filter(pl.col("indicator_id").is_in(list(indicator_ids)))
    ids = meta["indicator_id"].to_list()
    own = read_values([area_id], ids, breakdown_id)
    # References are shown and tested only in the area's latest year of each indicator: read just those.
    latest = own.filter(pl.col("value").is_not_null())["year"].unique().to_list()
    refs = read_values(reference_ids, ids, breakdown_id, year_in=latest) if reference_ids else own.clear()
    return meta, pl.concat([own, refs.select(own.columns)])


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
    _CACHE.sync(data_version())
    refs = list(reference_ids) if reference_ids is not None else default_references(area_id, until_year)
    refs = [r for r in dict.fromkeys(refs) if r != area_id]
    meta, obs = load_inputs(area_id, refs, indicator_ids, breakdown_id)
    t1 = time.perf_counter()

    def contained(ref_id: int, year: int) -> bool:
        return is_contained(area_id, ref_id, year=year)

    profile = compute_profile(
        area_info(area_id), [area_info(r) for r in refs], meta, obs, contained,
        public=public, lang=lang, years=years, alpha=alpha, breakdown_id=breakdown_id, until_year=until_year,
    )  # fmt: skip
    profile.timings = {"read": t1 - t0, "total": time.perf_counter() - t0}
    return profile


def compute_profile(
    area: AreaInfo,
    references: list[AreaInfo],
    meta: pl.DataFrame,
    obs: pl.DataFrame,
    contained: Callable[[int, int], bool],
    *,
    public: bool,
    lang: str = "fi",
    years: int = 10,
    alpha: float = 0.05,
    breakdown_id: int = TOTAL,
    until_year: int | None = None,
) -> Profile:
    """Assemble the profile from metadata and observations (disclosure, intervals, tests, bands).

    ``contained(ref_id, year)``: is the area part of the reference in ``year``, so that it is compared
    with the rest of the reference (asked only for the years compared)."""
    obs = apply_disclosure(obs, meta, public)
    m = meta.select("indicator_id", "kind", "scale", "direction")
    obs = obs.join(m, on="indicator_id", how="inner")
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
    tested = compare(pairs, alpha=alpha) if pairs.height else pairs
    # Trends over the shown years (published values only).
    trends = _trends(own, alpha)
    # Bands in the latest year.
    bands: dict[tuple[int, int], Any] = {}
    if area.kind in BAND_KINDS and head.height:
        pairs_needed = [(int(i), int(y)) for i, y in head.select("indicator_id", "year").iter_rows()]
        bands = bands_for(pairs_needed, area.kind, public, breakdown_id)
    return _assemble(area, references, meta, own, head, tested, trends, bands, public, lang, years, alpha)


def _trends(own: pl.DataFrame, alpha: float) -> dict[int, dict[str, Any]]:
    out: dict[int, dict[str, Any]] = {}
    usable = own.filter(~pl.col("hidden") & pl.col("kind").is_in(["proportion", "rate"]))
    for kind in ("proportion", "rate"):
        part = usable.filter(pl.col("kind") == kind)
        if part.height == 0:
            continue
        res = trend_test(
            part.select("indicator_id", "year", "numerator", "denominator"),
            ["indicator_id"],
            kind=kind,
            alpha=alpha,
        )  # type: ignore[arg-type]
        for row in res.iter_rows(named=True):
            out[int(row["indicator_id"])] = row
    return out


def _value(row: dict[str, Any], prefix: str = "", generated: bool = False) -> Value:
    g = row.get
    return Value(
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
        infos[r["indicator_id"]] = IndicatorInfo(
            id=r["indicator_id"], key=r["key"],
            title=r.get(f"title_{lang}") or r["title_fi"] or r["title_en"] or r["key"],
            unit=r["unit"], decimals=r["decimals"], scale=r["scale"], direction=r["direction"],
            kind=r["kind"], rights=tuple(r["rights"] or ()), generated=r["generated"],
            attribution=r["attribution"] or "", licence=r["licence"] or "",
            source=r.get(f"source_{lang}") or r["source"], threshold=r["threshold"],
        )  # fmt: skip
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
                {**base, "reference": None, "reference_value": None, "comparison": None, "p_adjusted": None}
            )
        for c in r.comparisons:
            records.append({
                **base, "reference": c.reference.name(profile.lang), "reference_value": c.reference_value.value,
                "comparison": c.assessment, "p_adjusted": c.p_adjusted,
            })  # fmt: skip
    schema = {
        "indicator": pl.String, "title": pl.String, "unit": pl.String, "area_code": pl.String,
        "area": pl.String, "year": pl.Int64, "value": pl.Float64, "ci_lower": pl.Float64,
        "ci_upper": pl.Float64, "suppressed": pl.String, "internal_unpublished": pl.Boolean,
        "computed_from_members": pl.Boolean, "trend": pl.String, "band": pl.String,
        "generated_demo_data": pl.Boolean, "source": pl.String, "licence": pl.String,
        "reference": pl.String, "reference_value": pl.Float64, "comparison": pl.String,
        "p_adjusted": pl.Float64,
    }  # fmt: skip
    return pl.DataFrame(records, schema=schema)
