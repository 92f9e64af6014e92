"""Built-in importers register through the same hook as users' own."""

from __future__ import annotations

from pathlib import Path

import pytest

from kasvu.importers import IMPORTERS, Importer, get_importer, import_file, register
from kasvu.importers.base import ImportFailed, ParsedBatch, empty_observations

from .conftest import DATA


def test_builtins_are_registered() -> None:
    assert {"sotkanet", "sotkanet-2013", "px", "jsonstat", "table"} <= set(IMPORTERS)
    assert not get_importer("px").needs_mapping  # read by convention when no mapping is given


def test_user_importer(tmp_path: Path) -> None:
    def read(path: Path) -> ParsedBatch:
        return ParsedBatch(source_file=str(path), indicators=[], observations=empty_observations())

    register(Importer("test-dummy", "a test importer", read, (".dummy",)))
    try:
        batch = import_file(tmp_path / "x.dummy")
        assert batch.source_file.endswith("x.dummy")
        with pytest.raises(ValueError, match="already registered"):
            register(Importer("test-dummy", "again", read))
    finally:
        IMPORTERS.pop("test-dummy")


def test_unknown_kind_and_suffix() -> None:
    with pytest.raises(ImportFailed, match="unknown importer 'nope'"):
        get_importer("nope")
    with pytest.raises(ImportFailed, match="cannot tell the kind"):
        import_file("data.json")


def test_sotkanet_file_by_kind() -> None:
    batch = import_file(DATA / "sotkanet_fixtures" / "sotkanet_127_fixture.json", kind="sotkanet")
    assert batch.observations.height == 5
