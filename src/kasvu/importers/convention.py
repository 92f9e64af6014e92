"""Reading a PX or JSON-stat table by convention: the mapping kasvu infers when none is given.

Statistics Finland's tables (and Sotkanet's PX exports) follow conventions
strong enough to read without a hand-written mapping:

- **area**: the dimension whose role is ``geo``, or that is called Alue/Kunta/
  Maakunta/Hyvinvointialue/Område/Kommun/Region/Area…, or whose codes are
  StatFin codes (``KU049``, ``MK01``, ``HV01``, ``SK011``, ``SSS``) or
  municipality codes, or whose labels are names of areas in Finnish, Swedish
  or English. A table without one is the whole country.
- **time**: the dimension whose role is ``time`` (``TIMEVAL`` in PX), or called
  Vuosi/År/Year, Kuukausi/Månad/Month, Vuosineljännes/Kvartal/Quarter; its
  codes tell the period kind (``2024``, ``2024M01``, ``2024Q1``).
- **sex**: Sukupuoli/Kön/Sex, with the codes SSS/1/2 or the labels
  Yhteensä/Miehet/Naiset, Totalt/Män/Kvinnor, Total/Males/Females.
- **contents**: the ``metric`` dimension (PX ``CONTVARIABLE``, JSON-stat
  ``ContentsCode``): each content is an indicator with its own unit and
  decimals.
- **every other dimension**: its elimination value ("total") gives the
  content's main indicator and each other value one more indicator (e.g. the
  population aged 0–4), up to :data:`MAX_INDICATORS`; a dimension without an
  elimination value must be fixed in a mapping.

:func:`infer_mapping` returns an ordinary mapping (the same dict a mapping file
holds), so ``kasvu inspect`` can write it for editing and a mapping file given
by the user still overrides everything. Pure: no Django.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from itertools import product
from typing import Any

from kasvu.importers.base import ImportFailed
from kasvu.importers.cube import Cube, Dimension

#: More indicators than this from one table means the table is a cross-tabulation to cut in a mapping.
MAX_INDICATORS = 200

AREA_WORDS = (
    "alue",
    "kunta",
    "maakunta",
    "hyvinvointialue",
    "seutukunta",
    "område",
    "kommun",
    "landskap",
    "välfärdsområde",
    "region",
    "area",
    "municipality",
    "wellbeing services county",
)
TIME_WORDS = {
    "year": ("vuosi", "år", "year", "tilastovuosi", "vuosi (v)"),
    "month": ("kuukausi", "månad", "month"),
    "quarter": ("vuosineljännes", "neljännes", "kvartal", "quarter"),
    "half_year": ("puolivuotiskausi", "vuosipuolisko", "halvår", "half-year", "half year"),
}
SEX_WORDS = ("sukupuoli", "kön", "sex", "gender")
SEX_CODES = {
    "total": {"sss", "s", "t", "0", "total", "yhteensä", "totalt", "kaikki", "all"},
    "male": {"1", "m", "male", "males", "men", "miehet", "mies", "män", "pojat", "boys"},
    "female": {"2", "n", "f", "female", "females", "women", "naiset", "nainen", "kvinnor", "tytöt", "girls"},
}
COUNTRY_NAMES = {"koko maa", "hela landet", "whole country", "suomi", "finland", "manner-suomi"}
STATFIN_AREA = re.compile(r"^(KU\d{3}|MK\d{2}|SK\d{3}|HV\d{2}|SSS)$")
PERIOD_PATTERNS = {
    "year": re.compile(r"^\d{4}$"),
    "month": re.compile(r"^\d{4}M(0[1-9]|1[0-2])$"),
    "quarter": re.compile(r"^\d{4}Q[1-4]$"),
    "half_year": re.compile(r"^\d{4}H[12]$"),
    "school_year": re.compile(r"^\d{4}/\d{4}$"),
    "pooled": re.compile(r"^\d{4}\s*[-–]\s*\d{4}$"),
}
#: Units of counts as StatFin writes them, in the form kasvu's validation rules know.
COUNT_UNIT_WORDS = {"lukumäärä", "lkm", "henkilöä", "antal", "number", "persons", "personer", "count"}
#: Contents that are counts of people even when the table gives no unit (StatFin's population tables).
POPULATION_WORDS = ("väestö", "väkiluku", "befolkning", "folkmängd", "population")


@dataclass
class Inference:
    """What kasvu read from a table, for ``kasvu inspect``: the mapping and the reasons."""

    mapping: dict[str, Any]
    roles: dict[str, str]  # dimension id → "area", "time", "sex", "contents", "fixed", "indicators"
    period_kind: str
    notes: list[str] = field(default_factory=list)


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFC", str(text)).strip().lower()
    return re.sub(r"\s+", " ", text)


def _names(dim: Dimension) -> set[str]:
    return {_fold(n) for n in [dim.id, *dim.names.values()]}


def _named(dim: Dimension, words: Iterable[str]) -> bool:
    names = _names(dim)
    folded = [_fold(w) for w in words]
    return any(n == w or n.split("_")[0] == w for n in names for w in folded)


@cache
def area_names() -> dict[str, str]:
    """Folded name in fi/sv/en → StatFin area code (``KU091``), from kasvu's classification."""
    from kasvu.classification import load_finland

    prefixes = {"municipality": "KU", "region": "MK", "county": "HV", "subregion": "SK"}
    out: dict[str, str] = {name: "SSS" for name in COUNTRY_NAMES}
    # Regions first, so that a municipality of the same name (none today) wins.
    order = {"county": 0, "region": 1, "subregion": 2, "municipality": 3}
    areas = [a for a in load_finland().areas if a.kind in prefixes]
    for area in sorted(areas, key=lambda a: order[a.kind]):
        for name in (area.name_fi, area.name_sv, area.name_en):
            if name:
                out[_fold(name)] = prefixes[area.kind] + area.code
    return out


