"""Plan targets typed with a decimal comma: "95,5" is 95.5 wherever it is typed, shown back as "95,5",
and the follow-up status is computed from 95.5 (it was saved as 955 and shown "✓ saavutettu")."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from kasvu.bank.models import Indicator
from kasvu.plans.models import Action, GoalIndicator

from .conftest import load_values, municipality

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def finnish_urls():
    """reverse() gives the URLs of the language active when it runs: Finnish, as the default."""
    with translation.override("fi"):
        yield


@pytest.fixture
def editor(users, plan_with_goals):
    client = Client()
    client.force_login(users["vihti"])
    return client


def indicator_form(plan, **values):
    link = GoalIndicator.objects.get(goal__plan=plan)
    data = {
        "goal": link.goal_id,
        "indicator": Indicator.objects.get(key="local:neet").pk,
        "area": municipality("927").pk,
        "baseline_year": "2020",
        "baseline_value": "99",
        "target_year": "2025",
        "target_value": "95,5",
        "direction": "lower_better",
        "order": "0",
    }
    data.update(values)
    return link, reverse("plans:part_edit", args=[plan.pk, "indicator", link.pk]), data


def test_target_with_a_decimal_comma_is_saved_shown_and_judged_as_95_5(editor, plan_with_goals):
    load_values([("927", 2020, 99.0), ("927", 2023, 96.0)])
    link, url, data = indicator_form(plan_with_goals)
    response = editor.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    link.refresh_from_db()
    assert link.target_value == 95.5

    form_page = editor.get(url).content.decode()
    assert 'name="target_value" value="95,5"' in form_page
    assert 'inputmode="decimal"' in form_page and 'type="number" name="target_value"' not in form_page

    page = editor.get(reverse("plans:detail", args=[plan_with_goals.pk])).content.decode()
    row = next(tr for tr in page.split("<tr") if "95,5 (2025)" in tr)
    assert "96 (2023)" in row
    # 96 is above the target 95,5 of a lower-is-better indicator, below the path from 99: on track
    assert "saavutettu" not in row and "oikealla tiellä" in row


@pytest.mark.parametrize(("typed", "stored"), [("95.5", 95.5), ("1 234,5", 1234.5), ("1\u00a0234,5", 1234.5)])
def test_target_accepts_point_and_grouped_thousands(editor, plan_with_goals, typed, stored):
    link, url, data = indicator_form(plan_with_goals, target_value=typed)
    assert editor.post(url, data).status_code == 302
    link.refresh_from_db()
    assert link.target_value == stored


@pytest.mark.parametrize(
    ("lang", "words"), [("fi", "ei ole luku"), ("sv", "är inte ett tal"), ("en", "is not a number")]
)
def test_a_typing_error_is_refused_with_a_message_in_the_users_language(editor, plan_with_goals, lang, words):
    link, url, data = indicator_form(plan_with_goals, target_value="9 5,5x")
    prefix = "" if lang == "fi" else f"/{lang}"
    response = editor.post(prefix + url, data)
    assert response.status_code == 200
    message = " ".join(response.context["form"].errors["target_value"])
    assert "9 5,5x" in message and words in message
    link.refresh_from_db()
    assert link.target_value == 6.0  # nothing was saved


def test_budget_in_euros_with_cents_and_a_space(editor, plan_with_goals):
    action = Action.objects.get(goal__plan=plan_with_goals)
    url = reverse("plans:part_edit", args=[plan_with_goals.pk, "action", action.pk])
    data = {
        "goal": action.goal_id,
        "description_fi": action.description_fi,
        "status": "planned",
        "order": "0",
    }
    assert editor.post(url, {**data, "budget_eur": "12 500,50"}).status_code == 302
    action.refresh_from_db()
    assert str(action.budget_eur) == "12500.50"
    assert 'value="12500,5"' in editor.get(url).content.decode()
    response = editor.post(url, {**data, "budget_eur": "1,234"})
    assert "budget_eur" in response.context["form"].errors  # at most 2 decimals: a refused typing error
