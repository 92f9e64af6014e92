"""Values of areas as kasvu publishes them: stored, or computed for groups from their members.

Shared by the area profile (:mod:`kasvu.profiles`), the indicator pages and comparisons:

* reading observations with one SQL query into Polars (via the unique index on indicator, area, year,
  breakdown);
* values of groups, regions, counties and the country that have no stored values, computed from their
  municipalities (:func:`kasvu.stats.aggregate_groups`, memberships valid each year), cached;
* disclosure control: the stored pattern (:mod:`kasvu.bank.disclosure`) and, as a second line, the
  primary rule with each indicator's threshold; for the public, hidden values are blanked here, before
  they leave the core;
* confidence intervals by the indicator's kind (Wilson for proportions, exact Poisson for rates, the
  source's interval for survey values).

Caches (metadata, memberships, group values, ranking bands) are keyed by :func:`data_version`, which
changes with every import, every change of a group's members and every new suppression pattern, so that
all server processes see new data at once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from kasvu.stats import aggregate_groups, poisson_rate_interval, primary_mask, wilson_interval

TOTAL = 1  # Breakdown id of "total"

OBS_SCHEMA = {
    "indicator_id": pl.Int64,
    "area_id": pl.Int64,
    "year": pl.Int64,
    "value": pl.Float64,
    "numerator": pl.Float64,
    "denominator": pl.Float64,
    "sample_size": pl.Int64,
    "ci_lower": pl.Float64,
    "ci_upper": pl.Float64,
    "flags": pl.Int64,
    "suppressed": pl.Int64,
}
OBS_COLUMNS = list(OBS_SCHEMA)

# Reasons, in English; the web layer translates them (they are msgids in the catalogues).
R_PRIMARY = "fewer than {n} persons"
R_SECONDARY = "hidden to protect another value"
R_COUNT = "a count has no sampling interval"
R_NO_COUNTS = "no numerator or denominator"


# ---------------------------------------------------------------------------
# Areas


@dataclass(frozen=True)
class AreaInfo:
    id: int
    kind: str
    code: str
    name_fi: str
    name_sv: str = ""
    name_en: str = ""

    def name(self, lang: str = "fi") -> str:
        return getattr(self, f"name_{lang}", "") or self.name_fi or self.name_en or self.name_sv

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.code}"


# ---------------------------------------------------------------------------
# Caches keyed by the data version


class _VersionedCache:
    """A dict that empties itself when the data version changes, or after ``ttl`` seconds.

    Behind it is the cache all server processes share (:class:`kasvu.sharedcache.VersionedStore`): a local
    miss is looked up there, and what one process computes the others read instead of computing again.
    """

    def __init__(self, ttl: float = 600.0, max_items: int = 200_000) -> None:
        from kasvu.sharedcache import VersionedStore

        self._data: dict[Any, Any] = {}
        self._version: Any = None
        self._stamp = 0.0
        self._ttl = ttl
        self._max = max_items
        self._lock = threading.Lock()
        self._shared = VersionedStore()
        self._namespace: str | None = None

    def sync(self, version: Any) -> None:
        namespace = self._shared.namespace(version)
        with self._lock:
            now = time.monotonic()
            if (
                version != self._version
                or namespace != self._namespace
                or now - self._stamp > self._ttl
                or len(self._data) > self._max
            ):
                self._data = {}
                self._version = version
                self._namespace = namespace
                self._stamp = now

    def get(self, key: Any) -> Any:
        hit = self._data.get(key)
        if hit is None and self._namespace is not None:
            hit = self._shared.get(self._namespace, key)
            if hit is not None:
                self._data[key] = hit
        return hit

    def put(self, key: Any, value: Any) -> None:
        self._data[key] = value
        if self._namespace is not None:
            self._shared.put(self._namespace, key, value)

    def clear(self) -> None:
        with self._lock:
            self._data = {}
            self._version = None
            self._namespace = None
        self._shared.clear()


_CACHE = _VersionedCache()


def clear_caches(**_: Any) -> None:
    """Forget cached group values, bands and metadata (connected to ``observations_changed``)."""
    _CACHE.clear()


def data_version() -> tuple[Any, ...]:
    """Changes whenever an import, a group's members or the suppression pattern change (one query)."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "SELECT (SELECT MAX(id) FROM bank_importrun), (SELECT MAX(id) FROM bank_membership), "
            "(SELECT COUNT(*) FROM bank_membership), (SELECT MAX(id) FROM bank_groupsuppression), "
            "(SELECT COUNT(*) FROM bank_indicator)"
        )
        return tuple(cur.fetchone() or ())