def _area_codes(dim: Dimension) -> dict[str, str] | None:
    """The dimension's codes → StatFin codes, or None when they are not areas."""
    if all(STATFIN_AREA.match(c) for c in dim.codes):
        return {}
    if all(re.fullmatch(r"\d{3}", c) or c == "SSS" for c in dim.codes):
        return {c: c if c == "SSS" else f"KU{c}" for c in dim.codes}
    names = area_names()
    for labels in dim.labels.values():
        found = {code: names.get(_fold(label)) for code, label in zip(dim.codes, labels, strict=True)}
        if sum(v is not None for v in found.values()) >= max(1, len(dim.codes) * 0.8):
            return {code: v for code, v in found.items() if v is not None and v != code} | {
                code: f"unknown:{code}" for code, v in found.items() if v is None
            }
    return None


def period_kind(codes: Iterable[str]) -> str | None:
    """The kind of period all ``codes`` are (``year``, ``month``, ``quarter``…), or None if mixed."""
    codes = [c.strip() for c in codes]
    for kind, pattern in PERIOD_PATTERNS.items():
        if codes and all(pattern.match(c) for c in codes):
            return kind
    return None


def _sex_values(dim: Dimension) -> dict[str, str] | None:
    out: dict[str, str] = {}
    for position, code in enumerate(dim.codes):
        words = {_fold(code), *(_fold(labels[position]) for labels in dim.labels.values())}
        target = next((sex for sex, known in SEX_CODES.items() if words & known), None)
        if target is None or target in out.values():
            return None
        out[code] = target
    return out if "total" in out.values() or len(out) > 1 else None


def _table_id(cube: Cube) -> str:
    table = cube.table_id or ""
    match = re.match(r"^statfin_[a-z0-9]+_pxt_(\w+)$", table, re.I)
    table = match.group(1) if match else table
    return re.sub(r"[^0-9A-Za-z_.-]+", "-", table).strip("-").lower() or "table"


def _source(cube: Cube) -> str:
    text = " ".join(cube.source.values())
    return (
        "statfin"
        if "Tilastokeskus" in text or "Statistics Finland" in text or "Statistikcentralen" in text
        else "px"
    )


def _unit_and_aggregation(cube: Cube, metric: Dimension | None, code: str | None) -> tuple[str, str, float]:
    units = cube.content_units.get(code or "", {}) or cube.units
    unit = next((u for lang in ("en", "fi", "sv") if (u := units.get(lang, "").strip())), "")
    label = (
        " ".join(labels[metric.codes.index(code)] for labels in metric.labels.values())
        if metric is not None and code is not None
        else " ".join(cube.title.values())
    )
    folded = _fold(unit)
    if folded in COUNT_UNIT_WORDS or (not unit and any(w in _fold(label) for w in POPULATION_WORDS)):
        return "persons", "sum", 1.0
    if folded in ("%", "prosentti", "percent", "procent"):
        return "%", "none", 100.0  # a share or a change: say which in the mapping (aggregation: ratio)
    return unit, "unknown", 1.0


