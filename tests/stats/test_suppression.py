"""Disclosure control: small cells are hidden and cannot be recovered by differencing."""

from __future__ import annotations

import numpy as np
import polars as pl
from hypothesis import example, given, settings
from hypothesis import strategies as st
from scipy.linalg import null_space

from kasvu.stats import additive_constraints, derivable_cells, suppress

SEXES = ("total", "male", "female")


def table(counts: dict[str, tuple[int, int]], groups: dict[str, list[str]]) -> pl.DataFrame:
    """Cells for areas with (male, female) counts; groups hold the sums of their members."""
    full = dict(counts)
    for g, members in groups.items():
        full[g] = (sum(counts[m][0] for m in members), sum(counts[m][1] for m in members))
    rows = []
    for area, (male, female) in full.items():
        for sex, n in zip(SEXES, (male + female, male, female), strict=True):
            rows.append(("children_in_care", area, 2024, sex, float(n), 1000.0, n / 10))
    return pl.DataFrame(
        rows,
        schema=["indicator", "area_id", "year", "sex", "numerator", "denominator", "value"],
        orient="row",
    )


def hierarchy(group: str, members: list[str]) -> pl.DataFrame:
    return pl.DataFrame({"group_id": [group] * len(members), "member_id": members})


def determined_by_null_space(n_cells: int, constraints: pl.DataFrame, hidden: np.ndarray) -> set[int]:
    """Independent check in floating point: x_H = x0 + N·t, so cell j is fixed iff row j of N is zero."""
    cols = np.flatnonzero(hidden)
    if cols.size == 0:
        return set()
    n_con = int(constraints["constraint"].max()) + 1  # type: ignore[operator]
    matrix = np.zeros((n_con, n_cells))
    for c, cell, coef in constraints.iter_rows():
        matrix[c, cell] += coef
    basis = null_space(matrix[:, cols])
    if basis.size == 0:
        return {int(c) for c in cols}
    return {int(c) for c, row in zip(cols, basis, strict=True) if np.linalg.norm(row) < 1e-9}


def test_primary_suppression_hides_one_to_four_not_zero() -> None:
    cells = pl.DataFrame(
        {
            "indicator": "x",
            "numerator": [0.0, 1, 4, 5],
            "denominator": 10.0,
            "value": 0.0,
            "area_id": list("abcd"),
            "year": 2024,
            "sex": "total",
        }
    )
    out = suppress(cells, additive_constraints(cells, sex_total=None))
    assert out["suppressed"].to_list() == [False, True, True, False]
    assert out["suppression_reason"][1] == "primary: fewer than 5 persons"
    assert out["numerator"][1] is None and out["denominator"][1] is None and out["value"][1] is None
    zero = suppress(cells, additive_constraints(cells, sex_total=None), suppress_zero=True)
    assert zero["suppressed"][0]


def test_threshold_per_indicator_and_respondents() -> None:
    cells = pl.DataFrame(
        {
            "indicator": ["a", "b", "c"],
            "numerator": [7.0, 7.0, 40.0],
            "respondents": [100, 100, 3],
            "denominator": 100.0,
            "value": 1.0,
            "area_id": "x",
            "year": 2024,
            "sex": "total",
        }
    )
    out = suppress(cells, additive_constraints(cells), thresholds={"a": 10})
    assert out["suppressed"].to_list() == [True, False, True]
    assert out["suppression_reason"].to_list()[2] == "primary: fewer than 5 respondents"


def test_single_hidden_part_forces_a_second_one() -> None:
    cells = table({"a": (1, 20), "b": (30, 40), "c": (12, 11)}, {"region": ["a", "b", "c"]})
    constraints = additive_constraints(cells, [hierarchy("region", ["a", "b", "c"])])
    out = suppress(cells, constraints)
    hidden = out.filter("suppressed").select("area_id", "sex", "suppression_reason").rows()
    assert ("a", "male", "primary: fewer than 5 persons") in hidden
    assert ("c", "male", "secondary: protects another cell") in hidden  # smallest other child
    assert derivable_cells(cells.height, constraints, out["suppressed"].to_numpy()).size == 0


def test_overlapping_hierarchies_are_audited() -> None:
    # a user group {a, b} overlaps the region {a, b, c, d}: differencing across both can reveal cells
    # that no single sum reveals, which the exact audit must catch.
    counts = {"a": (2, 30), "b": (25, 26), "c": (3, 40), "d": (50, 51)}
    groups = {"region": list(counts), "west": ["a", "b"]}
    cells = table(counts, groups)
    constraints = additive_constraints(cells, [hierarchy(g, m) for g, m in groups.items()])
    out = suppress(cells, constraints)
    hidden = out["suppressed"].to_numpy()
    assert derivable_cells(cells.height, constraints, hidden).size == 0
    assert not determined_by_null_space(cells.height, constraints, hidden)


