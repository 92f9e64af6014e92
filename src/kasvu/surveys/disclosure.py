"""Disclosure control for a survey's estimate table (pure: Polars in, Polars out, no Django).

A survey table adds up along three directions, so a hidden cell could be worked
out from published ones along any of them:

* area: an area group (e.g. West Uusimaa) and the survey total contain their municipalities;
* grade: the all-grades figure contains grades 1–6;
* sex: the total contains boys and girls (and pupils of other or unknown sex,
  which makes treating total = boys + girls conservative).

Estimates are weighted proportions and means, which do not add up, but the
respondent counts behind them do. So, as the survey statisticians' rule says,
the pattern is decided on respondent counts ``n`` — primary: fewer than the
codebook's ``suppression_threshold`` respondents answered; secondary: hide the
smallest neighbouring cells until no hidden count can be derived
(:func:`kasvu.stats.suppression.suppress`) — and then the *same* cells are
hidden in the estimates, their intervals and their ``n``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt
import polars as pl

from kasvu.stats.suppression import additive_constraints, derivable_cells, protect
from kasvu.surveys.estimation import TOTAL

BoolArray = npt.NDArray[np.bool_]


def _domains(table: pl.DataFrame) -> pl.DataFrame:
    """One integer id per (area, grade) domain of the table: the 'area_id' the suppression core works on."""
    return (
        table.select("area", "grade", "area_kind")
        .unique()
        .sort("area", "grade")
        .with_row_index("domain_id")
        .with_columns(pl.col("domain_id").cast(pl.Int64))
    )


def _hierarchies(domains: pl.DataFrame, groups: Mapping[str, Sequence[str]]) -> list[pl.DataFrame]:
    """Membership frames (group_id, member_id) over domain ids: areas within each grade, grades within each area."""
    municipalities = domains.filter(pl.col("area_kind") == "value")["area"].unique().to_list()
    links = [(str(name), str(m)) for name, members in groups.items() for m in members]
    links += [(TOTAL, m) for m in municipalities]
    area_links = pl.DataFrame(links, schema={"group": pl.String, "member": pl.String}, orient="row")
    ids = domains.select("area", "grade", "domain_id")
    by_area = (
        area_links.join(ids, left_on="group", right_on="area")
        .join(ids, left_on=["member", "grade"], right_on=["area", "grade"], suffix="_member")
        .select(pl.col("domain_id").alias("group_id"), pl.col("domain_id_member").alias("member_id"))
    )
    by_grade = (
        ids.filter(pl.col("grade") == TOTAL)
        .join(ids.filter(pl.col("grade") != TOTAL), on="area", suffix="_member")
        .select(pl.col("domain_id").alias("group_id"), pl.col("domain_id_member").alias("member_id"))
    )
    return [by_area, by_grade]


OTHER = "other"  # respondents of other or unknown sex: in the totals, never published on their own


def with_other(table: pl.DataFrame) -> pl.DataFrame:
    """The table plus one unpublished row per (indicator, area, grade): sex "other", n = total − boys − girls.

    Totals include pupils of other or unknown sex, so total = boys + girls + other. Without the
    "other" term the constraints would contradict the counts, and a domain with only such pupils
    (a total without boys or girls) could be worked out from its neighbours' differences. The
    added rows have ``virtual`` true and come after the table's rows, in order.
    """
    keys = ["indicator", "area", "grade", "area_kind"]
    n = pl.col("n").fill_null(0)
    other = (
        table.group_by(keys, maintain_order=True)
        .agg(
            n.filter(pl.col("sex") == TOTAL).sum().alias("total"),
            n.filter(pl.col("sex") != TOTAL).sum().alias("parts"),
            (pl.col("sex") == TOTAL).any().alias("has_total"),
        )
        .filter(pl.col("has_total"))
        .select(*keys, pl.lit(OTHER).alias("sex"), (pl.col("total") - pl.col("parts")).alias("n"))
    )
    real = table.select(*keys, "sex", "n").with_columns(pl.lit(False).alias("virtual"))
    return pl.concat([real, other.with_columns(pl.lit(True).alias("virtual"))], how="vertical_relaxed")


def cells_and_constraints(
    table: pl.DataFrame, groups: Mapping[str, Sequence[str]] | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Suppression cells and their additive constraints for ``table`` (see :func:`with_other`).

    Cells are the table's rows, in order, then the unpublished "other sex" rows (``virtual``).
    ``groups`` are the area groups the table was estimated with (name → municipality codes); the
    ``total`` area is the sum of every municipality in the table.
    """
    extended = with_other(table)
    domains = _domains(extended)
    cells = extended.join(
        domains, on=["area", "grade", "area_kind"], how="left", maintain_order="left"
    ).select(
        "indicator",
        pl.col("domain_id").alias("area_id"),
        pl.lit(0, dtype=pl.Int64).alias("year"),
        "sex",
        pl.col("n").cast(pl.Float64).alias("numerator"),
        pl.col("n").alias("respondents"),
        "virtual",
    )
    constraints = additive_constraints(
        cells, _hierarchies(domains, groups or {}), sex_parts=("male", "female", OTHER)
    )
    return cells, constraints


