"""Where a report's numbers come from: the one module of the reports app that reads the bank.

Builders (:mod:`kasvu.reports.builders`) get plain data from here — indicator and area descriptions, a
Polars frame of values with intervals and disclosure flags, memberships and provenance — and never query
the database themselves. When ``kasvu.profiles`` (the web app's area profile) provides the same numbers,
this adapter is the only place to switch.

Disclosure: with ``public=True`` (the default; always for anonymous web users) a value is *hidden* when
the stored pattern of :mod:`kasvu.bank.disclosure` hides it (``Observation.suppressed``,
``GroupSuppression``) or when :func:`kasvu.stats.suppression.primary_mask` finds it below the indicator's
own threshold. Builders print hidden values as "–" with a footnote and make no statement about them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import polars as pl

from kasvu import profiles
from kasvu.bank.loader import observations_frame
from kasvu.bank.models import Area, AreaKind, GroupSuppression, ImportRun, Indicator, Membership
from kasvu.importers.base import FLAG_GENERATED
from kasvu.reports import analysis
from kasvu.reports.document import ProvenanceEntry
from kasvu.stats.groups import Rule, aggregate_groups
from kasvu.stats.suppression import primary_mask

TOTAL_BREAKDOWN_ID = 1
POPULATION_KEYS = ("statfin:M411", "sotkanet:127")
GROUP_KINDS = {AreaKind.GROUP, AreaKind.REGION, AreaKind.COUNTY, AreaKind.SUBREGION, AreaKind.COUNTRY}


class ReportDataMissing(Exception):
    """The bank has no data for what the report asks for."""


@dataclass(frozen=True)
class IndicatorInfo:
    id: int
    key: str
    title: str
    unit: str
    decimals: int
    scale: float
    direction: str
    aggregation: str
    rights: tuple[str, ...]
    themes: tuple[str, ...]
    threshold: int
    generated: bool
    source: str
    licence: str
    attribution: str
    url: str
    kind: str = "proportion"


@dataclass(frozen=True)
class AreaInfo:
    id: int
    kind: str
    code: str
    name: str


@dataclass
class ReportData:
    """Everything a builder needs. ``values`` has one row per indicator, area and year (total breakdown):
    value, numerator, denominator, lower, upper, interval_reason, hidden, generated, computed."""

    indicators: dict[int, IndicatorInfo]
    areas: dict[int, AreaInfo]
    values: pl.DataFrame
    members: dict[int, list[int]] = field(default_factory=dict)  # reference area → member ids (report year)
    provenance: list[ProvenanceEntry] = field(default_factory=list)
    public: bool = True
    comparisons: pl.DataFrame | None = None  # the web profile's (see profile_comparisons), when fetched

    @property
    def kinds(self) -> dict[int, tuple[str, float]]:
        return {i: (info.kind, info.scale) for i, info in self.indicators.items()}


def indicator_info(ind: Indicator, lang: str) -> IndicatorInfo:
    source = ind.source
    return IndicatorInfo(
        id=ind.id,
        key=ind.key,
        title=ind.title(lang) or ind.key,
        unit=ind.unit,
        decimals=ind.decimals,
        scale=ind.scale,
        direction=ind.direction,
        aggregation=ind.aggregation,
        rights=tuple(ind.rights or ()),
        themes=tuple(ind.themes or ()),
        threshold=ind.threshold,
        generated=bool(source.is_generated),
        source=source.name(lang),
        licence=ind.licence or source.licence,
        attribution=ind.attribution or source.attribution,
        url=ind.source_url or source.url,
        kind=str((ind.notes or {}).get("kind", "")) or "proportion",
    )


def area_info(area: Area, lang: str) -> AreaInfo:
    return AreaInfo(area.id, area.kind, area.code, area.name(lang))


def find_indicators(keys: Sequence[str] | None, *, with_rights: bool = True) -> list[Indicator]:
    """Indicators by key (in that order), or all with at least one children's right."""
    qs = Indicator.objects.select_related("source")
    if keys:
        found = {i.key: i for i in qs.filter(key__in=list(keys))}
        missing = [k for k in keys if k not in found]
        if missing:
            raise ReportDataMissing(
                f"No indicator {', '.join(missing)} in the bank. See `kasvu export indicators` or import it first."
            )
        return [found[k] for k in keys]
    inds = list(qs.order_by("key"))
    return [i for i in inds if i.rights] if with_rights else inds


