"""The report's tables as XLSX: a metadata sheet first (report, language, date, disclosure, generated-data
notice, provenance of every indicator), then one sheet per table with numbers as numbers."""

from __future__ import annotations

import io
import re

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from kasvu.labels import attribution_label
from kasvu.reports.document import Cell, Report, Table

METADATA = "Metadata"


def _cut(text: str, limit: int) -> str:
    """``text`` shortened to ``limit`` characters at a word boundary (Excel allows 31 in a sheet name)."""
    if len(text) <= limit:
        return text
    cut = text[: limit + 1].rsplit(" ", 1)[0].rstrip(" ,;:–-")
    return cut if " " in text[: limit + 1] else text[:limit].strip()


def _sheet_name(t: Table, n: int, used: set[str]) -> str:
    caption = re.sub(r"^\w+ \d+[.:]\s*", "", t.caption)  # "Taulukko 2: …": the sheet has its own number
    base = _cut(re.sub(r"\s+", " ", re.sub(r"[\[\]:*?/\\]", " ", f"{n} {caption}")).strip(), 31)
    name, i = base, 2
    while name.lower() in used:
        suffix = f" ({i})"
        name, i = _cut(base, 31 - len(suffix)) + suffix, i + 1
    used.add(name.lower())
    return name


def _number_format(decimals: int) -> str:
    return "0" if decimals <= 0 else "0." + "0" * decimals


def _decimals(text: str) -> int:
    """Decimals shown in ``text``: "5,5 %" → 1 (a unit after the number used to make it 0, so 5,5 showed 6)."""
    m = re.search(r"\d[.,](\d+)\D*$", text.replace("\u00a0", "").strip())
    return len(m.group(1)) if m else 0


#: The metadata sheet's labels in the report's language.
WORDS: dict[str, dict[str, str]] = {
    "fi": {
        "Metadata": "Tiedot", "Report": "Raportti", "Subtitle": "Alaotsikko", "Kind": "Laji",
        "Language": "Kieli", "Created (UTC)": "Luotu (UTC)", "Disclosure": "Tietosuoja",
        "public": "julkinen: pienet luvut piilotettu (–)", "internal": "SISÄINEN: ei julkaistavaksi",
        "Generated demo data": "Generoitu demoaineisto", "generated_yes": "kyllä: generoitu demoaineisto, ei todellinen",
        "no": "ei", "yes": "kyllä", "Notice": "Huomautus", "Provenance": "Tietojen alkuperä",
        "Indicator": "Indikaattori", "Key": "Tunniste", "Source": "Lähde", "URL": "Osoite", "Retrieved": "Haettu",
        "Retrieved is import date": "Hakupäivä on tuontipäivä", "Licence": "Lisenssi", "Attribution": "Lähdemaininta",
        "Years": "Vuodet", "Imports": "Tuonnit", "Sheets": "Taulukot", "lower": "alaraja", "upper": "yläraja",
    },
    "sv": {
        "Metadata": "Uppgifter", "Report": "Rapport", "Subtitle": "Underrubrik", "Kind": "Typ",
        "Language": "Språk", "Created (UTC)": "Skapad (UTC)", "Disclosure": "Dataskydd",
        "public": "offentlig: små tal dolda (–)", "internal": "INTERN: inte för publicering",
        "Generated demo data": "Genererade demodata", "generated_yes": "ja: genererade demodata, inte verkliga",
        "no": "nej", "yes": "ja", "Notice": "Anmärkning", "Provenance": "Uppgifternas ursprung",
        "Indicator": "Indikator", "Key": "Nyckel", "Source": "Källa", "URL": "Adress", "Retrieved": "Hämtad",
        "Retrieved is import date": "Hämtningsdagen är importdagen", "Licence": "Licens", "Attribution": "Källhänvisning",
        "Years": "År", "Imports": "Importer", "Sheets": "Tabeller", "lower": "nedre gräns", "upper": "övre gräns",
    },
}  # fmt: skip
ENGLISH = {"public": "public: small numbers hidden (–)", "internal": "INTERNAL: not for publication",
           "generated_yes": "yes: generated demo data, not real", "lower": "lower", "upper": "upper"}  # fmt: skip


def _word(key: str, lang: str) -> str:
    return WORDS.get(lang, {}).get(key) or ENGLISH.get(key, key)


