"""Plans, users of every role, and a way to load observations."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from django.contrib.auth import get_user_model

from kasvu.accounts.models import Profile, Role
from kasvu.bank.loader import load
from kasvu.bank.models import Area, Indicator
from kasvu.importers.base import IndicatorMeta, ParsedBatch
from kasvu.plans.models import Action, Goal, GoalIndicator, Plan, Requirement

PASSWORD = "a-long-test-password-1"


def municipality(code: str) -> Area:
    return Area.objects.get(kind="municipality", code=code)


def make_user(name: str, role: str | None, areas: tuple[str, ...] = ()):
    user = get_user_model().objects.create_user(name, password=PASSWORD)
    if role is not None:
        profile = Profile.objects.create(user=user, role=role)
        profile.areas.set([municipality(c) for c in areas])
    return user


@pytest.fixture
def users(db):
    return {
        "admin": make_user("admin", Role.REGIONAL_ADMIN),
        "analyst": make_user("analyst", Role.ANALYST),
        "lohja": make_user("lohja", Role.MUNICIPAL_EDITOR, ("444",)),
        "vihti": make_user("vihti", Role.MUNICIPAL_EDITOR, ("927",)),
        "viewer": make_user("viewer", Role.VIEWER),
    }


def meta(key: str = "local:neet", direction: str = "lower_better") -> IndicatorMeta:
    return IndicatorMeta(
        key=key,
        source="local",
        source_id=key.split(":")[1],
        title={
            "fi": "Koulutuksen ulkopuolelle jääneet 17–24-vuotiaat",
            "sv": "17–24-åringar utanför utbildning",
        },
        unit="%",
        scale=100,
        direction=direction,
        aggregation="ratio",
    )


def load_values(rows: list[tuple[str, int, float]], key: str = "local:neet", direction: str = "lower_better"):
    """Load (area code, year, value) rows of one indicator through the bank's loader."""
    frame = pl.DataFrame(
        [
            {
                "indicator": key,
                "area_code": code,
                "year": year,
                "sex": "total",
                "value": value,
                "numerator": None,
                "denominator": None,
                "sample_size": None,
                "flags": 0,
                "row": i + 2,
            }
            for i, (code, year, value) in enumerate(rows)
        ],
        schema_overrides={"numerator": pl.Float64, "denominator": pl.Float64, "sample_size": pl.Int64},
    )
    batch = ParsedBatch(
        source_file="test.csv", indicators=[meta(key, direction)], observations=frame, area_scheme="code"
    )
    summary = load(batch, kind="table")
    # Rates without numerator or denominator are internal only unless declared safe (issue 14): these
    # plan fixtures are such rates, published as an analyst would declare them.
    from kasvu.bank import disclosure
    from kasvu.bank.models import Disclosure, Indicator

    Indicator.objects.filter(key=key).update(disclosure=Disclosure.DECLARED_SAFE)
    disclosure.refresh(list(Indicator.objects.filter(key=key).values_list("id", flat=True)))
    return summary


def make_plan(code: str = "927", status: str = "draft", title: str = "Vihdin suunnitelma") -> Plan:
    plan = Plan.objects.create(
        title_fi=title,
        title_sv=title.replace("suunnitelma", "plan"),
        start_year=2022,
        end_year=2025,
        status=status,
        approved_by="Kunnanvaltuusto" if status != "draft" else "",
        approved_on=dt.date(2022, 3, 1) if status != "draft" else None,
    )
    plan.areas.set([municipality(code)])
    return plan


@pytest.fixture
def plan_with_goals(db):
    """A draft Vihti plan with an outcome goal (action, indicator) and an implementation goal."""
    load_values([("927", 2020, 8.0)])
    plan = make_plan()
    goal = Goal.objects.create(
        plan=plan,
        kind="outcome",
        rights=["equality", "learning"],
        statement_fi="Yhä useampi nuori löytää jatko-opiskelupaikan",
        statement_sv="Allt fler unga hittar en studieplats",
        order=0,
    )
    Action.objects.create(
        goal=goal,
        description_fi="Ohjaamo-palvelu kaikille 16–29-vuotiaille",
        description_sv="Ohjaamo-tjänst för alla 16–29-åringar",
        owner="Sivistyslautakunta",
        start=dt.date(2022, 1, 1),
        end=dt.date(2023, 12, 31),
        budget_eur=12000,
    )
    GoalIndicator.objects.create(
        goal=goal,
        indicator=Indicator.objects.get(key="local:neet"),
        area=municipality("927"),
        baseline_year=2020,
        baseline_value=8.0,
        target_year=2025,
        target_value=6.0,
    )
    impl = Goal.objects.create(
        plan=plan,
        kind="implementation",
        statement_fi="Lasten ja nuorten näkemykset ovat hyvinvointityön lähtökohta",
        statement_sv="Barns och ungas synpunkter är utgångspunkten",
        order=1,
    )
    Requirement.objects.create(goal=impl, text_fi="Foorumeita, joissa lapset tulevat kuulluiksi", order=0)
    return plan


@pytest.fixture(scope="session", autouse=True)
def static_root(tmp_path_factory):
    """WhiteNoise warns (an error here) when STATIC_ROOT does not exist, as in a fresh checkout.

    Session-scoped so that it is in place before pytest-django's live server starts.
    """
    from django.conf import settings

    old = settings.STATIC_ROOT
    settings.STATIC_ROOT = tmp_path_factory.mktemp("static")
    yield
    settings.STATIC_ROOT = old
