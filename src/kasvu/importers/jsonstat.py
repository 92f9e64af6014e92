"""JSON-stat 2 datasets, as returned by the StatFin PxWeb API.

:func:`read_jsonstat` returns a :class:`~kasvu.importers.cube.Cube` (dimensions
in ``id`` order, the last varying fastest, as JSON-stat stores ``value``);
:func:`jsonstat_to_batch` turns it into a :class:`ParsedBatch` with a mapping.
StatFin area codes look like ``KU049`` (municipality), ``MK01`` (region) and
``SSS`` (whole country): set ``area_scheme: statfin`` in the mapping.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from kasvu.importers.base import ImportFailed, ParsedBatch, parse_json_text
from kasvu.importers.cube import Cube, Dimension, check_size, cube_to_batch


def read_jsonstat(source: str | Path | bytes | Mapping[str, Any], *, file: str | None = None) -> Cube:
    """Parse a JSON-stat 2 dataset (a path, the raw bytes, or the decoded object)."""
    if isinstance(source, Mapping):
        doc: Any = source
        file = file or "JSON-stat dataset"
    elif isinstance(source, bytes):
        file = file or "JSON-stat dataset"
        doc = parse_json_text(source, file=file)
    else:
        file = file or str(source)
        doc = parse_json_text(Path(source).read_bytes(), file=file)
    if not isinstance(doc, Mapping):
        raise ImportFailed("expected a JSON-stat object.", file=file)
    cls = doc.get("class")
    if cls != "dataset":
        raise ImportFailed(
            f'class is {cls!r}; kasvu reads JSON-stat 2 datasets (class "dataset"). Ask PxWeb for '
            "format=json-stat2 and one table per file.",
            file=file,
            field="class",
        )
    ids, sizes = doc.get("id"), doc.get("size")
    if not isinstance(ids, list) or not isinstance(sizes, list) or len(ids) != len(sizes):
        raise ImportFailed("'id' and 'size' must be lists of equal length.", file=file, field="size")
    ext = (doc.get("extension") or {}).get("px") or {}
    language = str(ext.get("language") or "fi")
    roles = {dim: role for role, dims in (doc.get("role") or {}).items() for dim in dims}
    dimensions = [
        _dimension(doc.get("dimension", {}).get(dim_id), dim_id, size, roles.get(dim_id), language, file)
        for dim_id, size in zip(ids, sizes, strict=True)
    ]
    total = math.prod(sizes)
    values = _values(doc.get("value"), total, dimensions, file)
    symbols = _status(doc.get("status"), total, file)
    symbols = [s if v is None else None for v, s in zip(values, symbols, strict=True)]
    metric = next((d for d in dimensions if d.role == "metric"), None)
    unit = _unit(doc, metric)
    decimals = ext.get("decimals", unit.get("decimals"))
    notes = doc.get("note") or []
    content_units, content_decimals = _content_units(doc, metric, language)
    return Cube(
        file=file,
        dimensions=dimensions,
        values=values,
        symbols=symbols,
        languages=[language],
        title={language: str(doc.get("label", ""))} if doc.get("label") else {},
        source={language: str(doc["source"])} if doc.get("source") else {},
        units={language: str(unit["base"])} if unit.get("base") else {},
        notes={language: _plain("\n".join(map(str, notes)))} if notes else {},
        decimals=int(decimals) if isinstance(decimals, int) else None,
        last_updated=_date(doc.get("updated")),
        table_id=str(ext.get("tableid", "")),
        content_units=content_units,
        content_decimals=content_decimals,
    )


def _dimension(obj: Any, dim_id: str, size: Any, role: str | None, language: str, file: str) -> Dimension:
    if not isinstance(obj, Mapping):
        raise ImportFailed(
            f"dimension {dim_id!r} is listed in 'id' but not described.", file=file, field="dimension"
        )
    category = obj.get("category") or {}
    index, labels = category.get("index"), category.get("label") or {}
    if isinstance(index, list):
        codes = [str(c) for c in index]
    elif isinstance(index, Mapping):
        codes = [str(c) for c, _ in sorted(index.items(), key=lambda item: item[1])]
    elif isinstance(labels, Mapping) and labels:
        codes = [str(c) for c in labels]
    else:
        raise ImportFailed("a dimension needs category.index or category.label.", file=file, field=dim_id)
    if len(codes) != size:
        raise ImportFailed(
            f"size says {size} categories but the dimension has {len(codes)}. The file is damaged.",
            file=file,
            field=dim_id,
        )
    ext = obj.get("extension") or {}
    elimination = ext.get("eliminationValueCode") if ext.get("elimination") else None
    return Dimension(
        id=dim_id,
        names={language: str(obj.get("label", dim_id))},
        codes=codes,
        labels={language: [str(labels.get(c, c)) for c in codes]},
        elimination=str(elimination) if elimination is not None else None,
        role=role,
    )


def _values(raw: Any, total: int, dimensions: list[Dimension], file: str) -> list[float | None]:
    if isinstance(raw, list):
        check_size(file, dimensions, len(raw), what="value")
        items = list(enumerate(raw))
        out: list[float | None] = [None] * total
    elif isinstance(raw, Mapping):
        out = [None] * total
        items = []
        for key, value in raw.items():
            if not str(key).isdigit() or int(key) >= total:
                raise ImportFailed(
                    f"sparse value index {key!r} is outside 0..{total - 1}.", file=file, field="value"
                )
            items.append((int(key), value))
    else:
        raise ImportFailed("'value' must be a list or an object.", file=file, field="value")
    for position, value in items:
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ImportFailed(
                f"value {position} is {value!r}, not a number or null.", file=file, field="value"
            )
        out[position] = float(value)
    return out


def _status(raw: Any, total: int, file: str) -> list[str | None]:
    if raw is None:
        return [None] * total
    if isinstance(raw, str):
        return [raw] * total
    if isinstance(raw, list):
        if len(raw) != total:
            raise ImportFailed(
                f"status has {len(raw)} entries, value has {total}.", file=file, field="status"
            )
        return [None if s is None else str(s) for s in raw]
    if isinstance(raw, Mapping):
        out: list[str | None] = [None] * total
        for key, status in raw.items():
            if str(key).isdigit() and int(key) < total:
                out[int(key)] = str(status)
        return out
    raise ImportFailed("'status' must be a string, list or object.", file=file, field="status")


def _unit(doc: Mapping[str, Any], metric: Dimension | None) -> dict[str, Any]:
    if metric is None:
        return {}
    units = ((doc.get("dimension") or {}).get(metric.id, {}).get("category") or {}).get("unit") or {}
    first: object = next(iter(units.values()), {}) if isinstance(units, Mapping) else {}
    return dict(first) if isinstance(first, Mapping) else {}


def _content_units(
    doc: Mapping[str, Any], metric: Dimension | None, language: str
) -> tuple[dict[str, dict[str, str]], dict[str, int]]:
    """``category.unit`` of the metric dimension: code → {language: unit}, code → decimals."""
    if metric is None:
        return {}, {}
    units = ((doc.get("dimension") or {}).get(metric.id, {}).get("category") or {}).get("unit") or {}
    texts: dict[str, dict[str, str]] = {}
    decimals: dict[str, int] = {}
    if isinstance(units, Mapping):
        for code, unit in units.items():
            if not isinstance(unit, Mapping):
                continue
            text = unit.get("base") or unit.get("label")
            if text:
                texts[str(code)] = {language: str(text)}
            if isinstance(unit.get("decimals"), int):
                decimals[str(code)] = int(unit["decimals"])
    return texts, decimals


def _plain(text: str) -> str:
    text = re.sub(r"<[^>]+>", "", text)
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def _date(text: Any) -> datetime | None:
    if not isinstance(text, str):
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def jsonstat_to_batch(ds: Cube, mapping: Mapping[str, Any]) -> ParsedBatch:
    """A parsed JSON-stat dataset → :class:`ParsedBatch`, as the mapping says."""
    return cube_to_batch(ds, {"area_scheme": "statfin", **mapping}, source="statfin")
