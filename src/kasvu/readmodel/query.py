"""The one entry for values: ``read_values(ValueQuery(...))``.

Stored values of the areas, values computed from members for groups, regions, counties and the country
wherever they have none stored (:mod:`kasvu.readmodel.groups`), the disclosure gate
(:mod:`kasvu.readmodel.disclosure`) and intervals (:mod:`kasvu.readmodel.intervals`), in that order, in one
frame of :data:`kasvu.readmodel.schema.VALUE_SCHEMA`. Web pages, downloads, the API, the open-data bundle
and the reports all read through here, so they show the same numbers and hide the same cells.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from kasvu.importers.base import FLAG_GENERATED
from kasvu.readmodel import store
from kasvu.readmodel.areas import LEAF_KINDS, area_tree
from kasvu.readmodel.disclosure import apply_disclosure
from kasvu.readmodel.groups import group_values
from kasvu.readmodel.indicators import indicator_frame
from kasvu.readmodel.intervals import add_intervals
from kasvu.readmodel.periods import Period, PeriodRange, code_expr, kind_expr, years_of
from kasvu.readmodel.schema import TOTAL, VALUE_SCHEMA

Periods = PeriodRange | Sequence[Period] | None


@dataclass(frozen=True)
class ValueQuery:
    """What to read.

    ``indicators`` and ``areas`` are ids (``areas=None``: every area with stored values, no computed
    ones). ``periods``: a range, a list of periods, or None for all. ``public`` hides (blanks) small
    numbers; internal readers get them marked ``internal``. ``groups``: compute values of group-like areas
    that have none stored. ``intervals``: add the 95 % intervals.
    """

    indicators: Sequence[int]
    areas: Sequence[int] | None = None
    periods: Periods = None
    breakdown: int = TOTAL
    public: bool = True
    groups: bool = True
    intervals: bool = True


def _year_filters(periods: Periods) -> tuple[tuple[int, int] | None, list[int] | None]:
    if periods is None or isinstance(periods, PeriodRange):
        return years_of(periods), None
    return None, sorted({p.year for p in periods})


def _period_filter(obs: pl.DataFrame, periods: Periods) -> pl.DataFrame:
    """Rows of the periods asked for, beyond the filter on years: a year asks for everything in it (its
    months too); a month, quarter, … range asks for periods of its kind between its ends."""
    if periods is None:
        return obs
    if isinstance(periods, PeriodRange):
        if periods.kind == "year":
            return obs
        first, last = periods.first, periods.last
        key = pl.col("year") * 1000 + pl.col("sub")
        return obs.filter(
            (kind_expr() == periods.kind)
            & key.is_between(first.year * 1000 + first.sub, last.year * 1000 + last.sub)
        )
    if all(p.kind == "year" for p in periods):
        return obs
    whole = sorted({p.year for p in periods if p.kind == "year"})
    pairs = sorted({p.year * 1000 + p.sub for p in periods if p.kind != "year"})
    return obs.filter(pl.col("year").is_in(whole) | (pl.col("year") * 1000 + pl.col("sub")).is_in(pairs))


def combined_values(
    area_ids: Sequence[int] | None,
    indicator_ids: Sequence[int],
    breakdown_id: int = TOTAL,
    years: tuple[int, int] | None = None,
    year_in: Sequence[int] | None = None,
    *,
    groups: bool = True,
) -> pl.DataFrame:
    """Stored values plus computed group values, before the disclosure gate (see :func:`read_values`).

    Adds ``computed``, ``approximate``, ``missing_reason`` and ``group_suppressed`` (the stored pattern
    for computed values)."""
    ids = list(indicator_ids)
    stored = store.observations(area_ids, ids, breakdown_id, years, year_in).with_columns(
        pl.lit(False).alias("computed"), pl.lit(False).alias("approximate"),
        pl.lit(None, pl.String).alias("missing_reason"),
    )  # fmt: skip
    frames = [stored]
    tree = area_tree()
    for a in area_ids if (groups and area_ids is not None) else []:
        if tree.kind(a) in LEAF_KINDS or tree.kind(a) is None:
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
        gs = store.group_suppressions(computed_ids, breakdown_id)
        return obs.join(gs, on=["indicator_id", "area_id", "year", "sub"], how="left")
    return obs.with_columns(pl.lit(None, pl.Int64).alias("group_suppressed"))


def finish(obs: pl.DataFrame, meta: pl.DataFrame, *, public: bool, intervals: bool = True) -> pl.DataFrame:
    """The disclosure gate, the indicator's kind, scale and decimals, ``generated`` and the intervals."""
    obs = apply_disclosure(obs, meta, public)
    obs = obs.join(
        meta.select("indicator_id", "kind", "scale", "decimals", pl.col("generated").alias("_gen")),
        on="indicator_id",
        how="inner",
    ).with_columns(
        (pl.col("_gen") | ((pl.col("flags").fill_null(0) & FLAG_GENERATED) > 0)).alias("generated")
    )
    obs = obs.drop("_gen")
    if intervals:
        obs = add_intervals(obs)
    else:
        obs = obs.with_columns(
            pl.lit(None, pl.Float64).alias("lower"), pl.lit(None, pl.Float64).alias("upper"),
            pl.lit(None, pl.String).alias("interval_method"), pl.lit(None, pl.String).alias("interval_reason"),
        )  # fmt: skip
    obs = obs.with_columns(code_expr().alias("period"), kind_expr().alias("period_kind"))
    return obs.select(list(VALUE_SCHEMA)).sort("indicator_id", "area_id", "year", "sub")


def read_values(q: ValueQuery) -> pl.DataFrame:
    """The values ``q`` asks for, as every exit shows them (see the module docstring)."""
    store.sync()
    meta = indicator_frame().filter(pl.col("indicator_id").is_in(list(q.indicators)))
    years, year_in = _year_filters(q.periods)
    obs = combined_values(
        q.areas, meta["indicator_id"].to_list(), q.breakdown, years, year_in, groups=q.groups
    )
    return finish(_period_filter(obs, q.periods), meta, public=q.public, intervals=q.intervals)
