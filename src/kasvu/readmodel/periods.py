"""Periods of observations: a kind (year now; quarter and month to come) with a first and a last day.

The bank stores years (``Observation.year``). Everything that asks the read model for values says which
periods it wants with a :class:`Period` or a :class:`PeriodRange`, so that quarters and months (issue 17)
are a new ``kind`` here and a new column in the store, not a change in every caller. Pure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

PeriodKind = Literal["year", "quarter", "month"]
KINDS: tuple[str, ...] = ("year", "quarter", "month")


class UnknownPeriod(ValueError):
    """A period could not be read (e.g. "2024-13"): the message says which forms are understood."""


@dataclass(frozen=True, order=True)
class Period:
    """One period: ``start`` and ``end`` are its first and last day (inclusive)."""

    start: dt.date
    end: dt.date
    kind: PeriodKind = "year"

    @classmethod
    def of_year(cls, year: int) -> Period:
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31), "year")

    @classmethod
    def parse(cls, text: str) -> Period:
        """``2024`` (a year). Quarters (``2024Q1``) and months (``2024-03``) come with the data flows that
        bring them."""
        text = text.strip()
        if text.isdigit() and len(text) == 4:
            return cls.of_year(int(text))
        raise UnknownPeriod(f"Unknown period {text!r}: give a year such as 2024.")

    @property
    def year(self) -> int:
        """The calendar year the period lies in (the bank's ``year`` column)."""
        return self.start.year

    @property
    def label(self) -> str:
        if self.kind == "year":
            return str(self.start.year)
        if self.kind == "quarter":
            return f"{self.start.year}Q{(self.start.month - 1) // 3 + 1}"
        return f"{self.start.year}-{self.start.month:02d}"

    def __str__(self) -> str:
        return self.label


@dataclass(frozen=True)
class PeriodRange:
    """All periods of one kind from ``first`` to ``last`` (inclusive)."""

    first: Period
    last: Period

    def __post_init__(self) -> None:
        if self.first.kind != self.last.kind:
            raise UnknownPeriod(
                f"A range goes from one kind of period to the same: {self.first}–{self.last}."
            )
        if self.last < self.first:
            raise UnknownPeriod(f"The range {self.first}–{self.last} ends before it begins: swap them.")

    @classmethod
    def of_years(cls, first: int, last: int) -> PeriodRange:
        return cls(Period.of_year(first), Period.of_year(last))

    @property
    def kind(self) -> PeriodKind:
        return self.first.kind

    @property
    def years(self) -> tuple[int, int]:
        """(first year, last year): what the bank's ``year`` column is filtered on."""
        return self.first.year, self.last.year

    def __contains__(self, period: object) -> bool:
        return isinstance(period, Period) and self.first.start <= period.start and period.end <= self.last.end

    def __iter__(self) -> Iterator[Period]:
        if self.kind != "year":  # pragma: no cover - quarters and months come with issue 17
            raise NotImplementedError("Only years can be listed yet.")
        for y in range(self.first.year, self.last.year + 1):
            yield Period.of_year(y)


def years_of(periods: PeriodRange | tuple[Period, ...] | list[Period] | None) -> tuple[int, int] | None:
    """The span of years that covers ``periods`` (None: all)."""
    if periods is None:
        return None
    if isinstance(periods, PeriodRange):
        return periods.years
    if not periods:
        return None
    return min(p.year for p in periods), max(p.year for p in periods)
