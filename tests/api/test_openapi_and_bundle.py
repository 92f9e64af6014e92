"""The committed OpenAPI schema, the open-data bundle (API and CLI)."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command

from kasvu.api.management.commands.api import openapi_text

from .conftest import ApiClient

COMMITTED = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"


def test_committed_openapi_schema_is_current():
    assert COMMITTED.read_text(encoding="utf-8") == openapi_text(), (
        "docs/openapi.json differs from the API. Regenerate it: kasvu api schema > docs/openapi.json"
    )


@pytest.mark.django_db
def test_openapi_schema_is_served():
    schema = ApiClient().get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/observations" in schema["paths"]
    assert schema["components"]["schemas"]["ErrorOut"]["properties"]["error"]


def _bundle(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        return {name: z.read(name) for name in z.namelist()}


@pytest.mark.django_db
def test_bundle_has_published_values_metadata_and_citation(placements):
    response = ApiClient().get("/api/v1/bundle?indicator=local:placements&area=444&area=927")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    files = _bundle(response.content)
    assert set(files) == {"observations.csv", "metadata.json", "README.md"}
    csv = files["observations.csv"].decode()
    assert "municipality:444" in csv and ",3.0," not in csv
    meta = json.loads(files["metadata.json"])
    assert meta["public"] is True
    ind = meta["indicators"][0]
    assert ind["licence"] == "CC BY 4.0" and ind["attribution"] == "Source: test data" and ind["unit"] == "%"
    readme = files["README.md"].decode()
    assert "Source: test data" in readme and "creativecommons.org/licenses/by/4.0" in readme
    assert response["ETag"]


@pytest.mark.django_db
def test_bundle_cli_writes_the_same_zip(placements, tmp_path):
    out = tmp_path / "bundle.zip"
    call_command(
        "api",
        "bundle",
        "--indicator",
        "local:placements",
        "--area",
        "444",
        "-o",
        str(out),
        stdout=io.StringIO(),
    )
    files = _bundle(out.read_bytes())
    assert ",3.0," not in files["observations.csv"].decode()
