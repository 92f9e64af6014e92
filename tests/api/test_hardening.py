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


def test_a_password_that_repeats_the_username_is_refused(django_user_model, db):
    with pytest.raises(ValidationError) as refused:
        validate_password("viewer1viewer1", django_user_model(username="viewer1"))
    assert [e.code for e in refused.value.error_list] == ["password_contains_username"]
    assert refused.value.messages == ["Salasanassa ei saa olla käyttäjätunnusta."]


def test_users_add_checks_the_new_users_password_against_its_username(db, monkeypatch):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    monkeypatch.setenv("NEW_PASSWORD", "viewer1viewer1")
    with pytest.raises(CommandError, match="Salasanassa ei saa olla käyttäjätunnusta"):
        call_command("users", "add", "viewer1", "--role", "viewer", "--password-env", "NEW_PASSWORD")
    monkeypatch.setenv("NEW_PASSWORD", "kolme-pientä-porsasta-2026")
    with pytest.raises(CommandError, match="käyttäjätunnus"):  # Django's similarity check, now with the user
        call_command(
            "users", "add", "kolme-pientä-porsasta", "--role", "viewer", "--password-env", "NEW_PASSWORD"
        )


def test_a_regional_admin_added_on_the_command_line_reads_the_audit_log(db, monkeypatch):
    from django.core.management import call_command

    monkeypatch.setenv("NEW_PASSWORD", PASSWORD)
    call_command("users", "add", "aluehallinto", "--role", "regional_admin", "--password-env", "NEW_PASSWORD")
    AuditEvent.objects.create(kind="login_failed", username="someone", path="/accounts/login/")
    client = Client()
    assert client.login(username="aluehallinto", password=PASSWORD)
    page = client.get("/admin/accounts/auditevent/")
    assert page.status_code == 200
    assert "someone" in page.content.decode()
    assert client.get("/admin/accounts/auditevent/1/change/").status_code in (200, 302, 404)
    assert client.get("/admin/auth/user/").status_code == 403  # the log, not every admin page


def test_users_add_viewer_gets_no_admin(db, monkeypatch):
    from django.core.management import call_command

    monkeypatch.setenv("NEW_PASSWORD", PASSWORD)
    call_command("users", "add", "katsoja", "--role", "viewer", "--password-env", "NEW_PASSWORD")
    client = Client()
    assert client.login(username="katsoja", password=PASSWORD)
    assert client.get("/admin/accounts/auditevent/").status_code == 302  # to the admin's sign-in


@override_settings(RATE_LIMITS={"login": (3, 300)})
def test_successful_sign_ins_are_not_counted_by_the_login_limit(users):
    """An office behind one address: many people sign in; that must not lock the next one out."""
    for _ in range(6):
        response = Client().post("/accounts/login/", {"username": "viewer", "password": PASSWORD})
        assert response.status_code == 302
    for _ in range(3):
        assert (
            Client().post("/accounts/login/", {"username": "analyst", "password": "wrong"}).status_code == 200
        )
    assert Client().post("/accounts/login/", {"username": "admin", "password": PASSWORD}).status_code == 429