def test_membership_validity_is_respected() -> None:
    cells = table({"a": (2, 30), "b": (25, 26)}, {"g": ["a"]})
    h = pl.DataFrame(
        {
            "group_id": ["g", "g"],
            "member_id": ["a", "b"],
            "valid_from": [None, 2025],
            "valid_to": [None, None],
        }
    )
    constraints = additive_constraints(cells, [h], sex_total=None)
    assert sorted(constraints.group_by("constraint").len()["len"].to_list()) == [
        2,
        2,
        2,
    ]  # b not yet a member


@st.composite
def hierarchies(draw: st.DrawFn) -> tuple[dict[str, tuple[int, int]], dict[str, list[str]]]:
    k = draw(st.integers(2, 6))
    children = [f"m{i}" for i in range(k)]
    small = st.integers(0, 12) | st.integers(0, 200)
    counts = {c: (draw(small), draw(small)) for c in children}
    groups = {"region": children}
    if draw(st.booleans()):
        groups["user_group"] = draw(st.lists(st.sampled_from(children), min_size=1, max_size=k, unique=True))
    return counts, groups


@settings(max_examples=150, deadline=None)
@given(hierarchies())
@example(
    (
        {"m0": (0, 0), "m1": (0, 1), "m2": (0, 0), "m3": (0, 0), "m4": (0, 0), "m5": (0, 5)},
        {"region": ["m0", "m1", "m2", "m3", "m4", "m5"], "user_group": ["m0", "m1"]},
    )
)  # the user group is recoverable as region minus the other members, although all its own parts are hidden
def test_no_suppressed_cell_is_derivable(
    case: tuple[dict[str, tuple[int, int]], dict[str, list[str]]],
) -> None:
    counts, groups = case
    cells = table(counts, groups)
    constraints = additive_constraints(cells, [hierarchy(g, m) for g, m in groups.items()])
    out = suppress(cells, constraints)
    hidden = out["suppressed"].to_numpy()
    small = (cells["numerator"] > 0) & (cells["numerator"] < 5)
    assert hidden[small.to_numpy()].all()
    assert derivable_cells(cells.height, constraints, hidden).size == 0
    assert not determined_by_null_space(cells.height, constraints, hidden)
    published = out.filter(~pl.col("suppressed"))
    assert published["numerator"].null_count() == 0


@settings(max_examples=100, deadline=None)
@given(hierarchies(), st.data())
def test_audit_agrees_with_null_space(
    case: tuple[dict[str, tuple[int, int]], dict[str, list[str]]], data: st.DataObject
) -> None:
    counts, groups = case
    cells = table(counts, groups)
    constraints = additive_constraints(cells, [hierarchy(g, m) for g, m in groups.items()])
    hidden = np.array(data.draw(st.lists(st.booleans(), min_size=cells.height, max_size=cells.height)))
    exact = set(derivable_cells(cells.height, constraints, hidden).tolist())
    assert exact == determined_by_null_space(cells.height, constraints, hidden)


@settings(max_examples=100, deadline=None)
@given(hierarchies(), st.data())
def test_hiding_more_never_makes_a_hidden_cell_derivable(
    case: tuple[dict[str, tuple[int, int]], dict[str, list[str]]], data: st.DataObject
) -> None:
    # What lets protect() re-audit only components with newly hidden or still derivable cells.
    counts, groups = case
    cells = table(counts, groups)
    constraints = additive_constraints(cells, [hierarchy(g, m) for g, m in groups.items()])
    hidden = np.array(data.draw(st.lists(st.booleans(), min_size=cells.height, max_size=cells.height)))
    more = hidden | np.array(data.draw(st.lists(st.booleans(), min_size=cells.height, max_size=cells.height)))
    before = set(derivable_cells(cells.height, constraints, hidden).tolist())
    after = set(derivable_cells(cells.height, constraints, more).tolist())
    assert {c for c in after if hidden[c]} <= before


@settings(max_examples=50, deadline=None)
@given(hierarchies(), hierarchies())
def test_years_are_protected_as_if_alone(
    first: tuple[dict[str, tuple[int, int]], dict[str, list[str]]],
    second: tuple[dict[str, tuple[int, int]], dict[str, list[str]]],
) -> None:
    alone = []
    for year, (counts, groups) in ((2023, first), (2024, second)):
        cells = table(counts, groups).with_columns(pl.lit(year).alias("year"))
        links = [
            hierarchy(g, m).with_columns(pl.lit(year).alias("valid_from"), pl.lit(year).alias("valid_to"))
            for g, m in groups.items()
        ]
        alone.append((cells, links))
    together = pl.concat([c for c, _ in alone])
    links = [h for _, hs in alone for h in hs]
    out = suppress(together, additive_constraints(together, links))
    expected = [suppress(c, additive_constraints(c, hs))["suppressed"] for c, hs in alone]
    assert out["suppressed"].to_list() == pl.concat(expected).to_list()
