"""Data cubes (PX and JSON-stat) and how a mapping turns one into a batch.

PX and JSON-stat files are multi-dimensional tables with no notion of
"indicator": which dimension is the area, which the year, which the sex, and
which cells make an indicator is the user's choice, written as a *mapping*
(a YAML or JSON file, see ``docs/importing.md``)::

    area: {dimension: Alue}            # or {code: "SSS"} for a table without areas
    year: {dimension: Vuosi}           # or {value: 2023}
    sex:  {dimension: Sukupuoli, values: {SSS: total, "1": male, "2": female}}
    area_scheme: statfin               # "code" (default) or "statfin"
    indicators:
      - key: statfin:11rc:vaesto:0-4
        title: {fi: 0-4-vuotiaat, en: Aged 0-4}
        where: {Ikä: "0-4", Tiedot: vaesto}
        unit: persons
        aggregation: sum

Every dimension that is not area, year or sex must be fixed by ``where`` or
have an elimination value (the table's "total"). A list in ``where`` sums the
cells of those values (``Ikä: ["0", "1", …, "17"]``: the population aged 0–17
from a table of one-year ages; a sum with a suppressed cell is suppressed).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl
import yaml

from kasvu.importers.base import (
    FLAG_SUPPRESSED_AT_SOURCE,
    OBSERVATION_SCHEMA,
    SEXES,
    ImportFailed,
    IndicatorMeta,
    ParsedBatch,
)
from kasvu.readmodel.periods import FORMS, code_of, kind_of, parse_codes

#: PX "magnitude nil" symbol: the true value is zero.
NIL_SYMBOLS = frozenset({"-"})


@dataclass
class Dimension:
    """One dimension of a cube: its codes and labels (per language)."""

    id: str
    names: dict[str, str]
    codes: list[str]
    labels: dict[str, list[str]]
    elimination: str | None = None  # code of the "total" value, if any
    role: str | None = None  # "time", "geo", "metric" or None

    def __len__(self) -> int:
        return len(self.codes)

    def matches(self, name: str) -> bool:
        return name == self.id or name in self.names.values() or name == self.role

    def code_of(self, value: str) -> str | None:
        """The code for ``value`` given as a code or as a label in any language."""
        if value in self.codes:
            return value
        for labels in self.labels.values():
            if value in labels:
                return self.codes[labels.index(value)]
        return None

    def codes_of(
        self,
        values: Sequence[Any],
        *,
        file: str,
        field: str,
        row: str | None = None,
        name: str = "",
        hint: str = "",
    ) -> list[str]:
        """The codes of ``values`` (codes or labels); an unknown one fails naming the file, field and the
        dimension's first values."""
        codes = []
        for value in values:
            code = self.code_of(str(value))
            if code is None:
                raise ImportFailed(
                    f"{value!r} is not a value of {name or repr(self.id)} (values: {', '.join(self.codes[:8])}"
                    f"{'…' if len(self) > 8 else ''}).{hint}",
                    file=file,
                    row=row,
                    field=field,
                )
            codes.append(code)
        return codes


