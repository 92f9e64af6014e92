"""Where a report's numbers come from: the one module of the reports app that asks the read model.

Builders (:mod:`kasvu.reports.builders`) get plain data from here — indicator and area descriptions, a
Polars frame of values with intervals and disclosure flags, memberships and provenance — and never query
the database themselves. The values are those of :func:`kasvu.readmodel.read_values`, exactly what the web
pages, the API and the open-data bundle show: the same group values (memberships by year, mergers, one
choice of population weights), the same disclosure gate and the same intervals.

Disclosure: with ``public=True`` (the default; always for anonymous web users) a value is *hidden* when
the read model's gate hides it (the stored pattern of :mod:`kasvu.bank.disclosure` or the primary rule on
numerators and respondents). Builders print hidden values as "–" with a footnote and make no statement
about them; for internal reports nothing is hidden and ``internal`` marks what the public would not see.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import polars as pl

from kasvu import profiles
from kasvu.bank.models import Area, AreaKind, ImportRun, Indicator
from kasvu.readmodel import (
    TOTAL,
    AreaTree,
    IndicatorInfo,
    PeriodRange,
    ValueQuery,
    area_tree,
    indicator_infos,
    population_indicator,
    read_values,
    references_for_area,
    sync,
)
from kasvu.readmodel.periods import like_latest
from kasvu.readmodel.store import import_runs
from kasvu.reports.document import ProvenanceEntry

__all__ = ["IndicatorInfo"]  # the read model's, re-exported for the builders

TOTAL_BREAKDOWN_ID = TOTAL
GROUP_KINDS = {AreaKind.GROUP, AreaKind.REGION, AreaKind.COUNTY, AreaKind.SUBREGION, AreaKind.COUNTRY}


class ReportDataMissing(Exception):
    """The bank has no data for what the report asks for."""


@dataclass(frozen=True)
class AreaInfo:
    """An area named in the report's language."""

    id: int
    kind: str
    code: str
    name: str


@dataclass
class ReportData:
    """Everything a builder needs. ``values`` has one row per indicator, area and year (total breakdown):
    the columns of :data:`kasvu.readmodel.VALUE_SCHEMA` (value, numerator, denominator, lower, upper,
    interval_reason, hidden, internal, generated, computed, ...) and ``withheld`` (see :func:`fetch`)."""

    def tested(self) -> pl.DataFrame:
        """The values as the tests see them: every cell the disclosure gate hides is left out."""
        return self.values.with_columns(pl.col("withheld").alias("hidden"))

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
    return indicator_infos([ind.id], lang)[ind.id]


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


def _tree() -> AreaTree:
    """The read model's area tree of the current data version."""
    sync()
    return area_tree()


def _areas(ids: Sequence[int]) -> list[Area]:
    found = Area.objects.in_bulk(list(ids))
    return [found[i] for i in ids if i in found]


def members_of(area: Area, year: int) -> list[Area]:
    """Municipalities of a group-like area valid in ``year`` (:meth:`kasvu.readmodel.AreaTree.members`),
    by name."""
    return sorted(_areas(_tree().members(area.id, year)), key=lambda a: a.name())


def groups_of(area: Area, year: int) -> list[Area]:
    """The areas ``area`` belongs to in ``year``, by kind and code: Iitti's region is Kymenlaakso until
    2020 and Päijät-Häme from 2021; counties begin in 2023."""
    return _areas(_tree().groups_of(area.id, year))


def references_of(area: Area, year: int, chosen: Sequence[str] = ()) -> list[Area]:
    """The areas a report compares ``area`` with in ``year``: the web profile's defaults (region, county and
    country for a municipality, memberships of that year), so that a report and the page agree. User groups
    (or any other area) only when ``chosen`` names them ("group:west-uusimaa", "region:01"). A survey's own
    area is among the defaults when the area has values of the survey's indicators: they are compared with
    it (:mod:`kasvu.readmodel.references`)."""
    from kasvu.bank.areas import find_area

    if chosen:
        refs = [find_area(key) for key in chosen]
        return [r for r in dict.fromkeys(refs) if r.id != area.id]
    _tree()
    return _areas(references_for_area(area.id, year, "profile")[0])


def register_references(area: Area, year: int) -> list[int]:
    """The defaults of register data (region, county, country in ``year``), without a survey's own area."""
    return _tree().default_references(area.id, year, purpose="profile")


