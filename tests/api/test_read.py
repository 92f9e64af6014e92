"""Reading areas, indicators and observations: filters, disclosure, groups, intervals, formats, ETags."""

from __future__ import annotations

import json

import pytest

from kasvu.bank.loader import load
from kasvu.stats.intervals import wilson_interval

from .conftest import KEY, ROWS, ApiClient, placements_batch

pytestmark = pytest.mark.django_db

OBS = f"/api/v1/observations?indicator={KEY}"


def items(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["items"]


def by_area_year(rows: list[dict]) -> dict[tuple[str, int], dict]:
    return {(r["area"], r["year"]): r for r in rows}


def test_areas_list_filters_and_pages():
    body = ApiClient().get("/api/v1/areas?kind=region&limit=5").json()
    assert body["total"] == 19 and len(body["items"]) == 5
    assert all(a["kind"] == "region" for a in body["items"])
    assert "offset=5" in body["next"]
    found = ApiClient().get("/api/v1/areas?q=Lohja&kind=municipality&year=2023").json()["items"]
    assert [a["key"] for a in found] == ["municipality:444"]


def test_area_detail_has_members_and_groups_of_the_year():
    lohja_2010 = ApiClient().get("/api/v1/areas/444?year=2010").json()
    assert lohja_2010["key"] == "municipality:444"
    groups = {g["key"] for g in lohja_2010["groups"]}
    assert "country:FI" in groups and "region:01" in groups
    uusimaa = ApiClient().get("/api/v1/areas/region:01?year=2023").json()
    assert "municipality:444" in {m["key"] for m in uusimaa["members"]}


def test_indicator_metadata_has_licence_and_attribution(placements):
    listed = ApiClient().get("/api/v1/indicators?source=local&right=safety").json()["items"]
    assert [i["key"] for i in listed] == [KEY]
    detail = ApiClient().get(f"/api/v1/indicators/{KEY}").json()
    assert detail["licence"] == "CC BY 4.0"
    assert detail["attribution"] == "Source: test data"
    assert (detail["first_year"], detail["last_year"]) == (2021, 2022)
    assert detail["suppression_threshold"] == 5


def test_public_gets_published_values_only(placements):
    rows = by_area_year(items(ApiClient().get(OBS + "&area=444")))
    hidden = rows[("municipality:444", 2022)]
    assert hidden["suppressed"] is True
    assert hidden["value"] is None and hidden["numerator"] is None and hidden["denominator"] is None
    assert rows[("municipality:444", 2021)]["value"] == pytest.approx(0.4)


def test_internal_users_see_unpublished_values_when_they_ask(placements, clients):
    rows = by_area_year(items(clients["viewer"].get(OBS + "&area=444&internal=true")))
    assert rows[("municipality:444", 2022)]["numerator"] == 3
    assert rows[("municipality:444", 2022)]["suppressed"] is True
    # Without asking, a token sees the public view too.
    rows = by_area_year(items(clients["viewer"].get(OBS + "&area=444")))
    assert rows[("municipality:444", 2022)]["value"] is None


def test_group_values_are_computed_from_members_and_protected_by_a_member(placements):
    url = OBS + "&area=group:lohja-vihti&include_groups=true&intervals=true"
    rows = by_area_year(items(ApiClient().get(url)))
    v2021 = rows[("group:lohja-vihti", 2021)]
    assert v2021["computed"] is True
    assert v2021["value"] == pytest.approx((40 + 25) / (9000 + 5600) * 100)
    iv = wilson_interval([65], [14600], scale=100)
    assert v2021["lower"] == pytest.approx(iv.lower[0]) and v2021["upper"] == pytest.approx(iv.upper[0])
    assert v2021["interval_method"] == "wilson"
    # Lohja's hidden 3 would be the group minus Vihti: Vihti's 30 is hidden, and the group's total stays
    # published (issue 14: a member cell protects it, never the total).
    v2022 = rows[("group:lohja-vihti", 2022)]
    assert v2022["suppressed"] is False and v2022["value"] == pytest.approx(33 / (9137 + 5650) * 100)
    vihti = by_area_year(items(ApiClient().get(OBS + "&area=927")))[("municipality:927", 2022)]
    assert vihti["suppressed"] is True and vihti["value"] is None and vihti["numerator"] is None


def test_csv_and_jsonstat_by_parameter_or_accept(placements):
    csv = ApiClient().get(OBS + "&area=444&format=csv")
    assert csv["Content-Type"].startswith("text/csv")
    lines = csv.content.decode().splitlines()
    assert lines[0].startswith("indicator,area,") and len(lines) == 3
    assert ",3.0," not in csv.content.decode()
    by_accept = ApiClient().get(OBS + "&area=444", Accept="text/csv")
    assert by_accept.content == csv.content
    stat = ApiClient().get(OBS + "&area=444&area=927&format=jsonstat").json()
    assert stat["version"] == "2.0" and stat["class"] == "dataset"
    assert stat["id"] == ["indicator", "area", "year"] and stat["size"] == [1, 2, 2]
    hidden_pos = stat["dimension"]["area"]["category"]["index"]["municipality:444"] * 2 + 1
    assert stat["value"][hidden_pos] is None
    assert stat["status"][str(hidden_pos)] == "suppressed"


def test_pagination_with_total_and_next_link(placements):
    first = ApiClient().get(OBS + "&limit=3").json()
    assert first["total"] == 4 and len(first["items"]) == 3
    second = ApiClient().get(first["next"].replace("http://testserver", "")).json()
    assert len(second["items"]) == 1 and second["next"] is None


def test_etag_gives_304_until_new_data_arrives(placements):
    client = ApiClient()
    first = client.get(OBS)
    etag = first["ETag"]
    again = client.get(OBS, **{"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    load(placements_batch([*ROWS[:3], ("927", 2022, 31, 5650)]), kind="table")
    changed = client.get(OBS, **{"If-None-Match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag
    other_query = client.get(OBS + "&area=444", **{"If-None-Match": changed["ETag"]})
    assert other_query.status_code == 200


def test_json_is_strict_json(placements):
    raw = ApiClient().get(OBS + "&intervals=true").content.decode()
    json.loads(raw, parse_constant=lambda c: pytest.fail(f"non-JSON constant {c}"))