# ---------------------------------------------------------------------------
# Reading (Django)


def indicator_frame() -> pl.DataFrame:
    """Indicator metadata as a frame (cached per data version)."""
    cached = _CACHE.get("indicators")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    from django.conf import settings

    from kasvu.bank.models import Indicator

    default = int(settings.KASVU["SUPPRESSION_THRESHOLD"])
    rows = []
    for i in Indicator.objects.select_related("source").order_by("key"):
        rows.append(
            {
                "indicator_id": i.id,
                "key": i.key,
                "title_fi": i.title_fi,
                "title_sv": i.title_sv,
                "title_en": i.title_en,
                "unit": i.unit,
                "decimals": int(i.decimals),
                "scale": float(i.scale or 1.0),
                "direction": i.direction,
                "aggregation": i.aggregation,
                "rights": [str(r) for r in (i.rights or [])],
                "threshold": int(i.suppression_threshold or default),
                "generated": bool(i.source.is_generated),
                "attribution": i.attribution or i.source.attribution,
                "licence": i.licence or i.source.licence,
                "source": i.source.name("en"),
                "source_fi": i.source.name_fi,
                "source_sv": i.source.name_sv,
                "source_en": i.source.name_en,
            }
        )
    schema = {
        "indicator_id": pl.Int64, "key": pl.String, "title_fi": pl.String, "title_sv": pl.String,
        "title_en": pl.String, "unit": pl.String, "decimals": pl.Int64, "scale": pl.Float64,
        "direction": pl.String, "aggregation": pl.String, "rights": pl.List(pl.String),
        "threshold": pl.Int64, "generated": pl.Boolean, "attribution": pl.String, "licence": pl.String,
        "source": pl.String, "source_fi": pl.String, "source_sv": pl.String, "source_en": pl.String,
    }  # fmt: skip
    frame = pl.DataFrame(rows, schema=schema).with_columns(value_kind(pl.col("unit"), pl.col("scale")))
    _CACHE.put("indicators", frame)
    return frame


def value_kind(unit: pl.Expr, scale: pl.Expr) -> pl.Expr:
    """proportion (per cent), rate (per 1,000 / 10,000 / 100,000) or count (scale 1: persons, euros)."""
    return (
        pl.when(scale == 100.0)
        .then(pl.lit("proportion"))
        .when(scale > 1.0)
        .then(pl.lit("rate"))
        .otherwise(pl.lit("count"))
        .alias("kind")
    )


def _areas_frame() -> pl.DataFrame:
    cached = _CACHE.get("areas")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    from kasvu.bank.models import Area

    rows = list(
        Area.objects.values_list(
            "id", "kind", "code", "name_fi", "name_sv", "name_en", "valid_from", "valid_to"
        )
    )
    frame = pl.DataFrame(
        rows,
        schema={"area_id": pl.Int64, "kind": pl.String, "code": pl.String, "name_fi": pl.String,
                "name_sv": pl.String, "name_en": pl.String, "valid_from": pl.Int64, "valid_to": pl.Int64},
        orient="row",
    )  # fmt: skip
    _CACHE.put("areas", frame)
    return frame


def _memberships() -> pl.DataFrame:
    cached = _CACHE.get("memberships")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    from kasvu.bank.models import Membership

    rows = list(Membership.objects.values_list("group_id", "member_id", "valid_from", "valid_to"))
    frame = pl.DataFrame(
        rows,
        schema={"group_id": pl.Int64, "member_id": pl.Int64, "valid_from": pl.Int64, "valid_to": pl.Int64},
        orient="row",
    )
    kinds = _areas_frame().select(
        pl.col("area_id").alias("member_id"),
        pl.col("kind").alias("member_kind"),
        pl.col("valid_to").alias("member_valid_to"),
    )
    frame = frame.join(kinds, on="member_id", how="left")
    _CACHE.put("memberships", frame)
    return frame


def _successions() -> pl.DataFrame:
    cached = _CACHE.get("successions")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    from kasvu.bank.models import Succession

    rows = list(Succession.objects.values_list("predecessor_id", "successor_id", "year"))
    frame = pl.DataFrame(
        rows,
        schema={"predecessor_id": pl.Int64, "successor_id": pl.Int64, "year_of_merger": pl.Int64},
        orient="row",
    )
    _CACHE.put("successions", frame)
    return frame


