"""What each indicator is compared with by default: the one answer for profiles, reports and pages.

Register data (THL, Statistics Finland, the unit's own tables) are compared with the area's region, county
and Finland (:meth:`kasvu.readmodel.AreaTree.default_references`). A survey's indicators are compared with
the survey's own reference population: the area holding exactly the survey's municipalities, stored on
its indicators when the survey is published (``notes.reference_areas``, :mod:`kasvu.surveys.publication`)
— a survey of 15 West and Central Uusimaa municipalities has no value for Uusimaa or Finland to compare
with, and its own total is what its report compares with. A survey's area is never a default reference
for register indicators, and user groups are references only when someone chooses them (issue 15).

Pure once given the tree and the indicator metadata (:func:`kasvu.readmodel.indicator_frame`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

import polars as pl

from kasvu.readmodel.areas import AreaTree, Purpose


def survey_reference_areas(tree: AreaTree, meta: pl.DataFrame) -> dict[int, list[int]]:
    """Indicator id → its survey's reference population (area ids), for the survey indicators in ``meta``."""
    out: dict[int, list[int]] = {}
    for ind, keys in meta.select("indicator_id", "reference_areas").iter_rows():
        ids = [i for i in (tree.id_of(k) for k in keys or ()) if i is not None]
        if ids:
            out[int(ind)] = ids
    return out


def references_by_indicator(
    tree: AreaTree,
    meta: pl.DataFrame,
    area_id: int,
    year: int | None = None,
    purpose: Purpose = "profile",
    present: Collection[int] | None = None,
) -> dict[int, list[int]]:
    """Indicator id → the areas ``area_id`` is compared with by default in ``year``, for each indicator of
    ``meta`` (only those in ``present``, e.g. the indicators with values for the area, when given).

    Survey indicators: their survey's reference population (none when the area is that population);
    every other indicator: the area's defaults without any survey's area."""
    surveys = survey_reference_areas(tree, meta)
    survey_areas = {a for ids in surveys.values() for a in ids if tree.kind(a) == "group"}
    register = [r for r in tree.default_references(area_id, year, purpose) if r not in survey_areas]
    out: dict[int, list[int]] = {}
    for ind in meta["indicator_id"].to_list():
        if present is not None and ind not in present:
            continue
        own = surveys.get(ind)
        out[ind] = [r for r in own if r != area_id] if own is not None else list(register)
    return out


def all_references(by_indicator: Mapping[int, Sequence[int]], first: Sequence[int] = ()) -> list[int]:
    """Every reference once: ``first`` (the register defaults) in its order, then the others some
    indicator uses (a survey's area), in order of appearance."""
    out = list(dict.fromkeys(first))
    for refs in by_indicator.values():
        out.extend(r for r in refs if r not in out)
    return out


def references_for_area(
    area_id: int,
    year: int | None = None,
    purpose: Purpose = "profile",
    indicator_ids: Sequence[int] | None = None,
) -> tuple[list[int], dict[int, list[int]]]:
    """(every default reference of the area, indicator id → its references) over the indicators with values
    for the area (``indicator_ids``: only these), from the current data version."""
    from kasvu.readmodel.areas import area_tree
    from kasvu.readmodel.indicators import indicator_frame
    from kasvu.readmodel.store import indicators_with_data

    tree = area_tree()
    meta = indicator_frame()
    if indicator_ids is not None:
        meta = meta.filter(pl.col("indicator_id").is_in(list(indicator_ids)))
    by = references_by_indicator(tree, meta, area_id, year, purpose, set(indicators_with_data([area_id])))
    return all_references(by, tree.default_references(area_id, year, purpose)), by
