"""Every change is versioned and can be restored; plans due for review are flagged; follow-up overrides
record who and why."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from kasvu.plans.models import Action, Goal, GoalIndicator, IndicatorFollowUp, Plan
from kasvu.plans.overview import plans_due_for_review

from .conftest import make_plan

pytestmark = pytest.mark.django_db


def admin_client(users) -> Client:
    client = Client()
    client.force_login(users["admin"])
    return client


def test_edit_then_restore_the_earlier_version(users, plan_with_goals):
    client = admin_client(users)
    goal = plan_with_goals.goals.get(kind="outcome")
    url = reverse("plans:part_edit", args=[plan_with_goals.pk, "goal", goal.pk])
    response = client.post(
        url, {"kind": "outcome", "rights": ["health"], "statement_fi": "Muutettu", "order": 0}
    )
    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.statement_fi == "Muutettu"
    original = goal.history.order_by("history_date").first()
    page = client.get(reverse("plans:history", args=[plan_with_goals.pk]))
    assert "Muutettu" in page.content.decode() and "admin" in page.content.decode()
    client.post(
        reverse("plans:restore", args=[plan_with_goals.pk]),
        {"kind": "goal", "history_id": original.history_id},
    )
    goal.refresh_from_db()
    assert goal.statement_fi == "Yhä useampi nuori löytää jatko-opiskelupaikan" and goal.rights == [
        "equality",
        "learning",
    ]
    assert goal.history.count() == 3  # created, edited, restored


def test_a_deleted_action_can_be_restored(users, plan_with_goals):
    client = admin_client(users)
    action = Action.objects.get(goal__plan=plan_with_goals)
    client.post(reverse("plans:part_delete", args=[plan_with_goals.pk, "action", action.pk]))
    assert not Action.objects.filter(pk=action.pk).exists()
    deleted = Action.history.filter(id=action.pk, history_type="-").get()
    client.post(
        reverse("plans:restore", args=[plan_with_goals.pk]),
        {"kind": "action", "history_id": deleted.history_id},
    )
    assert Action.objects.get(pk=action.pk).description_fi.startswith("Ohjaamo")


def test_a_version_of_another_plan_cannot_be_restored_through_this_one(users, plan_with_goals):
    other = make_plan("444", title="Lohjan suunnitelma")
    record = other.history.first()
    response = admin_client(users).post(
        reverse("plans:restore", args=[plan_with_goals.pk]), {"kind": "plan", "history_id": record.history_id}
    )
    assert response.status_code == 404


def test_plan_areas_are_restored_with_the_plan(users, plan_with_goals):
    from .conftest import municipality

    first = plan_with_goals.history.order_by("history_date").last()
    plan_with_goals.areas.set([municipality("444")])
    admin_client(users).post(
        reverse("plans:restore", args=[plan_with_goals.pk]), {"kind": "plan", "history_id": first.history_id}
    )
    assert [a.code for a in Plan.objects.get(pk=plan_with_goals.pk).areas.all()] == ["927"]


def test_review_due_is_four_years_at_most_and_flagged_six_months_ahead(users):
    plan = make_plan("927", status="approved")
    assert plan.review_due == dt.date(2026, 3, 1)
    plan.review_due = dt.date(2026, 3, 2)
    with pytest.raises(ValidationError) as err:
        plan.full_clean()
    assert list(err.value.message_dict) == ["review_due"]
    assert list(plans_due_for_review(None, today=dt.date(2025, 9, 1))) == [plan]
    assert list(plans_due_for_review(None, today=dt.date(2025, 8, 31))) == []
    home = Client().get("/", {"_": 1})
    assert home.status_code == 200


def test_follow_up_override_records_who_and_why(users, plan_with_goals):
    client = Client()
    client.force_login(users["vihti"])
    link = GoalIndicator.objects.get(goal__plan=plan_with_goals)
    action = Action.objects.get(goal__plan=plan_with_goals)
    url = reverse("plans:follow_up", args=[plan_with_goals.pk, 2023])
    data = {
        "summary_fi": "Vuosi 2023",
        f"action_{action.pk}_status": "done",
        f"action_{action.pk}_narrative_fi": "Valmis",
        f"indicator_{link.pk}_status": "on_track",
        f"indicator_{link.pk}_reason": "",
    }
    response = client.post(url, data)
    assert response.status_code == 200 and f"indicator_{link.pk}_reason" in response.context["form"].errors
    assert not IndicatorFollowUp.objects.exists()
    data[f"indicator_{link.pk}_reason"] = "Vuoden 2023 tieto puuttuu, kehitys hyvä"
    assert client.post(url, data).status_code == 302
    override = IndicatorFollowUp.objects.get()
    assert (override.status, override.overridden_by) == ("on_track", "vihti")
    page = client.get(url).content.decode()
    assert "Vuoden 2023 tieto puuttuu" in page
    assert Goal.objects.filter(plan=plan_with_goals).count() == 2
