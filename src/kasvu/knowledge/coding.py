"""The coding sheet of a development-needs analysis, as CSV or XLSX.

Pure: reads and writes :class:`CodedRow` lists, never touches the database.
One sheet holds one round. Columns (header row required, in any order):

``theme_code``
    ``1``, ``1.1``, ``2.1.3``. The parent is the code without its last part.
``theme_title``
    The theme's title. Needed on at least one row of the theme.
``theme_note``
    Optional text shown before the contents, e.g. "Esimerkiksi:".
``content``
    Optional sub-content tag of the theme, e.g. "Lapsuuden nivelvaiheet".
``municipality``
    The answering municipality's code (``444``) or empty.

A row with a municipality is one coded mention: municipality × theme ×
content (content may be empty). A row without a municipality only declares:
a theme (no content) or a content that the analysis lists without a count.
N of a theme is the number of distinct municipalities on its rows; the count
of a content is the number of distinct municipalities on its rows.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

COLUMNS: tuple[str, ...] = ("theme_code", "theme_title", "theme_note", "content", "municipality")
REQUIRED: tuple[str, ...] = ("theme_code", "municipality")


class CodingSheetError(ValueError):
    """The coding sheet cannot be read: a column is missing or a row is malformed."""


@dataclass(frozen=True)
class CodedRow:
    theme_code: str
    theme_title: str = ""
    theme_note: str = ""
    content: str = ""
    municipality: str = ""

    @property
    def is_mention(self) -> bool:
        return bool(self.municipality)


def _cell(value: object) -> str:
    """A cell as text. Spreadsheets turn ``091`` into 91.0; codes are restored to three digits."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _municipality(value: str) -> str:
    return value.zfill(3) if value.isdigit() and len(value) < 3 else value


def rows_from_records(records: Iterable[list[object]], source: str = "sheet") -> list[CodedRow]:
    """Rows from a header record followed by data records (lists of cells)."""
    it = iter(records)
    try:
        header = [_cell(c).lower() for c in next(it)]
    except StopIteration:
        raise CodingSheetError(
            f"{source} is empty. The first row must name the columns: {', '.join(COLUMNS)}."
        ) from None
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise CodingSheetError(
            f"{source} has no column {', '.join(missing)}. The first row must name the columns: "
            f"{', '.join(COLUMNS)}."
        )
    index = {name: header.index(name) for name in COLUMNS if name in header}
    rows: list[CodedRow] = []
    for number, record in enumerate(it, start=2):
        cells = {name: _cell(record[i]) if i < len(record) else "" for name, i in index.items()}
        if not any(cells.values()):
            continue
        if not cells["theme_code"]:
            raise CodingSheetError(f"{source} row {number} has no theme_code. Every row needs one, e.g. 1.1.")
        rows.append(
            CodedRow(
                theme_code=cells["theme_code"],
                theme_title=cells.get("theme_title", ""),
                theme_note=cells.get("theme_note", ""),
                content=cells.get("content", ""),
                municipality=_municipality(cells["municipality"]),
            )
        )
    return rows


def read_csv(path: Path | str) -> list[CodedRow]:
    """Read a UTF-8 CSV coding sheet (comma-separated; a BOM is accepted)."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        return rows_from_records(csv.reader(f), source=str(path))


def read_xlsx(path: Path | str) -> list[CodedRow]:
    """Read the first worksheet of an XLSX coding sheet."""
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_path(str(path))
    records = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    return rows_from_records(records, source=str(path))


def read_sheet(path: Path | str) -> list[CodedRow]:
    """Read a coding sheet, CSV or XLSX by the file's extension."""
    suffix = Path(path).suffix.lower()
    if suffix == ".csv":
        return read_csv(path)
    if suffix in (".xlsx", ".xlsm", ".xls", ".ods"):
        return read_xlsx(path)
    raise CodingSheetError(f"Cannot read {path}: use a .csv or .xlsx file.")


def _records(rows: Iterable[CodedRow]) -> list[list[str]]:
    return [list(COLUMNS)] + [
        [r.theme_code, r.theme_title, r.theme_note, r.content, r.municipality] for r in rows
    ]


def csv_text(rows: Iterable[CodedRow]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(_records(rows))
    return out.getvalue()


def write_csv(rows: Iterable[CodedRow], path: Path | str) -> None:
    Path(path).write_text(csv_text(rows), encoding="utf-8")


def xlsx_bytes(rows: Iterable[CodedRow], sheet_title: str = "coding") -> bytes:
    """The rows as an XLSX workbook; every cell is text so codes keep their zeros."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title[:31]
    for record in _records(rows):
        sheet.append(record)
    for cell in sheet["E"]:
        cell.number_format = "@"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def write_xlsx(rows: Iterable[CodedRow], path: Path | str) -> None:
    Path(path).write_bytes(xlsx_bytes(rows))


def write_sheet(rows: Iterable[CodedRow], path: Path | str) -> None:
    """Write CSV or XLSX by the file's extension."""
    suffix = Path(path).suffix.lower()
    if suffix == ".csv":
        write_csv(rows, path)
    elif suffix == ".xlsx":
        write_xlsx(rows, path)
    else:
        raise CodingSheetError(f"Cannot write {path}: use a .csv or .xlsx file.")
