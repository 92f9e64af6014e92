import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kasvu.bank.areas import AreaNotFound, create_group, find_area, members_in
from kasvu.bank.models import Area, Membership, Succession

pytestmark = pytest.mark.django_db


def test_finland_has_every_kind_of_area():
    counts = {
        kind: Area.objects.filter(kind=kind).count()
        for kind in ("country", "county", "region", "subregion", "municipality", "district")
    }
    assert counts["country"] == 1
    assert counts["region"] == 19
    assert counts["county"] == 23  # 21 counties, City of Helsinki, Åland
    assert Area.objects.filter(kind="municipality", valid_to__isnull=True).count() == 308  # 2026 division
    assert Area.objects.filter(kind="municipality").filter(valid_to__gte=2023).count() + 308 == 309
    assert counts["district"] == 5


def test_names_in_three_languages():
    espoo = find_area("049")
    assert (espoo.name("fi"), espoo.name("sv"), espoo.name("en")) == ("Espoo", "Esbo", "Espoo")
    uusimaa = find_area("region:01")
    assert uusimaa.name("sv") == "Nyland"


def test_lohja_merger_memberships_follow_the_years():
    uusimaa = find_area("region:01")
    karjalohja = find_area("220")
    assert karjalohja.valid_to == 2012
    assert Succession.objects.get(predecessor=karjalohja).successor.code == "444"
    assert karjalohja in members_in(uusimaa, 2012)
    assert karjalohja not in members_in(uusimaa, 2013)
    assert find_area("444") in members_in(uusimaa, 2013)


def test_pertunmaa_leaves_in_2026_and_counties_start_in_2023():
    pertunmaa = find_area("588")
    county = pertunmaa.group_links.get(group__kind="county").group
    assert county.name_fi == "Etelä-Savon hyvinvointialue"
    assert pertunmaa in members_in(county, 2025)
    assert pertunmaa not in members_in(county, 2026)
    assert members_in(county, 2022) == []


def test_espoo_districts_belong_to_espoo():
    espoo = find_area("049")
    assert {a.code for a in members_in(espoo, 2024)} == {"049-1", "049-2", "049-3", "049-4", "049-5"}


def test_group_create_from_codes_and_unknown_code_changes_nothing():
    group = create_group("west-uusimaa", {"fi": "Länsi-Uusimaa"}, ["444", "927", "257"])
    assert sorted(a.code for a in members_in(group, 2024)) == ["257", "444", "927"]
    before = Membership.objects.count()
    with pytest.raises(AreaNotFound, match="999"):
        create_group("bad", {"fi": "Bad"}, ["444", "999"])
    assert Membership.objects.count() == before
    assert not Area.objects.filter(kind="group", code="bad").exists()


def test_areas_cli_lists_shows_and_creates_groups(capsys):
    call_command("areas", "group", "create", "Länsi-Uusimaa", "--code", "lu", "--members", "444", "927")
    call_command("areas", "show", "group:lu")
    out = capsys.readouterr().out
    assert "Lohja" in out and "Vihti" in out
    call_command("areas", "list", "--kind", "region")
    out = capsys.readouterr().out
    assert "Uusimaa" in out and "Lappi" in out


def test_group_create_refuses_to_overwrite_an_existing_group():
    call_command(
        "areas", "group", "create", "Länsi-Uusimaa", "--code", "lu", "--members", "444", "927",
        "--name-sv", "Västra Nyland", "--name-en", "West Uusimaa",
    )  # fmt: skip
    with pytest.raises(
        CommandError, match="A group with code 'lu' already exists: Länsi-Uusimaa .2 members."
    ) as e:
        call_command("areas", "group", "create", "Länsi-Uusimaa", "--code", "lu", "--members", "091")
    assert "Give --replace" in str(e.value)
    group = Area.objects.get(kind="group", code="lu")
    assert sorted(group.member_links.values_list("member__code", flat=True)) == ["444", "927"]
    assert (group.name_sv, group.name_en) == ("Västra Nyland", "West Uusimaa")


def test_group_create_replace_redefines_members_and_keeps_names_not_given(capsys):
    call_command(
        "areas", "group", "create", "Länsi-Uusimaa", "--code", "lu", "--members", "444", "927",
        "--name-sv", "Västra Nyland",
    )  # fmt: skip
    call_command("areas", "group", "create", "Länsi-Uusimaa", "--code", "lu", "--members", "091", "--replace")
    assert "Replaced group Länsi-Uusimaa (group:lu): 2 members before, 1 now" in capsys.readouterr().out
    group = Area.objects.get(kind="group", code="lu")
    assert list(group.member_links.values_list("member__code", flat=True)) == ["091"]
    assert group.name_sv == "Västra Nyland"


def test_redefining_a_group_with_the_same_members_recomputes_nothing(db, monkeypatch):
    """`kasvu demo load` run again re-creates its groups: with unchanged members the disclosure pattern
    cannot change, so the whole-bank recomputation (minutes on the demo) is skipped; a changed member is not."""
    from kasvu.bank import disclosure
    from kasvu.bank.areas import create_group

    calls: list[int] = []
    monkeypatch.setattr(disclosure, "refresh_all", lambda *a, **k: calls.append(1))
    first = create_group("same-members", {"fi": "Sama"}, ["444", "927"])
    ids = sorted(first.member_links.values_list("id", flat=True))
    again = create_group("same-members", {"fi": "Sama", "sv": "Samma"}, ["927", "444"])
    assert len(calls) == 1 and sorted(again.member_links.values_list("id", flat=True)) == ids
    assert again.name_sv == "Samma"
    create_group("same-members", {"fi": "Sama"}, ["444", "927", "257"])
    assert len(calls) == 2 and again.member_links.count() == 3
