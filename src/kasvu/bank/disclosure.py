"""Disclosure control for everything kasvu publishes, decided once per indicator.

After every import (and when a group's members change) the suppression pattern of each touched
indicator is computed over its *whole* table, and stored (``Observation.suppressed`` and
:class:`~kasvu.bank.models.GroupSuppression`); every way out (pages, charts, downloads, reports, the
API, bundles) hides what it marks.

1. The count behind each value (:func:`kasvu.stats.suppression.implied_count`): the numerator when
   stored, the value of a count indicator, value × denominator / scale, the respondents of a survey
   value. Primary suppression hides counts of 1 to threshold − 1, and the boys' and girls' cells of such
   a total. An indicator marked ``not_sensitive`` is published whole.
2. A value whose count nothing tells (a rate with neither numerator nor denominator) cannot be judged:
   it is shown to internal users only (code ``INTERNAL``), unless the analyst declared the indicator
   safe or the values come from a statistics office that published them itself (``PUBLIC_SOURCES``:
   THL's and Statistics Finland's figures are public already, with their own disclosure control).
3. Secondary suppression over the stored cells *and* the group values kasvu computes from members (a
   region, county, the country, a sub-region or a user group without a stored value): every such group
   enters the audit as a cell whose count is the sum of its members' counts, with the true relations
   country = Σ municipalities = Σ regions = Σ counties, group = Σ its municipalities, total = boys +
   girls. The cheapest cells are hidden (:func:`kasvu.stats.suppression.hiding_cost`: a member cell
   before any group), and the exact audit proves that no hidden count follows from the published ones
   by any linear combination.
4. Indicators of the same table that publish the same count (a count and a share of the same thing)
   are protected together: one pattern for all of them, so that neither reveals what the other hides.
5. Group values of weighted-mean indicators do not add up in counts; they are withheld whenever a
   member's cell is hidden (conservative, needs no audit).

Deciding per request would be unsafe: two requests, each safe on its own, could be subtracted from each
other. One pattern over the whole table is safe for every subset of it, because a subset publishes less.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import polars as pl
from django.db import connection, transaction

from kasvu.bank.models import (
    Aggregation,
    Area,
    Breakdown,
    Disclosure,
    GroupSuppression,
    Indicator,
    Membership,
    Observation,
)
from kasvu.bank.observations import observations_frame
from kasvu.stats.groups import members_by_year
from kasvu.stats.suppression import additive_constraints, hiding_cost, implied_count, suppress

PRIMARY, SECONDARY, INTERNAL = 1, 2, 3

#: Sources whose values a statistics office has published itself, after its own disclosure control:
#: a value without a count is public already, so kasvu does not keep it internal.
PUBLIC_SOURCES = frozenset({"sotkanet", "statfin"})

#: Area kinds whose values are the references every page compares with: none of them should be hidden.
REFERENCE_KINDS = ("country", "region", "county")

#: Computed group values that enter the audit as cells, so that a member cell is hidden rather than
#: they; other computed groups (sub-regions) are withheld whenever one of their members is hidden.
AUDITED_KINDS = ("country", "region", "county", "group")


@dataclass
class Loss:
    """Information lost to disclosure control in one indicator: what `kasvu disclosure report` shows."""

    key: str
    cells: int = 0  # published-or-hidden values: stored cells with a value and computed group values
    primary: int = 0
    secondary: int = 0
    internal: int = 0
    persons: float = 0.0  # persons (counts) behind the hidden cells
    population: float = 0.0  # denominators behind the hidden cells
    reference_cells: int = 0  # country, region and county values (stored or computed)
    reference_hidden: int = 0
    municipal_cells: int = 0
    municipal_hidden: int = 0
    message: str = ""  # what the analyst must do, when values are kept internal

    @property
    def hidden(self) -> int:
        return self.primary + self.secondary + self.internal


@dataclass
class _Decision:
    codes: pl.DataFrame  # (id, code) of stored cells
    groups: pl.DataFrame  # (area_id, year, sex, code) of computed group values to withhold
    loss: Loss
    computed: pl.DataFrame  # the group values kasvu computes (area_id, year, sex, kind, count, ...)


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


def _area_kinds() -> pl.DataFrame:
    return pl.DataFrame(
        list(Area.objects.values_list("id", "kind", "code")),
        schema={"area_id": pl.Int64, "kind": pl.String, "area_code": pl.String},
        orient="row",
    )


def computed_links(memberships: pl.DataFrame, kinds: pl.DataFrame, years: pl.Series) -> pl.DataFrame:
    """(group_id, member_id, year): the members kasvu sums for a group value it computes, as
    :func:`kasvu.values.group_values` does: the group's municipalities, or all its members if it has
    none. Municipalities and districts get no computed values."""
    grouping = kinds.filter(~pl.col("kind").is_in(["municipality", "district"]))["area_id"]
    links = memberships.filter(pl.col("group_id").is_in(grouping.implode()))
    has_muni = links.filter(pl.col("member_kind") == "municipality")["group_id"].unique()
    chosen = links.filter(
        (pl.col("member_kind") == "municipality") | ~pl.col("group_id").is_in(has_muni.implode())
    )
    return members_by_year(chosen, years)


def _computed_cells(stored: pl.DataFrame, links: pl.DataFrame) -> pl.DataFrame:
    """Group values kasvu would compute from ``stored`` (area_id, year, sex, count, denominator, value):
    for each group and sex without any stored value, the sums of its members' counts and denominators."""
    have = stored.select(pl.col("area_id").alias("group_id"), "sex").unique()
    sums = (
        links.join(stored, left_on=["member_id", "year"], right_on=["area_id", "year"])
        .join(have, on=["group_id", "sex"], how="anti")
        .group_by("group_id", "year", "sex")
        .agg(
            pl.col("count").sum().alias("count"),
            pl.col("denominator").sum().alias("denominator"),
            (pl.col("code") == INTERNAL).any().alias("internal_member"),
        )
    )
    return sums.rename({"group_id": "area_id"})