def _label(dim: Dimension, code: str) -> dict[str, str]:
    position = dim.codes.index(code)
    return {lang: labels[position] for lang, labels in dim.labels.items()}


def infer(cube: Cube, *, strict: bool = True) -> Inference:
    """Read the table by convention (see the module docstring). Raises ImportFailed saying what to map.

    ``strict=False`` (for ``kasvu inspect``) fixes a dimension without a total to
    its first value and says so in the notes, so that the mapping written for
    editing is complete.
    """
    dims = list(cube.dimensions)
    roles: dict[str, str] = {}
    notes: list[str] = []
    mapping: dict[str, Any] = {"area_scheme": "statfin"}

    time = next((d for d in dims if d.role == "time"), None) or next(
        (d for d in dims if any(_named(d, words) for words in TIME_WORDS.values())), None
    )
    if time is None:
        raise ImportFailed(
            "no time dimension (Vuosi/År/Year, Kuukausi/Month, Vuosineljännes/Quarter) found among "
            f"{', '.join(repr(d.id) for d in dims)}. Write a mapping with year: {{dimension: NAME}} or "
            "year: {value: 2024} (docs/importing.md).",
            file=cube.file,
            field="time",
        )
    kind = period_kind(time.codes)
    if kind is None:
        raise ImportFailed(
            f"the time dimension {time.id!r} has periods kasvu cannot read ({', '.join(time.codes[:5])}). "
            "Years are 2024, months 2024M01, quarters 2024Q1, half-years 2024H1, school years 2024/2025, "
            "pooled years 2022–2023.",
            file=cube.file,
            field=time.id,
        )
    roles[time.id] = "time"
    mapping["year"] = {"dimension": time.id}

    rest = [d for d in dims if d is not time]
    area = (
        next((d for d in rest if d.role == "geo"), None)
        or next((d for d in rest if _named(d, AREA_WORDS) and _area_codes(d) is not None), None)
        or next((d for d in rest if d.role != "metric" and _area_codes(d) is not None and len(d) > 1), None)
    )
    if area is None:
        mapping["area"] = {"code": "SSS"}
        notes.append("no area dimension: the values are the whole country's (SSS)")
    else:
        codes = _area_codes(area)
        if codes is None:
            raise ImportFailed(
                f"the area dimension {area.id!r} has codes kasvu does not recognise "
                f"({', '.join(area.codes[:5])}). Write a mapping with area: {{dimension: {area.id}, values: "
                "{CODE: KU049, ...}} (docs/importing.md).",
                file=cube.file,
                field=area.id,
            )
        unknown = [c for c, v in codes.items() if v.startswith("unknown:")]
        if unknown:
            notes.append(
                f"area names not recognised, left out: {', '.join(_label(area, c)['fi' if 'fi' in area.labels else next(iter(area.labels))] for c in unknown[:5])}"
            )
        roles[area.id] = "area"
        mapping["area"] = {"dimension": area.id}
        known = {c: v for c, v in codes.items() if not v.startswith("unknown:")}
        if known:
            mapping["area"]["values"] = known
        if unknown:
            mapping["area"]["skip"] = unknown
        rest.remove(area)

    sex = next((d for d in rest if _named(d, SEX_WORDS)), None)
    if sex is not None:
        values = _sex_values(sex)
        if values is None:
            raise ImportFailed(
                f"the sex dimension {sex.id!r} has values kasvu cannot read ({', '.join(sex.codes)}). "
                "Write a mapping with sex: {dimension: NAME, values: {CODE: total|male|female}}.",
                file=cube.file,
                field=sex.id,
            )
        roles[sex.id] = "sex"
        mapping["sex"] = {"dimension": sex.id, "values": values}
        rest.remove(sex)

    metric = next((d for d in rest if d.role == "metric"), None) or next(
        (d for d in rest if _named(d, ("tiedot", "uppgifter", "information", "contentscode"))), None
    )
    if metric is not None:
        roles[metric.id] = "contents"
        rest.remove(metric)
    others = []
    fixed: dict[str, str] = {}
    for dim in rest:
        if len(dim) == 1:
            roles[dim.id] = "fixed"
        elif dim.elimination is None and not strict:
            roles[dim.id] = "fixed"
            fixed[dim.id] = dim.codes[0]
            notes.append(
                f"{dim.id!r} has no total: the mapping takes its first value {dim.codes[0]!r}; "
                "change 'where' to the value you want, or copy the indicator once per value"
            )
        elif dim.elimination is None:
            raise ImportFailed(
                f"dimension {dim.id!r} has {len(dim)} values ({', '.join(dim.codes[:6])}"
                f"{'…' if len(dim) > 6 else ''}) and no total (elimination value), so kasvu cannot tell which "
                "cells belong together. Run `kasvu inspect FILE`, choose the value in the mapping it writes, "
                "and import with --mapping.",
                file=cube.file,
                field=dim.id,
            )
        else:
            roles[dim.id] = "indicators"
            others.append(dim)

    table = _table_id(cube)
    source = _source(cube)
    contents = metric.codes if metric is not None else [None]
    combos = list(product(*[dim.codes for dim in others])) or [()]
    if len(contents) * len(combos) > MAX_INDICATORS:
        notes.append(
            f"{len(contents) * len(combos)} combinations of contents and other dimensions: only the totals "
            "are read; choose more in the mapping"
        )
        combos = [tuple(str(dim.elimination) for dim in others)]
    indicators = []
    for content in contents:
        unit, aggregation, scale = _unit_and_aggregation(cube, metric, content)
        decimals = cube.content_decimals.get(content or "", cube.decimals if cube.decimals is not None else 1)
        for combo in combos:
            where: dict[str, str] = dict(fixed)
            parts = [content] if content else []
            title = _label(metric, content) if metric is not None and content else dict(cube.title)
            for dim, code in zip(others, combo, strict=True):
                assert code is not None
                where[dim.id] = code
                if code != dim.elimination:
                    parts.append(code)
                    extra = _label(dim, code)
                    title = {
                        lang: f"{text}, {extra.get(lang, next(iter(extra.values())))}"
                        for lang, text in title.items()
                    }
            if metric is not None and content:
                where[metric.id] = content
            key = f"{source}:{table}" + "".join(f":{p}" for p in parts)
            indicators.append(
                {
                    "key": re.sub(r"\s+", "", key),
                    "title": title,
                    "where": where,
                    "unit": unit,
                    "decimals": decimals,
                    "aggregation": aggregation,
                    "scale": scale,
                }
            )
    mapping["indicators"] = indicators
    return Inference(mapping, roles, kind, notes)


