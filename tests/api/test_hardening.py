"""A hardened installation: settings safe by default, password policy, rate limits, the audit log."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client, override_settings

from kasvu.accounts.models import AuditEvent

from .conftest import PASSWORD

SHOW = (
    "import json, kasvu.settings as s; print(json.dumps([s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
    "s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.ALLOWED_HOSTS, s.SECURE_PROXY_SSL_HEADER]))"
)


def _settings(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("KASVU_")}
    clean["KASVU_DATA_DIR"] = os.environ.get("KASVU_DATA_DIR", "/tmp/kasvu-settings-test")
    return subprocess.run(
        [sys.executable, "-c", SHOW], env={**clean, **env}, capture_output=True, text=True, timeout=60
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _settings({})
    assert result.returncode != 0 and "KASVU_SECRET_KEY is not set" in result.stderr


def test_production_settings_are_secure():
    import json

    result = _settings(
        {"KASVU_SECRET_KEY": "x" * 50, "KASVU_HTTPS": "1", "KASVU_HSTS_SECONDS": "31536000",
         "KASVU_ALLOWED_HOSTS": "kasvu.example.fi"}
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    debug, session_secure, csrf_secure, redirect, hsts, hosts, proxy = json.loads(result.stdout)
    assert debug is False and session_secure and csrf_secure and redirect
    assert hsts == 31536000 and hosts == ["kasvu.example.fi"] and proxy == ["HTTP_X_FORWARDED_PROTO", "https"]


@pytest.mark.parametrize("password", ["short1", "password12345", "123456789012345", "analyst-analyst"])
def test_weak_passwords_are_refused(password, django_user_model, db):
    user = django_user_model(username="analyst-analyst")
    with pytest.raises(ValidationError):
        validate_password(password, user)


def test_a_long_password_is_accepted(db):
    validate_password("kolme-pientä-porsasta-2026")


@override_settings(RATE_LIMITS={"login": (3, 300)})
def test_login_is_rate_limited_and_failures_logged(users):
    client = Client()
    for _ in range(3):
        response = client.post("/accounts/login/", {"username": "viewer", "password": "wrong"})
        assert response.status_code == 200
    assert AuditEvent.objects.filter(kind="login_failed", username="viewer").count() == 3
    blocked = client.post("/accounts/login/", {"username": "viewer", "password": PASSWORD})
    assert blocked.status_code == 429 and "Retry-After" in blocked
    assert AuditEvent.objects.filter(kind="denied", path="/accounts/login/").exists()


def test_sign_in_is_logged(users):
    response = Client().post("/accounts/login/", {"username": "viewer", "password": PASSWORD})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(kind="login", username="viewer").exists()


@override_settings(RATE_LIMITS={"api_token": (2, 60), "api_anonymous": (100, 60)})
def test_api_rate_limit_per_token_is_logged(clients):
    client = clients["viewer"]
    assert [client.get("/api/v1/me").status_code for _ in range(3)] == [200, 200, 429]
    assert AuditEvent.objects.filter(kind="denied", username="viewer", detail__contains="rate limit").exists()
    assert clients["analyst"].get("/api/v1/me").status_code == 200  # another token has its own budget
