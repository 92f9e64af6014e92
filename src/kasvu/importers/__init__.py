"""Importers: pure readers from files and APIs to a :class:`~kasvu.importers.base.ParsedBatch`.

Every importer, built-in or a user's own, is registered here the same way::

    from kasvu.importers import Importer, register

    def read_my_csv(path, *, mapping=None):
        ...
        return ParsedBatch(...)

    register(Importer("my-csv", "Our district survey export", read_my_csv, suffixes=(".mycsv",)))

Commands and views look importers up with :func:`get_importer` or let
:func:`import_file` choose by file suffix.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kasvu.importers.base import ImportFailed, ParsedBatch

#: ``read(path, mapping=None) -> ParsedBatch``
Reader = Callable[..., ParsedBatch]


@dataclass(frozen=True)
class Importer:
    name: str
    description: str
    read: Reader
    suffixes: tuple[str, ...] = ()
    needs_mapping: bool = False


IMPORTERS: dict[str, Importer] = {}


def register(importer: Importer, *, replace: bool = False) -> Importer:
    """Add an importer to the registry (``replace=True`` to override one)."""
    if importer.name in IMPORTERS and not replace:
        raise ValueError(f"An importer named {importer.name!r} is already registered; pass replace=True.")
    IMPORTERS[importer.name] = importer
    return importer


def get_importer(name: str) -> Importer:
    try:
        return IMPORTERS[name]
    except KeyError:
        raise ImportFailed(
            f"unknown importer {name!r}. Use one of: {', '.join(sorted(IMPORTERS))}."
        ) from None


def import_file(
    path: str | Path, *, kind: str | None = None, mapping: str | Path | Mapping[str, Any] | None = None
) -> ParsedBatch:
    """Read ``path`` with the importer ``kind``, or the one registered for its suffix."""
    path = Path(path)
    if kind is None:
        suffix = path.suffix.lower()
        matches = [imp for imp in IMPORTERS.values() if suffix in imp.suffixes]
        if len(matches) != 1:
            raise ImportFailed(
                f"cannot tell the kind of a {suffix or 'suffixless'} file. Give the kind: "
                f"{', '.join(sorted(IMPORTERS))}.",
                file=str(path),
            )
        importer = matches[0]
    else:
        importer = get_importer(kind)
    if importer.needs_mapping and mapping is None:
        raise ImportFailed(
            f"a {importer.name} file needs a mapping file saying which dimension is the area, the year and "
            "the sex, and which cells make which indicator (see docs/importing.md).",
            file=str(path),
        )
    return importer.read(path, mapping=mapping) if mapping is not None else importer.read(path)


def _mapping(mapping: str | Path | Mapping[str, Any]) -> Mapping[str, Any]:
    from kasvu.importers.cube import load_mapping

    return mapping if isinstance(mapping, Mapping) else load_mapping(mapping)


def _read_sotkanet(path: Path) -> ParsedBatch:
    from kasvu.importers.sotkanet import read_data_file

    return read_data_file(path)


def _read_sotkanet_2013(path: Path) -> ParsedBatch:
    from kasvu.importers.sotkanet_2013 import load_sotkanet_2013

    return load_sotkanet_2013(Path(path))


def _read_px(path: Path, *, mapping: str | Path | Mapping[str, Any] | None = None) -> ParsedBatch:
    from kasvu.importers.convention import infer_mapping
    from kasvu.importers.px import px_to_batch, read_px

    cube = read_px(path)
    return px_to_batch(cube, _mapping(mapping) if mapping is not None else infer_mapping(cube))


def _read_jsonstat(path: Path, *, mapping: str | Path | Mapping[str, Any] | None = None) -> ParsedBatch:
    from kasvu.importers.convention import infer_mapping
    from kasvu.importers.jsonstat import jsonstat_to_batch, read_jsonstat

    cube = read_jsonstat(path)
    return jsonstat_to_batch(cube, _mapping(mapping) if mapping is not None else infer_mapping(cube))


def _read_table(path: Path) -> ParsedBatch:
    from kasvu.importers.table import read_table

    return read_table(path)


for _importer in (
    Importer("table", "kasvu's XLSX/CSV layout for local indicators", _read_table, (".xlsx", ".csv")),
    Importer("sotkanet", "Sotkanet /json or /csv output saved to a file", _read_sotkanet),
    Importer("sotkanet-2013", "The 2013 Sotkanet archive folder shipped with kasvu", _read_sotkanet_2013),
    Importer("px", "PX (PC-Axis) file, read by convention or with a mapping", _read_px, (".px",)),
    Importer("jsonstat", "JSON-stat 2 dataset (PxWeb), read by convention or with a mapping", _read_jsonstat),
):
    register(_importer)

__all__ = ["IMPORTERS", "ImportFailed", "Importer", "ParsedBatch", "get_importer", "import_file", "register"]
