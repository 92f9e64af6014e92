"""Periods of observations: a kind (year, school year, half-year, quarter, month, pooled years) with a first
and a last day.

The bank stores a period in two small integers (``Observation.year`` and ``Observation.sub``) so that a
yearly value — the default and the fast path — is ``(year, 0)`` and every other kind is a code in ``sub``:

=========  ================  ==================================  =============
sub        kind              year                                code
=========  ================  ==================================  =============
0          year              the year                            ``2024``
1–12       month             the year                            ``2024M03``
21–24      quarter           the year                            ``2024Q1``
31–32      half_year         the year                            ``2024H1``
40         school_year       the year it starts in (August)      ``2024/2025``
102–199    pooled            the last year; sub − 100 years      ``2022–2023``
=========  ================  ==================================  =============

Everything that asks the read model for values says which periods it wants with a :class:`Period` or a
:class:`PeriodRange`. Pure.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

import polars as pl

PeriodKind = Literal["year", "school_year", "half_year", "quarter", "month", "pooled"]
KINDS: tuple[str, ...] = ("year", "school_year", "half_year", "quarter", "month", "pooled")

YEAR = 0
QUARTER_BASE = 20
HALF_BASE = 30
SCHOOL_YEAR = 40
POOLED_BASE = 100


class UnknownPeriod(ValueError):
    """A period could not be read (e.g. "2024M13"): the message says which forms are understood."""


FORMS = "a year 2024, a month 2024M03, a quarter 2024Q1, a half-year 2024H1, a school year 2024/2025 or pooled years 2022–2023"

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(\d{4})$"), "year"),
    (re.compile(r"^(\d{4})\s*[Mm-]\s*(\d{1,2})$"), "month"),
    (re.compile(r"^(\d{4})\s*[Qq]\s*([1-4])$"), "quarter"),
    (re.compile(r"^(\d{4})\s*[Hh]\s*([12])$"), "half_year"),
    (re.compile(r"^(\d{4})\s*/\s*(\d{4})$"), "school_year"),
    (re.compile(r"^(\d{4})\s*[-–]\s*(\d{4})$"), "pooled"),
)


def _kind_of(sub: int) -> PeriodKind:
    if sub == YEAR:
        return "year"
    if 1 <= sub <= 12:
        return "month"
    if QUARTER_BASE < sub <= QUARTER_BASE + 4:
        return "quarter"
    if HALF_BASE < sub <= HALF_BASE + 2:
        return "half_year"
    if sub == SCHOOL_YEAR:
        return "school_year"
    if POOLED_BASE + 2 <= sub < POOLED_BASE + 100:
        return "pooled"
    raise UnknownPeriod(f"Unknown stored period code {sub}.")


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


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
    def of_month(cls, year: int, month: int) -> Period:
        return cls(dt.date(year, month, 1), _month_end(year, month), "month")

    @classmethod
    def of_quarter(cls, year: int, quarter: int) -> Period:
        return cls(dt.date(year, 3 * quarter - 2, 1), _month_end(year, 3 * quarter), "quarter")

    @classmethod
    def of_half(cls, year: int, half: int) -> Period:
        return cls(dt.date(year, 6 * half - 5, 1), _month_end(year, 6 * half), "half_year")

    @classmethod
    def of_school_year(cls, first_year: int) -> Period:
        return cls(dt.date(first_year, 8, 1), dt.date(first_year + 1, 7, 31), "school_year")

    @classmethod
    def of_pooled(cls, first: int, last: int) -> Period:
        return cls(dt.date(first, 1, 1), dt.date(last, 12, 31), "pooled")

    @classmethod
    def stored(cls, year: int, sub: int = 0) -> Period:
        """The period of the bank's ``(year, sub)`` (see the module docstring)."""
        kind = _kind_of(sub)
        if kind == "year":
            return cls.of_year(year)
        if kind == "month":
            return cls.of_month(year, sub)
        if kind == "quarter":
            return cls.of_quarter(year, sub - QUARTER_BASE)
        if kind == "half_year":
            return cls.of_half(year, sub - HALF_BASE)
        if kind == "school_year":
            return cls.of_school_year(year)
        return cls.of_pooled(year - (sub - POOLED_BASE) + 1, year)

    @classmethod
    def parse(cls, text: str) -> Period:
        """``2024``, ``2024M03`` (or ``2024-03``), ``2024Q1``, ``2024H1``, ``2024/2025``, ``2022–2023``."""
        text = str(text).strip()
        for pattern, kind in _PATTERNS:
            m = pattern.match(text)
            if not m:
                continue
            y = int(m.group(1))
            if kind == "year":
                return cls.of_year(y)
            n = int(m.group(2))
            if kind == "month" and 1 <= n <= 12:
                return cls.of_month(y, n)
            if kind == "quarter":
                return cls.of_quarter(y, n)
            if kind == "half_year":
                return cls.of_half(y, n)
            if kind == "school_year" and n == y + 1:
                return cls.of_school_year(y)
            if kind == "pooled" and y < n < y + 99:
                return cls.of_pooled(y, n)
        raise UnknownPeriod(f"Unknown period {text!r}: give {FORMS}.")

    @property
    def year(self) -> int:
        """The bank's ``year`` column: the year the period starts in (pooled years: the last year)."""
        return self.end.year if self.kind == "pooled" else self.start.year

    @property
    def sub(self) -> int:
        """The bank's ``sub`` column (see the module docstring)."""
        if self.kind == "year":
            return YEAR
        if self.kind == "month":
            return self.start.month
        if self.kind == "quarter":
            return QUARTER_BASE + (self.start.month - 1) // 3 + 1
        if self.kind == "half_year":
            return HALF_BASE + (self.start.month - 1) // 6 + 1
        if self.kind == "school_year":
            return SCHOOL_YEAR
        return POOLED_BASE + self.end.year - self.start.year + 1

    @property
    def code(self) -> str:
        return code_of(self.year, self.sub)

    @property
    def label(self) -> str:
        return self.code

    def __str__(self) -> str:
        return self.code