def _query(sql: str, params: Sequence[Any]) -> pl.DataFrame:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(sql, list(params))
        rows = cur.fetchall()
    return pl.DataFrame(rows, schema=OBS_SCHEMA, orient="row")


def _in(values: Sequence[int]) -> str:
    return ", ".join(["%s"] * len(values))


def read_observations(
    area_ids: Sequence[int],
    indicator_ids: Sequence[int],
    breakdown_id: int = TOTAL,
    years: tuple[int, int] | None = None,
    year_in: Sequence[int] | None = None,
) -> pl.DataFrame:
    """Stored observations of these areas and indicators (one query, via the unique index)."""
    if not area_ids or not indicator_ids:
        return pl.DataFrame(schema=OBS_SCHEMA)
    sql = (
        f"SELECT {', '.join(OBS_COLUMNS)} FROM bank_observation WHERE breakdown_id = %s "
        f"AND indicator_id IN ({_in(indicator_ids)}) AND area_id IN ({_in(area_ids)})"
    )
    params: list[Any] = [breakdown_id, *indicator_ids, *area_ids]
    if years is not None:
        sql += " AND year BETWEEN %s AND %s"
        params += list(years)
    if year_in is not None:
        if not year_in:
            return pl.DataFrame(schema=OBS_SCHEMA)
        sql += f" AND year IN ({_in(year_in)})"
        params += list(year_in)
    return _query(sql, params)


def _group_suppressions(area_ids: Sequence[int], breakdown_id: int) -> pl.DataFrame:
    from kasvu.bank.models import GroupSuppression

    rows = list(
        GroupSuppression.objects.filter(area_id__in=list(area_ids), breakdown_id=breakdown_id).values_list(
            "indicator_id", "area_id", "year", "reason"
        )
    )
    return pl.DataFrame(
        rows,
        schema={
            "indicator_id": pl.Int64,
            "area_id": pl.Int64,
            "year": pl.Int64,
            "group_suppressed": pl.Int64,
        },
        orient="row",
    )


# ---------------------------------------------------------------------------
# Areas: references, containment, members


def area_info(area_id: int) -> AreaInfo:
    row = _areas_frame().filter(pl.col("area_id") == area_id).row(0, named=True)
    return AreaInfo(row["area_id"], row["kind"], row["code"], row["name_fi"], row["name_sv"], row["name_en"])


def _parents(area_id: int, kind: str, year: int | None = None) -> list[int]:
    """The areas of ``kind`` that ``area_id`` belongs to in ``year`` (default: now, see :func:`_links`)."""
    links = _links(year).filter(pl.col("member_id") == area_id)
    groups = _areas_frame().filter(pl.col("kind") == kind).select(pl.col("area_id").alias("group_id"))
    return links.join(groups, on="group_id")["group_id"].to_list()


def _links(year: int | None = None) -> pl.DataFrame:
    """Memberships valid in ``year``; without a year, as they stand in each member's last year (the open
    ones, and for a municipality that merged away those it had when it ceased). Containment is judged on
    these, because a municipality that changed region (Iitti, in Kymenlaakso until 2020) is not part of
    its old region's sums after the move."""
    start, end, member_end = pl.col("valid_from"), pl.col("valid_to"), pl.col("member_valid_to")
    if year is None:
        return _memberships().filter(end.is_null() | (member_end.is_not_null() & (end >= member_end)))
    return _memberships().filter(
        (start.is_null() | (start <= year))
        & (end.is_null() | (year <= end))
        & (member_end.is_null() | (year <= member_end))
    )


def _leaves(area_id: int, year: int | None = None) -> set[int]:
    """Municipalities (or, below them, nothing) that make up an area in ``year`` (default: now, with
    those merged into them)."""
    m = _links(year)
    members = m.filter((pl.col("group_id") == area_id) & (pl.col("member_kind") == "municipality"))
    ids = set(members["member_id"].to_list())
    return ids or {area_id}


def default_references(area_id: int, year: int | None = None) -> list[int]:
    """Region, county and country for a municipality; for a district also its municipality; for a group
    the region of its members and the country; for a region, county or sub-region the country. Memberships
    of ``year`` (default: now): Iitti's region is Kymenlaakso until 2020, and there are no counties before
    2023."""
    info = area_info(area_id)
    country = _areas_frame().filter(pl.col("kind") == "country")["area_id"].to_list()[:1]
    if info.kind == "municipality":
        return _parents(area_id, "region", year)[:1] + _parents(area_id, "county", year)[:1] + country
    if info.kind == "district":
        muni = _parents(area_id, "municipality", year)[:1]
        return muni + (_parents(muni[0], "region", year)[:1] if muni else []) + country
    if info.kind == "group":
        regions: list[int] = []
        for member in sorted(_leaves(area_id, year)):
            for r in _parents(member, "region", year):
                if r not in regions:
                    regions.append(r)
        return regions[:1] + country
    if info.kind == "country":
        return []
    return country


