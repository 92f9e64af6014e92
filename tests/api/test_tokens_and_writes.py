"""Tokens (created by the CLI, stored as hashes, revocable), token-only auth and imports by analysts."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import Client

from kasvu.accounts.models import AuditEvent
from kasvu.api.models import ApiToken
from kasvu.bank.models import ImportRun, Observation

from .conftest import ApiClient

pytestmark = pytest.mark.django_db

TABLE = b"""indicator,area_code,year,sex,value,numerator,denominator
local:placements,444,2023,total,12.5,25,200
"""


def test_cli_creates_a_token_shown_once_and_stored_as_a_hash(users):
    out = io.StringIO()
    call_command("users", "token", "analyst", "--name", "report", stdout=out)
    key = out.getvalue().strip().splitlines()[-1]
    assert key.startswith("kasvu_") and len(key) > 40
    token = ApiToken.objects.get(name="report")
    assert key not in (token.key_hash, token.prefix) and len(token.key_hash) == 64
    me = ApiClient(key).get("/api/v1/me").json()
    assert me == {"username": "analyst", "role": "analyst", "token": "report"}
    listing = io.StringIO()
    call_command("users", "tokens", stdout=listing)
    assert "report" in listing.getvalue() and key not in listing.getvalue()
    call_command("users", "revoke-token", "analyst", "report", stdout=io.StringIO())
    assert ApiClient(key).get("/api/v1/me").status_code == 401


def test_inactive_users_tokens_stop_working(clients, users):
    users["viewer"].is_active = False
    users["viewer"].save()
    assert clients["viewer"].get("/api/v1/me").status_code == 401


def test_a_session_cookie_is_never_used(users, plans):
    browser = Client()
    browser.force_login(users["admin"])
    me = browser.get("/api/v1/me").json()
    assert me["username"] == "" and me["role"] is None
    listed = browser.get("/api/v1/plans").json()["items"]
    assert [p["status"] for p in listed] == ["approved"]
    assert browser.get(f"/api/v1/plans/{plans['draft'].pk}").status_code == 403


def _named(body: bytes, name: str) -> io.BytesIO:
    f = io.BytesIO(body)
    f.name = name
    return f


def test_only_analysts_import_and_denials_are_logged(clients):
    response = clients["viewer"].client.post(
        "/api/v1/imports",
        {"file": _named(TABLE, "x.csv"), "kind": "table"},
        headers=clients["viewer"].headers,
    )
    assert response.status_code == 403
    assert AuditEvent.objects.filter(kind="denied", username="viewer", path="/api/v1/imports").exists()
    assert not ImportRun.objects.exists()


def test_a_failed_import_is_a_clear_400_and_changes_nothing(clients):
    before = Observation.objects.count()
    bad = b"indicator,area_code,year,sex,value\nlocal:x,999999,2023,total,1\n"
    response = clients["analyst"].client.post(
        "/api/v1/imports",
        {"file": _named(bad, "bad.csv"), "kind": "table"},
        headers=clients["analyst"].headers,
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert (
        error["code"] == "import_failed" and "bad.csv" in error["message"] and "/tmp" not in error["message"]
    )
    assert Observation.objects.count() == before and not ImportRun.objects.exists()


def test_an_analyst_imports_a_table(clients, placements):
    response = clients["analyst"].client.post(
        "/api/v1/imports",
        {"file": _named(TABLE, "more.csv"), "kind": "table"},
        headers=clients["analyst"].headers,
    )
    assert response.status_code == 201, response.content
    body = response.json()
    run = ImportRun.objects.get(pk=body["import_id"])
    assert body["added"] == 1 and run.user == "analyst" and run.source_file.endswith("more.csv")