def members_of(area: Area, year: int, _links: dict[int, list[Membership]] | None = None) -> list[Area]:
    """Municipalities of a group-like area valid in ``year`` (through nested groups too)."""
    out: dict[int, Area] = {}
    cache = {} if _links is None else _links
    if area.id not in cache:
        cache[area.id] = list(Membership.objects.filter(group=area).select_related("member"))
    for link in cache[area.id]:
        if link.is_valid_in(year) and link.member.is_valid_in(year):
            m = link.member
            if m.kind == AreaKind.MUNICIPALITY:
                out[m.id] = m
            elif m.kind in GROUP_KINDS:
                out.update({x.id: x for x in members_of(m, year, cache)})
    return sorted(out.values(), key=lambda a: a.name())


def groups_of(area: Area, year: int) -> list[Area]:
    """The areas ``area`` belongs to in ``year`` (the membership and the group both valid then), by kind
    and code: Iitti's region is Kymenlaakso until 2020 and Päijät-Häme from 2021; counties begin in 2023."""
    links = (
        Membership.objects.filter(member=area).select_related("group").order_by("group__kind", "group__code")
    )
    return [link.group for link in links if link.is_valid_in(year) and link.group.is_valid_in(year)]


def references_of(area: Area, year: int, chosen: Sequence[str] = ()) -> list[Area]:
    """The areas a report compares ``area`` with in ``year``: the web profile's defaults (region, county and
    country for a municipality, memberships of that year), so that a report and the page agree. User groups
    (or any other area) only when ``chosen`` names them ("group:west-uusimaa", "region:01")."""
    from kasvu.bank.areas import find_area
    from kasvu.readmodel import area_tree

    if chosen:
        refs = [find_area(key) for key in chosen]
        return [r for r in dict.fromkeys(refs) if r.id != area.id]
    ids = area_tree().default_references(area.id, year, purpose="profile")
    found = Area.objects.in_bulk(ids)
    return [found[i] for i in ids if i in found]


def _memberships(refs: Iterable[Area], year_range: tuple[int, int]) -> pl.DataFrame:
    rows = []
    cache: dict[int, list[Membership]] = {}
    for ref in refs:
        for year in range(year_range[0], year_range[1] + 1):
            rows += [(ref.id, m.id, year, year) for m in members_of(ref, year, cache)]
    frame = pl.DataFrame(
        rows,
        schema={"group_id": pl.Int64, "member_id": pl.Int64, "valid_from": pl.Int64, "valid_to": pl.Int64},
        orient="row",
    )
    return frame.unique()


def fetch(
    indicators: Sequence[Indicator],
    targets: Sequence[Area],
    refs: Sequence[Area],
    years: tuple[int, int],
    *,
    lang: str,
    public: bool = True,
) -> ReportData:
    """Values of ``indicators`` for ``targets`` and ``refs`` in ``years`` (inclusive), with intervals and
    disclosure flags. Reference values are the stored ones (THL's own), else computed from the members'
    numerators and denominators (:func:`kasvu.stats.aggregate_groups`)."""
    infos = {i.id: indicator_info(i, lang) for i in indicators}
    all_areas = {a.id: a for a in [*targets, *refs]}
    memberships = _memberships([a for a in all_areas.values() if a.kind in GROUP_KINDS], years)
    member_ids = set(memberships["member_id"].to_list())
    wanted = sorted(set(all_areas) | member_ids)
    obs = observations_frame(indicator_ids=list(infos), area_ids=wanted, years=years)
    obs = obs.filter(pl.col("breakdown_id") == TOTAL_BREAKDOWN_ID)
    stored = obs.filter(pl.col("area_id").is_in(list(all_areas)))
    computed = _computed(obs, memberships, infos, stored, years)
    cols = ["indicator_id", "area_id", "year", "value", "numerator", "denominator", "ci_lower", "ci_upper"]
    values = pl.concat(
        [
            stored.select(
                *cols,
                (pl.col("suppressed") > 0).alias("stored_hidden"),
                ((pl.col("flags") & FLAG_GENERATED) > 0).alias("generated"),
                pl.lit(False).alias("computed"),
                pl.lit(False).alias("approximate"),
            ),
            computed,
        ],
        how="diagonal_relaxed",
    )
    infos = {
        i: dataclasses.replace(
            info,
            kind=analysis.kind_of(
                values.filter(pl.col("indicator_id") == i), "rate" if info.kind == "rate" else None
            ),
        )
        for i, info in infos.items()
    }
    values = analysis.with_intervals(
        values.sort("indicator_id", "area_id", "year"), {i: (x.kind, x.scale) for i, x in infos.items()}
    )
    values = _hidden(values, infos, public)
    generated_ind = {i for i, x in infos.items() if x.generated}
    values = values.with_columns(
        (pl.col("generated").fill_null(False) | pl.col("indicator_id").is_in(list(generated_ind))).alias(
            "generated"
        )
    )
    last = memberships.filter(pl.col("valid_from") == years[1])
    ref_members = {
        a.id: last.filter(pl.col("group_id") == a.id)["member_id"].to_list()
        for a in all_areas.values()
        if a.kind in GROUP_KINDS
    }
    area_infos = {a.id: area_info(a, lang) for a in all_areas.values()}
    return ReportData(
        indicators=infos,
        areas=area_infos,
        values=values,
        members=ref_members,
        provenance=provenance(obs, infos),
        public=public,
    )


