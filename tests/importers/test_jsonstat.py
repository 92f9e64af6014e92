"""JSON-stat 2 reader on a real StatFin response and on broken copies."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from kasvu.importers.base import FLAG_SUPPRESSED_AT_SOURCE, ImportFailed
from kasvu.importers.jsonstat import jsonstat_to_batch, read_jsonstat

from .conftest import DATA

FILE = DATA / "statfin_jsonstat" / "api-query-three-cities.json"
MAPPING = {
    "area": {"dimension": "geo"},
    "year": {"dimension": "Vuosi"},
    "sex": {"dimension": "Sukupuoli", "values": {"SSS": "total"}},
    "indicators": [{"key": "statfin:11re:vaesto", "title": {"fi": "Väestö 31.12."}, "aggregation": "sum"}],
}


def doc() -> dict[str, Any]:
    return json.loads(FILE.read_text(encoding="utf-8"))


def test_three_cities_2025() -> None:
    cube = read_jsonstat(FILE)
    frame = cube.to_frame()
    values = dict(zip(frame["alue_23_20260101"], frame["value"], strict=True))
    assert values == {"KU049": 325716, "KU091": 694392, "KU092": 252956}
    assert frame["alue_23_20260101.fi"].to_list() == ["Espoo", "Helsinki", "Vantaa"]
    assert cube.dimension("geo").id == "alue_23_20260101"
    assert cube.dimension("Ikä").elimination == "SSS"
    assert cube.table_id == "11re"
    assert cube.decimals == 0
    assert cube.units == {"fi": "lukumäärä"}


def test_to_batch_uses_statfin_codes() -> None:
    batch = jsonstat_to_batch(read_jsonstat(FILE), MAPPING)
    obs = batch.observations.sort("area_code")
    assert batch.area_scheme == "statfin"
    assert obs["area_code"].to_list() == ["KU049", "KU091", "KU092"]
    assert obs["year"].to_list() == [2025] * 3
    assert obs["value"].to_list() == [325716, 694392, 252956]
    assert batch.indicators[0].last_updated is not None


def test_dict_index_list_index_and_sparse_values_agree() -> None:
    d = doc()
    d["dimension"]["alue_23_20260101"]["category"]["index"] = ["KU049", "KU091", "KU092"]
    d["value"] = {"0": 325716, "2": 252956}
    d["status"] = {"1": ".."}
    frame = read_jsonstat(d).to_frame()
    assert frame["value"].to_list() == [325716, None, 252956]
    assert frame["symbol"].to_list() == [None, "..", None]
    obs = jsonstat_to_batch(read_jsonstat(d), MAPPING).observations
    assert obs.filter(pl.col("area_code") == "KU091")["flags"][0] == FLAG_SUPPRESSED_AT_SOURCE


def test_order_follows_index_values_not_key_order() -> None:
    d = doc()
    d["dimension"]["alue_23_20260101"]["category"]["index"] = {"KU092": 2, "KU049": 0, "KU091": 1}
    frame = read_jsonstat(d).to_frame()
    assert frame["alue_23_20260101"].to_list() == ["KU049", "KU091", "KU092"]


def test_truncated_json(tmp_path: Path) -> None:
    path = tmp_path / "cut.json"
    path.write_bytes(FILE.read_bytes()[:500])
    with pytest.raises(ImportFailed, match=r"cut.json: invalid JSON at line \d+ column \d+"):
        read_jsonstat(path)


def test_size_and_value_length_mismatch() -> None:
    d = doc()
    d["value"] = d["value"][:2]
    with pytest.raises(ImportFailed, match=r"field 'value': value has 2 values but the dimensions .* need 3"):
        read_jsonstat(d)


def test_size_and_category_mismatch() -> None:
    d = doc()
    d["size"][0] = 4
    with pytest.raises(ImportFailed, match="size says 4 categories but the dimension has 3"):
        read_jsonstat(d)


def test_unknown_class() -> None:
    d = copy.deepcopy(doc())
    d["class"] = "collection"
    with pytest.raises(ImportFailed, match="field 'class': class is 'collection'"):
        read_jsonstat(d)


def test_text_value() -> None:
    d = doc()
    d["value"][1] = "694392"
    with pytest.raises(ImportFailed, match="value 1 is '694392'"):
        read_jsonstat(d)