def _cells(ind: Indicator, obs: pl.DataFrame, kinds: pl.DataFrame) -> pl.DataFrame:
    """Stored cells with their implied count and whether they must stay internal (count unknown)."""
    keep_internal = (
        ind.disclosure == Disclosure.SENSITIVE and ind.source.key not in PUBLIC_SOURCES  # type: ignore[attr-defined]
    )
    frame = obs.with_columns(
        pl.lit(ind.is_count).alias("is_count"),
        pl.lit(float(ind.scale or 1.0)).alias("scale"),
        pl.col("sample_size").alias("respondents"),
    )
    frame = frame.with_columns(implied_count().alias("count"))
    unknown = pl.col("value").is_not_null() & pl.col("count").is_null()
    frame = frame.with_columns(
        pl.when(unknown & pl.lit(keep_internal)).then(INTERNAL).otherwise(0).alias("code"),
        pl.lit(False).alias("computed"),
    )
    return frame.join(kinds, on="area_id", how="left")


def _decide(ind: Indicator, cells: pl.DataFrame, memberships: pl.DataFrame, kinds: pl.DataFrame) -> _Decision:
    """The pattern of one indicator's cells (:func:`_cells`), or of a family's merged cells."""
    threshold = ind.threshold
    loss = Loss(ind.key)
    empty_groups = pl.DataFrame(
        schema={"area_id": pl.Int64, "year": pl.Int64, "sex": pl.String, "code": pl.Int64}
    )
    additive = ind.aggregation in (Aggregation.RATIO, Aggregation.SUM)
    computes_groups = ind.aggregation != Aggregation.NONE
    links = (
        computed_links(memberships, kinds, cells["year"].cast(pl.Int64))
        if computes_groups and cells.height
        else pl.DataFrame(schema={"group_id": pl.Int64, "member_id": pl.Int64, "year": pl.Int64})
    )
    stored_keys = cells.select(
        "area_id", pl.col("year").cast(pl.Int64), "sex", "count", "denominator", "code"
    )
    computed = _computed_cells(stored_keys, links).join(kinds, on="area_id", how="left")
    # Computed sub-region values are withheld whenever a member is hidden (a sub-region published is then
    # the sum of published members, which tells nothing), so they need no place in the audit.
    withheld_kinds = computed.filter(~pl.col("kind").is_in(AUDITED_KINDS))["area_id"].unique()
    if ind.disclosure == Disclosure.NOT_SENSITIVE:
        cells = cells.with_columns(pl.lit(0).alias("code"))
        computed = computed.with_columns(pl.lit(False).alias("internal_member"))
        small = pl.lit(False)
    else:
        small = pl.col("count").is_between(1, threshold - 1, closed="both") | (
            pl.col("respondents") < threshold
        )
    needs_audit = ind.disclosure != Disclosure.NOT_SENSITIVE and cells.filter(small).height > 0
    codes = cells.select("id", "code")
    group_codes = computed.filter(pl.col("internal_member")).select(
        "area_id", "year", "sex", pl.lit(INTERNAL).alias("code")
    )
    if needs_audit:
        stored_part = cells.select(
            "area_id",
            pl.col("year").cast(pl.Int64),
            "sex",
            "kind",
            "area_code",
            "value",
            "numerator",
            "denominator",
            "respondents",
            pl.when(pl.col("code") == INTERNAL).then(None).otherwise(pl.col("count")).alias("count"),
            pl.col("id"),
        )
        audited = stored_part
        if additive:
            extra = computed.filter(~pl.col("internal_member")).select(
                "area_id",
                "year",
                "sex",
                "kind",
                "area_code",
                pl.lit(None, pl.Float64).alias("value"),
                pl.col("count").alias("numerator"),
                "denominator",
                pl.lit(None, pl.Int64).alias("respondents"),
                "count",
                pl.lit(None, pl.Int64).alias("id"),
            )
            audited = pl.concat([stored_part, extra.filter(pl.col("kind").is_in(AUDITED_KINDS))])
        # A fixed order (the database returns rows in any order, group_by too): cells of equal cost are
        # chosen by area code, so the same table always gets the same pattern.
        audited = audited.sort("year", "area_code", "sex", "area_id", nulls_last=True)
        audited = audited.with_columns(pl.lit(ind.key).alias("indicator"))
        stored_areas = cells["area_id"].unique().implode()
        outside = ~pl.col("group_id").is_in(withheld_kinds.implode()) | pl.col("group_id").is_in(stored_areas)
        constraints = additive_constraints(audited, [memberships.filter(outside)])
        cost = hiding_cost(audited["count"].to_numpy(), audited["kind"].to_list())
        result = suppress(audited, constraints, threshold=threshold, cost=cost)
        code = (
            pl.when(~pl.col("suppressed"))
            .then(0)
            .when(pl.col("suppression_reason").str.starts_with("primary"))
            .then(PRIMARY)
            .otherwise(SECONDARY)
        )
        result = result.with_columns(code.alias("new_code"))
        stored_result = result.filter(pl.col("id").is_not_null()).select("id", "new_code")
        codes = (
            codes.join(stored_result, on="id", how="left")
            .with_columns(
                pl.when(pl.col("code") == INTERNAL)
                .then(INTERNAL)
                .otherwise(pl.col("new_code").fill_null(0))
                .alias("code")
            )
            .select("id", "code")
        )
        flagged = cells.select("id", "area_id", pl.col("year").cast(pl.Int64), "sex").join(codes, on="id")
        by_members = _groups_with_hidden_members(
            flagged.select("area_id", "year", "sex", (pl.col("code") > 0).alias("suppressed")), memberships
        )
        if additive:
            audited_groups = result.filter(pl.col("id").is_null() & pl.col("suppressed")).select(
                "area_id", "year", "sex", pl.col("new_code").alias("code")
            )
            by_members = by_members.filter(pl.col("area_id").is_in(withheld_kinds.implode()))
            hidden_groups = pl.concat([audited_groups, by_members.select(audited_groups.columns)])
        else:
            hidden_groups = by_members
        group_codes = pl.concat([group_codes, hidden_groups.select(group_codes.columns)]).unique(
            ["area_id", "year", "sex"], keep="first"
        )
    _measure(loss, cells, codes, computed, group_codes)
    if loss.internal:
        loss.message = (
            f"{ind.key}: {loss.internal:,} values have no numerator and no denominator, so the number "
            "of persons behind them is unknown; they are shown to internal users only. Add a numerator "
            "or denominator column, or mark the indicator not sensitive or declared safe: "
            f"`kasvu disclosure set {ind.key} --not-sensitive` / `--declared-safe`."
        )
    return _Decision(codes, group_codes.select(empty_groups.columns), loss, computed)