def _spread_intervals(t: Table, lang: str) -> tuple[list[str], list[list[tuple[str, float | None]]]]:
    """The table's columns and rows as (text, number) pairs, with each interval column ("1,4–5,3")
    spread into two numeric columns, lower and upper end, so that a spreadsheet can compute with them."""
    split = {c for row in t.rows for c, cell in enumerate(row) if cell.interval is not None}
    columns: list[str] = []
    for c, col in enumerate(t.columns):
        columns += (
            [f"{col} ({_word('lower', lang)})", f"{col} ({_word('upper', lang)})"] if c in split else [col]
        )
    rows = []
    for row in t.rows:
        out: list[tuple[str, float | None]] = []
        for c, cell in enumerate(row):
            out += _cells(cell, c in split)
        rows.append(out)
    return columns, rows


def _cells(cell: Cell, interval_column: bool) -> list[tuple[str, float | None]]:
    shown = cell.value if cell.value is not None and not cell.suppressed else None
    if not interval_column:
        return [(cell.text, shown)]
    if cell.interval is None:
        return [(cell.text, None), ("", None)]
    lower_text, _, upper_text = cell.text.partition("–")
    return [(lower_text, cell.interval[0]), (upper_text, cell.interval[1])]


def xlsx_bytes(report: Report) -> bytes:
    wb = Workbook()
    meta = wb.active
    lang = report.language

    def w(key: str) -> str:
        return _word(key, lang)

    meta.title = w(METADATA)
    bold = Font(bold=True)
    rows: list[tuple[str, str]] = [
        (w("Report"), report.title),
        (w("Subtitle"), report.subtitle),
        (w("Kind"), report.kind),
        (w("Language"), report.language),
        (w("Created (UTC)"), report.created.strftime("%Y-%m-%d %H:%M")),
        (w("Disclosure"), w("public") if report.public else w("internal")),
        (w("Generated demo data"), w("generated_yes") if report.generated_data else w("no")),
        *((k, v) for k, v in report.meta.items()),
        *((w("Notice"), n) for n in report.notices),
    ]
    for r, (k, v) in enumerate(rows, start=1):
        meta.cell(r, 1, k).font = bold
        meta.cell(r, 2, v)
    r = len(rows) + 2
    meta.cell(r, 1, w("Provenance")).font = bold
    header = [
        w(h)
        for h in ("Indicator", "Key", "Source", "URL", "Retrieved", "Retrieved is import date", "Licence",
                  "Attribution", "Years", "Imports", "Generated demo data")
    ]  # fmt: skip
    for c, h in enumerate(header, start=1):
        meta.cell(r + 1, c, h).font = bold
    for i, e in enumerate(report.provenance, start=r + 2):
        values = [
            e.indicator,
            e.indicator_key,
            e.source,
            e.url,
            e.retrieved,
            w("yes") if e.retrieved_is_import_date else w("no"),
            e.licence,
            attribution_label(e.attribution, lang),
            e.years,
            e.imports,
            w("generated_yes") if e.generated else w("no"),
        ]
        for c, v in enumerate(values, start=1):
            meta.cell(i, c, v)
    r = r + len(report.provenance) + 3
    meta.cell(r, 1, w("Sheets")).font = bold
    used = {w(METADATA).lower()}
    for n, t in enumerate(report.tables(), start=1):
        name = _sheet_name(t, n, used)
        ws = wb.create_sheet(name)
        meta.cell(r + n, 1, name)
        meta.cell(r + n, 2, t.caption)
        ws.cell(1, 1, t.caption).font = Font(bold=True, size=12)
        columns, rows = _spread_intervals(t, lang)
        for c, col in enumerate(columns, start=1):
            ws.cell(3, c, col).font = bold
        for i, row in enumerate(rows, start=4):
            for c, (cell, number) in enumerate(row, start=1):
                if number is not None:
                    xc = ws.cell(i, c, number)
                    xc.number_format = _number_format(_decimals(cell))
                else:
                    xc = ws.cell(i, c, cell)
                    if cell and re.fullmatch(r"[–\-.…]|\S*\d\S*", cell):
                        xc.alignment = Alignment(horizontal="right")
        end = 4 + len(rows) + 1
        for j, note in enumerate(t.notes):
            ws.cell(end + j, 1, note).font = Font(italic=True, size=9)
        for c in range(1, len(columns) + 1):
            width = max([len(str(columns[c - 1]))] + [len(row[c - 1][0]) for row in rows if c - 1 < len(row)])
            ws.column_dimensions[get_column_letter(c)].width = min(60, max(10, width + 2))
        ws.freeze_panes = "B4"
    meta.column_dimensions["A"].width = 28
    meta.column_dimensions["B"].width = 60
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
