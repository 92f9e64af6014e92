"""Plans, the knowledge bank and profiles through the API: the same rights as the web UI."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

from kasvu.accounts.models import AuditEvent
from kasvu.knowledge.models import Entry

from .conftest import ApiClient

pytestmark = pytest.mark.django_db


def test_plans_listed_as_the_ui_lists_them(plans, clients):
    def titles(client):
        return {p["title"] for p in client.get("/api/v1/plans").json()["items"]}

    public = {"Vihdin hyväksytty suunnitelma"}
    assert titles(clients["anonymous"]) == public
    assert titles(clients["vihti"]) == public  # the draft is Lohja's
    assert titles(clients["lohja"]) == public | {"Lohjan luonnos SALAINEN"}
    assert titles(clients["viewer"]) == public | {"Lohjan luonnos SALAINEN"}


@pytest.mark.parametrize("suffix", ["", "/yaml"])
def test_draft_plans_are_denied_and_logged(plans, clients, suffix):
    url = f"/api/v1/plans/{plans['draft'].pk}{suffix}"
    for who in ("anonymous", "vihti"):
        response = clients[who].get(url)
        assert response.status_code == 403
        assert b"SALAINEN" not in response.content
    assert AuditEvent.objects.filter(kind="denied", path=url).count() == 2
    assert clients["lohja"].get(url).status_code == 200


def test_plan_yaml_export(plans):
    response = ApiClient().get(f"/api/v1/plans/{plans['approved'].pk}/yaml")
    assert response["Content-Type"].startswith("application/yaml")
    data = yaml.safe_load(response.content)
    assert data["title"]["fi"] == "Vihdin hyväksytty suunnitelma"


def _entry(kind: str, title: str) -> Entry:
    consent = {"consent_date": dt.date(2026, 1, 5), "consent_method": "form", "consent_recorded_by": "admin"}
    extra = consent if kind == "expert" else {}
    return Entry.objects.create(key=f"{kind}:{title}", kind=kind, title_fi=title, is_generated=True, **extra)


def test_experts_only_for_signed_in_users(clients):
    practice = _entry("practice", "Ohjaamo")
    expert = _entry("expert", "Asiantuntija Aino")
    public = clients["anonymous"].get("/api/v1/knowledge").json()["items"]
    assert [e["id"] for e in public] == [practice.pk]
    internal = clients["viewer"].get("/api/v1/knowledge").json()["items"]
    assert {e["id"] for e in internal} == {practice.pk, expert.pk}
    denied = clients["anonymous"].get(f"/api/v1/knowledge/{expert.pk}")
    assert denied.status_code == 403 and b"Aino" not in denied.content
    assert AuditEvent.objects.filter(kind="denied", path=f"/api/v1/knowledge/{expert.pk}").exists()
    assert clients["viewer"].get(f"/api/v1/knowledge/{expert.pk}").json()["title"] == "Asiantuntija Aino"


def test_profile_hides_small_numbers_for_the_public(placements, clients):
    pytest.importorskip("kasvu.profiles")
    rows = ApiClient().get("/api/v1/profiles/444").json()["rows"]
    mine = [r for r in rows if r["indicator"] == "local:placements"]
    assert mine and all(r["value"] is None for r in mine)  # the latest year (2022) is hidden
    internal = clients["analyst"].get("/api/v1/profiles/444?internal=true").json()["rows"]
    assert any(r["indicator"] == "local:placements" and r["value"] is not None for r in internal)
