"""Warnings about stored values that pass the validation rules but look wrong: ``kasvu quality``.

Following DHIS2's outlier detection, with the *modified z-score* (Iglewicz and
Hoaglin): ``M = 0.6745 (x − median) / MAD``, robust to the outliers it looks
for; ``|M| > 3.5`` is flagged. Two comparisons for each value of an
indicator's latest year (or the years asked for):

- **own series**: the change from the area's previous year against the area's
  other year-to-year changes (changes, not levels, so that a steady trend is
  not an outlier); a flagged change is also a *possible break in series*;
- **peers**: the value against the same year's values of the other areas of
  the same kind (municipalities with municipalities), for rates and shares
  only: counts differ by the areas' size, not by error.

Values flagged as a break in series at the source are listed too. These are
warnings for an analyst to look at, never rejections: nothing is changed.
:func:`outliers` is pure (Polars); :func:`warnings` reads the bank.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from kasvu.importers.base import FLAG_BREAK_IN_SERIES

THRESHOLD = 3.5
#: Fewer values than this make no reference to compare with.
MIN_REFERENCE = 5
SERIES = ["indicator_id", "area_id", "breakdown_id"]


@dataclass(frozen=True)
class Warning:
    """One warning; ``reason`` in English for the command line, the other fields for pages to word it."""

    indicator: str
    area: str
    year: int
    breakdown: str
    value: float | None
    reason: str
    check: str = ""  # "own series", "peers" or "break" (marked at the source)
    area_id: int | None = None
    change: float | None = None  # own series: the change from the year before
    reference: float | None = None  # the median change (own series) or peers' median value
    spread: float | None = None  # the median absolute deviation around it
    z: float | None = None  # the modified z-score
    n: int | None = None  # peers: how many areas of the kind were compared

    def __str__(self) -> str:
        value = "" if self.value is None else f" = {self.value:g}"
        return f"{self.indicator} {self.area} {self.year} {self.breakdown}{value}: {self.reason}"


def _modified_z(column: str, over: list[str]) -> pl.Expr:
    median = pl.col(column).median().over(over)
    mad = (pl.col(column) - median).abs().median().over(over)
    return pl.when(mad > 0).then(0.6745 * (pl.col(column) - median) / mad).otherwise(None)


def _flag(frame: pl.DataFrame, column: str, over: list[str], wanted: pl.Expr, check: str) -> pl.DataFrame:
    """Rows of ``wanted`` whose ``column`` is an outlier within its ``over`` group of at least MIN_REFERENCE."""
    median = pl.col(column).median().over(over)
    return (
        frame.with_columns(
            _modified_z(column, over).alias("z"),
            median.alias("reference"),
            (pl.col(column) - median).abs().median().over(over).alias("spread"),
            pl.len().over(over).alias("n"),
        )
        .filter(wanted & (pl.col("n") >= MIN_REFERENCE) & (pl.col("z").abs() > THRESHOLD))
        .with_columns(pl.lit(check).alias("check"))
    )


def outliers(frame: pl.DataFrame, *, years: list[int] | None, peer_indicators: list[int]) -> pl.DataFrame:
    """Flagged rows: ``frame`` (indicator_id, area_id, kind, year, breakdown_id, value) with ``check``,
    ``z``, ``reference`` (median) and ``spread`` (MAD) columns.

    ``years=None`` checks each indicator's latest year; ``peer_indicators`` are
    those compared with peers (rates and shares).
    """
    # A period within the year (months, quarters: kasvu.readmodel.periods) is its own point of the series.
    period = ["year", "sub"] if "sub" in frame.columns else ["year"]
    frame = frame.filter(pl.col("value").is_not_null()).sort([*SERIES, *period])
    when = pl.col("year") * 1000 + (pl.col("sub") if "sub" in frame.columns else 0)
    latest = when == when.max().over("indicator_id")
    wanted = pl.col("year").is_in(years) if years is not None else latest
    changes = frame.with_columns(
        (pl.col("value") - pl.col("value").shift(1).over(SERIES)).alias("change")
    ).filter(pl.col("change").is_not_null())
    own = _flag(changes, "change", SERIES, wanted, "own series")
    peers_by = ["indicator_id", "kind", *period, "breakdown_id"]
    peers = _flag(
        frame.filter(pl.col("indicator_id").is_in(peer_indicators)), "value", peers_by, wanted, "peers"
    )
    columns = [*SERIES, "kind", "year", "value", "check", "z", "reference", "spread", "n"]
    return pl.concat([own.select(columns), peers.select(columns)]).sort(
        "indicator_id", "area_id", "year", "check"
    )


def warnings(indicator_keys: list[str] | None = None, years: list[int] | None = None) -> list[Warning]:
    """Outliers and breaks in series among the stored values (see the module docstring)."""
    from kasvu.bank.models import Area, Breakdown, Indicator, Observation
    from kasvu.bank.observations import observations_frame

    indicators = Indicator.objects.all()
    if indicator_keys:
        indicators = indicators.filter(key__in=indicator_keys)
    info = {i.id: i for i in indicators}
    if not info:
        return []
    frame = observations_frame(indicator_ids=list(info))
    areas = {
        aid: (kind, f"{name} ({kind}:{code})")
        for aid, kind, code, name in Area.objects.values_list("id", "kind", "code", "name_fi")
    }
    kinds = pl.DataFrame(
        {"area_id": list(areas), "kind": [k for k, _ in areas.values()]},
        schema={"area_id": pl.Int64, "kind": pl.String},
    )
    frame = frame.join(kinds, on="area_id", how="left")
    peers = [
        i.id for i in info.values() if i.aggregation in ("ratio", "weighted_mean") or i.unit.strip() == "%"
    ]
    flagged = outliers(frame, years=years, peer_indicators=peers)
    breakdowns = dict(Breakdown.objects.values_list("id", "key"))
    out = []
    for row in flagged.iter_rows(named=True):
        ind = info[row["indicator_id"]]
        change = row["value"] - _previous(frame, row) if row["check"] == "own series" else None
        if row["check"] == "own series":
            reason = (
                f"change of {change:+g} from the year before, against a typical "
                f"change of {row['reference']:+g} ± {row['spread']:g} in the area's own series (modified z "
                f"{row['z']:.1f}): a possible error or break in series"
            )
        else:
            reason = (
                f"against the median {row['reference']:g} ± {row['spread']:g} of {row['n']} {row['kind']} areas "
                f"in the same year (modified z {row['z']:.1f})"
            )
        out.append(
            Warning(
                ind.key,
                areas[row["area_id"]][1],
                row["year"],
                breakdowns.get(row["breakdown_id"], ""),
                row["value"],
                reason,
                check=row["check"],
                area_id=row["area_id"],
                change=change,
                reference=row["reference"],
                spread=row["spread"],
                z=row["z"],
                n=row["n"] if row["check"] == "peers" else None,
            )  # fmt: skip
        )
    flagged_breaks = Observation.objects.filter(indicator_id__in=list(info), flags__gte=FLAG_BREAK_IN_SERIES)
    if years:
        flagged_breaks = flagged_breaks.filter(year__in=years)
    for obs in flagged_breaks.select_related("area", "breakdown", "indicator"):
        if obs.flags & FLAG_BREAK_IN_SERIES:
            out.append(
                Warning(
                    obs.indicator.key,
                    f"{obs.area.name_fi} ({obs.area.kind}:{obs.area.code})",
                    obs.year,
                    obs.breakdown.key,
                    obs.value,
                    "break in series, as the source marks it",
                    check="break",
                    area_id=obs.area_id,
                )
            )
    return out


def _previous(frame: pl.DataFrame, row: dict[str, object]) -> float:
    series = frame.filter(
        (pl.col("indicator_id") == row["indicator_id"])
        & (pl.col("area_id") == row["area_id"])
        & (pl.col("breakdown_id") == row["breakdown_id"])
        & (pl.col("year") < row["year"])
        & pl.col("value").is_not_null()
    ).sort("year")
    return float(series["value"][-1])
