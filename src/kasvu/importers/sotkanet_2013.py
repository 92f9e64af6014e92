"""The 2013 Sotkanet archive shipped in ``kasvu/data/sotkanet_2013``.

Real Sotkanet values downloaded on 2013-09-08 for 54 indicators, 1990-2012,
by municipality (2013 division, 320 municipalities) and region (maakunta). The
files name areas and indicators by their Finnish names, without ids:

* indicators: ``"[THEME] title"`` is matched to a Sotkanet id through
  ``selected_indicators_2013.csv`` after removing the ``"[THEME] "`` prefix;
  titles that differ there are matched by :data:`TITLE_OVERRIDES`.
* municipalities: name → code through ``municipalities_2013.csv``.
* regions: name → code 01-21 through ``classification/region_codes.json``.

The result is a :class:`ParsedBatch` with ``area_scheme="code"`` (3-digit
municipality codes and 2-digit region codes) and indicator metadata from
``indicators.yaml`` in the same folder.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import polars as pl
import yaml

from kasvu.importers.base import OBSERVATION_SCHEMA, ImportFailed, IndicatorMeta, ParsedBatch

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "sotkanet_2013"
REGION_CODES = Path(__file__).resolve().parent.parent / "data" / "classification" / "region_codes.json"

#: Titles in the values files that do not appear verbatim in selected_indicators_2013.csv.
#: The first four are garbled there by broken CSV quoting (";" became quote characters);
#: 178 was renamed by THL between the selection (2013-08-17) and the download (2013-09-08).
TITLE_OVERRIDES: dict[str, int] = {
    "Ammatillinen, tieteellinen ja tekninen toiminta; Hallinto ja tukipalvelutoiminta, % työllisistä": 3860,
    "Julkinen hallinto ja maanpuolustus sekä Pakollinen sosiaalivakuutus; Koulutus; "
    "Sosiaali- ja terveyspalvelut, % työllisistä": 3861,
    "Kaivostoiminta; Sähkö-, kaasu ja lämpöhuolto; Vesi-, viemäri- ja jätehuolto, % työllisistä": 3865,
    "Tukku- ja vähittäiskauppa; Kuljetus ja varastointi; Majoitus- ja ravitsemistoiminta , % työllisistä": 3855,
    "Kuntien välinen nettomuutto / 1 000 asukasta": 178,
}

LEVELS = {"kunta": "values_kunta.csv.gz", "maakunta": "values_maakunta.csv.gz"}
RETRIEVED = "2013-09-08"


def _norm(title: str) -> str:
    return " ".join(title.split())


def split_title(title: str) -> tuple[str, str]:
    """``"[THEME] title"`` → ``("THEME", "title")``."""
    match = re.fullmatch(r"\[([^\]]+)\]\s*(.*)", title.strip(), flags=re.S)
    if not match:
        return "", _norm(title)
    return match.group(1).strip(), _norm(match.group(2))


def read_selected_indicators(path: Path = DATA_DIR / "selected_indicators_2013.csv") -> dict[str, int]:
    """Normalised Finnish title → Sotkanet id, from the (partly garbled) selection list."""
    out: dict[str, int] = {}
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.reader(f):
            if row and row[0].strip().isdigit() and len(row) > 1:
                out[_norm(row[1])] = int(row[0])
    return out


def match_titles(titles: list[str], selected: Mapping[str, int], *, file: str) -> dict[str, int]:
    """Map each ``"[THEME] title"`` to a Sotkanet id, or fail listing every unmatched title."""
    out: dict[str, int] = {}
    missing = []
    for title in titles:
        _, bare = split_title(title)
        ind_id = TITLE_OVERRIDES.get(bare, selected.get(bare))
        if ind_id is None:
            missing.append(title)
        else:
            out[title] = ind_id
    if missing:
        raise ImportFailed(
            f"no Sotkanet id for indicator titles {missing}. Add them to TITLE_OVERRIDES in "
            "kasvu/importers/sotkanet_2013.py with the id shown on sotkanet.fi.",
            file=file,
            field="indicator_title",
        )
    return out


def municipality_codes(path: Path = DATA_DIR / "municipalities_2013.csv") -> dict[str, str]:
    """Municipality name (2013) → 3-digit code."""
    frame = pl.read_csv(path, infer_schema_length=0)
    return dict(zip(frame["name_fi"], frame["code"], strict=True))


def region_codes(path: Path = REGION_CODES) -> dict[str, str]:
    """Region (maakunta) Finnish name → ``region:NN`` (01-21).

    The kind is part of the code because two-digit codes are also county codes.
    """
    codes = json.loads(path.read_text(encoding="utf-8"))["codes"]
    return {c["prefLabel"]["fi"]: f"region:{c['codeValue']}" for c in codes}


def read_values(path: Path, names: Mapping[str, str], ids: Mapping[str, int]) -> pl.DataFrame:
    """One values file → observations (area names → codes, titles → ``sotkanet:<id>``)."""
    frame = pl.read_csv(path, infer_schema_length=0).with_row_index("row", offset=2)
    unknown = sorted(set(frame["area_name"]) - set(names))
    if unknown:
        first = frame.filter(pl.col("area_name").is_in(unknown))["row"][0]
        raise ImportFailed(
            f"unknown area names {unknown[:5]}. Add them to municipalities_2013.csv or region_codes.json.",
            file=str(path),
            row=int(first),
            field="area_name",
        )
    out = frame.select(
        pl.col("indicator_title")
        .replace_strict({t: f"sotkanet:{i}" for t, i in ids.items()})
        .alias("indicator"),
        pl.col("area_name").replace_strict(dict(names)).alias("area_code"),
        pl.col("year").cast(pl.Int32, strict=False),
        pl.lit("total").alias("sex"),
        pl.col("value").cast(pl.Float64, strict=False),
        pl.lit(None, pl.Float64).alias("numerator"),
        pl.lit(None, pl.Float64).alias("denominator"),
        pl.lit(None, pl.Int64).alias("sample_size"),
        pl.lit(0, pl.Int32).alias("flags"),
        pl.col("row").cast(pl.Int64),
        pl.col("value").alias("value_text"),
        pl.col("year").alias("year_text"),
    )
    for col, text in (("year", "year_text"), ("value", "value_text")):
        bad = out.filter(pl.col(col).is_null() & pl.col(text).is_not_null())
        if bad.height:
            raise ImportFailed(
                f"{bad[text][0]!r} is not a number. Fix the file or download the archive again.",
                file=str(path),
                row=int(bad["row"][0]),
                field=col,
            )
    dup = out.filter(pl.struct("indicator", "area_code", "year").is_duplicated())
    if dup.height:
        rows = dup.sort("indicator", "area_code", "year")["row"].to_list()[:2]
        raise ImportFailed(
            f"rows {rows[0]} and {rows[1]} are the same indicator, area and year.", file=str(path)
        )
    return out.select(list(OBSERVATION_SCHEMA))


def load_indicators(path: Path = DATA_DIR / "indicators.yaml") -> list[IndicatorMeta]:
    """The metadata of the archive's indicators from ``indicators.yaml``."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    defaults: dict[str, Any] = doc.get("defaults", {})
    out = []
    for ind_id, spec in doc["indicators"].items():
        out.append(
            IndicatorMeta(
                key=f"sotkanet:{ind_id}",
                source="sotkanet",
                source_id=str(ind_id),
                title=dict(spec["title"]),
                unit=spec["unit"],
                decimals=int(spec["decimals"]),
                direction=spec["direction"],
                aggregation=spec["aggregation"],
                scale=float(spec["scale"]),
                themes=[spec["theme"]] if spec.get("theme") else [],
                rights=list(spec.get("rights", [])),
                licence=spec.get("licence", defaults.get("licence", "CC BY 4.0")),
                attribution=spec.get("attribution", defaults.get("attribution", "")),
                source_url=defaults.get("source_url", "").format(id=ind_id),
                notes=_notes(spec),
            )
        )
    return out