def derivable(
    table: pl.DataFrame, groups: Mapping[str, Sequence[str]] | None, suppressed: npt.ArrayLike
) -> npt.NDArray[np.int64]:
    """Rows of ``table`` hidden by ``suppressed`` whose respondent count follows from the published rows.

    The exact audit (:func:`kasvu.stats.suppression.derivable_cells`): the unpublished "other sex"
    counts are unknowns, as they are to a reader of the published table.
    """
    cells, constraints = cells_and_constraints(table, groups)
    mask = np.concatenate([np.asarray(suppressed, dtype=bool), cells["virtual"].to_numpy()[table.height :]])
    found = derivable_cells(cells.height, constraints, mask)
    return found[found < table.height]


def protect_table(
    table: pl.DataFrame, groups: Mapping[str, Sequence[str]] | None = None, *, threshold: int = 5
) -> pl.DataFrame:
    """``table`` (from :func:`~kasvu.surveys.indicators.estimate_indicators`) with the disclosure pattern.

    Adds ``suppressed`` (bool) and ``suppression`` ("primary", "secondary" or null). Values are not
    blanked here: callers that publish or print use :func:`blank_suppressed`.

    The "other sex" counts are treated as published unless hidden, which is stricter than the
    truth (they are never published), and cost as much as the total, so that a small girls' cell
    is protected by another girls' or boys' cell rather than by the rarely non-zero "other" count.
    """
    groups = groups or {}
    extended = with_other(table)
    cells, constraints = cells_and_constraints(table, groups)
    n = extended["n"].cast(pl.Float64).fill_null(0.0).to_numpy()
    virtual = extended["virtual"].to_numpy()
    primary = (n < threshold) & ~virtual
    totals = (
        extended.join(
            table.filter(pl.col("sex") == TOTAL).select(
                "indicator", "area", "grade", pl.col("n").alias("n_total")
            ),
            on=["indicator", "area", "grade"],
            how="left",
            maintain_order="left",
        )["n_total"]
        .cast(pl.Float64)
        .fill_null(0.0)
        .to_numpy()
    )
    cost = np.where(virtual, totals + 0.5, n)
    seed = _cubes(extended, groups, primary)
    hidden, _ = protect(cost, constraints, seed)
    hidden = hidden[: table.height]
    primary = primary[: table.height]
    reason = np.where(primary, "primary", np.where(hidden, "secondary", None))
    return table.with_columns(
        pl.Series("suppressed", hidden, dtype=pl.Boolean),
        pl.Series("suppression", reason.tolist(), dtype=pl.String),
    )


Cell = tuple[str, str, str, str]  # indicator, area, grade, sex


