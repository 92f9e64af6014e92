"""The report's tables as XLSX: a metadata sheet first (report, language, date, disclosure, generated-data
notice, provenance of every indicator), then one sheet per table with numbers as numbers."""

from __future__ import annotations

import io
import re

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from kasvu.reports.document import Report, Table

METADATA = "Metadata"


def _sheet_name(t: Table, n: int, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", " ", f"{n} {t.caption}").strip()[:31].strip()
    name, i = base, 2
    while name.lower() in used:
        suffix = f" ({i})"
        name, i = base[: 31 - len(suffix)] + suffix, i + 1
    used.add(name.lower())
    return name


def _number_format(decimals: int) -> str:
    return "0" if decimals <= 0 else "0." + "0" * decimals


def _decimals(text: str) -> int:
    m = re.search(r"[.,](\d+)\s*$", text.replace("\u00a0", "").strip())
    return len(m.group(1)) if m else 0


def xlsx_bytes(report: Report) -> bytes:
    wb = Workbook()
    meta = wb.active
    meta.title = METADATA
    bold = Font(bold=True)
    rows: list[tuple[str, str]] = [
        ("Report", report.title),
        ("Subtitle", report.subtitle),
        ("Kind", report.kind),
        ("Language", report.language),
        ("Created (UTC)", report.created.strftime("%Y-%m-%d %H:%M")),
        (
            "Disclosure",
            "public: small numbers hidden (–)" if report.public else "INTERNAL: not for publication",
        ),
        ("Generated demo data", "yes: generated demo data, not real" if report.generated_data else "no"),
        *((k, v) for k, v in report.meta.items()),
        *(("Notice", n) for n in report.notices),
    ]
    for r, (k, v) in enumerate(rows, start=1):
        meta.cell(r, 1, k).font = bold
        meta.cell(r, 2, v)
    r = len(rows) + 2
    meta.cell(r, 1, "Provenance").font = bold
    header = [
        "Indicator",
        "Key",
        "Source",
        "URL",
        "Retrieved",
        "Retrieved is import date",
        "Licence",
        "Attribution",
        "Years",
        "Imports",
        "Generated demo data",
    ]
    for c, h in enumerate(header, start=1):
        meta.cell(r + 1, c, h).font = bold
    for i, e in enumerate(report.provenance, start=r + 2):
        values = [
            e.indicator,
            e.indicator_key,
            e.source,
            e.url,
            e.retrieved,
            "yes" if e.retrieved_is_import_date else "no",
            e.licence,
            e.attribution,
            e.years,
            e.imports,
            "generated demo data, not real" if e.generated else "no",
        ]
        for c, v in enumerate(values, start=1):
            meta.cell(i, c, v)
    r = r + len(report.provenance) + 3
    meta.cell(r, 1, "Sheets").font = bold
    used = {METADATA.lower()}
    for n, t in enumerate(report.tables(), start=1):
        name = _sheet_name(t, n, used)
        ws = wb.create_sheet(name)
        meta.cell(r + n, 1, name)
        meta.cell(r + n, 2, t.caption)
        ws.cell(1, 1, t.caption).font = Font(bold=True, size=12)
        for c, col in enumerate(t.columns, start=1):
            ws.cell(3, c, col).font = bold
        for i, row in enumerate(t.rows, start=4):
            for c, cell in enumerate(row, start=1):
                if cell.value is not None and not cell.suppressed:
                    xc = ws.cell(i, c, cell.value)
                    xc.number_format = _number_format(_decimals(cell.text))
                else:
                    xc = ws.cell(i, c, cell.text)
                    if c - 1 in t.numeric:
                        xc.alignment = Alignment(horizontal="right")
        end = 4 + len(t.rows) + 1
        for j, note in enumerate(t.notes):
            ws.cell(end + j, 1, note).font = Font(italic=True, size=9)
        for c in range(1, len(t.columns) + 1):
            width = max(
                [len(str(t.columns[c - 1]))] + [len(row[c - 1].text) for row in t.rows if c - 1 < len(row)]
            )
            ws.column_dimensions[get_column_letter(c)].width = min(60, max(10, width + 2))
        ws.freeze_panes = "B4"
    meta.column_dimensions["A"].width = 28
    meta.column_dimensions["B"].width = 60
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
