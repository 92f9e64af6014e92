"""Output formats for tables of observations: JSON (default), CSV and JSON-stat 2.

Chosen by ``?format=json|csv|jsonstat`` or, without it, by the ``Accept`` header.
"""

from __future__ import annotations

import io
from typing import Any

import polars as pl

from kasvu.api.errors import ApiError

FORMATS = ("json", "csv", "jsonstat")
MEDIA_TYPES = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "jsonstat": "application/json; profile=jsonstat",
}
ACCEPT = {"text/csv": "csv", "application/vnd.json-stat+json": "jsonstat", "application/json": "json"}
#: A dense JSON-stat value array larger than this is written as a sparse object instead.
DENSE_LIMIT = 1_000_000


def negotiate(fmt: str | None, accept: str) -> str:
    """The format asked for with ``?format=``, else by ``Accept``, else JSON."""
    if fmt:
        if fmt not in FORMATS:
            raise ApiError(400, f"Unknown format {fmt!r}: use one of {', '.join(FORMATS)}.")
        return fmt
    for part in accept.split(","):
        media = part.split(";")[0].strip().lower()
        if media in ACCEPT:
            return ACCEPT[media]
    return "json"


def to_csv(frame: pl.DataFrame) -> bytes:
    """CSV with lists (flags) joined by commas."""
    lists = [c for c, t in frame.schema.items() if isinstance(t, pl.List)]
    frame = frame.with_columns([pl.col(c).list.join(",") for c in lists])
    buf = io.BytesIO()
    frame.write_csv(buf)
    return buf.getvalue()


def to_jsonstat(
    frame: pl.DataFrame, labels: dict[str, str], units: dict[str, str], note: list[str]
) -> dict[str, Any]:
    """A JSON-stat 2 dataset with dimensions indicator × area × year (one breakdown); the "year" dimension's
    categories are period codes (``frame`` has ``period``, ``period_start`` and ``period_end``).

    Suppressed cells have no value and the status ``"suppressed"``; computed group values ``"computed"``.
    """
    dims = {
        "indicator": frame["indicator"].unique(maintain_order=True).to_list(),
        "area": frame["area"].unique(maintain_order=True).to_list(),
        # The time dimension keeps its id "year"; its categories are period codes (2024, 2024M03, 2024Q1 …).
        "year": frame.sort("period_start", "period_end")["period"].unique(maintain_order=True).to_list(),
    }
    index = {d: {k: i for i, k in enumerate(keys)} for d, keys in dims.items()}
    size = [len(v) for v in dims.values()]
    total = size[0] * size[1] * size[2]
    cells: dict[int, Any] = {}
    status: dict[str, str] = {}
    for ind, area, period, value, suppressed, computed in frame.select(
        "indicator", "area", "period", "value", "suppressed", "computed"
    ).iter_rows():
        pos = (index["indicator"][ind] * size[1] + index["area"][area]) * size[2] + index["year"][period]
        cells[pos] = value
        if suppressed:
            status[str(pos)] = "suppressed"
        elif computed:
            status[str(pos)] = "computed"
    value: Any
    if total <= DENSE_LIMIT:
        value = [cells.get(i) for i in range(total)]
    else:
        value = {str(k): v for k, v in cells.items()}
    area_names = dict(frame.select("area", "area_name").unique().iter_rows())
    breakdowns = frame["breakdown"].unique().to_list()
    return {
        "version": "2.0",
        "class": "dataset",
        "label": "kasvu observations",
        "source": "; ".join(note),
        "id": list(dims),
        "size": size,
        "role": {"time": ["year"], "geo": ["area"], "metric": ["indicator"]},
        "dimension": {
            "indicator": {
                "label": "indicator",
                "category": {
                    "index": index["indicator"],
                    "label": {k: labels.get(k, k) for k in dims["indicator"]},
                    "unit": {k: {"label": units.get(k, "")} for k in dims["indicator"]},
                },
            },
            "area": {
                "label": "area",
                "category": {
                    "index": index["area"],
                    "label": {k: area_names.get(k) or k for k in dims["area"]},
                },
            },
            "year": {"label": "year", "category": {"index": index["year"]}},
        },
        "value": value,
        "status": status,
        "extension": {"breakdown": breakdowns[0] if breakdowns else "total"},
        "note": note,
    }
