"""Writing a :class:`~kasvu.reports.document.Report`: an HTML folder, PDF, DOCX or XLSX.

:func:`write` puts files in a folder (the CLI and batches); :func:`to_bytes` returns one download (the web
page; the HTML folder comes as a ZIP). Pure: no Django, so this runs in worker processes.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from pathlib import Path

from kasvu.reports.document import Report
from kasvu.reports.figures import render_figures
from kasvu.reports.layouts import Template

FORMATS = ("html", "pdf", "docx", "xlsx")
CONTENT_TYPES = {
    "html": "application/zip",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class UnknownFormat(ValueError):
    """A format kasvu cannot write."""


def parse_formats(text: str | Iterable[str]) -> list[str]:
    items = [f.strip().lower() for f in (text.split(",") if isinstance(text, str) else text) if f.strip()]
    bad = [f for f in items if f not in FORMATS]
    if bad or not items:
        raise UnknownFormat(
            f"Unknown format {', '.join(bad) or '(none)'}: use one or more of {', '.join(FORMATS)}."
        )
    return list(dict.fromkeys(items))


def prepare(report: Report, formats: Iterable[str]) -> None:
    """Draw the charts the formats need: SVG for HTML and PDF, PNG too for DOCX."""
    fmts = set(formats)
    if fmts & {"html", "pdf", "docx"}:
        render_figures(report.figures(), report.language, need_png="docx" in fmts)


def write(report: Report, formats: Iterable[str], out_dir: Path, template: Template) -> list[Path]:
    from kasvu.reports.formats import html, pdf, spreadsheet, word

    fmts = parse_formats(list(formats))
    prepare(report, fmts)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for f in fmts:
        if f == "html":
            written.append(html.write_folder(report, out_dir / report.slug, template))
        elif f == "pdf":
            path = out_dir / f"{report.slug}.pdf"
            path.write_bytes(pdf.pdf_bytes(report, template))
            written.append(path)
        elif f == "docx":
            path = out_dir / f"{report.slug}.docx"
            path.write_bytes(word.docx_bytes(report, template))
            written.append(path)
        else:
            path = out_dir / f"{report.slug}.xlsx"
            path.write_bytes(spreadsheet.xlsx_bytes(report))
            written.append(path)
    return written


def to_bytes(report: Report, fmt: str, template: Template) -> tuple[bytes, str, str]:
    """(content, content type, file name) for one format."""
    from kasvu.reports.formats import html, pdf, spreadsheet, word

    (fmt,) = parse_formats([fmt])
    prepare(report, [fmt])
    if fmt == "pdf":
        return pdf.pdf_bytes(report, template), CONTENT_TYPES[fmt], f"{report.slug}.pdf"
    if fmt == "docx":
        return word.docx_bytes(report, template), CONTENT_TYPES[fmt], f"{report.slug}.docx"
    if fmt == "xlsx":
        return spreadsheet.xlsx_bytes(report), CONTENT_TYPES[fmt], f"{report.slug}.xlsx"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in html.folder_files(report, template).items():
            zf.writestr(f"{report.slug}/{name}", data)
    return buf.getvalue(), CONTENT_TYPES[fmt], f"{report.slug}.zip"
