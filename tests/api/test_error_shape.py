"""Every API error has one shape: {"error": {"status": int, "code": str, "message": str}}."""

from __future__ import annotations

import pytest
from django.test import override_settings

from .conftest import ApiClient

pytestmark = pytest.mark.django_db


def assert_error_shape(response, status: int, code: str) -> dict:
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"status", "code", "message"}
    assert body["error"]["status"] == status
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return body["error"]


@pytest.mark.parametrize(
    ("url", "status", "code"),
    [
        ("/api/v1/no-such-thing", 404, "not_found"),
        ("/api/elsewhere", 404, "not_found"),
        ("/api/v1/areas/no-such-area", 404, "not_found"),
        ("/api/v1/indicators/nope:1", 404, "not_found"),
        ("/api/v1/observations", 422, "invalid_request"),
        ("/api/v1/observations?indicator=sotkanet:127&format=xml", 422, "invalid_request"),
        ("/api/v1/areas?limit=0", 422, "invalid_request"),
        ("/api/v1/areas?year=notayear", 422, "invalid_request"),
        ("/api/v1/plans/999999", 404, "not_found"),
    ],
)
def test_errors_have_one_shape(url, status, code):
    assert_error_shape(ApiClient().get(url), status, code)


def test_bad_token_is_401_in_the_shape():
    assert_error_shape(ApiClient("kasvu_not-a-real-key").get("/api/v1/areas"), 401, "unauthorized")
    assert_error_shape(ApiClient().get("/api/v1/areas", Authorization="Basic abc"), 401, "unauthorized")


def test_write_without_token_is_401():
    assert_error_shape(ApiClient().post("/api/v1/imports"), 401, "unauthorized")


def test_wrong_method_is_405_in_the_shape():
    response = ApiClient().post("/api/v1/areas")
    assert_error_shape(response, 405, "method_not_allowed")
    assert response["Allow"] == "GET"


def test_denied_is_403_in_the_shape_and_logged(placements):
    from kasvu.accounts.models import AuditEvent

    url = "/api/v1/observations?indicator=local:placements&internal=true"
    assert_error_shape(ApiClient().get(url), 403, "forbidden")
    event = AuditEvent.objects.get(kind="denied")
    assert event.path == "/api/v1/observations" and event.username == ""


@override_settings(RATE_LIMITS={"api_anonymous": (2, 60)})
def test_rate_limit_is_429_in_the_shape():
    client = ApiClient()
    assert client.get("/api/v1/areas?limit=1").status_code == 200
    assert client.get("/api/v1/areas?limit=1").status_code == 200
    response = client.get("/api/v1/areas?limit=1")
    assert_error_shape(response, 429, "rate_limited")
    assert int(response["Retry-After"]) >= 1


def test_server_error_is_500_in_the_shape(monkeypatch):
    from kasvu.api.routes import areas

    def boom(*args, **kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr(areas, "area_out", boom)
    client = ApiClient()
    client.client.raise_request_exception = False
    assert_error_shape(client.get("/api/v1/areas?limit=1"), 500, "server_error")


def test_nul_characters_are_a_400_not_a_server_error():
    """Found by schemathesis on PostgreSQL, which refuses NUL in strings."""
    assert_error_shape(ApiClient().get("/api/v1/areas/%00x"), 400, "bad_request")
    assert_error_shape(ApiClient().get("/api/v1/bundle?indicator=a%00b"), 400, "bad_request")


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/areas?offset=22942678583060668416",
        "/api/v1/areas?year=99999",
        "/api/v1/plans/99999999999999999999",
    ],
)
def test_huge_numbers_are_client_errors(url):
    """Found by schemathesis: integers beyond the database's range must not reach it."""
    assert 400 <= ApiClient().get(url).status_code < 500