def code_of(year: int, sub: int = 0) -> str:
    """The period's code: ``2024``, ``2024M03``, ``2024Q1``, ``2024H1``, ``2024/2025``, ``2022–2023``."""
    if sub == YEAR:
        return str(year)
    kind = _kind_of(sub)
    if kind == "month":
        return f"{year}M{sub:02d}"
    if kind == "quarter":
        return f"{year}Q{sub - QUARTER_BASE}"
    if kind == "half_year":
        return f"{year}H{sub - HALF_BASE}"
    if kind == "school_year":
        return f"{year}/{year + 1}"
    return f"{year - (sub - POOLED_BASE) + 1}–{year}"


def kind_of(sub: int) -> PeriodKind:
    return _kind_of(sub)


def code_expr(year: str = "year", sub: str = "sub") -> pl.Expr:
    """A Polars expression for :func:`code_of` over two columns (vectorised; years alone stay fast)."""
    y, s = pl.col(year), pl.col(sub)
    ys = y.cast(pl.String)
    return (
        pl.when(s == YEAR)
        .then(ys)
        .when(s <= 12)
        .then(ys + pl.lit("M") + s.cast(pl.String).str.zfill(2))
        .when(s <= QUARTER_BASE + 4)
        .then(ys + pl.lit("Q") + (s - QUARTER_BASE).cast(pl.String))
        .when(s <= HALF_BASE + 2)
        .then(ys + pl.lit("H") + (s - HALF_BASE).cast(pl.String))
        .when(s == SCHOOL_YEAR)
        .then(ys + pl.lit("/") + (y + 1).cast(pl.String))
        .otherwise((y - (s - POOLED_BASE) + 1).cast(pl.String) + pl.lit("–") + ys)
    )


def kind_expr(sub: str = "sub") -> pl.Expr:
    s = pl.col(sub)
    return (
        pl.when(s == YEAR)
        .then(pl.lit("year"))
        .when(s <= 12)
        .then(pl.lit("month"))
        .when(s <= QUARTER_BASE + 4)
        .then(pl.lit("quarter"))
        .when(s <= HALF_BASE + 2)
        .then(pl.lit("half_year"))
        .when(s == SCHOOL_YEAR)
        .then(pl.lit("school_year"))
        .otherwise(pl.lit("pooled"))
    )


