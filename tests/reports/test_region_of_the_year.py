"""A profile report compares a municipality with the region it belonged to in the report's year.

Real memberships (Statistics Finland's divisions): Iitti moved from Kymenlaakso to Päijät-Häme in 2021,
Vaala from Kainuu to Pohjois-Pohjanmaa in 2016. Wellbeing services counties begin in 2023.
"""

from __future__ import annotations

import pytest

from kasvu.bank.areas import find_area
from kasvu.reports import data as report_data
from kasvu.reports import service

pytestmark = pytest.mark.django_db

KYMENLAAKSO, PAIJAT_HAME = "region:08", "region:07"


@pytest.mark.parametrize(
    "code, year, region",
    [("142", 2015, KYMENLAAKSO), ("142", 2020, KYMENLAAKSO), ("142", 2021, PAIJAT_HAME),
     ("142", 2023, PAIJAT_HAME), ("785", 2014, "region:18"), ("785", 2016, "region:17")],
)  # fmt: skip
def test_references_are_the_region_of_the_report_year(code, year, region):
    refs = [r.key for r in report_data.references_of(find_area(code), year)]
    counties = [k for k in refs if k.startswith("county:")]
    assert refs == [region, *counties, "country:FI"]
    assert len(counties) == (1 if year >= 2023 else 0)  # counties begin in 2023


def test_groups_of_a_year_follow_the_memberships_of_that_year():
    iitti = find_area("142")
    assert {g.kind for g in report_data.groups_of(iitti, 2015)} == {"country", "region", "subregion"}
    assert [g.key for g in report_data.groups_of(iitti, 2023) if g.kind in ("county", "region")] == [
        "county:09",
        PAIJAT_HAME,
    ]


def test_a_user_group_is_a_reference_only_when_chosen():
    """Issue 15: a freshly created group (or a survey's sample area) is no default reference; the defaults
    are the web profile's, and a chosen group is used in its members' years like any area."""
    from kasvu.bank.areas import create_group

    create_group("iitti-kouvola", {"fi": "Iitti ja Kouvola"}, ["142", "286"], valid_from=2018)
    iitti = find_area("142")
    assert [r.key for r in report_data.references_of(iitti, 2017)] == [KYMENLAAKSO, "country:FI"]
    assert "group:iitti-kouvola" not in [r.key for r in report_data.references_of(iitti, 2023)]
    chosen = report_data.references_of(iitti, 2023, ["group:iitti-kouvola", "country:FI"])
    assert [r.key for r in chosen] == ["group:iitti-kouvola", "country:FI"]


@pytest.mark.parametrize(
    "year, region, other", [(2015, "Kymenlaakso", "Päijät-Häme"), (2023, "Päijät-Häme", "Kymenlaakso")]
)
def test_iittis_profile_report_names_its_region_of_the_report_year(
    both_regions_of_iitti, year, region, other
):
    report = service.build(service.request_for("profile", "142", year, "en", public=True))
    assert f"Reference areas: {region}, " in report.subtitle
    assert other not in report.subtitle