def _cubes(table: pl.DataFrame, groups: Mapping[str, Sequence[str]], primary: BoolArray) -> BoolArray:
    """Secondary suppressions in safe blocks, so that the exact audit has little left to do.

    The published sums (area groups and the total over municipalities, all grades, both sexes) are
    linear constraints. For a hidden cell, pick one partner in each direction so that a vector
    u_area ⊗ u_grade ⊗ u_sex changes no published sum: another municipality in exactly the same
    groups (signs +1, −1) or, failing that, the groups containing it and the total (+1 each); another
    grade (+1, −1), or a grade beside the all-grades cell (+1, +1); the other sex, or a sex beside
    the total (or, when boys or girls are missing, the unpublished "other sex" count). Hiding the
    support of that vector (at most 2 × 2 × (groups + 2) cells) makes every
    cell in it underivable, whatever else is hidden. Cells without such a block are left to
    :func:`kasvu.stats.suppression.protect`, which also audits the result exactly.

    The greedy per-constraint rule alone spreads suppression through a three-way table (each cell it
    hides opens a single gap in two other directions); blocks do not, and hide far fewer cells.
    """
    keys: list[Cell] = list(
        zip(table["indicator"], table["area"], table["grade"], table["sex"], strict=True)  # type: ignore[arg-type]
    )
    index = {k: i for i, k in enumerate(keys)}
    n = table["n"].fill_null(0).to_list()
    kinds = dict(zip(table["area"], table["area_kind"], strict=True))
    member_of: dict[str, frozenset[str]] = {}
    for area, kind in kinds.items():
        if kind == "value":
            member_of[area] = frozenset(g for g, members in groups.items() if area in members)
    municipalities = sorted(member_of)
    grades = sorted({g for g in table["grade"].unique().to_list() if g != TOTAL})
    hidden = primary.copy()
    covered = np.zeros(primary.size, dtype=bool)

    def size(ind: str, area: str, grade: str, sex: str) -> float:
        i = index.get((ind, area, grade, sex))
        return float(n[i]) if i is not None else float("inf")

    for i in np.flatnonzero(primary):
        if covered[i]:
            continue
        ind, area, grade, sex = keys[i]
        if kinds.get(area) != "value":
            continue  # a group this small is rare; protect() handles it
        areas = [
            [area, a]
            for a in sorted(
                (m for m in municipalities if m != area and member_of[m] == member_of[area]),
                key=lambda m: size(ind, m, grade, sex),
            )
        ] + [[area, *sorted(member_of[area]), TOTAL]]
        if grade == TOTAL:
            grade_options = [[TOTAL, g] for g in grades]
        else:
            grade_options = [
                [grade, g]
                for g in sorted((g for g in grades if g != grade), key=lambda g: size(ind, area, g, sex))
            ]
        # "other" only when boys or girls are missing: it is rarely non-zero, so a weak partner.
        sex_options = (
            [[TOTAL, "male"], [TOTAL, "female"], [TOTAL, OTHER]]
            if sex == TOTAL
            else [[sex, "female" if sex == "male" else "male"], [sex, OTHER]]
        )
        block = _first_complete(ind, areas, grade_options, sex_options, index)
        if block is not None:
            hidden[block] = True
            covered[block] = True
    return hidden


def _first_complete(
    ind: str,
    areas: list[list[str]],
    grades: list[list[str]],
    sexes: list[list[str]],
    index: Mapping[Cell, int],
) -> list[int] | None:
    """The first combination of partners whose every cell exists (a missing cell is a known zero)."""
    for a in areas:
        for g in grades:
            for s in sexes:
                cells = [index.get((ind, x, y, z)) for x in a for y in g for z in s]
                if all(c is not None for c in cells):
                    return [c for c in cells if c is not None]
    return None


def blank_suppressed(table: pl.DataFrame) -> pl.DataFrame:
    """Null every number of suppressed rows, so that nothing suppressed can leave."""
    hide = pl.col("suppressed")
    numbers = [c for c in ("n", "estimate", "se", "lower", "upper", "df") if c in table.columns]
    return table.with_columns([pl.when(hide).then(None).otherwise(pl.col(c)).alias(c) for c in numbers])