def profile_comparisons(
    area: Area, refs: Sequence[Area], indicator_ids: Sequence[int] | None, year: int, *, public: bool
) -> pl.DataFrame:
    """The comparisons of the web's area profile (:func:`kasvu.profiles.build_profile`) of ``area`` with
    ``refs`` over ``indicator_ids`` (None: every indicator, as the web page): the same tests, adjusted
    (Benjamini–Hochberg) over the same profile, in each indicator's latest year up to ``year``. Columns
    ``indicator_id``, ``area_id``, ``ref_id``, ``year``, ``verdict``, ``p_value``, ``p_adjusted``,
    ``test_reason``."""
    prof = profiles.build_profile(
        area.id, [r.id for r in refs], public=public, indicator_ids=indicator_ids, until_year=year
    )
    rows = [
        (
            row.indicator.id,
            area.id,
            c.reference.id,
            row.latest.year,
            c.verdict,
            c.p_value,
            c.p_adjusted,
            c.reason,
        )
        for row in prof.rows
        for c in row.comparisons
    ]
    schema = {
        "indicator_id": pl.Int64, "area_id": pl.Int64, "ref_id": pl.Int64, "year": pl.Int64,
        "verdict": pl.String, "p_value": pl.Float64, "p_adjusted": pl.Float64, "test_reason": pl.String,
    }  # fmt: skip
    return pl.DataFrame(rows, schema=schema, orient="row")


def _computed(
    obs: pl.DataFrame,
    memberships: pl.DataFrame,
    infos: dict[int, IndicatorInfo],
    stored: pl.DataFrame,
    years: tuple[int, int],
) -> pl.DataFrame:
    """Group values from members where nothing is stored; weighted means use the population as weights."""
    if memberships.height == 0 or obs.height == 0:
        return pl.DataFrame()
    rules = {}
    for i, info in infos.items():
        if info.aggregation == "ratio":
            rules[str(i)] = Rule("ratio", scale=info.scale)
        elif info.aggregation in ("sum", "weighted_mean"):
            rules[str(i)] = Rule(info.aggregation)  # type: ignore[arg-type]
    frame = obs.select(
        pl.col("indicator_id").cast(pl.String).alias("indicator"),
        "area_id",
        "year",
        pl.lit("total").alias("sex"),
        "value",
        "numerator",
        "denominator",
    )
    weights = None
    if any(info.aggregation == "weighted_mean" for info in infos.values()):
        weights = population_weights(memberships["member_id"].unique().to_list(), years)
    groups = aggregate_groups(frame, memberships, rules, weights=weights)
    groups = groups.with_columns(pl.col("indicator").cast(pl.Int64).alias("indicator_id")).rename(
        {"group_id": "area_id"}
    )
    groups = groups.join(
        stored.select("indicator_id", "area_id", "year"), on=["indicator_id", "area_id", "year"], how="anti"
    )
    hidden = GroupSuppression.objects.filter(
        indicator_id__in=list(infos),
        area_id__in=groups["area_id"].unique().to_list(),
        breakdown_id=TOTAL_BREAKDOWN_ID,
    ).values_list("indicator_id", "area_id", "year")
    hidden_frame = pl.DataFrame(
        list(hidden), schema={"indicator_id": pl.Int64, "area_id": pl.Int64, "year": pl.Int32}, orient="row"
    ).with_columns(pl.lit(True).alias("stored_hidden"))
    generated = (
        obs.join(
            memberships.select(
                pl.col("group_id").alias("area_id_g"), "member_id", pl.col("valid_from").alias("year")
            ),
            left_on=["area_id", "year"],
            right_on=["member_id", "year"],
        )
        .group_by("indicator_id", "area_id_g", "year")
        .agg(((pl.col("flags") & FLAG_GENERATED) > 0).any().alias("generated"))
        .rename({"area_id_g": "area_id"})
    )
    return (
        groups.filter(pl.col("value").is_not_null())
        .select(
            "indicator_id",
            "area_id",
            pl.col("year").cast(pl.Int32),
            "value",
            "numerator",
            "denominator",
            "approximate",
        )
        .join(hidden_frame, on=["indicator_id", "area_id", "year"], how="left")
        .join(
            generated.with_columns(pl.col("year").cast(pl.Int32)),
            on=["indicator_id", "area_id", "year"],
            how="left",
        )
        .with_columns(pl.col("stored_hidden").fill_null(False), pl.lit(True).alias("computed"))
    )


