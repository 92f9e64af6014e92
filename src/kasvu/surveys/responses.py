"""Read survey response files (CSV, Excel, SPSS) and check them against the codebook.

All or nothing: :func:`read_responses` returns a fully validated
:class:`SurveyResponses` or raises :class:`~kasvu.importers.base.ImportFailed`
naming the file, the row, the column and what to do. A half-checked file is never
returned, because figures computed from it would be published.

Row numbers are the ones a person sees when opening the file:

* CSV and Excel: the spreadsheet row, counting the header as row 1, so the first
  respondent is row 2 (for CSV: the line number; a quoted value spanning lines
  counts as the line where the row starts).
* SPSS ``.sav``: the case number in SPSS's Data View, first case = 1.

The returned frame has standard columns ``row``, ``area`` (municipality code),
``school``, ``grade``, ``sex`` ("female", "male", "other", "missing"), ``age``,
``weight`` (1.0 when the survey has no weights), ``stratum``, ``cluster`` and
one column per question id holding the answer codes as in the file, missing
codes included (recoding happens in :mod:`kasvu.surveys.indicators`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from kasvu.importers.base import ImportFailed
from kasvu.surveys.codebook import Codebook, Question

CSV_SUFFIXES = (".csv", ".txt", ".tsv")
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
SPSS_SUFFIXES = (".sav", ".zsav")
SPREADSHEET_ROWS = "row numbers are spreadsheet rows: the header is row 1, the first respondent row 2"
SPSS_ROWS = "row numbers are SPSS case numbers: the first respondent is case 1"
#: A column of this name with value 1 in every row marks generated (synthetic) data.
GENERATED_COLUMN = "generated"


@dataclass(frozen=True)
class SurveyResponses:
    """Validated responses of one file, ready for :func:`kasvu.surveys.indicators.estimate_indicators`."""

    frame: pl.DataFrame
    codebook: Codebook
    source_file: str
    row_convention: str
    value_labels: Mapping[str, Mapping[int, str]] = field(default_factory=dict)  # from SPSS files
    generated: bool = False

    def __len__(self) -> int:
        return self.frame.height


@dataclass(frozen=True)
class _Raw:
    frame: pl.DataFrame  # original columns (String, or numeric for SPSS) + "_row"
    convention: str
    value_labels: dict[str, dict[int, str]]


def read_responses(path: str | Path, codebook: Codebook, *, sheet: str | int = 0) -> SurveyResponses:
    """Read ``path`` (CSV, XLSX/ODS or SAV by suffix) and validate it against ``codebook``.

    Raises :class:`ImportFailed` on the first problem found, saying how many rows share it.
    """
    path = Path(path)
    name = str(path)
    if not path.is_file():
        raise ImportFailed("the file does not exist. Check the path.", file=name)
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        raw = _read_csv(path)
    elif suffix in EXCEL_SUFFIXES:
        raw = _read_excel(path, sheet)
    elif suffix in SPSS_SUFFIXES:
        raw = _read_sav(path)
    else:
        raise ImportFailed(
            f"unknown file type {suffix!r}. Save the responses as .csv, .xlsx or .sav.", file=name
        )
    frame = _Validator(raw, codebook, name).run()
    generated = GENERATED_COLUMN in raw.frame.columns and _all_true(raw.frame[GENERATED_COLUMN])
    return SurveyResponses(
        frame=frame,
        codebook=codebook,
        source_file=name,
        row_convention=raw.convention,
        value_labels=raw.value_labels,
        generated=generated,
    )


# ---------------------------------------------------------------------------- readers


def _read_csv(path: Path) -> _Raw:
    name = str(path)
    data = path.read_bytes()
    if not data.strip():
        raise ImportFailed("the file is empty. Export the responses again.", file=name)
    if b"\x00" in data[:4096]:
        raise ImportFailed("this is not a text (CSV) file. Save the responses as CSV (UTF-8).", file=name)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")  # Finnish Excel's "CSV (semicolon)" export
    header = text.splitlines()[0]
    separator = max(";,\t", key=header.count)
    starts = _row_starts(text, separator, name)
    try:
        frame = pl.read_csv(
            text.encode("utf-8"),
            separator=separator,
            infer_schema=False,
            empty_string_is_null=True,
        )
    except (pl.exceptions.PolarsError, ValueError) as exc:
        raise ImportFailed(
            f"could not read the CSV file ({exc}). Export it again as CSV.", file=name
        ) from None
    if frame.height != len(starts):  # blank lines: polars keeps them as empty rows, csv skips them
        starts = [i + 2 for i in range(frame.height)]
    frame = frame.with_columns(pl.Series("_row", starts, dtype=pl.Int64))
    return _Raw(_drop_empty_rows(frame), SPREADSHEET_ROWS, {})


def _row_starts(text: str, separator: str, file: str) -> list[int]:
    """Line number where each data row starts; raise for a row whose number of values differs from the header.

    Without quotes a row is a line and counting separators is enough (fast); with quotes the csv
    module follows quoted separators and line breaks.
    """
    if '"' not in text:
        lines = text.splitlines()
        width = lines[0].count(separator) + 1
        counts = [line.count(separator) + 1 if line else 0 for line in lines[1:]]
        for i, count in enumerate(counts):
            if count and count != width:
                _ragged(count, width, text, file, i + 2)
        return list(range(2, len(counts) + 2))
    reader = csv.reader(io.StringIO(text), delimiter=separator)
    width = None
    starts: list[int] = []
    line_no = 1
    for fields in reader:
        start, line_no = line_no, reader.line_num + 1
        if width is None:
            width = len(fields)
            continue
        starts.append(start)
        if fields and len(fields) != width:
            _ragged(len(fields), width, text, file, start)
    return starts


def _ragged(count: int, width: int, text: str, file: str, row: int) -> None:
    hint = (
        "the file looks truncated; export it again"
        if count < width and not text.endswith(("\n", "\r"))
        else "check for a stray separator or a missing value"
    )
    raise ImportFailed(
        f"this row has {count} values but the header has {width} columns; {hint} ({SPREADSHEET_ROWS}).",
        file=file,
        row=row,
    )


def _read_excel(path: Path, sheet: str | int) -> _Raw:
    from python_calamine import CalamineWorkbook

    name = str(path)
    try:
        book = CalamineWorkbook.from_path(str(path))
        ws = book.get_sheet_by_name(sheet) if isinstance(sheet, str) else book.get_sheet_by_index(sheet)
        rows = ws.to_python(skip_empty_area=False)
    except Exception as exc:  # calamine raises its own error types for broken zip/xml
        raise ImportFailed(
            f"could not read the spreadsheet ({exc}). The file may be damaged or truncated; save it again "
            "from Excel as .xlsx.",
            file=name,
        ) from None
    first = next((i for i, r in enumerate(rows) if any(_cell(v) is not None for v in r)), None)
    if first is None:
        raise ImportFailed(
            "the sheet is empty. Put the header in the first row and one respondent per row.", file=name
        )
    header = [_cell(v) for v in rows[first]]
    seen: set[str] = set()
    for j, h in enumerate(header):
        if h is None:
            if any(_cell(r[j]) is not None for r in rows[first + 1 :] if j < len(r)):
                raise ImportFailed(
                    f"column {j + 1} has values but no header. Give it a name or delete it.",
                    file=name,
                    row=first + 1,
                )
            continue
        if h in seen:
            raise ImportFailed(
                f"the header {h!r} appears twice. Rename one of the columns.", file=name, row=first + 1
            )
        seen.add(h)
    keep = [j for j, h in enumerate(header) if h is not None]
    body = rows[first + 1 :]
    columns = {str(header[j]): [_cell(r[j]) if j < len(r) else None for r in body] for j in keep}
    frame = pl.DataFrame(columns, schema=dict.fromkeys(columns, pl.String))
    frame = frame.with_columns(pl.int_range(first + 2, first + 2 + len(body), dtype=pl.Int64).alias("_row"))
    return _Raw(_drop_empty_rows(frame), SPREADSHEET_ROWS, {})


def _read_sav(path: Path) -> _Raw:
    import pyreadstat

    name = str(path)
    try:
        frame, meta = pyreadstat.read_sav(str(path), output_format="polars", apply_value_formats=False)
    except Exception as exc:  # pyreadstat.ReadstatError and friends
        raise ImportFailed(
            f"could not read the SPSS file ({exc}). It may be damaged or truncated; save it again from SPSS.",
            file=name,
        ) from None
    labels = {
        col: {int(k): str(v) for k, v in mapping.items() if float(k).is_integer()}
        for col, mapping in (meta.variable_value_labels or {}).items()
    }
    floats = [c for c, t in frame.schema.items() if t.is_float()]
    frame = frame.with_columns([pl.col(c).fill_nan(None) for c in floats])  # SPSS system-missing
    frame = frame.with_columns(pl.int_range(1, frame.height + 1, dtype=pl.Int64).alias("_row"))
    return _Raw(frame, SPSS_ROWS, labels)


def _cell(value: Any) -> str | None:
    """Spreadsheet cell as text: 3.0 -> "3", empty -> None."""
    if value is None:
        return None
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    text = str(value).strip()
    return text or None


def _drop_empty_rows(frame: pl.DataFrame) -> pl.DataFrame:
    """Blank lines and empty spreadsheet rows are not respondents."""
    data = [c for c in frame.columns if c != "_row"]
    if not data or frame[data[0]].null_count() == 0:  # cheap common case: no row can be empty
        return frame
    return frame.filter(~pl.all_horizontal([pl.col(c).is_null() for c in data]))


def _all_true(series: pl.Series) -> bool:
    values = series.cast(pl.String).str.strip_chars().str.to_lowercase()
    return series.len() > 0 and bool(values.is_in(["1", "1.0", "true", "yes", "generated"]).all())


# ---------------------------------------------------------------------------- validation


class _Validator:
    """Checks one raw frame column by column; the first failing check raises."""

    def __init__(self, raw: _Raw, codebook: Codebook, file: str) -> None:
        self.raw = raw.frame
        self.cb = codebook
        self.file = file
        self.convention = raw.convention
        self.rows = raw.frame["_row"]

    def fail(self, bad: pl.Series, column: str, message: str) -> None:
        """Raise for the first row where ``bad`` is true, saying how many rows are affected."""
        idx = bad.fill_null(False).arg_true()
        if idx.len() == 0:
            return
        first = int(idx[0])
        more = f" {idx.len() - 1} more row(s) have the same problem." if idx.len() > 1 else ""
        raise ImportFailed(
            f"{message}{more} ({self.convention}.)", file=self.file, row=int(self.rows[first]), field=column
        )

    def run(self) -> pl.DataFrame:
        r = self.cb.respondent
        self._require_columns()
        out: dict[str, pl.Series] = {"row": self.rows}
        out["area"], out["school"] = self._areas()
        grade = self._integers(r.grade, "the grade (luokka-aste)", required=True)
        lo, hi = self.cb.population.grades
        self.fail(
            (grade < lo) | (grade > hi),
            r.grade,
            f"grade {self._value_at(grade, (grade < lo) | (grade > hi))} is outside the survey population "
            f"(grades {lo}–{hi}). Correct the grade or remove the respondent.",
        )
        out["grade"] = grade.cast(pl.Int8)
        out["sex"] = self._sex()
        if r.age:
            age = self._integers(r.age, "the age", required=False)
            if self.cb.population.ages:
                a_lo, a_hi = self.cb.population.ages
                bad = (age < a_lo) | (age > a_hi)
                self.fail(
                    bad,
                    r.age,
                    f"age {self._value_at(age, bad)} is outside the population (ages {a_lo}–{a_hi}).",
                )
            out["age"] = age.cast(pl.Int16)
        out["weight"] = self._weights()
        for role, column in (("stratum", r.stratum), ("cluster", r.cluster)):
            if column:
                values = self._text(column)
                self.fail(values.is_null(), column, f"the {role} is empty. Every respondent needs a {role}.")
                if column == r.municipality:
                    values = out["area"]
                out[role] = values
        for q in self.cb.questions:
            out[q.id] = self._question(q)
        return pl.DataFrame([s.alias(k) for k, s in out.items()])

    def _require_columns(self) -> None:
        r = self.cb.respondent
        wanted: list[tuple[str, str]] = [(r.grade, "respondent.grade")]
        for role in ("municipality", "school", "age", "weight", "stratum", "cluster"):
            col = getattr(r, role)
            if col:
                wanted.append((col, f"respondent.{role}"))
        if r.sex:
            wanted.append((r.sex.column, "respondent.sex"))
        wanted += [(q.column, f"question {q.id}") for q in self.cb.questions]
        present = set(self.raw.columns)
        for column, role in wanted:
            if column not in present:
                shown = ", ".join(c for c in self.raw.columns if c != "_row")
                raise ImportFailed(
                    f"the column is missing; the codebook expects it for {role}. Rename the column in the file "
                    f"or fix the codebook. Columns in the file: {shown}.",
                    file=self.file,
                    field=column,
                )

    def _text(self, column: str) -> pl.Series:
        s = self.raw[column]
        if s.dtype == pl.String:
            return s.str.strip_chars().replace("", None)
        if s.dtype.is_float():
            v = pl.col(column)
            whole = v.cast(pl.Int64, strict=False).cast(pl.String)
            expr = pl.when(v == v.floor()).then(whole).otherwise(v.cast(pl.String))
            return s.fill_nan(None).to_frame().select(expr).to_series()
        return s.cast(pl.String)

    def _numbers(self, column: str, what: str) -> pl.Series:
        """Parse numbers; Finnish decimal commas are accepted. Non-numbers raise."""
        s = self.raw[column]
        if s.dtype.is_numeric():
            return s.cast(pl.Float64)
        if s.dtype != pl.String:
            self.fail(pl.Series([True] * s.len()), column, f"{what} must be a number, not {s.dtype}.")
        text = s.str.strip_chars().replace("", None)
        num = text.str.replace(",", ".", literal=True).cast(pl.Float64, strict=False)
        bad = text.is_not_null() & ~num.is_finite().fill_null(False)
        self.fail(
            bad,
            column,
            f"{what} {self._value_at(text, bad)!r} is not a number. Write a number or leave it empty.",
        )
        return num

    def _integers(self, column: str, what: str, *, required: bool) -> pl.Series:
        num = self._numbers(column, what)
        if required:
            self.fail(num.is_null(), column, f"{what} is empty. Every respondent needs it.")
        bad = num.is_not_null() & (num != num.floor())
        self.fail(bad, column, f"{what} {self._value_at(num, bad)} is not a whole number.")
        return num.cast(pl.Int64)

    @staticmethod
    def _value_at(series: pl.Series, bad: pl.Series) -> Any:
        idx = bad.fill_null(False).arg_true()
        if idx.len() == 0:
            return None
        value = series[int(idx[0])]
        return int(value) if isinstance(value, float) and value.is_integer() else value

    def _areas(self) -> tuple[pl.Series, pl.Series]:
        r = self.cb.respondent
        allowed = sorted(self.cb.allowed_areas())
        school = pl.Series("school", [None] * self.raw.height, dtype=pl.String)
        area: pl.Series | None = None
        if r.school:
            school = self._text(r.school)
            self.fail(
                school.is_null(), r.school, "the school is empty. Every respondent needs a school code."
            )
            if self.cb.schools:
                known = school.is_in(list(self.cb.schools))
                self.fail(
                    ~known,
                    r.school,
                    f"school {self._value_at(school, ~known)!r} is not in the codebook's 'schools:' list. "
                    "Add it there with its municipality code, or correct the code in the file.",
                )
                area = school.replace_strict(dict(self.cb.schools), return_dtype=pl.String)
        if r.municipality:
            text = self._text(r.municipality)
            self.fail(
                text.is_null(), r.municipality, "the municipality code is empty. Every respondent needs one."
            )
            digits = text.str.replace(r"\.0$", "")
            given = pl.select(
                pl.when(digits.str.contains(r"^\d{1,2}$")).then(digits.str.zfill(3)).otherwise(text)
            ).to_series()
            unknown = ~given.is_in(allowed)
            self.fail(
                unknown,
                r.municipality,
                f"{self._value_at(given, unknown)!r} is not a municipality code of this survey "
                f"(allowed: {', '.join(allowed)}). Correct the code, or add the municipality to 'areas:' "
                "in the codebook.",
            )
            if area is not None:
                clash = given != area
                self.fail(
                    clash,
                    r.municipality,
                    f"municipality {self._value_at(given, clash)!r} does not match the school's municipality "
                    f"{self._value_at(area, clash)!r} in the codebook. Correct one of them.",
                )
            area = given
        assert area is not None  # the codebook guarantees a municipality or a school mapping
        return area.alias("area"), school.alias("school")

    def _sex(self) -> pl.Series:
        sex = self.cb.respondent.sex
        if sex is None:
            return pl.Series("sex", [None] * self.raw.height, dtype=pl.String)
        codes = self._integers(sex.column, "the sex code", required=False)
        unknown = codes.is_not_null() & ~codes.is_in(list(sex.codes))
        listed = ", ".join(f"{k} = {v}" for k, v in sex.codes.items())
        self.fail(
            unknown,
            sex.column,
            f"sex code {self._value_at(codes, unknown)} is not in the codebook ({listed}). "
            "Correct the code or add it under respondent.sex.codes.",
        )
        mapped = codes.replace_strict(
            {k: v for k, v in sex.codes.items()}, default=None, return_dtype=pl.String
        )
        return mapped.fill_null("missing")

    def _weights(self) -> pl.Series:
        column = self.cb.respondent.weight
        if not column:
            return pl.Series("weight", [1.0] * self.raw.height, dtype=pl.Float64)
        w = self._numbers(column, "the weight")
        self.fail(
            w.is_null(), column, "the weight is empty. Every respondent needs a weight; ask who made them."
        )
        bad = ~w.is_finite() | (w <= 0)
        self.fail(
            bad,
            column,
            f"the weight {self._value_at(w, bad)} is not positive. Weights must be greater than zero; "
            "remove respondents who should not count instead of giving them weight 0.",
        )
        return w

    def _question(self, q: Question) -> pl.Series:
        what = f"the answer to {q.id!r}"
        if q.type == "single_choice":
            codes = self._integers(q.column, what, required=False)
            valid = list(q.codes | q.missing)
            unknown = codes.is_not_null() & ~codes.is_in(valid)
            self.fail(
                unknown,
                q.column,
                f"answer code {self._value_at(codes, unknown)} is not an option of question {q.id!r} "
                f"(options {sorted(q.codes)}, missing codes {sorted(q.missing)}). Correct the code, leave the "
                "cell empty if there is no answer, or add the code to the codebook.",
            )
            return codes
        values = self._numbers(q.column, what)
        real = values.is_not_null() & ~values.is_in([float(m) for m in q.missing])
        if q.minimum is not None and q.maximum is not None:
            bad = real & ((values < q.minimum) | (values > q.maximum))
            self.fail(
                bad,
                q.column,
                f"answer {self._value_at(values, bad)} to {q.id!r} is outside its range "
                f"{q.minimum:g}–{q.maximum:g}. Correct it, or use a missing code ({sorted(q.missing)}).",
            )
        return values
