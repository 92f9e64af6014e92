"""Disclosure control: small numbers are not shown, nor can they be worked out from what is shown.

Primary suppression hides cells describing fewer than ``threshold`` persons (default 5, as THL's Sotkanet
hides 1–4): a numerator of 1–4, or fewer than ``threshold`` respondents in a survey. A zero is shown by
default: it says that nobody in the area has the attribute, which concerns no identifiable person, and
hiding zeros would blank much of every small-area table (``suppress_zero=True`` hides them too).

Secondary suppression. Published tables add up: a region is the sum of its municipalities, a user group
the sum of its members, the total the sum of boys and girls. A group adds up once per kind of member
that partitions it (the country = Σ municipalities = Σ regions = Σ counties), never over all its members
at once (:func:`partitions`). If only one cell of such a sum is hidden, it is the published total minus
the published parts. Cells and sums are kept as linear constraints (total − Σ parts = 0), and

1. while some constraint has exactly one hidden cell, the smallest other cell of that constraint is hidden
   too (hiding the smallest loses the least information), also in the sums that nesting implies
   (:func:`identities`: a region and the county with the same municipalities, a = b);
2. an exact audit then asks whether any hidden cell is still determined by the published cells through
   *combinations* of constraints (e.g. across overlapping hierarchies), and if so hides the smallest
   published cell next to it, and returns to step 1.

The hidden values x satisfy A_H x = −A_P p, so cell j is determined exactly when the unit vector e_j lies
in the row space of A_H. Components of up to ``EXACT_LIMIT`` hidden cells are solved over the rationals
(integer elimination: the column is a pivot whose reduced row has no other entries), larger ones by a thin
SVD with a tolerance that errs towards hiding. It protects against exact recovery; it does not widen the
bounds that non-negativity gives (a hidden cell in a sum of 3 is at most 3).

Cost: cells linked by no chain of constraints (other years, other indicators) are protected separately,
and each round re-audits only the components that hold a newly hidden cell or a cell derivable at the
last audit. Both are exact: hiding more cells never makes a hidden cell derivable (if y·[A_H a_c] = e_j
then y·A_H = e_j), so the pattern is the one the loop over the whole table gives.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from math import gcd

import numpy as np
import numpy.typing as npt
import polars as pl
from scipy import sparse
from scipy.sparse import csgraph
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]  # no stubs, no py.typed

from kasvu.stats.groups import members_by_year

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
SECONDARY = "secondary: protects another cell"


class UnprotectableCells(RuntimeError):
    """Some suppressed cells remain derivable and no published cell is left to hide next to them."""


def additive_constraints(
    cells: pl.DataFrame,
    hierarchies: Sequence[pl.DataFrame] = (),
    sex_total: str | None = "total",
    sex_parts: Sequence[str] = ("male", "female"),
) -> pl.DataFrame:
    """Linear constraints (constraint, cell, coef) among rows of ``cells`` (cell = row position).

    ``cells`` has indicator, area_id, year, sex. Each hierarchy is a memberships frame (group_id,
    member_id, optional valid_from / valid_to years, optional member_kind): within every indicator, year
    and sex, :func:`partitions` says which sums of members equal the group, one constraint each. With
    ``sex_total`` the total equals the sum of the ``sex_parts``. Members without a cell are left out of
    the sum, which treats them as known to an attacker: conservative, it can only cause more suppression.
    """
    idx = cells.select("indicator", "area_id", "year", "sex").with_row_index("cell")
    idx = idx.with_columns(pl.col("cell").cast(pl.Int64))
    pieces: list[pl.DataFrame] = []
    for h, hierarchy in enumerate(hierarchies):
        members = partitions(hierarchy, idx["year"])
        totals = idx.join(members, left_on=["area_id", "year"], right_on=["group_id", "year"])
        parts = totals.join(
            idx,
            left_on=["member_id", "indicator", "year", "sex"],
            right_on=["area_id", "indicator", "year", "sex"],
            suffix="_part",
            nulls_equal=True,
        )
        key = pl.concat_str(
            pl.lit(f"h{h}"),
            "area_id",
            "sum",
            "indicator",
            pl.col("year").cast(pl.String),
            "sex",
            separator="\x1f",
            ignore_nulls=True,
        )
        parts = parts.with_columns(key.alias("key"))
        pieces.append(parts.select("key", "cell", pl.lit(1).alias("coef")).unique())
        pieces.append(parts.select("key", pl.col("cell_part").alias("cell"), pl.lit(-1).alias("coef")))
    if sex_total is not None:
        total = idx.filter(pl.col("sex") == sex_total)
        parts = total.join(
            idx.filter(pl.col("sex").is_in(list(sex_parts))),
            on=["indicator", "area_id", "year"],
            suffix="_part",
        )
        key = pl.concat_str(pl.lit("sex"), pl.col("cell").cast(pl.String), separator="\x1f")
        parts = parts.with_columns(key.alias("key"))
        pieces.append(parts.select("key", "cell", pl.lit(1).alias("coef")).unique())
        pieces.append(parts.select("key", pl.col("cell_part").alias("cell"), pl.lit(-1).alias("coef")))
    if not pieces:
        return pl.DataFrame(schema={"constraint": pl.Int64, "cell": pl.Int64, "coef": pl.Int64})
    out = pl.concat(pieces).with_columns(pl.col("coef").cast(pl.Int64))
    out = out.filter(pl.col("cell").n_unique().over("key") > 1)  # a group that only contains itself
    return out.select(pl.col("key").rank("dense").cast(pl.Int64).alias("constraint") - 1, "cell", "coef")


MUNICIPALITY = "municipality"


def partitions(memberships: pl.DataFrame, years: pl.Series) -> pl.DataFrame:
    """(group_id, sum, member_id, year): the sums of members that equal their group in each year.

    A group's members may be of several kinds: Finland lists its municipalities, regions, counties and
    sub-regions, each kind on its own adding up to the country, so the true relations are country =
    Σ municipalities = Σ regions = Σ counties, never the sum over all members. With a ``member_kind``
    column, each (group, year) yields

    1. one sum per member kind whose members of that year partition the group, i.e. contain each of the
       group's municipalities (those reached through any of its members, nested) exactly once: a kind
       with a gap or an overlap (sub-regions that a municipality left when it moved region, counties
       before 2023) gives no sum, since its sum is not the group's value;
    2. if no kind does, the sum of the group's municipalities themselves (a user group of a region and
       some municipalities);
    3. for a group with no municipalities below it (a municipality with districts as members), one sum
       per member kind, as without kinds: if the members do not cover the group, treating the sum as an
       equation assumes the attacker knows the rest, which can only hide more.

    Without ``member_kind`` all members are one kind (rule 3: the sum of all valid members). Sums are
    named ``sum`` (the kind, or ``municipality*`` for rule 2). Every group with municipalities thus has
    equations spanning group = Σ its municipalities, from which every true relation among the areas
    follows; the audit needs them all, and no false one.
    """
    for col in ("valid_from", "valid_to"):
        if col not in memberships.columns:
            memberships = memberships.with_columns(pl.lit(None, dtype=pl.Int64).alias(col))
    if "member_kind" not in memberships.columns:
        memberships = memberships.with_columns(pl.lit("member").alias("member_kind"))
    kinds = memberships.select("member_id", "member_kind").unique("member_id", keep="first")
    links = members_by_year(memberships, years).join(kinds, on="member_id")
    is_muni = pl.col("member_kind") == MUNICIPALITY
    # (area_id, year, leaf): the municipalities below each group, nested, and each municipality itself
    below = links.filter(is_muni).select(
        pl.col("group_id").alias("area_id"), "year", pl.col("member_id").alias("leaf")
    )
    while True:
        step = links.join(below, left_on=["member_id", "year"], right_on=["area_id", "year"]).select(
            pl.col("group_id").alias("area_id"), "year", "leaf"
        )
        grown = pl.concat([below, step]).unique()
        if grown.height == below.height:
            break
        below = grown
    itself = links.filter(is_muni).select(
        pl.col("member_id").alias("area_id"), "year", pl.col("member_id").alias("leaf")
    )
    leaves = pl.concat([below, itself]).unique()
    size = below.group_by("area_id", "year").agg(pl.len().alias("size"))
    per_kind = (
        links.join(leaves, left_on=["member_id", "year"], right_on=["area_id", "year"])
        .group_by("group_id", "member_kind", "year")
        .agg(pl.len().alias("count"), pl.col("leaf").n_unique().alias("distinct"))
        .join(size, left_on=["group_id", "year"], right_on=["area_id", "year"])
        .filter((pl.col("count") == pl.col("size")) & (pl.col("distinct") == pl.col("size")))
        .select("group_id", "member_kind", "year")
    )
    by_kind = links.join(per_kind, on=["group_id", "member_kind", "year"])
    no_partition = size.rename({"area_id": "group_id"}).join(per_kind, on=["group_id", "year"], how="anti")
    own = no_partition.join(below, left_on=["group_id", "year"], right_on=["area_id", "year"]).select(
        "group_id", pl.lit(f"{MUNICIPALITY}*").alias("sum"), pl.col("leaf").alias("member_id"), "year"
    )
    rest = links.join(size, left_on=["group_id", "year"], right_on=["area_id", "year"], how="anti")
    return pl.concat(
        [
            by_kind.select("group_id", pl.col("member_kind").alias("sum"), "member_id", "year"),
            own,
            rest.select("group_id", pl.col("member_kind").alias("sum"), "member_id", "year"),
        ]
    ).unique()


def _entries(constraints: pl.DataFrame) -> tuple[IntArray, IntArray, IntArray]:
    return (
        constraints["constraint"].to_numpy().astype(np.int64),
        constraints["cell"].to_numpy().astype(np.int64),
        constraints["coef"].to_numpy().astype(np.int64),
    )


def _rref_determined(matrix: list[list[int]], n_cols: int) -> list[int]:
    """Columns fixed by the equations: pivots whose reduced row has no other non-zero entry.

    Gauss–Jordan elimination in exact integer arithmetic (rows rescaled by their gcd instead of dividing),
    which is exact like fractions and several times faster.
    """
    rows = [r[:] for r in matrix]
    pivots: list[tuple[int, int]] = []
    r = 0
    for c in range(n_cols):
        pivot = next((i for i in range(r, len(rows)) if rows[i][c] != 0), None)
        if pivot is None:
            continue
        rows[r], rows[pivot] = rows[pivot], rows[r]
        lead_row = rows[r]
        lead = lead_row[c]
        for i in range(len(rows)):
            f = rows[i][c]
            if i != r and f != 0:
                row = [lead * a - f * b for a, b in zip(rows[i], lead_row, strict=True)]
                g = gcd(*row)
                rows[i] = [v // g for v in row] if g > 1 else row
        pivots.append((r, c))
        r += 1
        if r == len(rows):
            break
    return [c for (i, c) in pivots if sum(1 for v in rows[i] if v != 0) == 1]


def derivable_cells(cells: int, constraints: pl.DataFrame, suppressed: npt.ArrayLike) -> IntArray:
    """Hidden cells whose exact value follows from the published cells and the constraints.

    ``cells`` is the number of cells, ``constraints`` a (constraint, cell, coef) frame and ``suppressed`` a
    boolean array of hidden cells. The problem splits into independent components (cells linked by
    constraints), each solved exactly in integer arithmetic; components are small (one indicator and year).
    """
    con, cell, coef = _entries(constraints)
    return _derivable(con, cell, coef, np.asarray(suppressed, dtype=bool))


def _derivable(
    con: IntArray, cell: IntArray, coef: IntArray, hidden: BoolArray, candidates: BoolArray | None = None
) -> IntArray:
    """:func:`derivable_cells` on arrays; with ``candidates`` only components holding a candidate cell.

    Skipping the others is exact when they were audited before with fewer hidden cells: hiding more cells
    never makes a hidden cell derivable (if y·[A_H a_c] = e_j then y·A_H = e_j), so only newly hidden
    cells and cells that were derivable at the last audit can be derivable now.
    """
    keep = hidden[cell]
    con, cell, coef = con[keep], cell[keep], coef[keep]
    if cell.size == 0:
        return np.empty(0, dtype=np.int64)
    rows, row_of = np.unique(con, return_inverse=True)
    cols, col_of = np.unique(cell, return_inverse=True)
    n_r, n_c = rows.size, cols.size
    graph = sparse.coo_matrix((np.ones(cell.size), (row_of, n_r + col_of)), shape=(n_r + n_c, n_r + n_c))
    _, label = csgraph.connected_components(graph, directed=False)
    found: list[int] = []
    entry_comp = label[row_of]
    if candidates is not None:
        wanted = np.zeros(label.max() + 1, dtype=bool)
        wanted[label[n_r:][candidates[cols]]] = True
        keep = wanted[entry_comp]
        row_of, col_of, coef, entry_comp = row_of[keep], col_of[keep], coef[keep], entry_comp[keep]
        if entry_comp.size == 0:
            return np.empty(0, dtype=np.int64)
    order = np.argsort(entry_comp, kind="stable")
    bounds = np.flatnonzero(np.diff(entry_comp[order])) + 1
    for group in np.split(order, bounds):
        g_rows, r_i = np.unique(row_of[group], return_inverse=True)
        g_cols, c_i = np.unique(col_of[group], return_inverse=True)
        if g_rows.size == 1 and g_cols.size > 1:
            continue  # one equation in several unknowns determines none of them
        if g_cols.size <= EXACT_LIMIT:
            matrix = [[0] * g_cols.size for _ in range(g_rows.size)]
            for ri, ci, v in zip(r_i, c_i, coef[group], strict=True):
                matrix[ri][ci] += int(v)
            determined = _rref_determined(matrix, g_cols.size)
        else:
            dense = np.zeros((g_rows.size, g_cols.size))
            np.add.at(dense, (r_i, c_i), coef[group])
            determined = _nullspace_determined(dense)
        found.extend(int(cols[g_cols[c]]) for c in determined)
    return np.array(sorted(found), dtype=np.int64)


#: Components up to this many hidden cells are solved in exact integer arithmetic; larger ones (a whole
#: country of municipalities in one year) by the null space in floating point, which for these 0/±1
#: matrices is reliable and orders of magnitude faster.
EXACT_LIMIT = 60


def _nullspace_determined(matrix: npt.NDArray[np.float64]) -> list[int]:
    """Columns x_j fixed by ``matrix @ x = b``: those on which every null-space vector is zero.

    With V the orthonormal basis of the row space (thin SVD, no n × n null-space basis needed), the
    null-space part of e_j has squared length 1 − |V_j|². A cell counts as fixed below 1e-9, i.e. when
    its null-space component is shorter than 3e-5: this includes every cell with all null-space
    entries below 1e-8 (the earlier full-SVD rule) and errs towards hiding more.
    """
    _, sv, vt = np.linalg.svd(matrix, full_matrices=False)
    tol = max(matrix.shape) * np.finfo(float).eps * (sv[0] if sv.size else 1.0) * 1e3
    rank = int((sv > tol).sum())
    free = 1.0 - np.einsum("ij,ij->j", vt[:rank], vt[:rank])
    return [int(j) for j in np.flatnonzero(free < 1e-9)]


def _close_single_gaps(
    con: IntArray, cell: IntArray, hidden: BoolArray, size: npt.NDArray[np.float64]
) -> BoolArray:
    """Step 1: hide the smallest other cell of every constraint with exactly one hidden cell, to a fixed point."""
    hidden = hidden.copy()
    n_con = int(con.max()) + 1 if con.size else 0
    while True:
        per_con = np.bincount(con, weights=hidden[cell].astype(np.float64), minlength=n_con)
        candidate = (per_con[con] == 1) & ~hidden[cell]
        if not candidate.any():
            return hidden
        c_con, c_cell = con[candidate], cell[candidate]
        order = np.lexsort((c_cell, size[c_cell], c_con))
        _, first = np.unique(c_con[order], return_index=True)
        chosen = c_cell[order][first]
        # Top-down, as HiTaS: group cells chosen first, the member cells in a later pass, which then
        # sees them (else two sums would each hide a member for a gap that the group closes).
        level = np.floor(np.nan_to_num(size[chosen]) / LEVEL_COST)
        hidden[chosen[level == level.max()]] = True


def _breaking_cells(
    leaks: IntArray,
    con: IntArray,
    cell: IntArray,
    coef: IntArray,
    hidden: BoolArray,
    size: npt.NDArray[np.float64],
) -> dict[int, int]:
    """For each leaking hidden cell, the cheapest published cell that the combination revealing it uses.

    A leak j has y with y·A_H = e_j (A_H: the constraints on hidden cells); y·A_P ≠ 0 on the published
    cells the combination subtracts. Hiding one of them breaks this combination (another may remain:
    the loop audits again). y is the least-squares solution, one factorisation per component for all
    its leaks. Cells without a usable combination are left out (the caller falls back to a neighbour).
    """
    found: dict[int, int] = {}
    on_hidden = hidden[cell]
    rows, row_of = np.unique(con, return_inverse=True)
    h_cells, h_of = np.unique(cell[on_hidden], return_inverse=True)
    n_r, n_h = rows.size, h_cells.size
    graph = sparse.coo_matrix(
        (np.ones(h_of.size), (row_of[on_hidden], n_r + h_of)), shape=(n_r + n_h, n_r + n_h)
    )
    _, label = csgraph.connected_components(graph, directed=False)
    leak_pos = np.searchsorted(h_cells, leaks)
    for comp in np.unique(label[n_r + leak_pos]):
        comp_rows = np.flatnonzero(label[:n_r] == comp)
        comp_hidden = h_cells[label[n_r:] == comp]
        in_rows = np.isin(row_of, comp_rows)
        r_i = np.searchsorted(comp_rows, row_of[in_rows])
        e_cell, e_coef = cell[in_rows], coef[in_rows].astype(np.float64)
        is_h = hidden[e_cell]
        a_h = np.zeros((comp_rows.size, comp_hidden.size))
        np.add.at(a_h, (r_i[is_h], np.searchsorted(comp_hidden, e_cell[is_h])), e_coef[is_h])
        published = np.unique(e_cell[~is_h])
        if published.size == 0:
            continue
        a_p = np.zeros((comp_rows.size, published.size))
        np.add.at(a_p, (r_i[~is_h], np.searchsorted(published, e_cell[~is_h])), e_coef[~is_h])
        targets = leaks[np.isin(leaks, comp_hidden)]
        u, sv, vt = np.linalg.svd(a_h, full_matrices=True)
        tol = max(a_h.shape) * np.finfo(float).eps * (sv[0] if sv.size else 1.0) * 1e3
        rank = int((sv > tol).sum())
        # y0 = the least-squares certificate of each target; N = u[:, rank:] spans all y with y·A_H = 0
        cols = np.searchsorted(comp_hidden, targets)
        y0 = u[:, :rank] @ (vt[:rank, cols] / sv[:rank, None])
        uses = a_p.T @ y0  # |published| × |targets|
        # hiding c breaks every certificate when y·a_c is the same non-zero number for all of them
        in_null = (
            np.linalg.norm(u[:, rank:].T @ a_p, axis=0) < 1e-8
            if rank < u.shape[1]
            else np.ones(published.size, bool)
        )
        # A constraint outside the component has no hidden cell: it is a combination y may add freely
        # (region = county when both have the same municipalities), so a cell it holds breaks nothing.
        outside = np.unique(cell[~np.isin(row_of, comp_rows)])
        in_null &= ~np.isin(published, outside)
        for k, t in enumerate(targets.tolist()):
            used = np.abs(uses[:, k]) > 1e-7
            options = published[used & in_null]
            if not options.size:
                options = published[used]
            if options.size:
                found[int(t)] = int(options[np.lexsort((options, size[options]))[0]])
    return found


def _neighbour_to_hide(
    target: int, con: IntArray, cell: IntArray, hidden: BoolArray, size: npt.NDArray[np.float64]
) -> int | None:
    """The smallest published cell sharing a constraint with ``target``, or failing that, with the
    hidden cells linked to it (e.g. a user group {a, b} recovered as region minus the other members)."""
    reach = np.unique(con[cell == target])
    while True:
        inside = np.isin(con, reach)
        near = inside & ~hidden[cell]
        if near.any():
            options = np.unique(cell[near])
            return int(options[np.lexsort((options, size[options]))[0]])
        wider = np.unique(con[np.isin(cell, cell[inside])])
        if wider.size == reach.size:
            return None
        reach = wider


def protect(
    numerator: npt.ArrayLike,
    constraints: pl.DataFrame,
    primary: npt.ArrayLike,
    cost: npt.ArrayLike | None = None,
) -> tuple[BoolArray, BoolArray]:
    """Extend ``primary`` so that no hidden cell can be derived; returns (hidden, secondary) masks.

    Cells whose count (``numerator``) is missing (NaN) count as hidden already, never as secondary
    suppressions: an attacker does not know them either. ``cost`` is what hiding each cell loses (default:
    its count); the cheapest cells are hidden first (:func:`hiding_cost` makes groups the last resort).
    Cells linked by no chain of constraints (different years or indicators) are protected separately.
    """
    counts = np.asarray(numerator, dtype=np.float64)
    unknown = np.isnan(counts)
    size = counts if cost is None else np.asarray(cost, dtype=np.float64)
    start = np.asarray(primary, dtype=bool) | unknown
    con, cell, coef = _entries(pl.concat([constraints, identities(constraints)]))
    hidden = start.copy()
    # One BLAS thread: the audit runs many SVDs of small matrices (a few hundred rows), for which
    # OpenBLAS's threads cost more than they save; on a shared 2-CPU machine under load the audit was
    # 5-40x slower with them (benchmarks/RESULTS.md, "Disclosure control at national scale").
    with threadpool_limits(1, user_api="blas"):
        for cells, entries in _blocks(size.size, con, cell):
            if not start[cells].any():
                continue
            local = np.searchsorted(cells, cell[entries])
            _, local_con = np.unique(con[entries], return_inverse=True)
            hidden[cells] = _protect_block(
                local_con, local, coef[entries], start[cells], unknown[cells], size[cells], cells
            )
    return hidden, hidden & ~start


#: Sums implied by nesting are added only when they have at most this many parts besides the totals.
NESTED_LIMIT = 30


def _sums(constraints: pl.DataFrame) -> pl.DataFrame:
    """(constraint, total, parts) of the constraints of the form total − Σ parts = 0."""
    rows = constraints.group_by("constraint").agg(
        pl.col("cell").filter(pl.col("coef") == -1).sort().alias("parts"),
        pl.col("cell").filter(pl.col("coef") == 1).alias("total"),
        pl.len().alias("n"),
    )
    rows = rows.filter(
        (pl.col("total").list.len() == 1)
        & (pl.col("parts").list.len() > 1)
        & (pl.col("n") == pl.col("parts").list.len() + 1)
    )
    return rows.select("constraint", pl.col("total").list.first(), "parts").sort("constraint")


def identities(constraints: pl.DataFrame) -> pl.DataFrame:
    """Sums implied by nesting, numbered after ``constraints``: for a sum a = Σ P and a sum b = Σ Q with
    Q ⊆ P, a − b = Σ (P minus Q) (a region and a county with the same municipalities: a = b; a county minus
    the user group inside it: the other municipalities); and a − Σ bᵢ = the rest when all the sums
    inside a are disjoint (a region minus its three user groups).

    They follow from the constraints, so the audit's row space and verdict do not change. They let the
    cheap step protect a cell within its own subtable at once, as HiTaS does level by level: a hidden
    region hides the county equal to it; Kauniainen hidden in the West county beside the West user group
    hides Espoo (a member), not the group. Without them the loop hid member after member, one audit
    each (benchmarks/RESULTS.md). Only sums with at most ``NESTED_LIMIT`` remaining parts are added.
    """
    schema = {"constraint": pl.Int64, "cell": pl.Int64, "coef": pl.Int64}
    if constraints.height == 0:
        return pl.DataFrame(schema=schema)
    rows = _sums(constraints)
    flat = rows.select("constraint", "parts").explode("parts").rename({"parts": "part"})
    size = rows.select("constraint", pl.col("parts").list.len().alias("size"))
    pairs = (
        flat.join(flat, on="part", suffix="_s")
        .filter(pl.col("constraint") != pl.col("constraint_s"))
        .group_by("constraint", "constraint_s")
        .agg(pl.len().alias("shared"))
        .join(size, on="constraint")
        .join(size.rename({"constraint": "constraint_s", "size": "size_s"}), on="constraint_s")
        .filter(pl.col("shared") == pl.col("size_s"))
        .filter((pl.col("size") > pl.col("size_s")) | (pl.col("constraint") < pl.col("constraint_s")))
        .sort("constraint", "size_s", "constraint_s", descending=[False, True, False])
    )
    total: dict[int, int] = dict(zip(rows["constraint"].to_list(), rows["total"].to_list(), strict=True))
    parts = {c: set(p) for c, p in zip(rows["constraint"].to_list(), rows["parts"].to_list(), strict=True)}
    inside: dict[int, list[int]] = {}
    for r, sub in pairs.select("constraint", "constraint_s").iter_rows():
        inside.setdefault(r, []).append(sub)
    found: list[tuple[int, list[int], list[int]]] = []  # (a, the b's, the remaining parts)
    seen: set[tuple[int, tuple[int, ...]]] = set()
    for r, subs in inside.items():
        families = [[sub] for sub in subs]
        union: set[int] = set().union(*(parts[sub] for sub in subs))
        if len(subs) > 1 and len(union) == sum(len(parts[sub]) for sub in subs):
            families.append(subs)  # all disjoint: one family (overlapping ones would be a choice)
        for family in families:
            key = (total[r], tuple(sorted(total[sub] for sub in family)))
            rest = parts[r].difference(*(parts[sub] for sub in family))
            if key in seen or len(rest) > NESTED_LIMIT:
                continue
            seen.add(key)
            found.append((total[r], [total[sub] for sub in family], sorted(rest)))
    first = int(constraints["constraint"].max()) + 1  # type: ignore[arg-type]
    con: list[int] = []
    cell: list[int] = []
    coef: list[int] = []
    for n, (a, bs, others) in enumerate(found):
        entries = [(a, 1), *((b, -1) for b in bs), *((m, -1) for m in others)]
        con.extend([first + n] * len(entries))
        cell.extend(c for c, _ in entries)
        coef.extend(v for _, v in entries)
    return pl.DataFrame({"constraint": con, "cell": cell, "coef": coef}, schema=schema)


def _blocks(n_cells: int, con: IntArray, cell: IntArray) -> list[tuple[IntArray, IntArray]]:
    """(cells, constraint entries) of each set of cells linked by constraints, in cell order."""
    n_con = int(con.max()) + 1 if con.size else 0
    graph = sparse.coo_matrix(
        (np.ones(cell.size), (n_cells + con, cell)), shape=(n_cells + n_con, n_cells + n_con)
    )
    _, label = csgraph.connected_components(graph, directed=False)
    cell_label = label[:n_cells]
    by_cell = np.argsort(cell_label, kind="stable")
    cell_groups = np.split(by_cell, np.flatnonzero(np.diff(cell_label[by_cell])) + 1)
    entry_label = cell_label[cell]
    by_entry = np.argsort(entry_label, kind="stable")
    entry_groups = dict(
        zip(
            entry_label[by_entry[np.r_[0, np.flatnonzero(np.diff(entry_label[by_entry])) + 1]]].tolist()
            if cell.size
            else [],
            np.split(by_entry, np.flatnonzero(np.diff(entry_label[by_entry])) + 1) if cell.size else [],
            strict=True,
        )
    )
    empty = np.empty(0, dtype=np.int64)
    return [(g, entry_groups.get(int(cell_label[g[0]]), empty)) for g in cell_groups if g.size]


def _protect_block(
    con: IntArray,
    cell: IntArray,
    coef: IntArray,
    start: BoolArray,
    unknown: BoolArray,
    size: npt.NDArray[np.float64],
    names: IntArray,
) -> BoolArray:
    """Steps 1 and 2 until nothing hidden is derivable, for one set of linked cells (``names``: their
    positions in the whole table, for the error message)."""
    hidden = start.copy()
    audited = np.zeros_like(hidden)
    leaking = np.zeros_like(hidden)
    while True:
        hidden = _close_single_gaps(con, cell, hidden, size)
        leaks = _derivable(con, cell, coef, hidden, candidates=(hidden & ~audited) | leaking)
        audited = hidden.copy()
        leaks = leaks[~unknown[leaks]]
        leaking[:] = False
        leaking[leaks] = True
        if leaks.size == 0:
            return hidden
        # Hide, for every leaking cell, the cheapest published cell that the combination revealing it
        # uses: that breaks the combination (a mere neighbour often does not). An audit costs far more
        # than the few extra cells this may hide compared with one cell per round.
        broken = _breaking_cells(leaks, con, cell, coef, hidden, size)
        choices = set(broken.values())
        for t in leaks:
            if int(t) not in broken:
                near = _neighbour_to_hide(int(t), con, cell, hidden, size)
                if near is not None:
                    choices.add(near)
        for choice in choices:
            hidden[choice] = True
        if not choices:
            raise UnprotectableCells(
                f"Cells {names[leaks].tolist()} stay derivable with every neighbouring cell hidden; "
                "check the hierarchies for a group that equals one of its members."
            )


#: Added to a group's cost per level above a municipality: a member cell, however large, is always
#: cheaper to hide than a sub-region, a user group, a region or county, or the country (in that order).
LEVEL_COST = 1e12
LEVELS = {
    "municipality": 0,
    "district": 0,
    "subregion": 1,
    "group": 2,
    "region": 3,
    "county": 3,
    "country": 4,
}


def hiding_cost(count: npt.ArrayLike, kind: Sequence[str | None]) -> npt.NDArray[np.float64]:
    """What hiding a cell loses: its count (persons behind the value), plus ``LEVEL_COST`` per level of
    its area above a municipality, so that the country, a region, a county or a user group is hidden
    only when no member cell can do the job (as statistical offices do: totals are the reference).
    Unknown counts cost as much as the largest known one of their level."""
    size = np.asarray(count, dtype=np.float64)
    finite = size[np.isfinite(size)]
    fill = float(finite.max()) if finite.size else 0.0
    level = np.array([LEVELS.get(k or "", 2) for k in kind], dtype=np.float64)
    return np.where(np.isfinite(size), size, fill) + level * LEVEL_COST


def implied_count() -> pl.Expr:
    """The number of persons a published cell describes, as an attacker could work it out.

    In order: the numerator when stored; the value itself for a count indicator (a 3 is three persons);
    value × denominator / scale when only the denominator is stored (0.333 % of 900 is 3 persons,
    rounded as the reader would); the respondents of a survey value. Reads the columns value, numerator,
    denominator, respondents, is_count and scale. Null when nothing tells the count
    (a rate with neither numerator nor denominator): :func:`primary_mask` cannot judge such a cell.
    """
    value, numerator, denominator = pl.col("value"), pl.col("numerator"), pl.col("denominator")
    respondents, is_count, scale = pl.col("respondents"), pl.col("is_count"), pl.col("scale")
    from_rate = (value * denominator / scale).round(0)
    return (
        pl.when(numerator.is_not_null())
        .then(numerator)
        .when(is_count & value.is_not_null())
        .then(value)
        .when(value.is_not_null() & denominator.is_not_null() & (scale > 0))
        .then(from_rate)
        .otherwise(respondents.cast(pl.Float64))
        .cast(pl.Float64)
    )


def parts_of_small_totals(
    cells: pl.DataFrame,
    mask: BoolArray,
    sex_total: str = "total",
    sex_parts: Sequence[str] = ("male", "female"),
) -> BoolArray:
    """Boys' and girls' cells of a primary-hidden total: each describes at most as many persons as the
    total, so they are small too, even where their own count is unknown. A part known to be 0 stays
    published (it says nobody; the other part then equals the hidden total, which stays hidden)."""
    keys = ["indicator", "area_id", "year"]
    frame = cells.select(*keys, "sex", pl.col("count") if "count" in cells.columns else pl.col("numerator"))
    frame = frame.rename({frame.columns[-1]: "count"}).with_columns(pl.Series("_hidden", mask))
    small = frame.filter((pl.col("sex") == sex_total) & pl.col("_hidden")).select(keys).unique()
    flagged = frame.with_row_index("_i").join(small, on=keys, how="semi", nulls_equal=True)
    flagged = flagged.filter(pl.col("sex").is_in(list(sex_parts)) & (pl.col("count").fill_null(-1) != 0))
    out = mask.copy()
    out[flagged["_i"].to_numpy()] = True
    return out


def primary_mask(
    cells: pl.DataFrame,
    threshold: int = 5,
    thresholds: Mapping[str, int] | None = None,
    suppress_zero: bool = False,
) -> tuple[BoolArray, list[str | None]]:
    """Cells below the threshold in persons or respondents; returns mask and reasons.

    Persons: the ``count`` column when given (:func:`implied_count`), else the numerator.
    """
    limit = pl.col("indicator").replace_strict(
        dict(thresholds or {}), default=threshold, return_dtype=pl.Int64
    )
    num = pl.col("count") if "count" in cells.columns else pl.col("numerator")
    low = (num < limit) & ((num >= 0) if suppress_zero else (num > 0))
    persons = low.fill_null(False)
    respondents = (
        (pl.col("respondents") < limit).fill_null(False) if "respondents" in cells.columns else pl.lit(False)
    )
    reason = (
        pl.when(persons)
        .then(pl.format("primary: fewer than {} persons", limit))
        .when(respondents)
        .then(pl.format("primary: fewer than {} respondents", limit))
    )
    flags = cells.select((persons | respondents).alias("mask"), reason.alias("reason"))
    return flags["mask"].to_numpy(), flags["reason"].to_list()


PART_OF_SMALL_TOTAL = "primary: part of a total of fewer than {} persons"


def suppress(
    cells: pl.DataFrame,
    constraints: pl.DataFrame | None = None,
    threshold: int = 5,
    thresholds: Mapping[str, int] | None = None,
    suppress_zero: bool = False,
    cost: npt.ArrayLike | None = None,
) -> pl.DataFrame:
    """The publishable version of ``cells``: small and derivable cells blanked, with the reason.

    ``cells`` has indicator, numerator, denominator, value (optionally ``count``, the persons each cell
    describes from :func:`implied_count`, and respondents); ``constraints`` from
    :func:`additive_constraints` over the same rows. ``thresholds`` overrides the threshold per indicator;
    ``cost`` is what hiding each cell loses (default: its count, see :func:`hiding_cost`). With a ``sex``
    column the parts of a small total are hidden too (:func:`parts_of_small_totals`). Adds
    ``suppressed`` and ``suppression_reason``.
    """
    if constraints is None:
        constraints = additive_constraints(cells)
    mask, reasons = primary_mask(cells, threshold, thresholds, suppress_zero)
    if "sex" in cells.columns and {"area_id", "year"} <= set(cells.columns):
        widened = parts_of_small_totals(cells, mask)
        limit = dict(thresholds or {})
        inds = cells["indicator"].to_list()
        for i in np.flatnonzero(widened & ~mask).tolist():
            reasons[i] = PART_OF_SMALL_TOTAL.format(limit.get(inds[i], threshold))
        mask = widened
    count_col = "count" if "count" in cells.columns else "numerator"
    numerator = cells[count_col].cast(pl.Float64).to_numpy()
    hidden, secondary = protect(numerator, constraints, mask, cost)
    hidden &= ~np.isnan(numerator) | mask  # missing values are simply missing, not suppressed
    why = [SECONDARY if s else r for s, r in zip(secondary.tolist(), reasons, strict=True)]
    flag = pl.Series("suppressed", hidden)
    blank = [
        pl.when(pl.lit(flag)).then(None).otherwise(pl.col(c)).alias(c)
        for c in ("value", "numerator", "denominator")
        if c in cells.columns
    ]
    return cells.with_columns(*blank, flag, pl.Series("suppression_reason", why, dtype=pl.String))
