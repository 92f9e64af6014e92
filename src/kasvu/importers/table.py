"""kasvu's own spreadsheet layout for local indicators (XLSX or CSV).

An XLSX workbook has a sheet ``observations`` (one row per indicator, area,
year and sex) and a sheet ``indicators`` (one row per indicator). A CSV file
holds the observations; the indicators are in a sidecar ``indicators.csv`` (or
``<name>.indicators.csv``) in the same folder. :func:`write_template` writes an
empty workbook with both sheets and a README sheet explaining every column in
English and Finnish. The columns are documented in :data:`COLUMNS` and in
``docs/importing.md``.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from kasvu.importers.base import (
    FLAG_BREAK_IN_SERIES,
    FLAG_PROVISIONAL,
    FLAG_SUPPRESSED_AT_SOURCE,
    OBSERVATION_SCHEMA,
    ImportFailed,
    IndicatorMeta,
    ParsedBatch,
)
from kasvu.readmodel.periods import FORMS, Period, UnknownPeriod, code_of, kind_expr
from kasvu.rights import RIGHT_KEYS

FLAG_WORDS = {
    "provisional": FLAG_PROVISIONAL,
    "break": FLAG_BREAK_IN_SERIES,
    "break_in_series": FLAG_BREAK_IN_SERIES,
    "suppressed": FLAG_SUPPRESSED_AT_SOURCE,
    "suppressed_at_source": FLAG_SUPPRESSED_AT_SOURCE,
}
SEX_WORDS = {"total": "total", "male": "male", "female": "female", "": "total"}
DIRECTIONS = ("higher_better", "lower_better", "neutral")
AGGREGATIONS = ("ratio", "sum", "weighted_mean", "none", "unknown")


@dataclass(frozen=True)
class Column:
    sheet: str
    name: str
    required: bool
    en: str
    fi: str
    example: Any = ""


COLUMNS: tuple[Column, ...] = (
    Column(
        "observations",
        "indicator",
        True,
        "Indicator key, as in the indicators sheet.",
        "Indikaattorin tunnus (key) indicators-välilehdeltä.",
        "local:school-meals",
    ),
    Column(
        "observations",
        "area_code",
        True,
        "Official area code: municipality 3 digits (049), region 2 digits (01).",
        "Alueen virallinen koodi: kunta 3 numeroa (049), maakunta 2 numeroa (01).",
        "049",
    ),
    Column(
        "observations",
        "year",
        True,
        "Year as an integer; for a school year the start year (2024 = 2024-2025). May be left out when "
        "the period column is given.",
        "Vuosi kokonaislukuna; lukuvuodelle alkuvuosi (2024 = 2024-2025). Voi puuttua, jos period-sarake "
        "on annettu.",
        2024,
    ),
    Column(
        "observations",
        "period",
        False,
        "Instead of year, or for periods shorter or longer than a year: 2024, a month 2024M03, a quarter "
        "2024Q1, a half-year 2024H1, a school year 2024/2025 or pooled years 2022-2023.",
        "Vuoden sijaan tai vuotta lyhyemmille tai pidemmille jaksoille: 2024, kuukausi 2024M03, "
        "vuosineljännes 2024Q1, puolivuotiskausi 2024H1, lukuvuosi 2024/2025 tai yhdistetyt vuodet 2022-2023.",
        "",
    ),
    Column(
        "observations",
        "sex",
        False,
        "total, male or female (empty = total).",
        "total, male tai female (tyhjä = total eli yhteensä).",
        "total",
    ),
    Column(
        "observations",
        "value",
        True,
        "The value; empty if suppressed.",
        "Arvo; tyhjä, jos tieto on salattu.",
        87.5,
    ),
    Column(
        "observations",
        "numerator",
        False,
        "Numerator (e.g. number of pupils who answered yes).",
        "Osoittaja (esim. kyllä-vastanneiden määrä).",
        350,
    ),
    Column(
        "observations",
        "denominator",
        False,
        "Denominator (e.g. number of respondents).",
        "Nimittäjä (esim. vastaajien määrä).",
        400,
    ),
    Column(
        "observations",
        "sample_size",
        False,
        "Number of respondents or cases, if different from the denominator.",
        "Vastaajien tai tapausten määrä, jos eri kuin nimittäjä.",
        400,
    ),
    Column(
        "observations",
        "flags",
        False,
        "Comma-separated: provisional, break, suppressed.",
        "Pilkuilla erotettuina: provisional (ennakko), break (sarjan katko), suppressed (salattu).",
        "",
    ),
    Column(
        "indicators",
        "key",
        True,
        "Unique key, 'local:' + short name in lowercase.",
        "Yksilöivä tunnus, 'local:' + lyhyt nimi pienillä kirjaimilla.",
        "local:school-meals",
    ),
    Column(
        "indicators",
        "title_fi",
        True,
        "Title in Finnish.",
        "Nimi suomeksi.",
        "Kouluruokailuun osallistuvat, %",
    ),
    Column("indicators", "title_sv", False, "Title in Swedish.", "Nimi ruotsiksi.", ""),
    Column(
        "indicators",
        "title_en",
        False,
        "Title in English.",
        "Nimi englanniksi.",
        "Pupils taking school lunch, %",
    ),
    Column(
        "indicators",
        "description_fi",
        False,
        "Description in Finnish: what is measured and how.",
        "Kuvaus suomeksi: mitä mitataan ja miten.",
        "",
    ),
    Column("indicators", "description_sv", False, "Description in Swedish.", "Kuvaus ruotsiksi.", ""),
    Column("indicators", "description_en", False, "Description in English.", "Kuvaus englanniksi.", ""),
    Column(
        "indicators",
        "unit",
        False,
        "Unit, e.g. %, per 1,000, persons, euros.",
        "Yksikkö, esim. %, per 1 000, henkilöä, euroa.",
        "%",
    ),
    Column(
        "indicators",
        "decimals",
        False,
        "Decimals to show (default 1).",
        "Näytettävät desimaalit (oletus 1).",
        1,
    ),
    Column(
        "indicators",
        "direction",
        False,
        "higher_better, lower_better or neutral.",
        "higher_better (suurempi parempi), lower_better (pienempi parempi) tai neutral.",
        "higher_better",
    ),
    Column(
        "indicators",
        "aggregation",
        False,
        "How to combine areas: ratio, sum, weighted_mean or none.",
        "Miten alueet yhdistetään: ratio (osoittaja/nimittäjä), sum, weighted_mean tai none.",
        "ratio",
    ),
    Column(
        "indicators",
        "scale",
        False,
        "value = numerator / denominator × scale (100 for %).",
        "arvo = osoittaja / nimittäjä × scale (prosenteille 100).",
        100,
    ),
    Column(
        "indicators",
        "rights",
        False,
        "Children's rights, comma-separated: " + ", ".join(sorted(RIGHT_KEYS)) + ".",
        "Lapsen oikeudet pilkuilla erotettuina: " + ", ".join(sorted(RIGHT_KEYS)) + ".",
        "health",
    ),
    Column(
        "indicators", "themes", False, "Themes, comma-separated.", "Teemat pilkuilla erotettuina.", "school"
    ),
    Column(
        "indicators",
        "licence",
        False,
        "Licence of the data, e.g. CC BY 4.0.",
        "Aineiston lisenssi, esim. CC BY 4.0.",
        "CC BY 4.0",
    ),
    Column(
        "indicators",
        "attribution",
        False,
        "Attribution to show with the data.",
        "Lähdemaininta.",
        "Source: City of Espoo",
    ),
)

OBS_NUMBERS = ("value", "numerator", "denominator", "sample_size")


# --------------------------------------------------------------------------- reading


def read_table(path: str | Path) -> ParsedBatch:
    """Read an XLSX workbook or a CSV file (with its indicators sidecar) into a batch."""
    path = Path(path)
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls", ".ods"):
        sheets = _read_workbook(path)
        _reject_formulas_without_results(path, sheets)
        if "observations" not in sheets:
            raise ImportFailed(
                f"no sheet 'observations' (sheets: {', '.join(sheets)}). Start from the template: "
                "kasvu import-template.",
                file=str(path),
            )
        obs_rows, ind_rows = sheets["observations"], sheets.get("indicators")
        obs_where, ind_where = f"{path}, sheet observations", f"{path}, sheet indicators"
    else:
        obs_rows, obs_where = _read_csv(path), str(path)
        sidecar = next(
            (
                p
                for p in (path.with_name(f"{path.stem}.indicators.csv"), path.with_name("indicators.csv"))
                if p.exists() and p != path
            ),
            None,
        )
        ind_rows, ind_where = (_read_csv(sidecar), str(sidecar)) if sidecar else (None, "")
    indicators = parse_indicator_rows(ind_rows, file=ind_where) if ind_rows else []
    observations = parse_observation_rows(obs_rows, file=obs_where)
    _set_period_kinds(indicators, observations)
    return ParsedBatch(
        source_file=str(path), indicators=indicators, observations=observations, area_scheme="code"
    )


def _set_period_kinds(indicators: list[IndicatorMeta], observations: pl.DataFrame) -> None:
    """An indicator's period kind from its rows' period codes (2024M03: month, 2024Q1: quarter …): the
    kind of most of its rows; years when it has none or no rows."""
    if "sub" not in observations.columns:
        return
    counts = (
        observations.select("indicator", kind_expr().alias("kind"))
        .group_by("indicator", "kind")
        .len()
        .sort("len", "kind", descending=[True, False])
        .unique("indicator", keep="first")
    )
    kinds = dict(counts.select("indicator", "kind").iter_rows())
    for meta in indicators:
        meta.period_kind = kinds.get(meta.key, meta.period_kind)


def _read_workbook(path: Path) -> dict[str, list[list[Any]]]:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types
        raise ImportFailed(
            f"cannot open the workbook: {exc}. Save it again as .xlsx.", file=str(path)
        ) from exc
    try:
        return {
            name: workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
            for name in workbook.sheet_names
        }
    except Exception as exc:  # a damaged sheet inside a readable zip: calamine's own error types again
        raise ImportFailed(
            f"a sheet of the workbook is damaged: {exc}. Open it in Excel and save it again as .xlsx.",
            file=str(path),
        ) from exc


_SHEET_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


def formulas_without_results(path: Path) -> dict[str, list[tuple[str, str]]]:
    """Sheet name → ``(cell, formula)`` of the formula cells that have no saved result.

    A workbook written by a program (openpyxl, a report generator) rather than
    saved by Excel has formulas but no results: every reader, kasvu's too, sees
    such a cell as empty, which would store "suppressed at source" in place of
    a real value. A formula whose saved result is an empty text is a result
    and is not listed. A damaged workbook raises :class:`ImportFailed`.
    """
    import zipfile
    from xml.etree import ElementTree

    try:
        return _formula_cells(path)
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        ElementTree.ParseError,
        KeyError,
        EOFError,
        ValueError,
    ) as exc:
        raise ImportFailed(
            f"the workbook is damaged ({exc}). Open it in Excel or LibreOffice and save it again as .xlsx.",
            file=str(path),
        ) from exc


def _formula_cells(path: Path) -> dict[str, list[tuple[str, str]]]:
    import re
    import zipfile
    from xml.etree import ElementTree

    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return {}  # not an XLSX zip (.xls, .ods): calamine has read the cached values there
    with archive:
        names = set(archive.namelist())
        if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
            return {}
        targets = {
            rel.get("Id"): rel.get("Target", "")
            for rel in ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        }
        found: dict[str, list[tuple[str, str]]] = {}
        for sheet in ElementTree.fromstring(archive.read("xl/workbook.xml")).iter(f"{_SHEET_NS}sheet"):
            target = targets.get(sheet.get(f"{_REL_NS}id"), "")
            member = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            if member not in names:
                continue
            xml = archive.read(member)
            if b"<f" not in xml and b":f" not in xml:
                continue
            for cell in ElementTree.fromstring(xml).iter(f"{_SHEET_NS}c"):
                formula = cell.find(f"{_SHEET_NS}f")
                if formula is None:
                    continue
                result = cell.find(f"{_SHEET_NS}v")
                has_result = result is not None and (result.text or cell.get("t") == "str")
                if not has_result and re.fullmatch(r"[A-Z]+[0-9]+", cell.get("r", "")):
                    found.setdefault(sheet.get("name", ""), []).append(
                        (cell.get("r", ""), formula.text or "")
                    )
        return found


def _reject_formulas_without_results(path: Path, sheets: dict[str, list[list[Any]]]) -> None:
    for sheet, cells in formulas_without_results(path).items():
        if sheet not in ("observations", "indicators"):
            continue
        ref, formula = cells[0]
        column = "".join(ch for ch in ref if ch.isalpha())
        index = 0
        for ch in column:
            index = index * 26 + ord(ch) - ord("A") + 1
        header = sheets[sheet][0] if sheets.get(sheet) else []
        name = str(header[index - 1]).strip() if index - 1 < len(header) else column
        more = f" ({len(cells) - 1} more such cells in the sheet.)" if len(cells) > 1 else ""
        raise ImportFailed(
            f"cell {ref} of sheet {sheet} holds the formula ={formula} but no saved result, so its value is "
            "unknown (it would read as empty). Open the workbook in Excel or LibreOffice and save it, so the "
            f"results are stored, or type the values in.{more}",
            file=f"{path}, sheet {sheet}",
            row=int("".join(ch for ch in ref if ch.isdigit())),
            field=name,
        )


def _read_csv(path: Path) -> list[list[Any]]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFailed(
            f"not UTF-8 text (byte {exc.start}). In Excel choose 'CSV UTF-8' when saving.", file=str(path)
        ) from exc
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[Any]] = []
    try:
        for row in reader:
            rows.append(row)
    except csv.Error as exc:
        raise ImportFailed(
            f"not readable as CSV: {exc}. Save the file again as 'CSV UTF-8' from Excel.",
            file=str(path),
            row=reader.line_num,
        ) from exc
    return rows


def _header(
    rows: Sequence[Sequence[Any]], sheet: str, file: str
) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    if not rows:
        raise ImportFailed("the sheet is empty; it needs a header row.", file=file)
    header = [str(c).strip().lower() for c in rows[0]]
    required = [c.name for c in COLUMNS if c.sheet == sheet and c.required]
    if "period" in header:  # a period column stands for the year
        required = [c for c in required if c != "year"]
    missing = [c for c in required if c not in header]
    if missing:
        raise ImportFailed(
            f"missing required column(s) {', '.join(missing)}. The header is: {', '.join(h for h in header if h)}.",
            file=file,
            row=1,
        )
    body = [
        (n, list(r))
        for n, r in enumerate(rows[1:], start=2)
        if any(str(c).strip() for c in r if c is not None)
    ]
    return header, body


def _cell(row: list[Any], header: list[str], name: str) -> Any:
    if name not in header:
        return None
    i = header.index(name)
    value = row[i] if i < len(row) else None
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _number(value: Any, *, file: str, row: int, column: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise ImportFailed(f"{value!r} is not a number.", file=file, row=row, field=column)
    if isinstance(value, int | float):
        return _finite(float(value), value, file=file, row=row, column=column)
    text = str(value).replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        raise ImportFailed(
            f"text {str(value)!r} in a number column. Write a number (decimal mark . or ,) or leave it empty.",
            file=file,
            row=row,
            field=column,
        ) from None
    return _finite(number, value, file=file, row=row, column=column)


def _finite(number: float, value: Any, *, file: str, row: int, column: str) -> float:
    if not math.isfinite(number):
        raise ImportFailed(
            f"{value!r} is not a finite number. Write a number or leave the cell empty.",
            file=file,
            row=row,
            field=column,
        )
    return number


def _integer(value: Any, *, file: str, row: int, column: str) -> int:
    try:
        number = _number(value, file=file, row=row, column=column) if value is not None else None
    except ImportFailed:
        number = None
    if number is None or number != int(number):
        raise ImportFailed(
            f"{value!r} is not a whole year. For a school year give its start year (2024-2025 → 2024).",
            file=file,
            row=row,
            field=column,
        )
    return int(number)


def _words(value: Any) -> list[str]:
    return [w.strip().lower() for w in str(value or "").replace(";", ",").split(",") if w.strip()]


def parse_observation_rows(rows: Sequence[Sequence[Any]], *, file: str) -> pl.DataFrame:
    """Rows of the observations sheet (header first) → observations."""
    header, body = _header(rows, "observations", file)
    cols: dict[str, list[Any]] = {c: [] for c in OBSERVATION_SCHEMA}
    seen: dict[tuple[str, str, int, int, str], int] = {}
    subs: list[int] = []
    for n, row in body:
        indicator = _cell(row, header, "indicator")
        area = _cell(row, header, "area_code")
        for name, value in (("indicator", indicator), ("area_code", area)):
            if value is None:
                raise ImportFailed(
                    "empty; every row needs an indicator and an area code.", file=file, row=n, field=name
                )
        area_code = str(int(area)).zfill(3) if isinstance(area, float) and area.is_integer() else str(area)
        year, sub = _period(row, header, file=file, row=n)
        sex_text = str(_cell(row, header, "sex") or "").lower()
        if sex_text not in SEX_WORDS:
            raise ImportFailed(
                f"unknown sex {sex_text!r}; use total, male or female.", file=file, row=n, field="sex"
            )
        sex = SEX_WORDS[sex_text]
        numbers = {c: _number(_cell(row, header, c), file=file, row=n, column=c) for c in OBS_NUMBERS}
        size = numbers["sample_size"]
        if size is not None and (size != int(size) or size < 0):
            raise ImportFailed(
                f"sample size {size:g} is not a whole number of respondents. "
                "Write the number of respondents, or leave the cell empty.",
                file=file,
                row=n,
                field="sample_size",
            )
        flags = 0
        for word in _words(_cell(row, header, "flags")):
            if word not in FLAG_WORDS:
                raise ImportFailed(
                    f"unknown flag {word!r}; use provisional, break or suppressed.",
                    file=file,
                    row=n,
                    field="flags",
                )
            flags |= FLAG_WORDS[word]
        if numbers["value"] is None:
            flags |= FLAG_SUPPRESSED_AT_SOURCE
        key = (str(indicator), area_code, year, sub, sex)
        if key in seen:
            raise ImportFailed(
                f"rows {seen[key]} and {n} are both indicator {indicator}, area {area_code}, "
                f"{'year' if sub == 0 else 'period'} {code_of(year, sub)}, sex {sex}. "
                "Delete or correct one of them.",
                file=file,
                row=n,
            )
        seen[key] = n
        cols["indicator"].append(str(indicator))
        cols["area_code"].append(area_code)
        cols["year"].append(year)
        subs.append(sub)
        cols["sex"].append(sex)
        for c in OBS_NUMBERS:
            number = numbers[c]
            cols[c].append(int(number) if c == "sample_size" and number is not None else number)
        cols["flags"].append(flags)
        cols["row"].append(n)
    frame = pl.DataFrame(cols, schema=OBSERVATION_SCHEMA)
    return frame.with_columns(pl.Series("sub", subs, dtype=pl.Int16)) if any(subs) else frame


def _period(cells: list[Any], header: list[str], *, file: str, row: int) -> tuple[int, int]:
    """(year, sub) of a row from its period code or, without one, its year."""
    n = row
    text = _cell(cells, header, "period")
    if text is None:
        return _integer(_cell(cells, header, "year"), file=file, row=n, column="year"), 0
    if isinstance(text, float) and text.is_integer():
        text = int(text)
    try:
        period = Period.parse(str(text))
    except UnknownPeriod:
        raise ImportFailed(
            f"{text!r} is not a period kasvu can read. Give {FORMS}.", file=file, row=n, field="period"
        ) from None
    year = _cell(cells, header, "year")
    if year is not None and _integer(year, file=file, row=n, column="year") != period.year:
        raise ImportFailed(
            f"year {year} and period {text} disagree: the period's year is {period.year}. Correct one of them "
            "or leave the year empty.",
            file=file,
            row=n,
            field="year",
        )
    return period.year, period.sub


def parse_indicator_rows(rows: Sequence[Sequence[Any]], *, file: str) -> list[IndicatorMeta]:
    """Rows of the indicators sheet (header first) → indicator metadata."""
    header, body = _header(rows, "indicators", file)
    out: list[IndicatorMeta] = []
    seen: dict[str, int] = {}
    for n, row in body:
        key = str(_cell(row, header, "key") or "")
        if not key:
            raise ImportFailed("empty key.", file=file, row=n, field="key")
        if key in seen:
            raise ImportFailed(
                f"rows {seen[key]} and {n} both define {key!r}.", file=file, row=n, field="key"
            )
        seen[key] = n

        def texts(prefix: str, row: list[Any] = row) -> dict[str, str]:
            got = {lang: _cell(row, header, f"{prefix}_{lang}") for lang in ("fi", "sv", "en")}
            return {lang: str(v) for lang, v in got.items() if v}

        title = texts("title")
        if "fi" not in title:
            raise ImportFailed("empty title_fi.", file=file, row=n, field="title_fi")
        rights = _words(_cell(row, header, "rights"))
        unknown = [r for r in rights if r not in RIGHT_KEYS]
        if unknown:
            raise ImportFailed(
                f"unknown right {unknown[0]!r}; use {', '.join(sorted(RIGHT_KEYS))}.",
                file=file,
                row=n,
                field="rights",
            )
        direction = str(_cell(row, header, "direction") or "neutral")
        aggregation = str(_cell(row, header, "aggregation") or "unknown")
        for name, value, allowed in (
            ("direction", direction, DIRECTIONS),
            ("aggregation", aggregation, AGGREGATIONS),
        ):
            if value not in allowed:
                raise ImportFailed(
                    f"{value!r}; use one of {', '.join(allowed)}.", file=file, row=n, field=name
                )
        decimals = _cell(row, header, "decimals")
        scale = _number(_cell(row, header, "scale"), file=file, row=n, column="scale")
        source, _, source_id = key.partition(":")
        out.append(
            IndicatorMeta(
                key=key,
                source=source if source_id else "local",
                source_id=source_id or key,
                title=title,
                description=texts("description"),
                unit=str(_cell(row, header, "unit") or ""),
                decimals=_integer(decimals, file=file, row=n, column="decimals")
                if decimals is not None
                else 1,
                direction=direction,
                aggregation=aggregation,
                scale=scale if scale is not None else 1.0,
                themes=[
                    t for t in (w.strip() for w in str(_cell(row, header, "themes") or "").split(",")) if t
                ],
                rights=rights,
                licence=str(_cell(row, header, "licence") or "CC BY 4.0"),
                attribution=str(_cell(row, header, "attribution") or ""),
            )
        )
    return out


# --------------------------------------------------------------------------- template


def _columns(sheet: str) -> list[Column]:
    return [c for c in COLUMNS if c.sheet == sheet]


def write_template(path: str | Path) -> list[Path]:
    """Write an empty template: an XLSX workbook, or for ``.csv`` the CSV and its indicators sidecar.

    Returns the paths written.
    """
    path = Path(path)
    if path.suffix.lower() == ".csv":
        sidecar = path.with_name(f"{path.stem}.indicators.csv")
        for target, sheet in ((path, "observations"), (sidecar, "indicators")):
            with target.open("w", encoding="utf-8", newline="") as f:
                writer = csv.writer(f)
                writer.writerow([c.name for c in _columns(sheet)])
                writer.writerow([c.example for c in _columns(sheet)])
        return [path, sidecar]
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    readme = workbook.active
    assert readme is not None
    readme.title = "README"
    _write_rows(
        readme,
        [
            [
                "sheet / välilehti",
                "column / sarake",
                "required / pakollinen",
                "meaning (English)",
                "selitys (suomeksi)",
            ]
        ]
        + [[c.sheet, c.name, "yes / kyllä" if c.required else "", c.en, c.fi] for c in COLUMNS]
        + [
            [],
            ["One row per indicator, area, year and sex. Replace the example rows with your data."],
            [
                "Yksi rivi kutakin indikaattoria, aluetta, vuotta ja sukupuolta kohden. Korvaa esimerkkirivit omilla tiedoillasi."
            ],
        ],
    )
    for sheet in ("observations", "indicators"):
        ws = workbook.create_sheet(sheet)
        _write_rows(ws, [[c.name for c in _columns(sheet)], [c.example for c in _columns(sheet)]])
    for ws in workbook.worksheets:
        for cell in ws[1]:
            cell.font = Font(bold=True)
    workbook.save(path)
    return [path]


def _write_rows(ws: Any, rows: Iterable[Sequence[Any]]) -> None:
    for row in rows:
        ws.append(list(row))
