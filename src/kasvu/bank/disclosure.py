"""Disclosure control for everything kasvu publishes, decided once per indicator.

After every import (and when a group's members change) the suppression
pattern of each touched indicator is computed over its *whole* table, and
stored (``Observation.suppressed`` and :class:`~kasvu.bank.models.GroupSuppression`);
every way out — pages, reports, exports for the public, the API — hides
what it marks.

1. Stored cells: primary suppression below the indicator's threshold, then
   secondary suppression (``kasvu.stats.suppression``) along the sex
   breakdown (total = boys + girls) and along every hierarchy whose group
   value is itself stored (e.g. THL's own regional values with numerators),
   once per kind of member that covers the group: country = Σ municipalities
   = Σ regions = Σ counties, never the sum over all the country's members.
2. Group values that kasvu computes from members (a region, county or user
   group without a stored value) are withheld whenever a member's cell in
   that year and breakdown is hidden. Subtracting published members from a
   published group sum can then never isolate a hidden cell, however the
   groups overlap. This is conservative: for rare events a computed region
   value may be withheld although an audit over all overlapping groups
   might have allowed it. It is kept because it needs no audit at all and
   is safe whatever the groups; an audit with computed groups as cells
   would have to be re-run whenever any user group changes.

Deciding per request would be unsafe: two requests, each safe on its own,
could be subtracted from each other. One pattern over the whole table is safe
for every subset of it, because a subset publishes less.
"""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl
from django.db import connection, transaction

from kasvu.bank.models import Breakdown, GroupSuppression, Indicator, Membership, Observation
from kasvu.bank.observations import observations_frame
from kasvu.stats.suppression import additive_constraints, suppress

PRIMARY, SECONDARY = 1, 2


def memberships_frame() -> pl.DataFrame:
    """Every membership with the member's kind: a group adds up once per kind of member that covers it
    (the country = Σ municipalities = Σ regions = Σ counties), see :func:`kasvu.stats.suppression.partitions`."""
    rows = list(
        Membership.objects.values_list("group_id", "member_id", "valid_from", "valid_to", "member__kind")
    )
    return pl.DataFrame(
        rows,
        schema={
            "group_id": pl.Int64,
            "member_id": pl.Int64,
            "valid_from": pl.Int64,
            "valid_to": pl.Int64,
            "member_kind": pl.String,
        },
        orient="row",
    )


def _groups_with_hidden_members(result: pl.DataFrame, memberships: pl.DataFrame) -> pl.DataFrame:
    """(area_id, year, sex, code) of group values without a stored cell that have a hidden member.

    Follows nested groups (a country whose regions contain a hidden municipality).
    """
    years = result.select("year").unique()
    links = (
        memberships.join(years, how="cross")
        .filter(
            (pl.col("valid_from").is_null() | (pl.col("valid_from") <= pl.col("year")))
            & (pl.col("valid_to").is_null() | (pl.col("year") <= pl.col("valid_to")))
        )
        .select("group_id", "member_id", "year")
    )
    hidden = result.filter(pl.col("suppressed")).select("area_id", "year", "sex")
    stored = result.select("area_id", "year", "sex")
    found = hidden.clear()
    frontier = hidden
    while frontier.height:
        parents = (
            frontier.join(links, left_on=["area_id", "year"], right_on=["member_id", "year"])
            .select(pl.col("group_id").alias("area_id"), "year", "sex")
            .unique()
            .join(stored, on=["area_id", "year", "sex"], how="anti")
            .join(found, on=["area_id", "year", "sex"], how="anti")
        )
        found = pl.concat([found, parents])
        frontier = parents
    return found.with_columns(pl.lit(SECONDARY).alias("code"))


