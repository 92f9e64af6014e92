from __future__ import annotations

from pathlib import Path

import pytest

import kasvu

DATA = Path(kasvu.__file__).resolve().parent / "data"


@pytest.fixture
def data_dir() -> Path:
    """The real public data shipped in the package (see each folder's SOURCE.txt)."""
    return DATA
