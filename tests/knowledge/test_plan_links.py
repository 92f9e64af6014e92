"""Entries link to plan goals and actions through a generic relation (no migration dependency on plans)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory

from kasvu.knowledge.models import PlanLink
from kasvu.knowledge.services import link_plan, plan_links

pytestmark = pytest.mark.django_db
plans = pytest.importorskip("kasvu.plans.models")


@pytest.fixture
def goal(area):
    plan = plans.Plan.objects.create(title_fi="Lohjan suunnitelma", start_year=2025, end_year=2028)
    plan.areas.set([area("444")])
    return plans.Goal.objects.create(plan=plan, statement_fi="Perheet saavat tukea ajoissa")


def request_of(user):
    request = RequestFactory().post("/x")
    request.user = user
    return request


def test_editor_links_an_entry_to_a_goal_of_own_plan(bank, goal, editor, viewer):
    link_plan(request_of(editor), bank["perhekeskus"], goal)
    assert plan_links(viewer, bank["perhekeskus"]) == [goal]
    assert plan_links(AnonymousUser(), bank["perhekeskus"]) == []  # the plan is a draft


def test_links_need_rights_on_entry_and_plan(bank, goal, viewer):
    with pytest.raises(PermissionDenied):
        link_plan(request_of(viewer), bank["perhekeskus"], goal)


def test_only_goals_and_actions_can_be_targets(bank):
    link = PlanLink(
        entry=bank["perhekeskus"],
        content_type=ContentType.objects.get_for_model(bank["aani"]),
        object_id=bank["aani"].pk,
    )
    with pytest.raises(ValidationError):
        link.full_clean()