def population_weights(area_ids: list[int], years: tuple[int, int]) -> pl.DataFrame | None:
    ind = Indicator.objects.filter(key__in=POPULATION_KEYS).order_by("-key").first()
    if ind is None:
        return None
    obs = observations_frame(indicator_ids=[ind.id], area_ids=area_ids, years=years)
    return obs.filter(pl.col("breakdown_id") == TOTAL_BREAKDOWN_ID).select(
        "area_id", "year", pl.col("value").alias("weight")
    )


def _hidden(values: pl.DataFrame, infos: dict[int, IndicatorInfo], public: bool) -> pl.DataFrame:
    """``hidden``: the stored disclosure pattern, or below the indicator's own threshold (primary rule)."""
    if not public or values.height == 0:
        return values.with_columns(
            pl.lit(False).alias("hidden"), pl.lit(None, pl.String).alias("hidden_reason")
        )
    cells = values.select(pl.col("indicator_id").cast(pl.String).alias("indicator"), "numerator")
    mask, reasons = primary_mask(cells, thresholds={str(i): x.threshold for i, x in infos.items()})
    stored = values["stored_hidden"].fill_null(False).to_numpy()
    hidden = mask | stored
    why = [
        r or ("secondary: protects another value" if s else None)
        for r, s in zip(reasons, stored, strict=True)
    ]
    return values.with_columns(pl.Series("hidden", hidden), pl.Series("hidden_reason", why, dtype=pl.String))


def provenance(obs: pl.DataFrame, infos: dict[int, IndicatorInfo]) -> list[ProvenanceEntry]:
    """One entry per indicator: source, licence, attribution, retrieval (or import) date, import runs, years."""
    if obs.height == 0:
        return []
    runs = {r.id: r for r in ImportRun.objects.filter(id__in=obs["import_run_id"].unique().to_list())}
    out = []
    per = obs.group_by("indicator_id").agg(
        pl.col("import_run_id").unique().sort(),
        pl.col("year").min().alias("y0"),
        pl.col("year").max().alias("y1"),
    )
    for ind_id, run_ids, y0, y1 in per.sort("indicator_id").iter_rows():
        info = infos[ind_id]
        used = [runs[r] for r in run_ids if r in runs]
        dates = [r.retrieved_at for r in used if r.retrieved_at]
        is_import = not dates
        dates = dates or [r.started_at for r in used]
        out.append(
            ProvenanceEntry(
                indicator_key=info.key,
                indicator=info.title,
                source=info.source,
                licence=info.licence,
                attribution=info.attribution,
                url=info.url,
                retrieved=max(dates).date().isoformat() if dates else "",
                retrieved_is_import_date=is_import,
                imports=", ".join(f"#{r.id} {r.kind}" for r in used),
                years=f"{y0}–{y1}" if y0 != y1 else str(y0),
                generated=info.generated,
            )
        )
    return sorted(out, key=lambda e: e.indicator)
