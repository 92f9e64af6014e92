"""Region (maakunta) memberships follow the years, checked against THL's own regional values and maps.

Real data only: THL Sotkanet values of 1990–2012 (2013 download), Statistics Finland's 2013 and 2022
divisions, and region maps of 2020 and 2023 (see the SOURCE.txt of each folder in kasvu/data).
"""

from __future__ import annotations

import dataclasses
import json

import polars as pl
import pytest
from django.core.management import call_command

from kasvu import values
from kasvu.bank.areas import create_group, find_area, install_finland, members_in
from kasvu.bank.loader import load
from kasvu.bank.models import Area, Membership
from kasvu.classification import (
    RegionHistoryMismatch,
    _read_correspondence,
    check_region_changes,
    data_path,
    load_finland,
    read_region_changes,
)
from kasvu.importers.sotkanet_2013 import load_sotkanet_2013, region_codes

# Statistics Finland, regional division changes (first year in the new region). Iitti moved from
# Kymenlaakso to Päijät-Häme; Isokyrö moved too. Pinned here so that an edit of the table shows up.
MOVES = {
    "785": ("18", "17", 2016),  # Vaala: Kainuu → Pohjois-Pohjanmaa
    "090": ("10", "12", 2021),  # Heinävesi: Etelä-Savo → Pohjois-Karjala
    "142": ("08", "07", 2021),  # Iitti: Kymenlaakso → Päijät-Häme
    "152": ("15", "14", 2021),  # Isokyrö: Pohjanmaa → Etelä-Pohjanmaa
    "171": ("10", "11", 2021),  # Joroinen: Etelä-Savo → Pohjois-Savo
    "291": ("13", "06", 2021),  # Kuhmoinen: Keski-Suomi → Pirkanmaa
}
POPULATION = "sotkanet:127"  # "[YLEISET] Väestö 31.12.", a count: aggregation "sum"


def region(code: str) -> Area:
    return find_area(f"region:{code}")


def test_the_table_of_moves_is_the_one_pinned_here():
    changes = read_region_changes()
    assert {c.municipality: (c.old_region, c.new_region, c.year) for c in changes.values()} == MOVES


@pytest.mark.django_db
@pytest.mark.parametrize("code", sorted(MOVES))
def test_moved_municipality_is_in_its_old_region_before_the_move_and_the_new_one_from_it(code):
    old, new, year = MOVES[code]
    muni = find_area(code)
    for y in (1990, 2012, year - 1):
        assert muni in members_in(region(old), y) and muni not in members_in(region(new), y)
    for y in (year, 2022, 2026):
        assert muni in members_in(region(new), y) and muni not in members_in(region(old), y)


@pytest.mark.django_db
def test_moved_municipality_leaves_its_2013_sub_region_with_its_region():
    vaala = find_area("785")
    subregion = vaala.group_links.get(group__kind="subregion").group
    assert subregion.name_fi == "Kajaanin seutukunta"
    assert vaala in members_in(subregion, 2015)
    assert vaala not in members_in(subregion, 2016)


@pytest.mark.django_db
def test_mergers_still_follow_the_years():
    uusimaa, pohjois_savo = region("01"), region("11")
    assert find_area("540") in members_in(uusimaa, 2012)  # Nummi-Pusula, joined Lohja 2013
    assert find_area("540") not in members_in(uusimaa, 2013)
    assert find_area("476") in members_in(pohjois_savo, 2014)  # Maaninka, joined Kuopio 2015
    assert find_area("476") not in members_in(pohjois_savo, 2015)


@pytest.mark.django_db
def test_each_municipality_is_in_exactly_one_region_each_year():
    """Each municipality valid in a year is in exactly one region that year (none lost, none twice)."""
    regions = list(Area.objects.filter(kind="region"))
    for year in (2012, 2015, 2016, 2020, 2021, 2026):
        counted = [m.code for r in regions for m in members_in(r, year)]
        valid = Area.objects.filter(kind="municipality").exclude(valid_to__lt=year).count()
        assert len(counted) == len(set(counted)) == valid


