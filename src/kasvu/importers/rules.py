"""Validation rules every import passes before anything is stored.

An importer checks that a cell *is* a number; these rules check that the
number can be *true* for what the indicator measures. They follow DHIS2's
validation rules: what an indicator measures is read from its metadata
(unit, aggregation, scale), not from a list of indicators, so a new source is
checked the day it is added.

- a **count** (unit ``persons``, ``lkm``, ``number``…) is a whole, non-negative
  number below :data:`MAX_COUNT`;
- a **share** (unit ``%``, scale 100, a ratio or weighted mean) lies within
  0–100 %, and its numerator is not larger than its denominator;
- numerators and denominators are counts: never negative;
- no value is beyond :data:`MAX_MAGNITUDE`, whatever the unit.

A rule that fails names the file, the row, the field, the indicator and what
to do, and the import stores nothing. The escape hatch for an indicator that
is not what its unit suggests (a change in per cent, a balance) is to say so
in its metadata: ``aggregation: none`` exempts it from the share rule.

Pure: Polars only, no Django, so the pipeline's reading thread runs it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

import polars as pl

from kasvu.importers.base import ImportFailed, IndicatorMeta

#: Units that mean "a number of persons or events": whole and non-negative.
COUNT_UNITS = frozenset(
    {
        "persons",
        "person",
        "people",
        "henkilöä",
        "henkilöt",
        "lkm",
        "lukumäärä",
        "count",
        "number",
        "antal",
        "personer",
        "children",
        "lapsia",
        "births",
        "households",
        "families",
        "cases",
    }
)
#: Aggregations under which a ``%`` indicator is a share of its denominator.
SHARE_AGGREGATIONS = frozenset({"ratio", "weighted_mean"})
#: No count of persons or events in a Finnish area comes near this (Finland has 5.6 million people).
MAX_COUNT = 100_000_000
#: No value of any indicator comes near this (the state budget is about 10^11 euros).
MAX_MAGNITUDE = 1e15

#: Relative slack for floating-point noise in computed numbers (3855 vs 3854.9999999999995).
TOLERANCE = 1e-9


@dataclass(frozen=True)
class Measure:
    """What an indicator measures, as far as the rules need to know."""

    unit: str
    aggregation: str
    scale: float

    @property
    def is_count(self) -> bool:
        return self.unit.strip().lower() in COUNT_UNITS

    @property
    def is_share(self) -> bool:
        return self.unit.strip() == "%" and self.scale == 100 and self.aggregation in SHARE_AGGREGATIONS

    @classmethod
    def of(cls, meta: IndicatorMeta) -> Measure:
        return cls(meta.unit, meta.aggregation, meta.scale)


@dataclass(frozen=True)
class Rule:
    """One check: rows where ``bad`` is true fail, and ``message`` says why and what to do."""

    field: str
    bad: pl.Expr
    message: str  # formatted with the row's values and {indicator}


def _rules(measures: Mapping[str, Measure]) -> Iterator[Rule]:
    counts = [key for key, m in measures.items() if m.is_count]
    shares = [key for key, m in measures.items() if m.is_share]
    value = pl.col("value")
    for column in ("numerator", "denominator"):
        yield Rule(
            column,
            pl.col(column) < 0,
            "indicator {indicator}: the " + column + " is {" + column + "}, but numerators and denominators "
            "are counts and cannot be negative. Correct the cell or leave it empty.",
        )
    if counts:
        is_count = pl.col("indicator").is_in(counts)
        yield Rule(
            "value",
            is_count & (value < 0),
            "indicator {indicator} is a count ({unit}) but the value is {value}: a count cannot be negative. "
            "Correct the value (a missing one is left empty), or fix the indicator's unit if it is not a count.",
        )
        yield Rule(
            "value",
            is_count & (value > MAX_COUNT),
            "indicator {indicator} is a count ({unit}) but the value is {value}, over "
            f"{MAX_COUNT:,} (Finland has 5.6 million people). The cell is probably damaged or in the wrong "
            "unit: correct it.",
        )
        yield Rule(
            "value",
            is_count & (value != value.round(0)),
            "indicator {indicator} is a count ({unit}) but the value {value} is not a whole number. "
            "Give the count, or fix the indicator's unit if it is a rate or an average.",
        )
    if shares:
        is_share = pl.col("indicator").is_in(shares)
        yield Rule(
            "value",
            is_share & ((value < 0) | (value > 100 * (1 + TOLERANCE))),
            "indicator {indicator} is a share (%) but the value is {value}, outside 0–100 %. Correct the "
            "value; if the indicator is not a share of its denominator (e.g. a change in per cent), give it "
            "aggregation 'none' in its metadata.",
        )
        yield Rule(
            "numerator",
            # Up to rounding: a denominator kasvu derived from a rounded share may differ in the last bits.
            is_share & (pl.col("numerator") > pl.col("denominator") * (1 + TOLERANCE) + TOLERANCE),
            "indicator {indicator} is a share (%) but the numerator {numerator} is larger than the "
            "denominator {denominator} (a share above 100 %). Check that the two columns are not swapped "
            "and that both count the same population.",
        )
    yield Rule(
        "value",
        value.abs() > MAX_MAGNITUDE,
        "indicator {indicator}: the value {value} is beyond any plausible magnitude (over 10^15). "
        "The cell is probably damaged: correct it or leave it empty.",
    )


def check(
    observations: pl.DataFrame, measures: Mapping[str, Measure], *, file: str, row_kind: str = "row"
) -> None:
    """Raise :class:`ImportFailed` for the first row (in file order) that breaks a rule.

    ``measures`` covers the indicators whose metadata is known; rows of other
    indicators are checked only by the rules that need no metadata.
    """
    for rule in _rules(measures):
        bad = observations.filter(rule.bad.fill_null(False))
        if bad.height:
            row = bad.sort("row").row(0, named=True)
            measure = measures.get(row["indicator"])
            values = {k: _number(row.get(k)) for k in ("value", "numerator", "denominator") if k in row}
            message = rule.message.format(
                indicator=repr(row["indicator"]), unit=measure.unit if measure else "", **values
            )
            place = bad.height - 1
            if place:
                message += f" ({place:,} more rows break the same rule.)"
            where: int | str = row["row"] if row_kind == "row" else f"{row_kind} {row['row']}"
            raise ImportFailed(message, file=file, row=where, field=rule.field)


def measures_of(metas: Iterable[IndicatorMeta]) -> dict[str, Measure]:
    return {meta.key: Measure.of(meta) for meta in metas}


def _number(value: object) -> str:
    if isinstance(value, float):
        return f"{value:g}" if abs(value) >= 1e15 or value != int(value) else f"{int(value)}"
    return str(value)
