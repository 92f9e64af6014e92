"""What every importer produces: a parsed batch of indicators and observations.

Importers are pure: they read files or API responses and return a
:class:`ParsedBatch`. They never touch the database. The store
(:mod:`kasvu.bank.loader`) validates area codes against the areas it knows and
writes the whole batch in one transaction, so an import is all or nothing.

Errors are :class:`ImportFailed` with the file, row (or key) and field, and a
message saying what to do. Commands print them without a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import polars as pl

#: The columns (and dtypes) of :attr:`ParsedBatch.observations`.
OBSERVATION_SCHEMA: dict[str, Any] = {
    "indicator": pl.String,  # indicator key, e.g. "sotkanet:127" or "local:child-poverty"
    "area_code": pl.String,  # code as the source gives it, e.g. "049", "KU049", or a Sotkanet region id
    "year": pl.Int32,  # the reference year (start year of a school year; survey round year)
    "sex": pl.String,  # "total", "male" or "female"
    "value": pl.Float64,  # may be null when suppressed at source
    "numerator": pl.Float64,
    "denominator": pl.Float64,
    "sample_size": pl.Int64,
    "flags": pl.Int32,  # bit mask of the FLAG_* constants
    "row": pl.Int64,  # 1-based row (or record number) in the source, for error messages
}

#: Columns an importer may add: a breakdown key beyond sex (``grade=5;sex=female``)
#: and interval bounds computed at the source (surveys).
OPTIONAL_COLUMNS: dict[str, Any] = {
    # The period within (or around) ``year`` when it is not the whole year: 1–12 a month, 21–24 a quarter,
    # 31–32 a half-year, 40 a school year, 100 + n pooled years ending in ``year`` (kasvu.readmodel.periods).
    "sub": pl.Int16,
    "breakdown": pl.String,
    "ci_lower": pl.Float64,
    "ci_upper": pl.Float64,
}

FLAG_PROVISIONAL = 1
FLAG_BREAK_IN_SERIES = 2
FLAG_SUPPRESSED_AT_SOURCE = 4
FLAG_GENERATED = 8  # generated demo data, never real
FLAG_DERIVED_DENOMINATOR = 16  # denominator computed by kasvu from a rounded published value

FLAG_NAMES = {
    FLAG_PROVISIONAL: "provisional",
    FLAG_BREAK_IN_SERIES: "break_in_series",
    FLAG_SUPPRESSED_AT_SOURCE: "suppressed_at_source",
    FLAG_GENERATED: "generated",
    FLAG_DERIVED_DENOMINATOR: "denominator_derived",
}

SEXES = ("total", "male", "female")


def flag_names(flags: int) -> list[str]:
    """Names of the flags set in ``flags``, e.g. ``["provisional"]``."""
    return [name for bit, name in FLAG_NAMES.items() if flags & bit]


class ImportFailed(Exception):
    """An input could not be imported. Nothing was stored.

    The message names the file, the row or key, the field, and what to do.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | str | None = None,
        field: str | None = None,
    ) -> None:
        self.file = file
        self.row = row
        self.field = field
        self.detail = message
        super().__init__(self._compose())

    def _compose(self) -> str:
        where = []
        if self.file:
            where.append(str(self.file))
        if self.row is not None:
            where.append(f"row {self.row}" if isinstance(self.row, int) else str(self.row))
        if self.field:
            where.append(f"field {self.field!r}")
        prefix = ", ".join(where)
        return f"{prefix}: {self.detail}" if prefix else self.detail


@dataclass
class IndicatorMeta:
    """Metadata of one indicator as a source describes it.

    ``key`` is kasvu's identifier: ``"<source>:<source_id>"``. Texts are dicts
    by language (``{"fi": ..., "sv": ..., "en": ...}``); missing languages are
    simply absent.
    """

    key: str
    source: str
    source_id: str
    title: dict[str, str]
    description: dict[str, str] = field(default_factory=dict)
    unit: str = ""  # e.g. "%", "per 1000", "persons", "euros"
    decimals: int = 1
    numerator_meaning: dict[str, str] = field(default_factory=dict)
    denominator_meaning: dict[str, str] = field(default_factory=dict)
    direction: str = "neutral"  # "higher_better", "lower_better" or "neutral"
    aggregation: str = "unknown"  # "ratio", "sum", "weighted_mean" or "none"/"unknown"
    scale: float = 1.0  # value = numerator / denominator * scale (100 for %, 1000 for per 1000)
    themes: list[str] = field(default_factory=list)
    rights: list[str] = field(default_factory=list)  # keys of kasvu.rights.RIGHTS
    period_kind: str = (
        "year"  # "year", "school_year", "half_year", "quarter", "month", "pooled", "survey_round"
    )
    licence: str = "CC BY 4.0"
    attribution: str = ""
    source_url: str = ""
    notes: dict[str, str] = field(default_factory=dict)  # e.g. breaks in series, limits
    last_updated: datetime | None = None
    suppression_threshold: int | None = None  # None: the default (5)


@dataclass
class ParsedBatch:
    """Indicators and observations read from one source file or response.

    ``area_scheme`` tells the loader how to read ``area_code``: ``"code"``
    (official codes, kind given by ``area_kind`` or guessed from width),
    ``"statfin"`` (``KU049``, ``MK01``, ``SSS``) or ``"sotkanet"`` (Sotkanet's
    internal region ids).
    """

    source_file: str
    indicators: list[IndicatorMeta]
    observations: pl.DataFrame
    area_scheme: str = "code"
    area_kind: str | None = None
    source_url: str = ""
    retrieved_at: datetime | None = None
    notes: list[str] = field(default_factory=list)
    #: What ``row`` counts, for messages: "row" (of a sheet or CSV), or "cell" (of a PX/JSON-stat cube).
    row_kind: str = "row"

    def __post_init__(self) -> None:
        missing = [c for c in OBSERVATION_SCHEMA if c not in self.observations.columns]
        if missing:
            raise ValueError(f"observations lack columns {missing}")
        optional = [pl.col(c).cast(t) for c, t in OPTIONAL_COLUMNS.items() if c in self.observations.columns]
        self.observations = self.observations.select(
            [pl.col(c).cast(t) for c, t in OBSERVATION_SCHEMA.items()] + optional
        )


def empty_observations() -> pl.DataFrame:
    return pl.DataFrame(schema=OBSERVATION_SCHEMA)


def parse_json_text(text: str | bytes, *, file: str) -> Any:
    """Parse JSON, turning a syntax error into :class:`ImportFailed` with its position.

    A truncated download is the usual cause, so the message says to fetch the
    file again.
    """
    import json

    try:
        return json.loads(text)
    except UnicodeDecodeError as exc:
        raise ImportFailed(
            f"the file is not UTF-8 text (byte {exc.start}). Save it as UTF-8 JSON and try again.",
            file=file,
        ) from exc
    except json.JSONDecodeError as exc:
        raise ImportFailed(
            f"invalid JSON at line {exc.lineno} column {exc.colno} (character {exc.pos}): {exc.msg}. "
            "The file may be truncated or edited by hand; download it again.",
            file=file,
        ) from exc
