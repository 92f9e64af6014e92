"""Finland's areas and their history, read from the bundled classification files.

Pure: returns plain records; :mod:`kasvu.bank.areas` writes them to the
database. The files are real (Statistics Finland's classification service via
koodistot.suomi.fi, THL Sotkanet region ids; CC BY 4.0), see
``kasvu/data/classification/SOURCE.txt``.

Validity years are inclusive. Municipalities that ceased in a merger keep
``valid_to`` = the last year they existed, and a :class:`SuccessionRecord`
names the municipality they joined.
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
        row = names_2013.get(code)
        name = merger["predecessor_name"]
        out.areas.append(
            AreaRecord(
                "municipality",
                code,
                name,
                name,
                name,
                valid_to=ceased[code],
                sotkanet_id=int(row["sotkanet_region_id"]) if row else None,
            )
        )
        if row:
            to_region.setdefault(code, region_by_name[row["maakunta"]])
        else:  # merged before 2013: same region as its successor
            to_region.setdefault(code, to_region[merger["successor_code"]])

    for area in [a for a in out.areas if a.kind == "municipality"]:
        muni = ("municipality", area.code)
        out.memberships.append(MembershipRecord(country, muni, valid_to=area.valid_to))
        if area.code in to_region:
            out.memberships.append(
                MembershipRecord(("region", to_region[area.code]), muni, valid_to=area.valid_to)
            )
        if area.code in to_county and (area.valid_to is None or area.valid_to >= COUNTY_START_YEAR):
            out.memberships.append(
                MembershipRecord(
                    ("county", to_county[area.code]),
                    muni,
                    valid_from=COUNTY_START_YEAR,
                    valid_to=area.valid_to,
                )
            )

    # Sub-regions (seutukunta) as in the 2013 division, the latest correspondence bundled.
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
                valid_to=ceased.get(code),
            )
        )

    for row in _read_csv("classification", "districts.csv"):
        out.areas.append(AreaRecord("district", row["code"], row["name_fi"], row["name_sv"], row["name_en"]))
        out.memberships.append(
            MembershipRecord(("municipality", row["municipality_code"]), ("district", row["code"]))
        )
    return out


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
