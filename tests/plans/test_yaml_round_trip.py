"""Export → import into an empty database → export gives the same YAML; bad input names its path."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Value
from django.db.models.functions import Concat
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kasvu.bank.models import Indicator
from kasvu.plans.models import (
    Action,
    ActionFollowUp,
    FollowUp,
    Goal,
    GoalIndicator,
    IndicatorFollowUp,
    Plan,
    SelfAssessment,
)
from kasvu.plans.portable import PlanImportError, export_plan, import_plan

from .conftest import make_plan, municipality

pytestmark = pytest.mark.django_db


def empty_database() -> None:
    """Remove every plan, and hide the indicators plans use: what another installation would lack."""
    Plan.objects.all().delete()
    Indicator.objects.update(key=Concat(Value("gone-"), "key"))


def round_trip(plan: Plan) -> tuple[str, str]:
    first = export_plan(plan)
    empty_database()
    second = export_plan(import_plan(first))
    return first, second


def test_round_trip_of_a_plan_with_everything(plan_with_goals):
    plan = plan_with_goals
    plan.areas.add(municipality("444"))
    plan.status, plan.approved_on, plan.approved_by = "approved", dt.date(2024, 2, 29), "Valtuusto"
    plan.save()
    goal = plan.goals.get(kind="outcome")
    action = goal.actions.get()
    action.budget_eur = Decimal("1500.50")
    action.save()
    Action.objects.create(
        goal=goal, description_fi="Toinen", order=1, status="delayed", budget_eur=Decimal("0")
    )
    SelfAssessment.objects.create(
        plan=plan,
        right="participation",
        title_fi="Lasten osallisuuden rakenteet",
        level_1_fi="Ei rakenteita",
        level_4_fi="Vakiintuneet rakenteet",
        level_4_sv="Etablerade strukturer",
        level=3,
        evidence="https://example.org/a\nhttps://example.org/b",
        comment="Nuorisovaltuusto toimii",
    )
    fu = FollowUp.objects.create(plan=plan, year=2023, summary_fi="Hyvä vuosi", summary_sv="Ett bra år")
    ActionFollowUp.objects.create(follow_up=fu, action=action, status="done", narrative_fi="Valmis")
    IndicatorFollowUp.objects.create(
        follow_up=fu,
        goal_indicator=GoalIndicator.objects.get(goal=goal),
        status="on_track",
        reason="Uusi tieto tulossa",
        overridden_by="lohja",
        overridden_at=dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.UTC),
    )
    first, second = round_trip(plan)
    assert first == second
    assert "goals[0].actions[0]" in first and "review_due: 2028-02-29" in first
    assert "budget_eur: 1500.5" in first


def test_round_trip_of_a_minimal_plan(db):
    first, second = round_trip(make_plan("049"))
    assert first == second
    assert "goals" not in first


texts = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), min_size=1, max_size=40
).filter(lambda s: s.strip() == s and s.strip())


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    title=texts,
    statements=st.lists(st.tuples(texts, st.sampled_from(["outcome", "implementation"])), max_size=4),
    budget=st.none() | st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False),
    value=st.none() | st.floats(min_value=-1e6, max_value=1e6, allow_nan=False),
)
def test_round_trip_property(db, title, statements, budget, value):
    Plan.objects.all().delete()
    plan = make_plan("091", title=title)
    ind = Indicator.objects.filter(key="local:x").first()
    if ind is None:
        from kasvu.bank.loader import upsert_indicators

        from .conftest import meta

        upsert_indicators([meta("local:x")])
        ind = Indicator.objects.get(key="local:x")
    for i, (text, kind) in enumerate(statements):
        goal = Goal.objects.create(
            plan=plan, kind=kind, rights=["health"] if kind == "outcome" else [], statement_fi=text, order=i
        )
        Action.objects.create(goal=goal, description_fi=text, budget_eur=budget)
        GoalIndicator.objects.create(goal=goal, indicator=ind, area=municipality("091"), target_value=value)
    first = export_plan(plan)
    Plan.objects.all().delete()
    assert export_plan(import_plan(first)) == first


def bad(path_fragment: str, text: str) -> None:
    before = Plan.objects.count(), Goal.objects.count()
    with pytest.raises(PlanImportError) as err:
        import_plan(text)
    assert err.value.path == path_fragment, str(err.value)
    assert (Plan.objects.count(), Goal.objects.count()) == before


BASE = """kasvu_plan: 1
title: Testi
areas: ['444']
period: {start: 2022, end: 2025}
"""


def test_errors_name_the_yaml_path_and_store_nothing(db):
    goal = "  - kind: outcome\n    rights: [health]\n    statement: Tavoite\n"
    bad(
        "goals[2].actions[0].start",
        BASE + "goals:\n" + goal * 2 + goal + "    actions:\n"
        "      - description: Toimi\n        start: 2022-13-45\n",
    )
    bad("goals[0].rights", BASE + "goals:\n  - rights: [happiness]\n    statement: T\n")
    bad(
        "goals[0].indicators[0].indicator",
        BASE + "goals:\n" + goal + "    indicators:\n      - indicator: x:y\n        area: '444'\n",
    )
    bad("areas[0]", BASE.replace("'444'", "'999'"))
    bad("period.start", BASE.replace("start: 2022, ", ""))
    bad("review_due", BASE + "approval: {date: 2022-01-01}\nreview_due: 2027-01-01\n")
    bad(
        "goals[0].actions[0].end",
        BASE + "goals:\n" + goal + "    actions:\n      - description: T\n"
        "        start: 2023-01-01\n        end: 2022-01-01\n",
    )
    bad("line 2, column 4", "title: [unclosed\n  x: y")


def test_cli_export_and_import(plan_with_goals, tmp_path, capsys):
    call_command("plan", "export", str(plan_with_goals.pk))
    text = capsys.readouterr().out
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    empty_database()
    call_command("plan", "import", str(path))
    assert "Imported plan" in capsys.readouterr().out
    call_command("plan", "export", str(Plan.objects.get().pk))
    assert capsys.readouterr().out == text
    path.write_text(text.replace("kind: outcome", "kind: wish"), encoding="utf-8")
    with pytest.raises(CommandError, match=r"goals\[0\].kind: 'wish' is not one of"):
        call_command("plan", "import", str(path))