def _measure(
    loss: Loss, cells: pl.DataFrame, codes: pl.DataFrame, computed: pl.DataFrame, groups: pl.DataFrame
) -> None:
    """Fill ``loss``: hidden cells by reason, the persons and population behind them, references."""
    stored = cells.select("area_id", "year", "sex", "kind", "count", "denominator", "id", "value").join(
        codes, on="id"
    )
    stored = stored.filter(pl.col("value").is_not_null())
    comp = computed.select(
        "area_id", pl.col("year").cast(pl.Int32), "sex", "kind", "count", "denominator"
    ).join(groups.with_columns(pl.col("year").cast(pl.Int32)), on=["area_id", "year", "sex"], how="left")
    every = pl.concat(
        [
            stored.select("kind", "count", "denominator", "code"),
            comp.select("kind", "count", "denominator", pl.col("code").fill_null(0)),
        ]
    )
    hidden = every.filter(pl.col("code") > 0)
    loss.cells = every.height
    loss.primary = hidden.filter(pl.col("code") == PRIMARY).height
    loss.secondary = hidden.filter(pl.col("code") == SECONDARY).height
    loss.internal = hidden.filter(pl.col("code") == INTERNAL).height
    loss.persons = float(hidden["count"].fill_null(0).sum())
    loss.population = float(hidden["denominator"].fill_null(0).sum())
    ref = every.filter(pl.col("kind").is_in(REFERENCE_KINDS))
    loss.reference_cells = ref.height
    loss.reference_hidden = ref.filter(pl.col("code") > 0).height
    muni = every.filter(pl.col("kind") == "municipality")
    loss.municipal_cells = muni.height
    loss.municipal_hidden = muni.filter(pl.col("code") > 0).height


