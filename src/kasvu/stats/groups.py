"""Values for groups of areas (regions, sub-regions, user-defined groups such as West Uusimaa).

A group's value must be computed from its members' numerators and denominators, never as a plain
average of the members' rates: a municipality of 1,000 people would weigh as much as one of 100,000.
Each indicator therefore names an aggregation rule:

``ratio``
    sum(numerators) / sum(denominators) × scale. Exact, and what THL does for its own regions.
``sum``
    sum of member values, for counts (population, number of clients).
``weighted_mean``
    Σ weightᵢ·valueᵢ / Σ weightᵢ with population weights, for indicators published only as rates.
    Approximate (flagged ``approximate=True``) because the weights are rarely the rate's true denominator.

Anything else, or a weighted mean without weights, gives a null value with a reason.

Membership is by year: a member counts in year y when valid_from <= y <= valid_to (null = open).

Mergers. Sources such as Sotkanet publish whole series recomputed to the *current* division: after
Nummi-Pusula merged into Lohja in 2013, Lohja's 2010 value already includes Nummi-Pusula, which has no
data of its own. If a group's memberships still list Nummi-Pusula for 2010, it is not missing: its people
are counted through its successor. Given a successions frame, such a member is counted as *absorbed* and
covered, as long as a successor (directly or through later mergers) is a member of the same group in that
year and has data. Without this, every group containing a merged municipality would look incomplete for
all the years before the merger.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import polars as pl

RuleName = Literal["ratio", "sum", "weighted_mean"]
RULES: tuple[str, ...] = ("ratio", "sum", "weighted_mean")
KEYS = ["indicator", "year", "sex"]


class RuleNeedsScale(ValueError):
    """A ratio rule was given without the scale its values are published on."""


@dataclass(frozen=True)
class Rule:
    """How an indicator's group value is computed; ``scale`` is e.g. 100 for per cent, 1000 per mille."""

    rule: RuleName
    scale: float | None = None


def rules_frame(rules: Mapping[str, Rule | str] | pl.DataFrame) -> pl.DataFrame:
    """Rules as a frame (indicator, rule, scale), from a mapping or a frame with those columns."""
    if isinstance(rules, pl.DataFrame):
        frame = rules.select("indicator", "rule", pl.col("scale").cast(pl.Float64))
    else:
        norm = {k: Rule(v) if isinstance(v, str) else v for k, v in rules.items()}  # type: ignore[arg-type]
        frame = pl.DataFrame(
            {
                "indicator": list(norm),
                "rule": [r.rule for r in norm.values()],
                "scale": [r.scale for r in norm.values()],
            },
            schema={"indicator": pl.String, "rule": pl.String, "scale": pl.Float64},
        )
    missing = frame.filter((pl.col("rule") == "ratio") & pl.col("scale").is_null())
    if missing.height:
        raise RuleNeedsScale(
            f"Ratio rule for {missing['indicator'].to_list()} has no scale; "
            "give e.g. Rule('ratio', scale=1000) for a value per 1,000."
        )
    return frame


def members_by_year(memberships: pl.DataFrame, years: pl.Series) -> pl.DataFrame:
    """(group_id, member_id, year) for every year in ``years`` in which the membership is valid."""
    y = pl.col("year")
    return (
        memberships.lazy()
        .join(pl.LazyFrame({"year": years.unique()}), how="cross")
        .filter(
            (pl.col("valid_from").is_null() | (pl.col("valid_from") <= y))
            & (pl.col("valid_to").is_null() | (y <= pl.col("valid_to")))
        )
        .select("group_id", "member_id", "year")
        .unique()
        .collect()
    )


def successor_closure(successions: pl.DataFrame) -> pl.DataFrame:
    """(predecessor_id, successor_id) including successors of successors (A→B, B→C gives A→C)."""
    pairs = successions.select("predecessor_id", "successor_id").unique()
    while True:
        step = pairs.join(pairs, left_on="successor_id", right_on="predecessor_id", suffix="_next").select(
            "predecessor_id", pl.col("successor_id_next").alias("successor_id")
        )
        grown = pl.concat([pairs, step]).unique()
        if grown.height == pairs.height:
            return pairs
        pairs = grown


def _expected_rows(observations: pl.DataFrame, memberships: pl.DataFrame) -> pl.DataFrame:
    keys = observations.select(KEYS).unique()
    members = members_by_year(memberships, keys["year"])
    expected = members.join(keys, on="year")
    obs = observations.select(
        pl.col("area_id").alias("member_id"),
        *KEYS,
        pl.col("value", "numerator", "denominator").cast(pl.Float64),
    )
    return expected.join(obs, on=["member_id", *KEYS], how="left", nulls_equal=True, validate="m:1")


def _absorbed(rows: pl.DataFrame, successions: pl.DataFrame | None) -> pl.Series:
    """True for rows without data whose successor is a member of the same group with data that year."""
    if successions is None or successions.height == 0:
        return pl.Series("absorbed", [False] * rows.height)
    keyed = rows.with_row_index("_row")
    with_data = keyed.filter(pl.col("_has_data")).select(
        "group_id", pl.col("member_id").alias("successor_id"), *KEYS
    )
    hits = (
        keyed.filter(~pl.col("_has_data"))
        .join(successor_closure(successions), left_on="member_id", right_on="predecessor_id")
        .join(with_data, on=["group_id", "successor_id", *KEYS], nulls_equal=True, how="semi")
        .select("_row")
        .unique()
    )
    return keyed.select(pl.col("_row").is_in(hits["_row"].implode()).alias("absorbed"))["absorbed"]