def divisions() -> tuple[dict[str, str], dict[str, str]]:
    names = {name: code.removeprefix("region:") for name, code in region_codes().items()}
    rows = pl.read_csv(data_path("sotkanet_2013", "municipalities_2013.csv"), infer_schema_length=0)
    region_2013 = {code: names[name] for code, name in rows.select("code", "maakunta").iter_rows()}
    return region_2013, _read_correspondence("municipality_to_region.csv")


def test_a_move_missing_from_the_table_is_an_error_saying_what_to_do():
    region_2013, region_2022 = divisions()
    changes = read_region_changes()
    check_region_changes(region_2013, region_2022, changes)
    del changes["152"]
    with pytest.raises(RegionHistoryMismatch, match="152 is in region 15 in 2013 and in 14 in 2022.*Add"):
        check_region_changes(region_2013, region_2022, changes)


def test_a_move_in_the_wrong_direction_is_an_error():
    region_2013, region_2022 = divisions()
    changes = read_region_changes()
    changes["142"] = dataclasses.replace(changes["142"], old_region="07", new_region="08")
    with pytest.raises(RegionHistoryMismatch, match="142 moved from region 07 to 08.*08 in 2013 and 07"):
        check_region_changes(region_2013, region_2022, changes)


@pytest.fixture
def municipal_population() -> int:
    """THL's municipal population 1990–2012 stored in the bank (no regional values: kasvu computes them)."""
    batch = load_sotkanet_2013(levels=("kunta",))
    batch.observations = batch.observations.filter(pl.col("indicator") == POPULATION)
    batch.indicators = [m for m in batch.indicators if m.key == POPULATION]
    load(batch, kind="sotkanet-2013")
    values.clear_caches()
    return values.indicator_frame().filter(pl.col("key") == POPULATION)["indicator_id"][0]


def thl_regional_population() -> pl.DataFrame:
    thl = pl.read_csv(data_path("sotkanet_2013", "values_maakunta.csv.gz"))
    return thl.filter(pl.col("indicator_title") == "[YLEISET] Väestö 31.12.").select(
        pl.col("area_name").replace_strict(region_codes()).str.strip_prefix("region:").alias("region"),
        "year",
        pl.col("value").alias("thl"),
    )


@pytest.mark.django_db
def test_regional_population_from_kasvus_memberships_equals_thls_for_every_region_and_year(
    municipal_population,
):
    ours = pl.concat(
        values.group_values(r.id, [municipal_population]).select(
            pl.lit(r.code).alias("region"), "year", "value", "missing_reason"
        )
        for r in Area.objects.filter(kind="region")
    )
    both = ours.join(thl_regional_population(), on=["region", "year"], how="full", coalesce=True)
    assert both.height == 19 * 23  # every region (with Åland) in every year 1990–2012
    assert both["missing_reason"].null_count() == both.height
    assert both.filter(pl.col("value") != pl.col("thl")).height == 0
    assert both["value"].null_count() == 0 and both["thl"].null_count() == 0


@pytest.mark.django_db
def test_todays_regions_would_not_add_up_to_thls_values_before_the_moves(municipal_population):
    """The check above has teeth: with the 2022 regions for all years, every region a move touched is off."""
    region_2013, region_2022 = divisions()
    areas = Area.objects.filter(kind="municipality").in_bulk()
    stored = values.read_observations(list(areas), [municipal_population]).filter(pl.col("year") == 2012)
    ours: dict[str, float] = {}
    for area_id, value in stored.select("area_id", "value").iter_rows():
        code = areas[area_id].code
        now = region_2022.get(code, region_2013[code])  # merged since 2013: no 2022 row, same region
        ours[now] = ours.get(now, 0) + value
    thl = {r: v for r, y, v in thl_regional_population().iter_rows() if y == 2012}
    off = {r for r in thl if ours[r] != thl[r]}
    touched = {region for old, new, _ in MOVES.values() for region in (old, new)}
    assert off == touched and len(off) == 11


@pytest.mark.django_db
def test_containment_is_judged_on_the_current_region():
    iitti, maaninka = find_area("142"), find_area("476")
    assert values.is_contained(iitti.id, region("07").id)
    assert not values.is_contained(iitti.id, region("08").id)  # Kymenlaakso's sums exclude Iitti since 2021
    assert values.is_contained(maaninka.id, region("11").id)  # merged away, still part of Pohjois-Savo
    assert values.is_contained(iitti.id, region("08").id, year=2020)
    assert not values.is_contained(iitti.id, region("07").id, year=2020)
    assert values.default_references(iitti.id)[0] == region("07").id


