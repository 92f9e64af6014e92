"""Shared data for the statistics tests: real THL Sotkanet values (2013 download) shipped in the package."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

import kasvu

SOTKANET_2013 = Path(kasvu.__file__).parent / "data" / "sotkanet_2013"


@pytest.fixture(scope="session")
def sotkanet_municipalities() -> pl.DataFrame:
    """Municipal values 1990–2012, 2013 division (THL Sotkanet, CC BY 4.0); see the folder's SOURCE.txt."""
    return pl.read_csv(SOTKANET_2013 / "values_kunta.csv.gz")


@pytest.fixture(scope="session")
def sotkanet_regions() -> pl.DataFrame:
    """THL's own published values for the regions (maakunta)."""
    return pl.read_csv(SOTKANET_2013 / "values_maakunta.csv.gz")