def refresh(indicator_ids: Iterable[int]) -> dict[str, int]:
    """Recompute and store the suppression pattern of these indicators. Returns counts."""
    counts = {"primary": 0, "secondary": 0, "groups": 0}
    bd_keys = dict(Breakdown.objects.values_list("id", "key"))
    memberships = None
    for ind in Indicator.objects.filter(id__in=list(indicator_ids)):
        obs = observations_frame(indicator_ids=[ind.id]).with_columns(
            pl.col("breakdown_id").replace_strict(bd_keys, return_dtype=pl.String).alias("sex")
        )
        threshold = ind.threshold
        small = obs.filter(
            pl.col("numerator").is_between(1, threshold - 1, closed="both")
            | (pl.col("sample_size") < threshold)
        )
        with transaction.atomic():
            GroupSuppression.objects.filter(indicator=ind).delete()
            if small.height == 0:
                Observation.objects.filter(indicator=ind).exclude(suppressed=0).update(suppressed=0)
                continue
            if memberships is None:
                memberships = memberships_frame()
            cells = obs.select(
                "id",
                "area_id",
                "year",
                "sex",
                "value",
                "numerator",
                "denominator",
                pl.col("sample_size").alias("respondents"),
            ).with_columns(pl.lit(ind.key).alias("indicator"))
            constraints = additive_constraints(cells, [memberships])  # only groups whose value is stored
            result = suppress(cells, constraints, threshold=threshold)
            code = (
                pl.when(~pl.col("suppressed"))
                .then(0)
                .when(pl.col("suppression_reason").str.starts_with("primary"))
                .then(PRIMARY)
                .otherwise(SECONDARY)
            )
            result = result.with_columns(code.alias("code"))
            _store_codes(result.select("id", "code"), obs)
            hidden_groups = _groups_with_hidden_members(result, memberships)
            _store_group_suppressions(ind.id, hidden_groups, {v: k for k, v in bd_keys.items()})
            counts["primary"] += result.filter(pl.col("code") == PRIMARY).height
            counts["secondary"] += result.filter(pl.col("code") == SECONDARY).height
            counts["groups"] += hidden_groups.height
    return counts


def _store_codes(codes: pl.DataFrame, obs: pl.DataFrame) -> None:
    current = obs.select("id", pl.col("suppressed").cast(pl.Int64).alias("current"))
    changed = codes.join(current, on="id").filter(pl.col("code") != pl.col("current"))
    if changed.height:
        with connection.cursor() as cur:
            cur.executemany(
                f"UPDATE {Observation._meta.db_table} SET suppressed = %s WHERE id = %s",
                [(c, i) for i, c in changed.select("id", "code").iter_rows()],
            )


def _store_group_suppressions(indicator_id: int, groups: pl.DataFrame, breakdown_ids: dict[str, int]) -> None:
    """Insert the withheld group values in one statement batch (an ORM object per row cost 0.3 s)."""
    if not groups.height:
        return
    rows = groups.select(
        pl.lit(indicator_id).alias("indicator_id"),
        "area_id",
        "year",
        pl.col("sex").replace_strict(breakdown_ids, return_dtype=pl.Int64),
        "code",
    ).rows()
    with connection.cursor() as cur:
        cur.executemany(
            f"INSERT INTO {GroupSuppression._meta.db_table} (indicator_id, area_id, year, breakdown_id, reason) "
            "VALUES (%s, %s, %s, %s, %s)",
            rows,
        )


def refresh_all() -> dict[str, int]:
    """Every indicator that has numerators or sample sizes (after memberships change)."""
    ids = (
        Indicator.objects.filter(observations__numerator__isnull=False)
        .values_list("id", flat=True)
        .distinct()
    )
    survey_ids = (
        Indicator.objects.filter(observations__sample_size__isnull=False)
        .values_list("id", flat=True)
        .distinct()
    )
    return refresh(set(ids) | set(survey_ids))


def published(frame: pl.DataFrame, *, public: bool) -> pl.DataFrame:
    """Blank suppressed values for the public; ``frame`` needs a ``suppressed`` column (0/1/2).

    Adds ``suppression_reason`` ("fewer than N persons" / "protects another value").
    """
    reason = (
        pl.when(pl.col("suppressed") == PRIMARY)
        .then(pl.lit("primary"))
        .when(pl.col("suppressed") == SECONDARY)
        .then(pl.lit("secondary"))
    )
    frame = frame.with_columns(reason.alias("suppression_reason"))
    if not public:
        return frame
    hide = pl.col("suppressed") > 0
    cols = [
        c
        for c in ("value", "numerator", "denominator", "ci_lower", "ci_upper", "sample_size")
        if c in frame.columns
    ]
    return frame.with_columns([pl.when(hide).then(None).otherwise(pl.col(c)).alias(c) for c in cols])