@pytest.mark.django_db
def test_areas_show_gives_the_region_membership_with_years(capsys):
    call_command("areas", "show", "142")
    out = capsys.readouterr().out
    old = out.index("member of region Kymenlaakso (08) …–2020")
    assert out.index("member of region Päijät-Häme (07) 2021–…") > old


@pytest.mark.django_db
def test_reinstall_repairs_an_older_install_and_keeps_user_groups(capsys):
    iitti, paijat_hame = find_area("142"), region("07")
    # An install from before region history: Iitti in its 2022 region for every year.
    Membership.objects.filter(member=iitti, group__kind="region").delete()
    Membership.objects.create(group=paijat_hame, member=iitti)
    create_group("iitti-kouvola", {"fi": "Iitti ja Kouvola"}, ["142", "286"], valid_from=2015)
    version = values.data_version()

    call_command("areas", "install")
    assert "2 new memberships (1 outdated removed)" in capsys.readouterr().out
    links = iitti.group_links.filter(group__kind="region").order_by("group__code")
    assert [(m.group.code, m.valid_from, m.valid_to) for m in links] == [
        ("07", 2021, None),
        ("08", None, 2020),
    ]
    group = find_area("group:iitti-kouvola")
    assert sorted(a.code for a in members_in(group, 2016)) == ["142", "286"]
    assert values.data_version() != version

    again = install_finland()
    assert (again["memberships"], again["memberships_removed"]) == (0, 0)
    assert Membership.objects.count() == len(load_finland().memberships) + 2


# Maps: a point inside each moved municipality (2023 borders), and the region around it in 2020 and 2023.


def _rings_topojson(path: str, layer: str) -> dict[str, list[list[tuple[float, float]]]]:
    topo = json.loads(data_path("geo", path).read_text(encoding="utf-8"))
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    out = {}
    for geom in topo["objects"][layer]["geometries"]:
        polygons = [geom["arcs"]] if geom["type"] == "Polygon" else geom["arcs"]
        rings = [
            [p for i in ring for p in (arcs[i] if i >= 0 else arcs[~i][::-1])]
            for poly in polygons
            for ring in poly
        ]
        out[geom["properties"]["maakunta"]] = rings
    return out


def _rings_geojson(path: str, key: str) -> dict[str, list[list[tuple[float, float]]]]:
    features = json.loads(data_path("geo", path).read_text(encoding="utf-8"))["features"]
    out = {}
    for f in features:
        coords = f["geometry"]["coordinates"]
        polygons = [coords] if f["geometry"]["type"] == "Polygon" else coords
        out[f["properties"][key]] = [[(p[0], p[1]) for p in ring] for poly in polygons for ring in poly]
    return out


def _inside(point: tuple[float, float], rings: list[list[tuple[float, float]]]) -> bool:
    """Even-odd rule over all rings (holes included)."""
    x, y = point
    hit = False
    for ring in rings:
        for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
            if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
                hit = not hit
    return hit


def _point_inside(rings: list[list[tuple[float, float]]]) -> tuple[float, float]:
    xs, ys = [p[0] for p in rings[0]], [p[1] for p in rings[0]]
    grid = (
        (min(xs) + (max(xs) - min(xs)) * i / 20, min(ys) + (max(ys) - min(ys)) * j / 20)
        for i in range(1, 20)
        for j in range(1, 20)
    )
    return next(p for p in grid if _inside(p, rings))


def test_region_maps_of_2020_and_2023_bound_the_years_of_the_moves():
    """2020 map: the 2021 movers still in the old region, Vaala (2016) already in the new one; 2023: all new."""
    municipalities = _rings_geojson("kuntarajat.2023.json", "NATCODE")
    in_2020 = _rings_topojson("finland-regions-2020.topo.json", "landskap-2020")
    in_2023 = _rings_geojson("maakuntarajat.2023.json", "NATCODE")
    for code, (old, new, year) in MOVES.items():
        point = _point_inside(municipalities[code])
        assert [r for r, rings in in_2020.items() if _inside(point, rings)] == [old if year > 2020 else new]
        assert [r for r, rings in in_2023.items() if _inside(point, rings)] == [new]