def is_contained(area_id: int, reference_id: int, year: int | None = None) -> bool:
    """Is the area part of the reference (all its municipalities are the reference's) in ``year``
    (default: now)?"""
    if area_id == reference_id:
        return True
    m = _links(year)
    if m.filter((pl.col("group_id") == reference_id) & (pl.col("member_id") == area_id)).height:
        return True
    inner, outer = _leaves(area_id, year), _leaves(reference_id, year)
    return bool(inner) and inner <= outer and outer != {reference_id}


# ---------------------------------------------------------------------------
# Group values computed from members


def _rules(meta: pl.DataFrame) -> pl.DataFrame:
    agg = pl.col("aggregation")
    return meta.select(
        pl.col("indicator_id").cast(pl.String).alias("indicator"),
        pl.when(agg.is_in(["ratio", "sum", "weighted_mean"])).then(agg).alias("rule"),
        pl.col("scale"),
    ).filter(pl.col("rule").is_not_null())


def _weights(member_ids: Sequence[int], breakdown_id: int) -> pl.DataFrame | None:
    """Population by member and year (Sotkanet 127, else Statistics Finland M411) for weighted means."""
    meta = indicator_frame()
    for key in ("sotkanet:127", "statfin:M411"):
        ids = meta.filter(pl.col("key") == key)["indicator_id"].to_list()
        if ids:
            pop = read_observations(member_ids, ids, breakdown_id)
            if pop.height:
                return pop.select("area_id", "year", pl.col("value").alias("weight"))
    return None


def group_values(area_id: int, indicator_ids: Sequence[int], breakdown_id: int = TOTAL) -> pl.DataFrame:
    """Values of a group/region/county/country computed from its municipalities, all years (cached)."""
    out: list[pl.DataFrame] = []
    missing: list[int] = []
    for ind in indicator_ids:
        hit = _CACHE.get(("group", area_id, breakdown_id, ind))
        if hit is None:
            missing.append(ind)
        else:
            out.append(hit)
    if missing:
        out.extend(_compute_group_values(area_id, missing, breakdown_id))
    frames = [f for f in out if f.height]
    return pl.concat(frames) if frames else _empty_computed()


def _empty_computed() -> pl.DataFrame:
    return pl.DataFrame(
        schema={**OBS_SCHEMA, "computed": pl.Boolean, "approximate": pl.Boolean, "missing_reason": pl.String}
    )


def _compute_group_values(area_id: int, indicator_ids: list[int], breakdown_id: int) -> list[pl.DataFrame]:
    m = _memberships().filter(pl.col("group_id") == area_id)
    leaf = m.filter(pl.col("member_kind") == "municipality")
    members = leaf if leaf.height else m
    meta = indicator_frame().filter(pl.col("indicator_id").is_in(indicator_ids))
    rules = _rules(meta)
    member_ids = members["member_id"].unique().to_list()
    results: list[pl.DataFrame] = []
    computed = _empty_computed()
    if member_ids and rules.height:
        obs = read_observations(member_ids, rules["indicator"].cast(pl.Int64).to_list(), breakdown_id)
        if obs.height:
            obs_in = obs.select(
                pl.col("indicator_id").cast(pl.String).alias("indicator"), "area_id", "year",
                pl.lit("total").alias("sex"), "value", "numerator", "denominator",
            )  # fmt: skip
            needs_weights = rules.filter(pl.col("rule") == "weighted_mean").height > 0
            weights = _weights(member_ids, breakdown_id) if needs_weights else None
            agg = aggregate_groups(
                obs_in, members.select("group_id", "member_id", "valid_from", "valid_to"), rules,
                weights=weights, successions=_successions(),
            )  # fmt: skip
            computed = agg.select(
                pl.col("indicator").cast(pl.Int64).alias("indicator_id"),
                pl.col("group_id").alias("area_id"),
                pl.col("year").cast(pl.Int64),
                "value", "numerator", "denominator",
                pl.lit(None, pl.Int64).alias("sample_size"),
                pl.lit(None, pl.Float64).alias("ci_lower"), pl.lit(None, pl.Float64).alias("ci_upper"),
                pl.lit(0, pl.Int64).alias("flags"), pl.lit(0, pl.Int64).alias("suppressed"),
                pl.lit(True).alias("computed"), "approximate", pl.col("reason").alias("missing_reason"),
            )  # fmt: skip
            flags = obs.group_by("indicator_id", "year").agg(pl.col("flags").max().alias("_f"))
            computed = (
                computed.join(flags, on=["indicator_id", "year"], how="left")
                .with_columns(pl.col("_f").fill_null(0).alias("flags"))
                .drop("_f")
            )
    parts = computed.partition_by("indicator_id", as_dict=True) if computed.height else {}
    for ind in indicator_ids:
        frame = parts.get((ind,), computed.clear())
        _CACHE.put(("group", area_id, breakdown_id, ind), frame)
        results.append(frame)
    return results


