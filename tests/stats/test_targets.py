"""Target status: reached, on track, off track, no data."""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest

from kasvu.stats import target_status

BASE: dict[str, Any] = {
    "baseline_year": 2020,
    "baseline_value": 20.0,
    "target_year": 2030,
    "target_value": 10.0,
    "direction": "lower_better",
    "latest_year": 2025,
    "latest_value": 15.0,
    "latest_lower": None,
    "latest_upper": None,
}


def status(**changes: Any) -> dict[str, Any]:
    frame = pl.DataFrame(
        [BASE | changes], schema_overrides={"latest_lower": pl.Float64, "latest_upper": pl.Float64}
    )
    return target_status(frame).row(0, named=True)


def test_on_the_path_is_on_track() -> None:
    row = status()
    assert (row["status"], row["path_value"], row["by_interval"]) == ("on_track", 15.0, False)


def test_behind_the_path_is_off_track() -> None:
    assert status(latest_value=16.0)["status"] == "off_track"


def test_interval_containing_the_path_is_on_track() -> None:
    row = status(latest_value=16.0, latest_lower=14.0, latest_upper=18.0)
    assert (row["status"], row["by_interval"]) == ("on_track", True)
    assert status(latest_value=16.0, latest_lower=15.5, latest_upper=18.0)["status"] == "off_track"


def test_reached_is_decided_by_the_published_value() -> None:
    assert status(latest_value=10.0)["status"] == "reached"
    assert status(latest_value=10.5, latest_lower=9.0, latest_upper=12.0)["status"] == "on_track"


def test_higher_better_direction() -> None:
    up = {"baseline_value": 50.0, "target_value": 70.0, "direction": "higher_better"}
    assert status(**up, latest_value=61.0)["status"] == "on_track"
    assert status(**up, latest_value=59.0)["status"] == "off_track"
    assert status(**up, latest_value=59.0, latest_upper=62.0)["status"] == "on_track"
    assert status(**up, latest_value=72.0)["status"] == "reached"


def test_deadline_passed_without_reaching_is_off_track() -> None:
    assert (
        status(latest_year=2031, latest_value=10.5, latest_lower=9.0, latest_upper=12.0)["status"]
        == "off_track"
    )


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"latest_value": None}, "no latest value"),
        ({"target_value": None}, "no target"),
        ({"direction": "neutral"}, "indicator has no direction: a target cannot be met or missed"),
        ({"baseline_value": None}, "no baseline to draw the path from"),
        ({"target_year": 2019}, "target year is not after the baseline year"),
    ],
)
def test_no_data_says_why(changes: dict[str, Any], reason: str) -> None:
    row = status(**changes)
    assert (row["status"], row["reason"]) == ("no_data", reason)


def test_reached_needs_no_baseline() -> None:
    assert status(baseline_value=None, latest_value=9.0)["status"] == "reached"


def test_many_rows_at_once() -> None:
    frame = pl.DataFrame([BASE, BASE | {"latest_value": 17.0}, BASE | {"latest_value": 8.0}])
    assert target_status(frame)["status"].to_list() == ["on_track", "off_track", "reached"]