def infer_mapping(cube: Cube) -> dict[str, Any]:
    """The mapping kasvu uses for ``cube`` when the user gives none."""
    inference = infer(cube)
    return inference.mapping


def describe(cube: Cube, inference: Inference) -> list[str]:
    """Lines for ``kasvu inspect``: each dimension, what kasvu does with it, and the indicators."""
    lines = [f"{cube.file}: {' / '.join(cube.title.values()) or cube.table_id}"]
    words = {
        "area": "area",
        "time": f"time ({inference.period_kind})",
        "sex": "sex",
        "contents": "contents: one indicator each",
        "fixed": "one value only (or fixed in the mapping)",
        "indicators": "total, and one indicator per other value",
    }
    for dim in cube.dimensions:
        role = inference.roles.get(dim.id, "?")
        sample = ", ".join(dim.codes[:4]) + (" …" if len(dim) > 4 else "")
        lines.append(f"  {dim.id:<28} {len(dim):>5} values  {words.get(role, role):<42} {sample}")
    mapping = inference.mapping
    area = mapping.get("area", {})
    if "values" in area:
        lines.append(
            f"  area codes read as: {', '.join(f'{k} → {v}' for k, v in list(area['values'].items())[:5])}"
        )
    lines.append(f"  {len(mapping['indicators'])} indicators:")
    for spec in mapping["indicators"][:20]:
        title = spec["title"].get("fi") or next(iter(spec["title"].values()), "")
        lines.append(
            f"    {spec['key']:<40} {title} [{spec['unit'] or 'no unit'}, {spec['decimals']} decimals]"
        )
    if len(mapping["indicators"]) > 20:
        lines.append(f"    … and {len(mapping['indicators']) - 20} more")
    lines.extend(f"  note: {n}" for n in inference.notes)
    return lines


def mapping_for_file(mapping: Mapping[str, Any]) -> dict[str, Any]:
    """The inferred mapping as it is written for editing (no private keys)."""
    return {k: v for k, v in mapping.items() if not k.startswith("_")}
