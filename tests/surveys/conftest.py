"""Fixtures for the survey tests: the bundled codebook and small generated response sets."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from kasvu.surveys.codebook import Codebook, bundled_codebook
from kasvu.surveys.generate import generate_responses

HERE = Path(__file__).parent
REFERENCE_DATA = HERE / "data" / "reference_responses.csv"
R_REFERENCE = HERE / "r_reference.json"


@pytest.fixture(scope="session")
def codebook() -> Codebook:
    return bundled_codebook()


@pytest.fixture(scope="session")
def small_responses(codebook: Codebook) -> pl.DataFrame:
    """200 GENERATED respondents with every column the codebook expects."""
    return generate_responses(codebook, 200, seed=7)