def _groups_with_hidden_members(result: pl.DataFrame, memberships: pl.DataFrame) -> pl.DataFrame:
    """(area_id, year, sex, code) of group values without a stored cell that have a hidden member.

    Follows nested groups (a country whose regions contain a hidden municipality). Used for indicators
    whose group values are not sums of counts (weighted means).
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


def _observations(ind_ids: Sequence[int], bd_keys: dict[int, str]) -> pl.DataFrame:
    return observations_frame(indicator_ids=list(ind_ids)).with_columns(
        pl.col("breakdown_id").replace_strict(bd_keys, return_dtype=pl.String).alias("sex")
    )


_NO_KINDS = pl.DataFrame(schema={"area_id": pl.Int64, "kind": pl.String, "area_code": pl.String})


def same_count_families(indicators: Sequence[Indicator], obs: pl.DataFrame) -> list[list[Indicator]]:
    """Indicators that publish the same count: every cell both have a count for agrees (to ±0.5), on
    at least one cell with a count of 1 or more. Such a pair (the number placed outside the home and
    its share of children) is one count under two names, and gets one pattern."""
    counted: dict[int, pl.DataFrame] = {}
    for ind in indicators:
        if ind.disclosure == Disclosure.NOT_SENSITIVE:
            continue
        part = _cells(ind, obs.filter(pl.col("indicator_id") == ind.id), _NO_KINDS)
        # respondents are shared by every question of a survey, which is no sign of the same count
        part = part.filter(pl.col("count").is_not_null() & pl.col("respondents").is_null())
        part = part.select("area_id", "year", "sub", "sex", "count")
        if part.height:
            counted[ind.id] = part
    parent = {ind.id: ind.id for ind in indicators}

    def root(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    ids = sorted(counted)
    for n, a in enumerate(ids):
        for b in ids[n + 1 :]:
            both = counted[a].join(counted[b], on=["area_id", "year", "sub", "sex"], suffix="_b")
            if both.height == 0 or both.filter(pl.col("count") >= 1).height == 0:
                continue
            if both.filter((pl.col("count") - pl.col("count_b")).abs() > 0.5).height == 0:
                parent[root(b)] = root(a)
    families: dict[int, list[Indicator]] = {}
    for ind in indicators:
        families.setdefault(root(ind.id), []).append(ind)
    return list(families.values())


def _family_decision(
    family: list[Indicator], obs: pl.DataFrame, memberships: pl.DataFrame, kinds: pl.DataFrame, sub: int = 0
) -> list[tuple[Indicator, _Decision]]:
    """One pattern for indicators with the same counts, decided once on the union of their cells (by
    area, year and sex; the smallest threshold) and applied to each of them. ``obs`` are of one period
    kind within the year (``sub``), which the withheld group values carry."""
    return [
        (
            ind,
            _Decision(d.codes, d.groups.with_columns(pl.lit(sub, pl.Int64).alias("sub")), d.loss, d.computed),
        )
        for ind, d in _family_decision_of(family, obs, memberships, kinds)
    ]


def _family_decision_of(
    family: list[Indicator], obs: pl.DataFrame, memberships: pl.DataFrame, kinds: pl.DataFrame
) -> list[tuple[Indicator, _Decision]]:
    per = [(ind, _cells(ind, obs.filter(pl.col("indicator_id") == ind.id), kinds)) for ind in family]
    if len(family) == 1:
        ind, cells = per[0]
        return [(ind, _decide(ind, cells, memberships, kinds))]
    keys = ["area_id", "year", "sex"]
    union = (
        pl.concat([cells for _, cells in per], how="diagonal_relaxed")
        .sort(pl.col("count").is_null(), "indicator_id")
        .unique(keys, keep="first", maintain_order=True)
    )
    base = min(family, key=lambda i: i.threshold)
    merged = _decide(base, union, memberships, kinds)
    by_key = union.select("id", *keys).join(merged.codes, on="id").select(*keys, "code")
    out = []
    for ind, cells in per:
        codes = cells.select("id", *keys, pl.col("code").alias("own")).join(by_key, on=keys, how="left")
        codes = codes.select(
            "id",
            pl.when(pl.col("own") == INTERNAL)
            .then(INTERNAL)
            .otherwise(pl.col("code").fill_null(0))
            .alias("code"),
        )
        loss = Loss(ind.key)
        computed = merged.computed
        _measure(loss, cells, codes, computed, merged.groups)
        loss.message = merged.loss.message.replace(base.key, ind.key) if loss.internal else ""
        out.append((ind, _Decision(codes, merged.groups, loss, computed)))
    return out


def _decisions(indicators: Sequence[Indicator]) -> Iterator[tuple[Indicator, _Decision, pl.DataFrame]]:
    """(indicator, decision, its observations) for each indicator, families of the same source decided
    together (the import of one table brings its indicators in one call)."""
    bd_keys = dict(Breakdown.objects.values_list("id", "key"))
    memberships = memberships_frame()
    kinds = _area_kinds()
    by_source: dict[int, list[Indicator]] = {}
    for ind in indicators:
        by_source.setdefault(ind.source_id, []).append(ind)  # type: ignore[attr-defined]
    for group in by_source.values():
        obs = _observations([i.id for i in group], bd_keys)
        for family in same_count_families(group, obs):
            # Each period (kasvu.readmodel.periods: a year, month, quarter …) is an independent block.
            subs = sorted(obs.filter(pl.col("indicator_id").is_in([i.id for i in family]))["sub"].unique())
            parts = [
                _family_decision(family, obs.filter(pl.col("sub") == sub), memberships, kinds, sub)
                for sub in subs or [0]
            ]
            for n, ind in enumerate(family):
                decision = (
                    _merged([part[n][1] for part in parts], ind.key) if len(parts) > 1 else parts[0][n][1]
                )
                yield ind, decision, obs.filter(pl.col("indicator_id") == ind.id)


def _merged(decisions: list[_Decision], key: str) -> _Decision:
    """One indicator's decisions of its periods as one."""
    loss = Loss(key)
    for d in decisions:
        for name, value in vars(d.loss).items():
            if name not in ("key", "message"):
                setattr(loss, name, getattr(loss, name) + value)
    loss.message = next((d.loss.message for d in decisions if d.loss.message), "")
    return _Decision(
        pl.concat([d.codes for d in decisions], how="diagonal_relaxed"),
        pl.concat([d.groups for d in decisions], how="diagonal_relaxed"),
        loss,
        pl.concat([d.computed for d in decisions], how="diagonal_relaxed"),
    )


