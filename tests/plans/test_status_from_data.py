"""A goal indicator's follow-up status follows the bank: new data changes it with no manual step."""

import pytest

from kasvu.plans.models import GoalIndicator, GoalIndicatorStatus
from kasvu.plans.status import Latest, indicator_status, target_status

from .conftest import load_values

pytestmark = pytest.mark.django_db


def rule(latest, direction="lower_better", baseline=8.0, target=6.0):
    return target_status(
        baseline_year=2020,
        baseline=baseline,
        target_year=2024,
        target=target,
        direction=direction,
        latest=latest,
    ).status


def test_rule_reached_on_track_off_track_no_data():
    assert rule(None) == "no_data"
    assert rule(Latest(2022, 5.9)) == "reached"
    assert rule(Latest(2022, 6.9)) == "on_track"  # path value in 2022 is 7.0
    assert rule(Latest(2022, 7.5)) == "off_track"
    assert rule(Latest(2022, 7.5, 6.8, 8.2)) == "on_track"  # the interval reaches the path
    assert rule(Latest(2022, 9.5), direction="higher_better", baseline=8.0, target=12.0) == "off_track"
    assert rule(Latest(2022, 12.5), direction="higher_better", baseline=8.0, target=12.0) == "reached"
    assert rule(Latest(2022, 5.0), target=None) == "no_data"


def test_status_changes_when_data_is_imported_and_history_keeps_both(plan_with_goals):
    link = GoalIndicator.objects.get(goal__plan=plan_with_goals)
    assert indicator_status(link).status == "on_track"  # only the baseline value: on the path
    load_values([("927", 2020, 8.0), ("927", 2022, 7.8)])
    first = GoalIndicatorStatus.objects.filter(goal_indicator=link).order_by("id")
    assert [s.status for s in first] == ["off_track"]
    load_values([("927", 2023, 5.5)])
    history = list(GoalIndicatorStatus.objects.filter(goal_indicator=link).order_by("id"))
    assert [(s.status, s.latest_year, s.latest_value) for s in history] == [
        ("off_track", 2022, 7.8),
        ("reached", 2023, 5.5),
    ]
    assert history[-1].import_run_id is not None
    assert indicator_status(link).status == "reached"
    assert indicator_status(link, 2022).status == "off_track"


def test_reimporting_the_same_data_records_nothing_new(plan_with_goals):
    link = GoalIndicator.objects.get(goal__plan=plan_with_goals)
    load_values([("927", 2022, 7.8)])
    load_values([("927", 2022, 7.8)])
    assert GoalIndicatorStatus.objects.filter(goal_indicator=link).count() == 1