# ---------------------------------------------------------------------------
# Suppression


def apply_disclosure(frame: pl.DataFrame, meta: pl.DataFrame, public: bool) -> pl.DataFrame:
    """Mark hidden cells and, for the public, blank them.

    Hidden: the stored pattern (``suppressed`` 1 primary / 2 secondary, ``group_suppressed`` for computed
    values) or the primary rule here (numerator 1..threshold−1, fewer respondents than the threshold).
    Adds ``hidden`` (bool), ``suppression_reason`` and ``internal`` (visible only because not public).
    """
    if frame.height == 0:
        return frame.with_columns(
            pl.lit(False).alias("hidden"), pl.lit(None, pl.String).alias("suppression_reason"),
            pl.lit(False).alias("internal"),
        )  # fmt: skip
    thresholds = dict(zip(meta["key"].to_list(), meta["threshold"].to_list(), strict=True))
    keyed = frame.join(meta.select("indicator_id", "key", "threshold"), on="indicator_id", how="left")
    cells = keyed.select(
        pl.col("key").fill_null("").alias("indicator"),
        "numerator",
        pl.col("sample_size").alias("respondents"),
    )
    mask, _ = primary_mask(cells, thresholds=thresholds)
    stored = pl.col("suppressed").fill_null(0)
    group = pl.col("group_suppressed").fill_null(0) if "group_suppressed" in frame.columns else pl.lit(0)
    primary = pl.Series("_primary", mask)
    reason = (
        pl.when((stored == 1) | (group == 1) | primary)
        .then(pl.format(R_PRIMARY.replace("{n}", "{}"), pl.col("threshold")))
        .when((stored == 2) | (group == 2))
        .then(pl.lit(R_SECONDARY))
    )
    out = keyed.with_columns(primary).with_columns(reason.alias("suppression_reason"))
    out = out.with_columns(pl.col("suppression_reason").is_not_null().alias("hidden")).drop(
        "_primary", "key", "threshold"
    )
    if not public:
        return out.with_columns(pl.col("hidden").alias("internal"))
    blank = [
        pl.when(pl.col("hidden")).then(None).otherwise(pl.col(c)).alias(c)
        for c in ("value", "numerator", "denominator", "ci_lower", "ci_upper", "sample_size")
    ]
    return out.with_columns(*blank, pl.lit(False).alias("internal"))


# ---------------------------------------------------------------------------
# Intervals and tests (pure)


