"""The demo's rounds: one of each kind, some submitted, some late, all labelled generated."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from kasvu.bank.models import Observation
from kasvu.classification import data_path
from kasvu.collection import services
from kasvu.collection.demo import load_demo
from kasvu.collection.models import Round
from kasvu.knowledge.models import Round as NeedsRound
from kasvu.plans.models import SelfAssessment

pytestmark = pytest.mark.django_db


def test_demo_rounds(capsys):
    call_command("plan", "import", str(data_path("plans", "espoo_example.yaml")))
    today = dt.date(2026, 4, 10)
    assert "4 rounds (generated demo data)" in load_demo(today)
    assert load_demo(today) == "demo rounds exist already"
    assert set(Round.objects.values_list("kind", flat=True)) == {"figures", "self_assessment", "needs"}
    assert all(Round.objects.values_list("is_generated", flat=True))
    b = services.board(Round.objects.get(slug="demo-sosiaalipalvelut-2025"), today)
    assert b.counts == {"not_started": 2, "draft": 1, "submitted": 2, "returned": 0, "approved": 3}
    assert sum(r.late for r in b.rows) == 3
    obs = Observation.objects.filter(indicator__key="collection:demo-caseload")
    assert obs.filter(year=2024).count() == 8 and obs.filter(year=2025).count() == 3
    assert all(o.flags & 8 for o in obs)  # FLAG_GENERATED
    assert obs.first().indicator.source.is_generated
    espoo = SelfAssessment.objects.get(title_fi="Lasten ja nuorten osallisuus päätöksenteossa")
    assert espoo.level == 3 and "generated demo data" in espoo.comment
    needs = NeedsRound.objects.get(slug="collection-demo-kehittamistarpeet-2026")
    assert needs.total == 8 and needs.mentions.values("municipality").distinct().count() == 5
