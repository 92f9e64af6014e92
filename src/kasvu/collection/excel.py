"""The round's form as an Excel file per municipality, and reading it back through the same checks.

For those who insist on Excel: the sheet has one row per field (question, unit, help, last year's
answer, the answer, an explanation, a comment). The field keys, the round and the municipality are in
the file, so that a file cannot be imported into another round or another municipality by mistake,
and an editor can import only a file of their own municipality (:func:`kasvu.access.can_enter_response`).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from kasvu import access
from kasvu.collection import services
from kasvu.collection.messages import number_text, problem_texts
from kasvu.collection.models import Response, Round

SHEET = "kasvu"
FIRST_ROW = 7  # the first field's row; rows 1–6 say which round and municipality this is
COLUMNS = ("key", "question", "unit", "help", "last_year", "answer", "explanation", "comment")
ANSWER, EXPLANATION, COMMENT = 6, 7, 8


class WorkbookError(ValueError):
    """The file is not this round's form (or not an Excel file); the message says what to do."""


def _headers() -> list[str]:
    return [
        _("Field"), _("Question"), _("Unit"), _("Help"), _("Last year"), _("Answer"), _("Explanation of a big change"), _("Comment"),
    ]  # fmt: skip


def export_workbook(response: Response) -> bytes:
    """The form of ``response``'s round for its municipality, with the answers saved so far."""
    round_, lang = response.round, (get_language() or "fi")[:2]
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SHEET
    ws["A1"] = round_.name(lang)
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"], ws["B2"] = _("Round"), round_.slug
    ws["A3"], ws["B3"] = _("Municipality"), response.municipality.code
    ws["C3"] = response.municipality.name(lang)
    ws["A4"], ws["B4"] = _("Deadline"), round_.deadline.strftime("%d.%m.%Y")
    ws["A5"] = _("Fill in the column “Answer” only; do not change the column “Field”. Decimal comma: 12,5.")
    for col, text in enumerate(_headers(), start=1):
        cell = ws.cell(row=FIRST_ROW - 1, column=col, value=text)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDDDDD")
    stored = services.stored_answers(response)
    previous = services.previous_answers(response)
    for i, f in enumerate(round_.fields.all()):
        row = FIRST_ROW + i
        a = stored.get(f.key)
        last = previous.get(f.key)
        helps = f.help(lang)
        if f.kind in ("choice", "level", "themes"):
            options = "; ".join(f"{c.value} = {c.text(lang)}" for c in f.spec().choices)
            helps = "\n".join(x for x in (helps, options) if x)
        values: list[Any] = [
            f.key,
            f.label(lang),
            f.unit,
            helps,
            number_text(last.value) if last and f.kind == "number" else (last.value if last else ""),
        ]
        values += [a.typed or a.value if a else "", a.explanation if a else "", a.comment if a else ""]
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row=row, column=col, value=value)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        if f.kind in ("choice", "level"):
            dv = DataValidation(
                type="list", formula1='"' + ",".join(f.spec().choice_values()) + '"', allow_blank=True
            )
            ws.add_data_validation(dv)
            dv.add(ws.cell(row=row, column=ANSWER))
    for col, width in zip("ABCDEFGH", (18, 50, 10, 40, 14, 16, 30, 30), strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = ws.cell(row=FIRST_ROW, column=2)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _text(value: Any) -> str:
    """A cell as the answer text: Excel's numbers without float noise (12.5, not 12.499999)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        text = f"{Decimal(repr(value)):f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    return str(value).strip()


@dataclass
class ImportResult:
    response: Response
    saved: bool
    messages: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    name: str = ""

    def report_lines(self) -> list[str]:
        if self.saved and not self.messages:
            return [
                f"{self.name}: {self.response.municipality.name()}: saved ({self.response.get_status_display()})."
            ]
        lines = []
        row_word = _("row")
        for key, items in self.messages.items():
            for severity, text in items:
                prefix = _("error") if severity == "error" else _("warning")
                lines.append(f"{self.name}, {row_word} {self.rows.get(key, '?')}, {key}: {prefix}: {text}")
        if self.saved:
            lines.append(
                f"{self.name}: {self.response.municipality.name()}: saved ({self.response.get_status_display()})."
            )
        return lines


def import_workbook(
    round_: Round,
    content: bytes,
    *,
    user: Any,
    name: str = "upload.xlsx",
    submit: bool = False,
    request: Any = None,
) -> ImportResult:
    """Read a filled form back (all or nothing), checking that the user may answer for its municipality."""
    try:
        wb = load_workbook(io.BytesIO(content), data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not .xlsx
        raise WorkbookError(
            f"{name}: not an Excel (.xlsx) file ({type(exc).__name__}). Export the form again."
        ) from None
    ws = wb[SHEET] if SHEET in wb.sheetnames else wb.worksheets[0]
    slug, code = _text(ws["B2"].value), _text(ws["B3"].value).zfill(3)
    if slug != round_.slug:
        raise WorkbookError(
            f"{name}: this is the form of round {slug!r}, not {round_.slug!r} (cell B2). Export the right form."
        )
    area = round_.municipalities.filter(code=code).first()
    if area is None:
        raise WorkbookError(f"{name}: round {round_.slug} does not ask municipality {code!r} (cell B3).")
    response = services.response_for(round_, area)
    if not access.can_enter_response(user, response):
        if request is not None:
            raise access.deny(request, f"collection {round_.slug}: excel import for {code}")
        raise WorkbookError(f"{name}: you may not answer for {area.name()} ({code}).")
    keys = set(round_.fields.values_list("key", flat=True))
    answers, explanations, comments, rows = {}, {}, {}, {}
    for row in range(FIRST_ROW, ws.max_row + 1):
        key = _text(ws.cell(row=row, column=1).value)
        if not key:
            continue
        if key not in keys:
            raise WorkbookError(
                f"{name}, row {row}: unknown field {key!r} in column A. Do not edit column A."
            )
        rows[key] = row
        answers[key] = _text(ws.cell(row=row, column=ANSWER).value)
        explanations[key] = _text(ws.cell(row=row, column=EXPLANATION).value)
        comments[key] = _text(ws.cell(row=row, column=COMMENT).value)
    missing = sorted(keys - set(rows))
    if missing:
        raise WorkbookError(f"{name}: the rows of {', '.join(missing)} are missing. Export the form again.")
    saved = services.save_answers(
        response, answers, user=user, explanations=explanations, comments=comments, submit=submit, via="excel"
    )
    fields = {f.key: f for f in round_.field_specs()}
    response.refresh_from_db()
    return ImportResult(response, saved.saved, problem_texts(saved.checked.problems, fields), rows, name)