def parse_codes(codes: pl.Series) -> pl.DataFrame:
    """``year`` and ``sub`` (Int32, Int16) of period codes; null where a code cannot be read."""
    uniq = codes.unique().to_list()
    years: list[int | None] = []
    subs: list[int | None] = []
    for c in uniq:
        try:
            p = Period.parse(str(c)) if c is not None else None
        except UnknownPeriod:
            p = None
        years.append(p.year if p else None)
        subs.append(p.sub if p else None)
    table = pl.DataFrame(
        {"_code": uniq, "year": years, "sub": subs},
        schema={"_code": codes.dtype, "year": pl.Int32, "sub": pl.Int16},
    )
    return (
        pl.DataFrame({"_code": codes})
        .join(table, on="_code", how="left", maintain_order="left")
        .drop("_code")
    )


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
        if self.kind == "year":
            for y in range(self.first.year, self.last.year + 1):
                yield Period.of_year(y)
            return
        if self.kind == "month":
            y, m = self.first.year, self.first.start.month
            while (y, m) <= (self.last.year, self.last.start.month):
                yield Period.of_month(y, m)
                y, m = (y + 1, 1) if m == 12 else (y, m + 1)
            return
        if self.kind in ("quarter", "half_year"):
            step = 3 if self.kind == "quarter" else 6
            make = Period.of_quarter if self.kind == "quarter" else Period.of_half
            y, n = self.first.year, (self.first.start.month - 1) // step + 1
            last = (self.last.year, (self.last.start.month - 1) // step + 1)
            while (y, n) <= last:
                yield make(y, n)
                y, n = (y + 1, 1) if n == 12 // step else (y, n + 1)
            return
        if self.kind == "school_year":
            for y in range(self.first.year, self.last.year + 1):
                yield Period.of_school_year(y)
            return
        span = self.first.end.year - self.first.start.year
        for y in range(self.first.year, self.last.year + 1):
            yield Period.of_pooled(y - span, y)


def years_of(periods: PeriodRange | tuple[Period, ...] | list[Period] | None) -> tuple[int, int] | None:
    """The span of years that covers ``periods`` (None: all)."""
    if periods is None:
        return None
    if isinstance(periods, PeriodRange):
        return periods.years
    if not periods:
        return None
    return min(p.year for p in periods), max(p.year for p in periods)


def with_period_columns(frame: pl.DataFrame, *, dates: bool = True) -> pl.DataFrame:
    """``frame`` (with ``year`` and ``sub``; no ``sub``: whole years) with ``period`` (the code) and, with
    ``dates``, ``period_start`` and ``period_end`` (first and last day), computed once per period."""
    if "sub" not in frame.columns:
        frame = frame.with_columns(pl.lit(0, pl.Int64).alias("sub"))
    pairs = frame.select(pl.col("year").cast(pl.Int64), pl.col("sub").cast(pl.Int64)).unique()
    rows = [(y, s, Period.stored(y, s)) for y, s in pairs.iter_rows() if y is not None and s is not None]
    table = pl.DataFrame(
        {
            "year": [y for y, _, _ in rows],
            "sub": [s for _, s, _ in rows],
            "period": [p.code for _, _, p in rows],
            "period_start": [p.start for _, _, p in rows],
            "period_end": [p.end for _, _, p in rows],
        },
        schema={
            "year": pl.Int64,
            "sub": pl.Int64,
            "period": pl.String,
            "period_start": pl.Date,
            "period_end": pl.Date,
        },
    )
    if not dates:
        table = table.drop("period_start", "period_end")
    new = [c for c in table.columns if c not in ("year", "sub")]
    base = frame.drop([c for c in new if c in frame.columns])
    out = base.with_columns(
        pl.col("year").cast(pl.Int64).alias("_y"), pl.col("sub").cast(pl.Int64).alias("_s")
    )
    return out.join(
        table.rename({"year": "_y", "sub": "_s"}), on=["_y", "_s"], how="left", maintain_order="left"
    ).drop("_y", "_s")


def like_latest(
    frame: pl.DataFrame, area_id: int | None = None, until_year: int | None = None
) -> pl.DataFrame:
    """Each indicator in periods like its latest one (of ``area_id``'s values, or of any area's): a monthly
    indicator whose latest value is of March 2024 keeps the Marches of every year — one value per year, as
    a yearly indicator has, so that a profile or report compares like periods and follows them over the
    years. Yearly indicators (and frames without ``sub``) are returned unchanged."""
    if "sub" not in frame.columns or not (frame["sub"] != 0).any():
        return frame
    have = frame.filter(pl.col("value").is_not_null() | pl.col("hidden"))
    if area_id is not None:
        have = have.filter(pl.col("area_id") == area_id)
    if until_year is not None:
        have = have.filter(pl.col("year") <= until_year)
    latest = have.sort("year", "sub").group_by("indicator_id").agg(pl.col("sub").last().alias("_sub"))
    return (
        frame.join(latest, on="indicator_id", how="left")
        .filter(pl.col("_sub").is_null() | (pl.col("sub") == pl.col("_sub")))
        .drop("_sub")
    )