def aggregate_groups(
    observations: pl.DataFrame,
    memberships: pl.DataFrame,
    rules: Mapping[str, Rule | str] | pl.DataFrame,
    weights: pl.DataFrame | None = None,
    successions: pl.DataFrame | None = None,
    require_complete: bool = True,
) -> pl.DataFrame:
    """Group values for every (group, indicator, year, sex) in which the group has valid members.

    ``observations``: indicator, area_id, year, sex, value, numerator, denominator.
    ``memberships``: group_id, member_id, valid_from, valid_to (years, null = open).
    ``weights``: area_id, year, weight (for ``weighted_mean``). ``successions``: predecessor_id,
    successor_id, year_of_merger. With ``require_complete`` (the default) a group with any uncovered
    member gets no value, because a sum over some members is simply wrong and a ratio describes a
    different population; the coverage columns say how many members were covered.
    """
    rows = _expected_rows(observations, memberships).join(rules_frame(rules), on="indicator", how="left")
    if weights is not None:
        w = weights.select(pl.col("area_id").alias("member_id"), "year", pl.col("weight").cast(pl.Float64))
        rows = rows.join(w, on=["member_id", "year"], how="left", validate="m:1")
    else:
        rows = rows.with_columns(pl.lit(None, dtype=pl.Float64).alias("weight"))
    rule = pl.col("rule")
    has_data = (
        pl.when(rule == "ratio")
        .then(pl.col("numerator").is_not_null() & pl.col("denominator").is_not_null())
        .otherwise(pl.col("value").is_not_null())
    )
    rows = rows.with_columns(has_data.alias("_has_data"))
    rows = rows.with_columns(_absorbed(rows, successions))
    return _summarise(rows, require_complete, weights is not None)


def _summarise(rows: pl.DataFrame, require_complete: bool, have_weights: bool) -> pl.DataFrame:
    d = pl.col("_has_data")
    num, den, val, wt = pl.col("numerator"), pl.col("denominator"), pl.col("value"), pl.col("weight")
    agg = rows.group_by("group_id", *KEYS).agg(
        pl.col("rule").first(),
        pl.col("scale").first(),
        pl.len().alias("coverage_members_total"),
        d.sum().alias("_with_data"),
        pl.col("absorbed").sum().alias("coverage_members_absorbed"),
        num.filter(d).sum().alias("_num"),
        den.filter(d).sum().alias("_den"),
        (num.filter(d).null_count() + den.filter(d).null_count()).alias("_count_gaps"),
        val.filter(d).sum().alias("_sum"),
        (wt * val).filter(d).sum().alias("_wv"),
        wt.filter(d).sum().alias("_w"),
        wt.filter(d).null_count().alias("_no_weight"),
    )
    covered = pl.col("_with_data") + pl.col("coverage_members_absorbed")
    total = pl.col("coverage_members_total")
    rule = pl.col("rule")
    reason = (
        pl.when(rule.is_null())
        .then(pl.lit("no aggregation rule for this indicator (a plain average of rates would be wrong)"))
        .when(~rule.is_in(RULES))
        .then(pl.format("unknown aggregation rule '{}'", rule))
        .when(pl.col("_with_data") == 0)
        .then(pl.lit("no member has data"))
        .when(pl.lit(require_complete) & (covered < total))
        .then(pl.format("{} of {} members have no data", total - covered, total))
        .when((rule == "weighted_mean") & pl.lit(not have_weights))
        .then(pl.lit("weighted mean needs population weights"))
        .when((rule == "weighted_mean") & (pl.col("_no_weight") > 0))
        .then(pl.format("no weight for {} member(s) with data", pl.col("_no_weight")))
        .when((rule == "ratio") & (pl.col("_den") <= 0))
        .then(pl.lit("denominators sum to zero"))
    )
    agg = agg.with_columns(reason.alias("reason"))
    ok = pl.col("reason").is_null()
    value = (
        pl.when(ok & (rule == "ratio"))
        .then(pl.col("_num") / pl.col("_den") * pl.col("scale"))
        .when(ok & (rule == "sum"))
        .then(pl.col("_sum"))
        .when(ok & (rule == "weighted_mean"))
        .then(pl.col("_wv") / pl.col("_w"))
    )
    counts_known = ok & rule.is_in(["ratio", "sum"]) & (pl.col("_count_gaps") == 0)
    return agg.select(
        "group_id",
        *KEYS,
        value.alias("value"),
        pl.when(counts_known).then(pl.col("_num")).alias("numerator"),
        pl.when(counts_known).then(pl.col("_den")).alias("denominator"),
        (ok & (rule == "weighted_mean")).alias("approximate"),
        covered.cast(pl.Int64).alias("coverage_members_with_data"),
        total.cast(pl.Int64).alias("coverage_members_total"),
        pl.col("coverage_members_absorbed").cast(pl.Int64),
        "reason",
    ).sort("group_id", *KEYS, nulls_last=True)
