"""Ranking bands of every area of a kind, read once per (indicator, year, kind) and data version.

The reading and the disclosure gate are here; the ranking is :func:`kasvu.analysis.band_table`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import polars as pl

from kasvu.analysis.bands import BandCell, band_table
from kasvu.readmodel import store
from kasvu.readmodel.areas import area_tree
from kasvu.readmodel.cache import backend
from kasvu.readmodel.disclosure import apply_disclosure
from kasvu.readmodel.indicators import indicator_frame
from kasvu.readmodel.schema import TOTAL

BAND_KINDS = ("municipality", "region", "county")


def bands_for(
    pairs: Sequence[tuple[int, int]], kind: str, public: bool, breakdown_id: int = TOTAL
) -> dict[tuple[int, int], dict[int, BandCell]]:
    """Band of every area of ``kind`` for each (indicator, year): area_id → (band, rank, n, reason)."""
    out: dict[tuple[int, int], Any] = {}
    missing: list[tuple[int, int]] = []
    cache = backend()
    for pair in pairs:
        hit = cache.get(("band", pair, kind, public, breakdown_id))
        if hit is None:
            missing.append(pair)
        else:
            out[pair] = hit
    if missing:
        out.update(_compute(missing, kind, public, breakdown_id))
    return out


def _compute(
    pairs: list[tuple[int, int]], kind: str, public: bool, breakdown_id: int
) -> dict[tuple[int, int], dict[int, BandCell]]:
    areas = area_tree().of_kind(kind)
    ind_ids = sorted({i for i, _ in pairs})
    years = sorted({y for _, y in pairs})
    meta = indicator_frame()
    result: dict[tuple[int, int], dict[int, BandCell]] = {p: {} for p in pairs}
    if areas:
        obs = store.observations(areas, ind_ids, breakdown_id, year_in=years)
        wanted = pl.DataFrame(
            {"indicator_id": [p[0] for p in pairs], "year": [p[1] for p in pairs]},
            schema={"indicator_id": pl.Int64, "year": pl.Int64},
        )
        obs = obs.join(wanted, on=["indicator_id", "year"], how="semi")
        if obs.height:
            obs = apply_disclosure(obs, meta, public=True) if public else obs
            result.update(band_table(obs, meta))
    cache = backend()
    for pair, value in result.items():
        cache.put(("band", pair, kind, public, breakdown_id), value)
    return result