def add_intervals(frame: pl.DataFrame) -> pl.DataFrame:
    """``lower``/``upper``/``interval_method``/``interval_reason`` by the indicator's kind.

    Needs ``kind`` and ``scale``. Stored bounds (surveys) win; proportions get Wilson, rates exact Poisson,
    counts none.
    """
    if frame.height == 0:
        return frame.with_columns(
            pl.lit(None, pl.Float64).alias("lower"), pl.lit(None, pl.Float64).alias("upper"),
            pl.lit(None, pl.String).alias("interval_method"), pl.lit(None, pl.String).alias("interval_reason"),
        )  # fmt: skip
    kind = frame["kind"].to_numpy()
    scale = frame["scale"].to_numpy().astype(float)
    x = frame["numerator"].cast(pl.Float64).to_numpy()
    n = frame["denominator"].cast(pl.Float64).to_numpy()
    lower = np.full(frame.height, np.nan)
    upper = np.full(frame.height, np.nan)
    method = np.full(frame.height, None, dtype=object)
    reason = np.full(frame.height, None, dtype=object)
    prop = kind == "proportion"
    if prop.any():
        iv = wilson_interval(x[prop], n[prop], scale=1.0)
        lower[prop], upper[prop] = iv.lower * scale[prop], iv.upper * scale[prop]
        method[prop], reason[prop] = iv.method, iv.reason
    rate = kind == "rate"
    if rate.any():
        iv = poisson_rate_interval(x[rate], n[rate], scale=1.0)
        lower[rate], upper[rate] = iv.lower * scale[rate], iv.upper * scale[rate]
        method[rate], reason[rate] = iv.method, iv.reason
    count = kind == "count"
    reason[count] = R_COUNT
    ci_lo = frame["ci_lower"].cast(pl.Float64).to_numpy()
    ci_hi = frame["ci_upper"].cast(pl.Float64).to_numpy()
    given = ~np.isnan(ci_lo) & ~np.isnan(ci_hi)
    lower[given], upper[given] = ci_lo[given], ci_hi[given]
    method[given], reason[given] = "source", None
    no_value = frame["value"].is_null().to_numpy()
    method[no_value] = None
    reason[no_value] = None
    return frame.with_columns(
        pl.Series("lower", lower, nan_to_null=True),
        pl.Series("upper", upper, nan_to_null=True),
        pl.Series("interval_method", method.tolist(), dtype=pl.String),
        pl.Series("interval_reason", reason.tolist(), dtype=pl.String),
    )


def read_values(
    area_ids: Sequence[int],
    indicator_ids: Sequence[int],
    breakdown_id: int = TOTAL,
    years: tuple[int, int] | None = None,
    year_in: Sequence[int] | None = None,
) -> pl.DataFrame:
    """Stored values of the areas, plus values computed from members for groups, regions, counties and
    the country wherever they have no stored values of an indicator. Not yet disclosure-controlled.

    Adds ``computed``, ``approximate``, ``missing_reason`` and ``group_suppressed`` (the stored pattern
    for computed values).
    """
    ids = list(indicator_ids)
    stored = read_observations(area_ids, ids, breakdown_id, years, year_in).with_columns(
        pl.lit(False).alias("computed"), pl.lit(False).alias("approximate"),
        pl.lit(None, pl.String).alias("missing_reason"),
    )  # fmt: skip
    frames = [stored]
    kinds = dict(
        _areas_frame().filter(pl.col("area_id").is_in(list(area_ids))).select("area_id", "kind").iter_rows()
    )
    for a in area_ids:
        if kinds.get(a) in ("municipality", "district"):
            continue
        have = set(stored.filter(pl.col("area_id") == a)["indicator_id"].unique().to_list())
        lacking = [i for i in ids if i not in have]
        if lacking:
            computed = group_values(a, lacking, breakdown_id)
            if years is not None:
                computed = computed.filter(pl.col("year").is_between(*years))
            if year_in is not None:
                computed = computed.filter(pl.col("year").is_in(list(year_in)))
            frames.append(computed)
    obs = (
        pl.concat([f.select(stored.columns) for f in frames if f.height])
        if any(f.height for f in frames)
        else stored
    )
    computed_ids = obs.filter(pl.col("computed"))["area_id"].unique().to_list()
    if computed_ids:
        gs = _group_suppressions(computed_ids, breakdown_id)
        return obs.join(gs, on=["indicator_id", "area_id", "year"], how="left")
    return obs.with_columns(pl.lit(None, pl.Int64).alias("group_suppressed"))


def area_values(
    area_ids: Sequence[int],
    indicator_ids: Sequence[int],
    *,
    public: bool,
    breakdown_id: int = TOTAL,
    years: tuple[int, int] | None = None,
) -> pl.DataFrame:
    """Published values (for the public) with intervals, indicator kind and scale: what pages show."""
    _CACHE.sync(data_version())
    meta = indicator_frame().filter(pl.col("indicator_id").is_in(list(indicator_ids)))
    obs = apply_disclosure(read_values(area_ids, indicator_ids, breakdown_id, years), meta, public)
    obs = obs.join(meta.select("indicator_id", "kind", "scale", "decimals"), on="indicator_id", how="inner")
    return add_intervals(obs).sort("indicator_id", "area_id", "year")


def indicator_ids_with_data(area_ids: Iterable[int]) -> list[int]:
    """Indicators that have any stored value for these areas (for pickers)."""
    from django.db import connection

    ids = list(area_ids)
    if not ids:
        return []
    with connection.cursor() as cur:
        cur.execute(f"SELECT DISTINCT indicator_id FROM bank_observation WHERE area_id IN ({_in(ids)})", ids)
        return [r[0] for r in cur.fetchall()]
