"""Finland's areas and their history, read from the bundled classification files.

Pure: returns plain records; :mod:`kasvu.bank.areas` writes them to the
database. The files are real (Statistics Finland's classification service via
koodistot.suomi.fi, THL Sotkanet region ids; CC BY 4.0), see
``kasvu/data/classification/SOURCE.txt``.

Validity years are inclusive. Municipalities that ceased in a merger keep
``valid_to`` = the last year they existed, and a :class:`SuccessionRecord`
names the municipality they joined.

Region (maakunta) memberships follow the years: a municipality is in its
region of the 2013 division until it moved and in its 2022 region from the
year of the move (``classification/region_changes.csv``), so that a region's
members in year Y are those of year Y. Before 2013 the 2013 division is used,
as THL does for its regional values of 1990–2012 (Itä-Uusimaa, merged into
Uusimaa in 2011, is part of Uusimaa in every year).
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

COUNTRY_CODE = "FI"
COUNTY_START_YEAR = 2023  # wellbeing services counties took over social and health services on 1.1.2023


@dataclass
class AreaRecord:
    kind: str
    code: str
    name_fi: str
    name_sv: str = ""
    name_en: str = ""
    valid_from: int | None = None
    valid_to: int | None = None
    sotkanet_id: int | None = None


@dataclass
class MembershipRecord:
    group: tuple[str, str]  # (kind, code)
    member: tuple[str, str]
    valid_from: int | None = None
    valid_to: int | None = None


@dataclass
class SuccessionRecord:
    predecessor: str  # municipality code
    successor: str
    year: int


@dataclass(frozen=True)
class RegionChange:
    """A municipality moved from ``old_region`` to ``new_region`` on 1 January ``year``."""

    municipality: str
    old_region: str
    new_region: str
    year: int


class RegionHistoryMismatch(ValueError):
    """The table of region changes disagrees with the 2013 and 2022 divisions."""


@dataclass
class Classification:
    areas: list[AreaRecord] = field(default_factory=list)
    memberships: list[MembershipRecord] = field(default_factory=list)
    successions: list[SuccessionRecord] = field(default_factory=list)


def data_path(*parts: str) -> Path:
    """Path of a file bundled in ``kasvu/data``."""
    return Path(str(resources.files("kasvu") / "data")).joinpath(*parts)


def _read_csv(*parts: str) -> list[dict[str, str]]:
    with data_path(*parts).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _read_correspondence(name: str) -> dict[str, str]:
    """Read a koodistot.suomi.fi correspondence CSV (cp1252, preamble, quoted codes)."""
    text = data_path("classification", name).read_text(encoding="cp1252")
    lines = [line for line in text.splitlines() if line.strip()]
    header_at = next(i for i, line in enumerate(lines) if line.startswith("sourcecode"))
    result = {}
    for row in csv.DictReader(lines[header_at:], delimiter=";"):
        result[row["sourcecode"].strip("'\"")] = row["targetcode"].strip("'\"")
    return result


def _codelist(name: str) -> list[dict[str, object]]:
    data = json.loads(data_path("classification", name).read_text(encoding="utf-8"))
    return data.get("codes") or data.get("results") or []


def _labels(item: dict[str, object]) -> dict[str, str]:
    labels = item.get("prefLabel") or {}
    assert isinstance(labels, dict)
    return {lang: str(labels.get(lang, "")) for lang in ("fi", "sv", "en")}


def load_finland() -> Classification:
    """Country, regions, counties, sub-regions, municipalities (with mergers) and districts."""
    out = Classification()
    country = ("country", COUNTRY_CODE)
    out.areas.append(AreaRecord("country", COUNTRY_CODE, "Suomi", "Finland", "Finland", sotkanet_id=658))

    muni_2013 = _read_csv("sotkanet_2013", "municipalities_2013.csv")
    region_sotkanet_ids: dict[str, int] = {}
    for row in muni_2013:
        region_sotkanet_ids[row["maakunta"]] = int(row["sotkanet_maakunta_id"])

    for item in _codelist("region_codes.json"):
        labels = _labels(item)
        code = str(item["codeValue"])
        out.areas.append(
            AreaRecord(
                "region",
                code,
                labels["fi"],
                labels["sv"],
                labels["en"],
                sotkanet_id=region_sotkanet_ids.get(labels["fi"]),
            )
        )
        out.memberships.append(MembershipRecord(country, ("region", code)))
    region_by_name = {a.name_fi: a.code for a in out.areas if a.kind == "region"}

    county_ids = {
        row["uusi_code"].zfill(2): int(row["uusi_id"])
        for row in _read_csv("sotkanet_regions", "sotkanet_hyvinvointialueet.csv")
    }
    for item in _codelist("codelist_wellbeing_counties.json"):
        labels = _labels(item)
        code = str(item["codeValue"])
        out.areas.append(
            AreaRecord(
                "county",
                code,
                labels["fi"],
                labels["sv"],
                labels["en"],
                valid_from=COUNTY_START_YEAR,
                sotkanet_id=county_ids.get(code),
            )
        )
        out.memberships.append(MembershipRecord(country, ("county", code), valid_from=COUNTY_START_YEAR))

    mergers = _read_csv("classification", "mergers.csv")
    ceased = {m["predecessor_code"]: int(m["year"]) - 1 for m in mergers}
    out.successions = [
        SuccessionRecord(m["predecessor_code"], m["successor_code"], int(m["year"])) for m in mergers
    ]

    to_region = _read_correspondence("municipality_to_region.csv")
    to_county = _read_correspondence("municipality_to_wellbeing_service_county_codes.csv")
    sotkanet_by_code = {row["code"]: int(row["sotkanet_region_id"]) for row in muni_2013}
    names_2013 = {row["code"]: row for row in muni_2013}
    seen: set[str] = set()
    for item in _codelist("municipality_codes_2023.json"):
        labels = _labels(item)
        code = str(item["codeValue"])
        seen.add(code)
        out.areas.append(
            AreaRecord(
                "municipality",
                code,
                labels["fi"],
                labels["sv"] or labels["fi"],
                labels["en"] or labels["fi"],
                valid_to=ceased.get(code),
                sotkanet_id=sotkanet_by_code.get(code),
            )
        )
    # Municipalities of the 2013 division (and Karjalohja, Nummi-Pusula) that no longer exist.
    for merger in mergers:
        code = merger["predecessor_code"]
        if code in seen:
            continue
        seen.add(code)
        row_2013 = names_2013.get(code)
        name = merger["predecessor_name"]
        out.areas.append(
            AreaRecord(
                "municipality",
                code,
                name,
                name,
                name,
                valid_to=ceased[code],
                sotkanet_id=int(row_2013["sotkanet_region_id"]) if row_2013 else None,
            )
        )
        if row_2013:
            to_region.setdefault(code, region_by_name[row_2013["maakunta"]])
        else:  # merged before 2013: same region as its successor
            to_region.setdefault(code, to_region[merger["successor_code"]])

    region_2013 = {row["code"]: region_by_name[row["maakunta"]] for row in muni_2013}
    changes = read_region_changes()
    check_region_changes(region_2013, to_region, changes)
    for area in [a for a in out.areas if a.kind == "municipality"]:
        muni = ("municipality", area.code)
        out.memberships.append(MembershipRecord(country, muni, valid_to=area.valid_to))
        out.memberships.extend(region_memberships(area, to_region.get(area.code), changes.get(area.code)))
        if area.code in to_county and (area.valid_to is None or area.valid_to >= COUNTY_START_YEAR):
            out.memberships.append(
                MembershipRecord(
                    ("county", to_county[area.code]),
                    muni,
                    valid_from=COUNTY_START_YEAR,
                    valid_to=area.valid_to,
                )
            )

    # Sub-regions (seutukunta) as in the 2013 division, the latest correspondence bundled. A sub-region lies
    # within one region, so a municipality that moved region left its 2013 sub-region (which new one it
    # joined is not in the bundled data): its membership ends the year before the move.
    subregions: dict[int, str] = {}
    for row in muni_2013:
        subregions[int(row["sotkanet_seutukunta_id"])] = row["seutukunta"]
    for sid, name in sorted(subregions.items()):
        out.areas.append(AreaRecord("subregion", f"S{sid}", name, "", "", sotkanet_id=sid))
        out.memberships.append(MembershipRecord(country, ("subregion", f"S{sid}")))
    for row in muni_2013:
        code = row["code"]
        out.memberships.append(
            MembershipRecord(
                ("subregion", f"S{row['sotkanet_seutukunta_id']}"),
                ("municipality", code),
                valid_to=_earliest(ceased.get(code), changes[code].year - 1 if code in changes else None),
            )
        )

    for row in _read_csv("classification", "districts.csv"):
        out.areas.append(AreaRecord("district", row["code"], row["name_fi"], row["name_sv"], row["name_en"]))
        out.memberships.append(
            MembershipRecord(("municipality", row["municipality_code"]), ("district", row["code"]))
        )
    return out


def read_region_changes() -> dict[str, RegionChange]:
    """Municipalities that moved region since the 2013 division, by municipality code (see SOURCE.txt)."""
    return {
        row["municipality_code"]: RegionChange(
            row["municipality_code"], row["old_region_code"], row["new_region_code"], int(row["year"])
        )
        for row in _read_csv("classification", "region_changes.csv")
    }


def check_region_changes(
    region_2013: dict[str, str], region_2022: dict[str, str], changes: dict[str, RegionChange]
) -> None:
    """Fail unless ``changes`` lists exactly the municipalities whose region differs in 2013 and 2022.

    Region memberships are built from the two divisions and the change years; a move missing from the
    table would silently put a municipality in its new region for every year (or its old one forever).
    """
    where = "kasvu/data/classification/region_changes.csv"
    unknown = sorted(set(changes) - set(region_2013))
    if unknown:
        raise RegionHistoryMismatch(f"{where} lists {unknown}, not municipalities of the 2013 division.")
    for code, old in sorted(region_2013.items()):
        new = region_2022.get(code, old)
        change = changes.get(code)
        if change is None and old != new:
            raise RegionHistoryMismatch(
                f"Municipality {code} is in region {old} in 2013 and in {new} in 2022, but {where} has no "
                "row for it. Add the row with the first year in the new region."
            )
        if change and (change.old_region, change.new_region) != (old, new):
            raise RegionHistoryMismatch(
                f"{where} says {code} moved from region {change.old_region} to {change.new_region}, but the "
                f"divisions have {old} in 2013 and {new} in 2022. Correct the row."
            )
        if change and not 2013 < change.year <= 2022:
            raise RegionHistoryMismatch(
                f"{where} dates the move of {code} to {change.year}; a move between the 2013 and 2022 "
                "divisions took effect in 2014–2022. Correct the year."
            )


def region_memberships(
    area: AreaRecord, region: str | None, change: RegionChange | None
) -> list[MembershipRecord]:
    """A municipality's region memberships: one, or the old region until the move and the new one from it."""
    muni = ("municipality", area.code)
    if change is None:
        return [MembershipRecord(("region", region), muni, valid_to=area.valid_to)] if region else []
    periods = [
        (change.old_region, None, _earliest(change.year - 1, area.valid_to)),
        (change.new_region, change.year, area.valid_to),
    ]
    return [
        MembershipRecord(("region", code), muni, valid_from=start, valid_to=end)
        for code, start, end in periods
        if start is None or end is None or start <= end
    ]


def _earliest(*years: int | None) -> int | None:
    """The earliest of the given end years; ``None`` (open) when none is given."""
    known = [y for y in years if y is not None]
    return min(known) if known else None


#: Example groups of the regional unit (user-defined groups; edit them with `kasvu areas group`).
DEMO_GROUPS: dict[str, tuple[dict[str, str], list[str]]] = {
    "west-uusimaa": (
        {"fi": "Länsi-Uusimaa", "sv": "Västra Nyland", "en": "West Uusimaa"},
        ["078", "149", "224", "257", "444", "710", "755", "927"],
    ),
    "central-uusimaa": (
        {"fi": "Keski-Uusimaa", "sv": "Mellersta Nyland", "en": "Central Uusimaa"},
        ["106", "186", "245", "505", "543", "611", "753", "858"],
    ),
    "east-uusimaa": (
        {"fi": "Itä-Uusimaa", "sv": "Östra Nyland", "en": "East Uusimaa"},
        ["018", "407", "434", "504", "616", "638"],
    ),
}