def refresh(indicator_ids: Iterable[int]) -> dict[str, int]:
    """Recompute and store the suppression pattern of these indicators. Returns counts (primary,
    secondary, internal, groups) and keeps each indicator's :class:`Loss` in ``last_losses``."""
    counts = {"primary": 0, "secondary": 0, "internal": 0, "groups": 0}
    indicators = list(Indicator.objects.filter(id__in=list(indicator_ids)).select_related("source"))
    last_losses.clear()
    bd_ids = dict(Breakdown.objects.values_list("key", "id"))
    for ind, decision, obs in _decisions(indicators):
        with transaction.atomic():
            GroupSuppression.objects.filter(indicator=ind).delete()
            _store_codes(decision.codes, obs)
            _store_group_suppressions(ind.id, decision.groups, bd_ids)
        last_losses.append(decision.loss)
        for name, code in (("primary", PRIMARY), ("secondary", SECONDARY), ("internal", INTERNAL)):
            counts[name] += decision.codes.filter(pl.col("code") == code).height
        counts["groups"] += decision.groups.height
    return counts


#: The :class:`Loss` of each indicator of the last :func:`refresh` (for the import summary).
last_losses: list[Loss] = []


def losses(indicator_ids: Iterable[int] | None = None) -> list[Loss]:
    """Information loss per indicator as the stored pattern has it (recomputed, nothing stored)."""
    qs = Indicator.objects.select_related("source").order_by("key")
    if indicator_ids is not None:
        qs = qs.filter(id__in=list(indicator_ids))
    return sorted((d.loss for _, d, _ in _decisions(list(qs))), key=lambda loss: loss.key)