@dataclass
class Cube:
    """A parsed PX or JSON-stat table: dimensions in data order and the values."""

    file: str
    dimensions: list[Dimension]
    values: list[float | None]
    symbols: list[str | None]
    languages: list[str]
    title: dict[str, str] = field(default_factory=dict)
    source: dict[str, str] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    decimals: int | None = None
    last_updated: datetime | None = None
    table_id: str = ""
    #: Per value of the contents dimension (role "metric"): unit by language, and decimals.
    content_units: dict[str, dict[str, str]] = field(default_factory=dict)
    content_decimals: dict[str, int] = field(default_factory=dict)

    def dimension(self, name: str) -> Dimension:
        for dim in self.dimensions:
            if dim.matches(name):
                return dim
        names = ", ".join(repr(d.id) for d in self.dimensions)
        raise ImportFailed(f"no dimension {name!r}; the table has {names}.", file=self.file)

    def to_frame(self) -> pl.DataFrame:
        """One row per cell: ``<dim>`` (code), ``<dim>.<lang>`` (labels), ``value``, ``symbol``.

        Rows are in data order: the last dimension varies fastest.
        """
        total = len(self.values)
        columns: dict[str, pl.Series] = {}
        index = pl.int_range(0, total, eager=True)
        stride = total
        for dim in self.dimensions:
            stride //= max(len(dim), 1)
            position = (index // stride) % len(dim)
            columns[dim.id] = pl.Series(dim.codes, dtype=pl.String).gather(position)
            for lang, labels in dim.labels.items():
                columns[f"{dim.id}.{lang}"] = pl.Series(labels, dtype=pl.String).gather(position)
        columns["value"] = pl.Series(self.values, dtype=pl.Float64)
        columns["symbol"] = pl.Series(self.symbols, dtype=pl.String)
        return pl.DataFrame(columns)


def check_size(file: str, dimensions: Sequence[Dimension], count: int, what: str = "DATA") -> None:
    expected = math.prod(len(d) for d in dimensions)
    if count != expected:
        sizes = " × ".join(f"{d.id} {len(d)}" for d in dimensions)
        raise ImportFailed(
            f"{what} has {count} values but the dimensions ({sizes}) need {expected}. "
            "The file is truncated or was edited; download it again.",
            file=file,
            field=what,
        )


# --------------------------------------------------------------------------- mappings


def load_mapping(path: str | Path) -> dict[str, Any]:
    """Read a mapping file (``.yaml``/``.yml`` or ``.json``)."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    try:
        doc = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as exc:
        raise ImportFailed(f"cannot read the mapping: {exc}", file=str(path)) from exc
    if not isinstance(doc, dict):
        raise ImportFailed("the mapping must be a YAML/JSON object with 'indicators'.", file=str(path))
    doc.setdefault("_file", str(path))
    return doc


def _texts(value: Any) -> dict[str, str]:
    if isinstance(value, str):
        return {"fi": value}
    if isinstance(value, Mapping):
        return {str(k): str(v) for k, v in value.items() if v}
    return {}


def _axis(cube: Cube, spec: Any, name: str, mfile: str) -> tuple[Dimension | None, str | None]:
    """``(dimension, constant)`` for the area/year/sex entry of a mapping."""
    if spec is None:
        return None, None
    if isinstance(spec, str):
        spec = {"dimension": spec}
    if not isinstance(spec, Mapping):
        raise ImportFailed("expected {dimension: NAME} or a constant.", file=mfile, field=name)
    if "dimension" in spec:
        return cube.dimension(str(spec["dimension"])), None
    for key in ("code", "value"):
        if key in spec:
            return None, str(spec[key])
    raise ImportFailed("give 'dimension', or 'code'/'value' for a constant.", file=mfile, field=name)


def cube_to_batch(cube: Cube, mapping: Mapping[str, Any], *, source: str = "px") -> ParsedBatch:
    """Turn a cube into a :class:`ParsedBatch` as ``mapping`` says (see the module docstring)."""
    mfile = str(mapping.get("_file", "mapping"))
    specs = mapping.get("indicators")
    if not isinstance(specs, list) or not specs:
        raise ImportFailed("the mapping needs a non-empty 'indicators' list.", file=mfile, field="indicators")
    area_dim, area_const = _axis(cube, mapping.get("area"), "area", mfile)
    year_dim, year_const = _axis(cube, mapping.get("year"), "year", mfile)
    sex_dim, sex_const = _axis(cube, mapping.get("sex"), "sex", mfile)
    if area_dim is None and area_const is None:
        raise ImportFailed(
            "say which dimension is the area, or give a constant code.", file=mfile, field="area"
        )
    if year_dim is None and year_const is None:
        raise ImportFailed("say which dimension is the year, or give a constant.", file=mfile, field="year")
    sex_values = _sex_values(mapping.get("sex"), sex_dim, sex_const, mfile)
    axes = {d.id for d in (area_dim, year_dim, sex_dim) if d is not None}

    frame = cube.to_frame().with_row_index("row", offset=1)
    skip = (mapping.get("area") or {}).get("skip") if isinstance(mapping.get("area"), Mapping) else None
    if area_dim is not None and skip:
        frame = frame.filter(~pl.col(area_dim.id).is_in([str(code) for code in skip]))
    frames, metas = [], []
    for number, spec in enumerate(specs, start=1):
        where = f"indicators[{number}]"
        if not isinstance(spec, Mapping) or not spec.get("key"):
            raise ImportFailed("each indicator needs a 'key'.", file=mfile, row=where, field="key")
        selected = frame
        fixed = dict(spec.get("where") or {})
        for dim in cube.dimensions:
            if dim.id in axes:
                continue
            wanted = next((v for k, v in fixed.items() if dim.matches(str(k))), None)
            if isinstance(wanted, list):  # several values: their cells are summed (ages 0–17 of 11re)
                selected = _summed(selected, dim, wanted, mfile, where)
                continue
            code = dim.code_of(str(wanted)) if wanted is not None else dim.elimination
            if code is None and len(dim) == 1:
                code = dim.codes[0]
            if code is None:
                problem = f"{wanted!r} is not a value of" if wanted is not None else "no value given for"
                raise ImportFailed(
                    f"{problem} dimension {dim.id!r} (values: {', '.join(dim.codes[:8])}"
                    f"{'…' if len(dim) > 8 else ''}). Add it to 'where'.",
                    file=mfile,
                    row=where,
                    field="where",
                )
            selected = selected.filter(pl.col(dim.id) == code)
        frames.append(
            _observations(
                selected,
                spec,
                area_dim,
                area_const,
                year_dim,
                year_const,
                sex_dim,
                sex_const,
                sex_values,
                cube.file,
                _area_values(mapping.get("area")),
            )
        )
        meta = _meta(cube, spec, source)
        if frames[-1].height and meta.period_kind == "year":
            meta.period_kind = kind_of(int(frames[-1]["sub"][0]))
        metas.append(meta)
    observations = pl.concat(frames) if frames else pl.DataFrame(schema=OBSERVATION_SCHEMA)
    if "sub" not in observations.columns:
        observations = observations.with_columns(pl.lit(0, pl.Int16).alias("sub"))
    dup = observations.filter(pl.struct("indicator", "area_code", "year", "sub", "sex").is_duplicated())
    if dup.height:
        first = dup.row(0, named=True)
        raise ImportFailed(
            f"two cells map to indicator {first['indicator']}, area {first['area_code']}, period "
            f"{code_of(first['year'], first['sub'])}, "
            f"sex {first['sex']} (cells {sorted(dup.filter(pl.col('indicator') == first['indicator'])['row'].to_list())[:2]}). "
            "Fix 'where' so that each indicator selects one cell per area, year and sex.",
            file=mfile,
        )
    return ParsedBatch(
        source_file=cube.file,
        indicators=metas,
        observations=observations,
        area_scheme=str(mapping.get("area_scheme", "code")),
        area_kind=mapping.get("area_kind"),
        row_kind="cell",
    )


def _area_values(spec: Any) -> dict[str, str]:
    """``area.values``: the table's area codes (or labels' codes) → codes kasvu knows, e.g. ``{"091": "KU091"}``."""
    values = spec.get("values") if isinstance(spec, Mapping) else None
    return {str(k): str(v) for k, v in values.items()} if isinstance(values, Mapping) else {}


def _sex_values(spec: Any, dim: Dimension | None, const: str | None, mfile: str) -> dict[str, str]:
    if dim is None:
        value = const or "total"
        if value not in SEXES:
            raise ImportFailed(f"sex {value!r} is not one of {', '.join(SEXES)}.", file=mfile, field="sex")
        return {}
    values = dict((spec or {}).get("values") or {}) if isinstance(spec, Mapping) else {}
    out = {}
    for code in dim.codes:
        target = values.get(code)
        if target is None:
            continue
        if target not in SEXES:
            raise ImportFailed(
                f"{code!r} maps to {target!r}; use one of {', '.join(SEXES)}.", file=mfile, field="sex.values"
            )
        out[code] = target
    if not out:
        raise ImportFailed(
            f"give sex.values mapping the codes of {dim.id!r} ({', '.join(dim.codes)}) to total/male/female.",
            file=mfile,
            field="sex.values",
        )
    return out


def _summed(frame: pl.DataFrame, dim: Dimension, wanted: list[Any], file: str, where: str) -> pl.DataFrame:
    """The cells of ``wanted`` values of ``dim`` added up, one row per combination of the other dimensions
    (``where: {Ikä: ["0", "1", …, "17"]}`` makes the population aged 0–17 from one-year ages). A sum
    with a missing or suppressed cell is missing (suppressed at source): part of a sum is no value."""
    codes = dim.codes_of(
        wanted,
        file=file,
        row=where,
        field="where",
        name=f"dimension {dim.id!r}",
        hint=" Fix the list in 'where'.",
    )
    own = {dim.id, *(c for c in frame.columns if c.startswith(f"{dim.id}."))}
    keys = [c for c in frame.columns if c not in own and c not in ("value", "symbol", "row")]
    nil = pl.col("symbol").is_in(list(NIL_SYMBOLS))
    return (
        frame.filter(pl.col(dim.id).is_in(codes))
        .with_columns(pl.when(nil).then(0.0).otherwise(pl.col("value")).alias("value"))
        .group_by(keys, maintain_order=True)
        .agg(
            pl.when(pl.col("value").is_null().any())
            .then(None)
            .otherwise(pl.col("value").sum())
            .alias("value"),
            pl.when(pl.col("value").is_null().any()).then(pl.lit("..")).otherwise(pl.lit("")).alias("symbol"),
            pl.col("row").min(),
            pl.len().alias("_cells"),
        )
        .filter(pl.col("_cells") == len(set(codes)))
        .drop("_cells")
    )


def _observations(
    selected: pl.DataFrame,
    spec: Mapping[str, Any],
    area_dim: Dimension | None,
    area_const: str | None,
    year_dim: Dimension | None,
    year_const: str | None,
    sex_dim: Dimension | None,
    sex_const: str | None,
    sex_values: Mapping[str, str],
    file: str,
    area_values: Mapping[str, str] | None = None,
) -> pl.DataFrame:
    area = pl.col(area_dim.id) if area_dim else pl.lit(area_const)
    if area_dim is not None and area_values:
        area = area.replace(dict(area_values))
    year_text = pl.col(year_dim.id) if year_dim else pl.lit(year_const)
    if sex_dim:
        selected = selected.filter(pl.col(sex_dim.id).is_in(list(sex_values)))
        sex = pl.col(sex_dim.id).replace_strict(dict(sex_values))
    else:
        sex = pl.lit(sex_const or "total")
    out = selected.select(
        pl.lit(str(spec["key"])).alias("indicator"),
        area.cast(pl.String).alias("area_code"),
        year_text.cast(pl.String).str.strip_chars().alias("year_text"),
        sex.alias("sex"),
        pl.when(pl.col("symbol").is_in(list(NIL_SYMBOLS)))
        .then(0.0)
        .otherwise(pl.col("value"))
        .alias("value"),
        pl.lit(None, pl.Float64).alias("numerator"),
        pl.lit(None, pl.Float64).alias("denominator"),
        pl.lit(None, pl.Int64).alias("sample_size"),
        pl.when(pl.col("value").is_null() & ~pl.col("symbol").is_in(list(NIL_SYMBOLS)))
        .then(FLAG_SUPPRESSED_AT_SOURCE)
        .otherwise(0)
        .cast(pl.Int32)
        .alias("flags"),
        pl.col("row").cast(pl.Int64),
    )
    periods = parse_codes(out["year_text"])  # 2024, 2024M03, 2024Q1, 2024H1, 2024/2025, 2022–2023
    out = out.with_columns(periods["year"], periods["sub"])
    bad = out.filter(pl.col("year").is_null())
    if bad.height:
        raise ImportFailed(
            f"time value {bad['year_text'][0]!r} is not a period kasvu can read: give {FORMS}, "
            "or give year: {value: N}.",
            file=file,
            row=f"cell {bad['row'][0]}",
            field="year",
        )
    return out.drop("year_text")


def _meta(cube: Cube, spec: Mapping[str, Any], source: str) -> IndicatorMeta:
    key = str(spec["key"])
    title = _texts(spec.get("title")) or dict(cube.title)
    source_text = cube.source.get("en") or cube.source.get("fi") or ""
    statfin = "Statistics Finland" in source_text or "Tilastokeskus" in "".join(cube.source.values())
    return IndicatorMeta(
        key=key,
        source=source,
        source_id=key.split(":", 1)[1] if ":" in key else key,
        title=title,
        description=_texts(spec.get("description")),
        unit=str(spec.get("unit", cube.units.get("en") or cube.units.get("fi") or "")),
        decimals=int(spec.get("decimals", cube.decimals if cube.decimals is not None else 1)),
        direction=str(spec.get("direction", "neutral")),
        aggregation=str(spec.get("aggregation", "unknown")),
        scale=float(spec.get("scale", 1.0)),
        themes=list(spec.get("themes", [])),
        rights=list(spec.get("rights", [])),
        licence=str(spec.get("licence", "CC BY 4.0" if statfin else "unknown")),
        attribution=str(spec.get("attribution", f"Source: {source_text}" if source_text else "")),
        source_url=str(spec.get("source_url", "")),
        notes=dict(cube.notes),
        last_updated=cube.last_updated,
    )
