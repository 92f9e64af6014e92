"""Target status of a goal indicator: reached, on track, off track or no data.

:func:`indicator_status` reads the latest stored value from the bank and asks
the statistics core (:mod:`kasvu.stats.targets`). The status is computed on read, so it follows new data without
anyone touching the plan; :func:`record_statuses` stores each change (called
after every import through :data:`kasvu.bank.signals.observations_changed`),
so the history shows how a status moved.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import polars as pl

from kasvu.plans.models import GoalIndicator, GoalIndicatorStatus
from kasvu.stats import targets

TOTAL_BREAKDOWN_ID = 1
SCHEMA = {
    "baseline_year": pl.Int32,
    "baseline_value": pl.Float64,
    "target_year": pl.Int32,
    "target_value": pl.Float64,
    "direction": pl.String,
    "latest_year": pl.Int32,
    "latest_value": pl.Float64,
    "latest_lower": pl.Float64,
    "latest_upper": pl.Float64,
}


@dataclass(frozen=True)
class Latest:
    year: int
    value: float
    lower: float | None = None
    upper: float | None = None


@dataclass(frozen=True)
class StatusResult:
    status: str
    latest: Latest | None
    expected: float | None = None  # where the straight path from baseline to target is by then
    reason: str = ""  # why there is no status (no_data)


def target_status(
    *,
    baseline_year: int | None,
    baseline: float | None,
    target_year: int | None,
    target: float | None,
    direction: str,
    latest: Latest | None,
) -> StatusResult:
    """Ask the statistics core (:func:`kasvu.stats.targets.target_status`, where the rule and its
    reasons are documented) about one goal indicator."""
    frame = pl.DataFrame(
        [
            {
                "baseline_year": baseline_year,
                "baseline_value": baseline,
                "target_year": target_year,
                "target_value": target,
                "direction": direction,
                "latest_year": latest.year if latest else None,
                "latest_value": latest.value if latest else None,
                "latest_lower": latest.lower if latest else None,
                "latest_upper": latest.upper if latest else None,
            }
        ],
        schema=SCHEMA,
    )
    row = targets.target_status(frame).row(0, named=True)
    return StatusResult(row["status"], latest, row["path_value"], row["reason"] or "")


def latest_value(goal_indicator: GoalIndicator, year: int | None = None) -> Latest | None:
    """The newest published value (total breakdown) of the indicator in the area, up to ``year``.

    Read through the read model (:func:`kasvu.readmodel.read_values`), as every page: a group's value
    is computed from its members, and values hidden by disclosure control are never used: a plan's
    status is shown to the public with an approved plan, and "reached" would tell about a hidden small
    number. The interval is the one the pages show.
    """
    from kasvu.readmodel import PeriodRange, ValueQuery, read_values

    q = ValueQuery(
        indicators=[goal_indicator.indicator_id],
        areas=[goal_indicator.area_id],
        periods=PeriodRange.of_years(1000, year) if year is not None else None,
        public=True,
    )
    rows = read_values(q).filter(pl.col("value").is_not_null() & ~pl.col("hidden"))
    if rows.height == 0:
        return None
    obs = rows.sort("year").row(-1, named=True)
    return Latest(int(obs["year"]), float(obs["value"]), obs["lower"], obs["upper"])


def indicator_status(goal_indicator: GoalIndicator, year: int | None = None) -> StatusResult:
    """The status of ``goal_indicator`` with the data up to ``year`` (all data when None)."""
    direction = goal_indicator.direction or goal_indicator.indicator.direction
    return target_status(
        baseline_year=goal_indicator.baseline_year,
        baseline=goal_indicator.baseline_value,
        target_year=goal_indicator.target_year,
        target=goal_indicator.target_value,
        direction=direction,
        latest=latest_value(goal_indicator, year),
    )


def record_status(
    goal_indicator: GoalIndicator, import_run_id: int | None = None
) -> GoalIndicatorStatus | None:
    """Store the current status if it differs from the last one stored; return the new record."""
    result = indicator_status(goal_indicator)
    last = goal_indicator.statuses.order_by("-computed_at", "-id").first()
    latest = result.latest
    state = (result.status, latest.year if latest else None, latest.value if latest else None)
    if last is not None and (last.status, last.latest_year, last.latest_value) == state:
        return None
    return GoalIndicatorStatus.objects.create(
        goal_indicator=goal_indicator,
        status=state[0],
        latest_year=state[1],
        latest_value=state[2],
        import_run_id=import_run_id,
    )


def record_statuses(indicator_ids: Iterable[int], import_run_id: int | None = None) -> int:
    """Record the status of every goal indicator of these indicators; return how many changed."""
    links = GoalIndicator.objects.filter(indicator_id__in=list(indicator_ids)).select_related("indicator")
    return sum(1 for gi in links if record_status(gi, import_run_id) is not None)
