"""The rounds in the token API: the same checks and the same per-municipality rights as the web."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from kasvu.accounts.models import AuditEvent
from kasvu.api.tokens import create_token
from kasvu.collection import services
from kasvu.collection.models import Answer

from .conftest import LOHJA, municipality

pytestmark = pytest.mark.django_db
BASE = "/api/v1/collection/rounds"


class Api:
    def __init__(self, user) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {create_token(user, 'test')[1]}"} if user else {}

    def get(self, url: str):
        return self.client.get(url, headers=self.headers)

    def put(self, url: str, body: dict, lang: str = "fi"):
        return self.client.put(
            url,
            json.dumps(body),
            content_type="application/json",
            headers={**self.headers, "Accept-Language": lang},
        )


def test_a_token_is_required(social):
    r = Api(None).get(BASE)
    assert r.status_code == 401 and r.json()["error"]["code"] == "unauthorized"


def test_editor_lists_only_rounds_asking_their_municipality(social, users):
    assert [r["slug"] for r in Api(users["lohja"]).get(BASE).json()] == ["sosiaalipalvelut-2025"]
    form = Api(users["lohja"]).get(f"{BASE}/sosiaalipalvelut-2025").json()
    assert form["fields"][2]["key"] == "caseload" and form["fields"][2]["max"] == "150"


def test_editor_saves_finnish_numbers_and_submits(social, users):
    api = Api(users["lohja"])
    r = api.put(f"{BASE}/sosiaalipalvelut-2025/responses/444", {"answers": {"caseload": "12,5"}})
    assert r.status_code == 200 and r.json()["answers"]["caseload"]["value"] == "12.5"
    assert r.json()["status"] == "draft"
    r = api.put(f"{BASE}/sosiaalipalvelut-2025/responses/444", {"answers": {**LOHJA}, "submit": True})
    assert r.status_code == 200 and r.json()["status"] == "submitted" and r.json()["submitted_by"] == "lohja"


def test_a_wrong_answer_is_a_400_naming_the_field_and_nothing_is_saved(social, users):
    r = Api(users["lohja"]).put(
        f"{BASE}/sosiaalipalvelut-2025/responses/444", {"answers": {"caseload": "paljon"}}
    )
    assert r.status_code == 400
    assert r.json()["error"]["message"] == (
        "Nothing was saved. caseload: “paljon” ei ole luku. Kirjoita numerot ja desimaalipilkku, esim. 12,5 tai 1 234,5."
    )
    assert not Answer.objects.exists()


def test_editor_cannot_read_or_change_another_municipality_through_the_api(social, users):
    services.save_answers(
        services.response_for(social, municipality("927")), {"caseload": "20"}, user=users["vihti"]
    )
    api = Api(users["lohja"])
    assert api.get(f"{BASE}/sosiaalipalvelut-2025/responses/927").status_code == 403
    r = api.put(f"{BASE}/sosiaalipalvelut-2025/responses/927", {"answers": {"caseload": "99"}})
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
    assert Answer.objects.get(field__key="caseload", response__municipality__code="927").value == "20"
    assert (
        AuditEvent.objects.filter(
            kind="denied", detail__contains="collection sosiaalipalvelut-2025/927"
        ).count()
        == 2
    )


def test_viewer_reads_but_cannot_answer(social, users):
    api = Api(users["viewer"])
    assert api.get(f"{BASE}/sosiaalipalvelut-2025/responses/927").status_code == 200
    assert (
        api.put(f"{BASE}/sosiaalipalvelut-2025/responses/927", {"answers": {"caseload": "1"}}).status_code
        == 403
    )