def summary_lines(found: Sequence[Loss]) -> list[str]:
    """Lines for the import summary: the loss of each indicator with hidden cells, and what to do."""
    lines = []
    for loss in found:
        if loss.hidden:
            lines.append(
                f"disclosure {loss.key}: {loss.hidden:,} of {loss.cells:,} values hidden "
                f"({loss.primary:,} small, {loss.secondary:,} protecting them, {loss.internal:,} internal), "
                f"{loss.persons:,.0f} persons behind them; country/region/county values hidden: "
                f"{loss.reference_hidden:,} of {loss.reference_cells:,}"
            )
        if loss.message:
            lines.append(loss.message)
    return lines


def _store_codes(codes: pl.DataFrame, obs: pl.DataFrame) -> None:
    current = obs.select("id", pl.col("suppressed").cast(pl.Int64).alias("current"))
    changed = codes.join(current, on="id").filter(pl.col("code") != pl.col("current"))
    if changed.height:
        with connection.cursor() as cur:
            cur.executemany(
                f"UPDATE {Observation._meta.db_table} SET suppressed = %s WHERE id = %s",
                [(int(c), int(i)) for i, c in changed.select("id", "code").iter_rows()],
            )


def _store_group_suppressions(indicator_id: int, groups: pl.DataFrame, breakdown_ids: dict[str, int]) -> None:
    """Insert the withheld group values in one statement batch (an ORM object per row cost 0.3 s)."""
    if not groups.height:
        return
    rows = groups.select(
        pl.lit(indicator_id).alias("indicator_id"),
        "area_id",
        "year",
        pl.col("sub") if "sub" in groups.columns else pl.lit(0).alias("sub"),
        pl.col("sex").replace_strict(breakdown_ids, return_dtype=pl.Int64),
        "code",
    ).rows()
    with connection.cursor() as cur:
        cur.executemany(
            f"INSERT INTO {GroupSuppression._meta.db_table} (indicator_id, area_id, year, sub, breakdown_id, "
            "reason) VALUES (%s, %s, %s, %s, %s, %s)",
            rows,
        )


def refresh_all() -> dict[str, int]:
    """Every indicator with observations (after memberships change)."""
    ids = Observation.objects.values_list("indicator_id", flat=True).distinct()
    return refresh(set(ids))


def published(frame: pl.DataFrame, *, public: bool) -> pl.DataFrame:
    """Blank suppressed values for the public; ``frame`` needs a ``suppressed`` column (0–3).

    Adds ``suppression_reason`` ("primary" / "secondary" / "internal").
    """
    reason = (
        pl.when(pl.col("suppressed") == PRIMARY)
        .then(pl.lit("primary"))
        .when(pl.col("suppressed") == SECONDARY)
        .then(pl.lit("secondary"))
        .when(pl.col("suppressed") == INTERNAL)
        .then(pl.lit("internal"))
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
