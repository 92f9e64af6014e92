"""The OpenAPI schema declares the limits the server enforces, so clients (and schemathesis) know them."""

from __future__ import annotations

import pytest

from kasvu.api.common import MAX_LIMIT
from kasvu.api.main import api

from .conftest import ApiClient

SCHEMA = api.get_openapi_schema(path_prefix="/api/v1/")
LISTS = ["/api/v1/areas", "/api/v1/indicators", "/api/v1/observations", "/api/v1/plans", "/api/v1/knowledge"]


def parameter(path: str, name: str, method: str = "get") -> dict:
    (found,) = [p for p in SCHEMA["paths"][path][method]["parameters"] if p["name"] == name]
    return found["schema"]


def integer(schema: dict) -> dict:
    return next(s for s in schema.get("anyOf", [schema]) if s.get("type") == "integer")


@pytest.mark.parametrize("path", LISTS)
def test_page_size_and_offset_are_bounded(path):
    assert (parameter(path, "limit")["minimum"], parameter(path, "limit")["maximum"]) == (1, MAX_LIMIT)
    assert parameter(path, "offset")["minimum"] == 0


@pytest.mark.parametrize(
    ("path", "name", "low", "high"),
    [
        ("/api/v1/areas", "year", 1000, 9999),
        ("/api/v1/areas/{ref}", "year", 1800, 2200),
        ("/api/v1/observations", "year_from", 1000, 9999),
        ("/api/v1/observations", "year_to", 1000, 9999),
        ("/api/v1/knowledge", "year_from", 1000, 9999),
        ("/api/v1/bundle", "year_to", 1000, 9999),
    ],
)
def test_year_ranges_are_declared(path, name, low, high):
    year = integer(parameter(path, name))
    assert (year["minimum"], year["maximum"]) == (low, high)


def test_languages_formats_and_import_kinds_are_enumerated():
    assert parameter("/api/v1/profiles/{ref}", "lang")["enum"] == ["fi", "sv", "en"]
    formats = parameter("/api/v1/observations", "format")["anyOf"][0]["enum"]
    assert formats == ["json", "csv", "jsonstat"]
    body = SCHEMA["paths"]["/api/v1/imports"]["post"]["requestBody"]["content"]["multipart/form-data"]
    assert body["schema"]["properties"]["kind"]["enum"] == ["table", "sotkanet", "px", "jsonstat"]
    assert parameter("/api/v1/observations", "indicator")["minItems"] == 1


def test_plan_yaml_is_declared_with_its_real_content_type():
    content = SCHEMA["paths"]["/api/v1/plans/{pk}/yaml"]["get"]["responses"][200]["content"]
    assert list(content) == ["application/yaml"]


@pytest.mark.django_db
def test_values_outside_the_declared_limits_are_refused_naming_the_parameter():
    too_many = ApiClient().get(f"/api/v1/areas?limit={MAX_LIMIT + 1}")
    assert too_many.status_code == 422
    assert "limit" in too_many.json()["error"]["message"]
    german = ApiClient().get("/api/v1/profiles/444?lang=de")
    assert german.status_code == 422 and "lang" in german.json()["error"]["message"]
