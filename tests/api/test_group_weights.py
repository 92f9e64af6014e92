"""The API says how a computed group value was weighted, as `kasvu export observations --include-groups`
does (issue 15): computed, approximate, aggregation, weight and missing_reason, on the real 2013 archive."""

from __future__ import annotations

import pytest

from kasvu.bank.loader import load
from kasvu.importers.sotkanet_2013 import load_sotkanet_2013

from .conftest import ApiClient

pytestmark = pytest.mark.django_db

KEYS = ("sotkanet:127", "sotkanet:2328", "sotkanet:3862", "sotkanet:703")


def test_group_values_in_the_api_name_their_weight():
    batch = load_sotkanet_2013(levels=("kunta",))
    batch.observations = batch.observations.filter(batch.observations["indicator"].is_in(KEYS))
    batch.indicators = [m for m in batch.indicators if m.key in KEYS]
    load(batch, kind="test")
    query = "&".join(f"indicator={k}" for k in KEYS[:1] + KEYS[2:])
    response = ApiClient().get(
        f"/api/v1/observations?{query}&area=region:01&year_from=2010&year_to=2010&include_groups=true"
    )
    assert response.status_code == 200, response.content
    rows = {r["indicator"]: r for r in response.json()["items"]}
    pop, industry, care = rows["sotkanet:127"], rows["sotkanet:3862"], rows["sotkanet:703"]
    assert pop["computed"] and pop["aggregation"] == "sum" and pop["weight"] is None
    assert industry["computed"] and not industry["approximate"]
    assert industry["aggregation"] == "weighted_mean"
    assert industry["weight"] == "employed (sotkanet:2328 % × sotkanet:127)"
    # No population aged 75+ is stored: withheld, and the API says why instead of leaving the row out.
    assert care["value"] is None and care["weight"].startswith("withheld")
    assert (
        care["missing_reason"]
        == "no population of the age group is stored: the area's value cannot be computed"
    )


def test_the_schema_declares_the_weight():
    schema = ApiClient().get("/api/v1/openapi.json").json()
    props = schema["components"]["schemas"]["ObservationOut"]["properties"]
    for name in ("computed", "approximate", "aggregation", "weight", "missing_reason"):
        assert name in props and props[name].get("description"), name
