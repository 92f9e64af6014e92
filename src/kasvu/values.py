"""Deprecated: the read model moved to :mod:`kasvu.readmodel` (values, areas, disclosure, intervals) and
:mod:`kasvu.analysis` (comparisons, trends, bands). This module re-exports the old names for one release;
new code imports from those packages::

    from kasvu.readmodel import ValueQuery, read_values, area_tree
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from typing import Any

import polars as pl

from kasvu.readmodel import store as _store
from kasvu.readmodel.areas import AreaInfo, area_tree
from kasvu.readmodel.cache import LocalBackend, clear_caches
from kasvu.readmodel.cache import backend as _backend
from kasvu.readmodel.disclosure import apply_disclosure
from kasvu.readmodel.groups import group_values
from kasvu.readmodel.indicators import indicator_frame, value_kind
from kasvu.readmodel.intervals import add_intervals
from kasvu.readmodel.query import combined_values, finish
from kasvu.readmodel.schema import (
    OBS_COLUMNS,
    OBS_SCHEMA,
    R_COUNT,
    R_NO_COUNTS,
    R_PRIMARY,
    R_SECONDARY,
    TOTAL,
)
from kasvu.readmodel.store import data_version

__all__ = [
    "OBS_COLUMNS", "OBS_SCHEMA", "R_COUNT", "R_NO_COUNTS", "R_PRIMARY", "R_SECONDARY", "TOTAL", "AreaInfo",
    "add_intervals", "apply_disclosure", "area_info", "area_values", "clear_caches", "data_version",
    "default_references", "group_values", "indicator_frame", "indicator_ids_with_data", "is_contained",
    "read_observations", "read_values", "value_kind",
]  # fmt: skip


class _CacheProxy:
    """``values._CACHE.sync(...)`` of old callers, forwarded to the read model's cache backend."""

    def sync(self, version: Hashable) -> None:
        _backend().sync(version)

    def get(self, key: Hashable) -> Any:
        return _backend().get(key)

    def put(self, key: Hashable, value: Any) -> None:
        _backend().put(key, value)

    def clear(self) -> None:
        _backend().clear()


_CACHE = _CacheProxy()
_VersionedCache = LocalBackend


def read_observations(
    area_ids: Sequence[int],
    indicator_ids: Sequence[int],
    breakdown_id: int = TOTAL,
    years: tuple[int, int] | None = None,
    year_in: Sequence[int] | None = None,
) -> pl.DataFrame:
    return _store.observations(area_ids, indicator_ids, breakdown_id, years, year_in).drop("import_run_id")


def read_values(
    area_ids: Sequence[int],
    indicator_ids: Sequence[int],
    breakdown_id: int = TOTAL,
    years: tuple[int, int] | None = None,
    year_in: Sequence[int] | None = None,
) -> pl.DataFrame:
    return combined_values(area_ids, indicator_ids, breakdown_id, years, year_in)


def area_values(
    area_ids: Sequence[int],
    indicator_ids: Sequence[int],
    *,
    public: bool,
    breakdown_id: int = TOTAL,
    years: tuple[int, int] | None = None,
) -> pl.DataFrame:
    _store.sync()
    meta = indicator_frame().filter(pl.col("indicator_id").is_in(list(indicator_ids)))
    return finish(combined_values(area_ids, indicator_ids, breakdown_id, years), meta, public=public)


def area_info(area_id: int) -> AreaInfo:
    return area_tree().info(area_id)


def default_references(area_id: int, year: int | None = None) -> list[int]:
    return area_tree().default_references(area_id, year)


def is_contained(area_id: int, reference_id: int, year: int | None = None) -> bool:
    return area_tree().contains(reference_id, area_id, year)


def indicator_ids_with_data(area_ids: Iterable[int]) -> list[int]:
    return _store.indicators_with_data(list(area_ids))


def _areas_frame() -> pl.DataFrame:
    return area_tree().areas


def _memberships() -> pl.DataFrame:
    return area_tree().memberships


def _parents(area_id: int, kind: str, year: int | None = None) -> list[int]:
    return area_tree().parents(area_id, kind, year)
