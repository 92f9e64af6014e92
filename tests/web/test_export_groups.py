"""`kasvu export observations --include-groups`: computed group values with computed, approximate and the
weight used (issue 15), on the real 2013 archive."""

from __future__ import annotations

import io
import json

import polars as pl
import pytest
from django.core.management import call_command

from kasvu.importers.sotkanet_2013 import load_sotkanet_2013

from .conftest import load_archive

pytestmark = pytest.mark.django_db


def _export(*args: str) -> pl.DataFrame:
    out = io.BytesIO()

    class Sink:
        buffer = out

    import sys

    saved, sys.stdout = sys.stdout, Sink()  # type: ignore[assignment]
    try:
        call_command("export", "observations", *args)
    finally:
        sys.stdout = saved
    return pl.DataFrame(json.loads(out.getvalue()))


def test_group_values_come_with_their_weight_and_counts_stay_exact():
    load_archive(("sotkanet:127", "sotkanet:2328", "sotkanet:3862", "sotkanet:703"), levels=("kunta",))
    frame = _export(
        "--indicator", "sotkanet:127", "sotkanet:3862", "sotkanet:703", "--area", "region:01",
        "--from-year", "2010", "--to-year", "2010", "--include-groups", "--format", "json",
    )  # fmt: skip
    rows = {r["indicator"]: r for r in frame.to_dicts()}
    pop = rows["sotkanet:127"]
    thl = load_sotkanet_2013(levels=("maakunta",)).observations.filter(
        (pl.col("indicator") == "sotkanet:127")
        & (pl.col("area_code") == "region:01")
        & (pl.col("year") == 2010)
    )
    assert pop["computed"] and not pop["approximate"] and pop["value"] == thl["value"][0]
    industry = rows["sotkanet:3862"]
    assert industry["computed"] and not industry["approximate"]
    assert industry["weight"] == "employed (sotkanet:2328 % × sotkanet:127)"
    care = rows["sotkanet:703"]
    assert care["value"] is None
    assert (
        care["missing_reason"]
        == "no population of the age group is stored: the area's value cannot be computed"
    )
    assert care["weight"].startswith("withheld")