def _notes(spec: dict[str, Any]) -> dict[str, str]:
    """The note, and the weight of regional means (``weight``: the denominator population, see
    :mod:`kasvu.readmodel.weights`; ``approximate_weight: allowed`` lets the total population stand in)."""
    notes = {"en": str(spec["note"])} if spec.get("note") else {}
    if spec.get("weight"):
        notes["weight"] = str(spec["weight"])
    if spec.get("approximate_weight"):
        notes["approximate_weight"] = str(spec["approximate_weight"])
    return notes


def load_sotkanet_2013(
    data_dir: Path = DATA_DIR, *, levels: tuple[str, ...] = ("kunta", "maakunta")
) -> ParsedBatch:
    """The archive as one batch: municipality and region values with indicator metadata.

    Every row of the values files becomes one observation (none are dropped).
    """
    selected = read_selected_indicators(data_dir / "selected_indicators_2013.csv")
    names = {"kunta": municipality_codes(data_dir / "municipalities_2013.csv"), "maakunta": region_codes()}
    indicators = {m.key: m for m in load_indicators(data_dir / "indicators.yaml")}
    frames = []
    for level in levels:
        path = data_dir / LEVELS[level]
        titles = pl.read_csv(path, columns=["indicator_title"])["indicator_title"].unique().to_list()
        ids = match_titles(titles, selected, file=str(path))
        frame = read_values(path, names[level], ids)
        missing = sorted(set(frame["indicator"]) - set(indicators))
        if missing:
            raise ImportFailed(
                f"indicators {missing} have no metadata. Add them to indicators.yaml.",
                file=str(data_dir / "indicators.yaml"),
            )
        frames.append(frame)
    observations = pl.concat(frames)
    used = set(observations["indicator"])
    return ParsedBatch(
        source_file=", ".join(str(data_dir / LEVELS[level]) for level in levels),
        indicators=[m for key, m in indicators.items() if key in used],
        observations=observations,
        area_scheme="code",
        source_url="https://sotkanet.fi",
        notes=[
            f"Sotkanet values retrieved {RETRIEVED} (via ouzor/sotkanet-shiny); 2013 municipal division.",
            "Titles matched by override: " + "; ".join(f"{t} → {i}" for t, i in TITLE_OVERRIDES.items()),
        ],
    )
