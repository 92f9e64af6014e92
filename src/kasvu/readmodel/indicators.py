"""Indicators as the read model describes them: metadata frame, kind of value, one :class:`IndicatorInfo`.

The kind decides intervals, tests and what a group value is: ``proportion`` (per cent), ``rate`` (per
1,000 / 10,000 / 100,000) or ``count`` (scale 1: persons, euros). An indicator's metadata may declare it
(``notes.kind``); otherwise the scale says.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from kasvu.readmodel import store
from kasvu.readmodel.cache import cached
from kasvu.readmodel.text import pick_text

KINDS = ("proportion", "rate", "count")


def value_kind(unit: pl.Expr, scale: pl.Expr) -> pl.Expr:
    """proportion (per cent), rate (per 1,000 / 10,000 / 100,000) or count (scale 1: persons, euros)."""
    return (
        pl.when(scale == 100.0)
        .then(pl.lit("proportion"))
        .when(scale > 1.0)
        .then(pl.lit("rate"))
        .otherwise(pl.lit("count"))
        .alias("kind")
    )


def _frame() -> pl.DataFrame:
    rows = store.indicator_rows()
    declared = pl.col("declared_kind")
    by_scale = value_kind(pl.col("unit"), pl.col("scale"))
    return rows.with_columns(
        pl.when(declared.is_in(list(KINDS))).then(declared).otherwise(by_scale).alias("kind")
    ).drop("declared_kind")


def indicator_frame() -> pl.DataFrame:
    """Indicator metadata with ``kind``, one row per indicator (cached per data version)."""
    frame: pl.DataFrame = cached("indicators", _frame)
    return frame


@dataclass(frozen=True)
class IndicatorInfo:
    """One indicator in one language: what every page, download and report says about it."""

    id: int
    key: str
    title: str
    unit: str
    decimals: int
    scale: float
    direction: str
    kind: str  # proportion / rate / count
    aggregation: str
    rights: tuple[str, ...]
    themes: tuple[str, ...]
    threshold: int
    generated: bool
    source: str
    licence: str
    attribution: str
    url: str


def info_of(row: dict[str, Any], lang: str) -> IndicatorInfo:
    return IndicatorInfo(
        id=row["indicator_id"], key=row["key"], title=pick_text(row, "title", lang, row["key"]),
        unit=row["unit"] or "", decimals=int(row["decimals"]), scale=float(row["scale"]),
        direction=row["direction"], kind=row["kind"], aggregation=row["aggregation"] or "",
        rights=tuple(row["rights"] or ()), themes=tuple(row["themes"] or ()), threshold=int(row["threshold"]),
        generated=bool(row["generated"]), source=pick_text(row, "source", lang, row["source"] or ""),
        licence=row["licence"] or "", attribution=row["attribution"] or "", url=row["url"] or "",
    )  # fmt: skip


def indicator_infos(ids: Sequence[int] | None, lang: str) -> dict[int, IndicatorInfo]:
    """IndicatorInfo by id (None: all), in the order of ``ids``."""
    meta = indicator_frame()
    rows = {r["indicator_id"]: r for r in meta.iter_rows(named=True)}
    wanted = list(rows) if ids is None else [i for i in ids if i in rows]
    return {i: info_of(rows[i], lang) for i in wanted}


def indicator_ids(keys: Sequence[str]) -> dict[str, int]:
    """Ids of the indicators with these keys (unknown keys are left out)."""
    meta = indicator_frame().filter(pl.col("key").is_in(list(keys)))
    return dict(zip(meta["key"].to_list(), meta["indicator_id"].to_list(), strict=True))
