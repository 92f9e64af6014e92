"""The report as HTML: a self-contained folder (index.html, report.css, charts/*.svg), and the HTML the PDF
is printed from. No external requests: styles and charts are local files (or data URIs for the PDF)."""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kasvu.reports.document import Chapter, Figure, Report
from kasvu.reports.layouts import Template, environment


@dataclass(frozen=True)
class OutlineEntry:
    number: str
    heading: str
    id: str
    level: int


def outline(report: Report) -> tuple[list[OutlineEntry], dict[int, OutlineEntry]]:
    """Numbered headings (chapters 1, 2, …; sections 2.1, …) for the table of contents and the anchors."""
    entries: list[OutlineEntry] = []
    by_chapter: dict[int, OutlineEntry] = {}

    def visit(ch: Chapter, number: str, level: int) -> None:
        e = OutlineEntry(number, ch.heading, "s-" + number.replace(".", "-"), level)
        entries.append(e)
        by_chapter[id(ch)] = e
        for j, sub in enumerate(ch.sections, start=1):
            visit(sub, f"{number}.{j}", level + 1)

    for i, ch in enumerate(report.chapters, start=1):
        visit(ch, str(i), 1)
    return entries, by_chapter


def render(report: Report, template: Template, *, mode: str, image: Callable[[Figure], str]) -> str:
    entries, by_chapter = outline(report)
    css_path = template.file("report.css")
    css = css_path.read_text("utf-8") if css_path else ""
    tmpl = environment(template).get_template("report.html.j2")
    return tmpl.render(
        report=report,
        outline=entries,
        number_of=lambda ch: by_chapter[id(ch)].number,
        anchor_of=lambda ch: by_chapter[id(ch)].id,
        image=image,
        mode=mode,
        css=css,
    )


def svg_data_uri(fig: Figure) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode((fig.svg or "").encode("utf-8")).decode("ascii")


def folder_files(report: Report, template: Template) -> dict[str, bytes]:
    """File name → content of the HTML folder."""
    files: dict[str, bytes] = {}
    for fig in report.figures():
        files[f"charts/{fig.key}.svg"] = (fig.svg or "").encode("utf-8")
    page = render(report, template, mode="html", image=lambda f: f"charts/{f.key}.svg")
    files["index.html"] = page.encode("utf-8")
    css = template.file("report.css")
    files["report.css"] = css.read_bytes() if css else b""
    return files


def write_folder(report: Report, folder: Path, template: Template) -> Path:
    for name, data in folder_files(report, template).items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return folder / "index.html"
