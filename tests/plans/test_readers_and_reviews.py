"""What readers see of a plan: a follow-up as recorded (not an editing form they cannot send), an
overdue review called overdue; and the demo saying how to sign in."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import translation

from kasvu.bank.management.commands.demo import sign_in_hint
from kasvu.plans.models import Action, ActionFollowUp, FollowUp

from .conftest import make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def finnish():
    with translation.override("fi"):
        yield


def test_anonymous_reader_sees_the_follow_up_as_recorded_not_a_form(plan_with_goals, users):
    plan = plan_with_goals
    plan.status, plan.approved_by, plan.approved_on = "approved", "Kunnanvaltuusto", dt.date(2022, 3, 1)
    plan.save()
    follow_up = FollowUp.objects.create(plan=plan, year=2024, summary_fi="Hyvä vuosi.")
    action = Action.objects.get(goal__plan=plan)
    ActionFollowUp.objects.create(follow_up=follow_up, action=action, status="done", narrative_fi="Valmis.")
    page = Client().get(f"/plans/{plan.pk}/follow-up/2024/").content.decode()
    assert (
        "<textarea" not in page
        and "<select" not in page.split("<main")[1]
        and 'method="post" class="edit"' not in page
    )
    assert "Hyvä vuosi." in page and "Valmis." in page and "toteutettu" in page  # status "done" in Finnish
    editor = Client()
    editor.force_login(users["vihti"])
    assert "<textarea" in editor.get(f"/plans/{plan.pk}/follow-up/2024/").content.decode()


def test_an_overdue_review_is_called_overdue():
    plan = make_plan("927", status="approved")
    plan.review_due = dt.date(2024, 6, 14)
    plan.save()
    assert plan.review_overdue
    for url in (f"/plans/{plan.pk}/", "/plans/"):
        page = Client().get(url).content.decode()
        assert "myöhässä 14.6.2024 alkaen" in page, url
    assert "tarkistus myöhässä 14.6.2024 alkaen" in Client().get("/").content.decode()
    plan.review_due = dt.date.today() + dt.timedelta(days=30)
    plan.save()
    assert not plan.review_overdue and "myöhässä" not in Client().get(f"/plans/{plan.pk}/").content.decode()


def test_home_page_names_the_regions_municipalities_in_good_finnish():
    page = Client().get("/").content.decode()
    assert "Kunnat: Uusimaa" in page and "Alueen Uusimaa kunnat" not in page
    assert "Kommuner: Nyland" in Client().get("/sv/").content.decode()


def test_demo_load_says_how_to_sign_in(users):
    assert "Sign in at /accounts/login/ as one of: admin, analyst" in sign_in_hint()


def test_demo_load_without_users_says_how_to_make_one(db):
    hint = sign_in_hint()
    assert "kasvu users add coordinator --role regional_admin" in hint and "/accounts/login/" in hint


def test_plan_docx_has_page_numbers(plan_with_goals, users):
    import io

    import docx

    client = Client()
    client.force_login(users["vihti"])
    document = docx.Document(io.BytesIO(client.get(f"/plans/{plan_with_goals.pk}/plan-fi.docx").content))
    footer = document.sections[0].footer._element.xml
    assert 'w:instr="PAGE"' in footer