def fetch(
    indicators: Sequence[Indicator],
    targets: Sequence[Area],
    refs: Sequence[Area],
    years: tuple[int, int],
    *,
    lang: str,
    public: bool = True,
) -> ReportData:
    """Values of ``indicators`` for ``targets`` and ``refs`` in ``years`` (inclusive), from the read model:
    stored values, else computed from the members (groups, regions, the country), with intervals and the
    disclosure gate. ``hidden`` is what a report must not print: for internal reports nothing."""
    infos = indicator_infos([i.id for i in indicators], lang)
    all_areas = {a.id: a for a in [*targets, *refs]}
    values = read_values(
        ValueQuery(
            indicators=list(infos), areas=list(all_areas), periods=PeriodRange.of_years(*years), public=public
        )
    )
    values = like_latest(values, until_year=years[1])  # sub-year indicators: their latest month, quarter …
    # ``withheld``: hidden by the gate (no test, trend or band uses it, as on the web); ``hidden``: not
    # printed (for internal reports nothing is hidden, ``internal`` marks what the public would not see).
    values = values.with_columns(
        pl.col("hidden").alias("withheld"), (pl.col("hidden") & ~pl.col("internal")).alias("hidden")
    )
    tree = area_tree()
    ref_members = {a.id: tree.members(a.id, years[1]) for a in all_areas.values() if a.kind in GROUP_KINDS}
    runs = import_runs(list(infos), list(all_areas), years)
    return ReportData(
        indicators=infos,
        areas={a.id: area_info(a, lang) for a in all_areas.values()},
        values=values,
        members=ref_members,
        provenance=provenance(runs, infos),
        public=public,
    )


def latest_values(
    indicator_id: int, areas: Sequence[Area], *, public: bool
) -> dict[int, tuple[float | None, int]]:
    """Each area's latest published value of one indicator: area id → (value or None when hidden, year)."""
    frame = read_values(ValueQuery(indicators=[indicator_id], areas=[a.id for a in areas], public=public))
    frame = frame.filter(pl.col("value").is_not_null() | pl.col("hidden")).sort("year")
    return {r["area_id"]: (r["value"], r["year"]) for r in frame.iter_rows(named=True)}


def population(
    areas: Sequence[Area], lang: str, *, public: bool
) -> tuple[dict[int, tuple[float | None, int]], list[ProvenanceEntry]]:
    """The latest population of each area (the read model's population indicator, the one that weighs
    weighted means) and its provenance."""
    ind = population_indicator()
    if ind is None:
        return {}, []
    latest = latest_values(ind, areas, public=public)
    runs = import_runs([ind], [a.id for a in areas], None).join(
        pl.DataFrame(
            [(a, y) for a, (_, y) in latest.items()],
            schema={"area_id": pl.Int64, "year": pl.Int64},
            orient="row",
        ),
        on=["area_id", "year"],
    )
    return latest, provenance(runs, indicator_infos([ind], lang))


def profile_verdicts(
    area: Area, refs: Sequence[Area] | None, indicator_ids: Sequence[int] | None, year: int, *, public: bool
) -> tuple[list[Area], pl.DataFrame]:
    """(the references of the web's area profile, its comparisons as :func:`profile_comparisons` gives
    them). ``refs`` None: the profile's defaults, which differ by indicator (a survey's indicators are
    compared with the survey's own area, :mod:`kasvu.readmodel.references`)."""
    prof = profiles.build_profile(
        area.id, [r.id for r in refs] if refs is not None else None, public=public,
        indicator_ids=indicator_ids, until_year=year,
    )  # fmt: skip
    return _areas([r.id for r in prof.references]), _comparison_frame(area, prof)


def profile_comparisons(
    area: Area, refs: Sequence[Area] | None, indicator_ids: Sequence[int] | None, year: int, *, public: bool
) -> pl.DataFrame:
    """The comparisons of the web's area profile (:func:`kasvu.profiles.build_profile`) of ``area`` with
    ``refs`` over ``indicator_ids`` (None: every indicator, as the web page): the same tests, adjusted
    (Benjamini–Hochberg) over the same profile, in each indicator's latest year up to ``year``. Columns
    ``indicator_id``, ``area_id``, ``ref_id``, ``year``, ``verdict``, ``p_value``, ``p_adjusted``,
    ``test_reason``."""
    return profile_verdicts(area, refs, indicator_ids, year, public=public)[1]


def _comparison_frame(area: Area, prof: profiles.Profile) -> pl.DataFrame:
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


def provenance(obs: pl.DataFrame, infos: dict[int, IndicatorInfo]) -> list[ProvenanceEntry]:
    """One entry per indicator: source, licence, attribution, retrieval (or import) date, import runs, years.

    ``obs`` has indicator_id, year and import_run_id (:func:`kasvu.readmodel.store.import_runs`)."""
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
