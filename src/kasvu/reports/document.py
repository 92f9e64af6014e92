"""The report API: a report is plain data, independent of its format.

A :class:`Report` has a title, a language, chapters and a provenance list. A
:class:`Chapter` has a heading, paragraphs, tables, figures (a chart with its
alt text and data table) and maps, and may hold sub-chapters. Builders
(:mod:`kasvu.reports.builders`) fill these; formats (:mod:`kasvu.reports.formats`)
write them. Nothing here imports Django, so reports can be pickled to worker
processes and tested without a database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

ParagraphKind = Literal["text", "finding", "note", "generated", "warning"]
ChartKind = Literal["bars", "trend", "map"]

#: Printed for a value hidden by disclosure control.
SUPPRESSED = "–"


@dataclass
class Cell:
    """A table cell: the text to print and, for numbers, the raw value (kept as a number in XLSX)."""

    text: str
    value: float | None = None
    suppressed: bool = False
    generated: bool = False
    interval: tuple[float, float] | None = None  # an interval cell's ends, as numbers in XLSX

    def __str__(self) -> str:
        return self.text


@dataclass
class Table:
    """A table with a caption and footnotes. ``key`` names it (and its XLSX sheet)."""

    key: str
    caption: str
    columns: list[str]
    rows: list[list[Cell]]
    notes: list[str] = field(default_factory=list)
    generated: bool = False
    numeric: list[int] = field(default_factory=list)  # indices of right-aligned (numeric) columns


@dataclass
class ChartSpec:
    """What to draw, independent of the drawing library (see :mod:`kasvu.reports.figures`).

    ``data`` rows have ``label``, ``value``, ``lower``, ``upper`` (bars), plus ``year`` and ``series``
    (trend) or ``code`` (map). ``references`` are labelled horizontal lines (the group, the country).
    """

    kind: ChartKind
    data: list[dict[str, Any]]
    title: str = ""
    value_title: str = ""
    decimals: int = 1
    references: list[tuple[str, float]] = field(default_factory=list)
    highlight: str | None = None
    geo: dict[str, Any] | None = None  # GeoJSON FeatureCollection for maps


@dataclass
class Figure:
    """A chart with its caption, alt text and the table of the numbers it shows.

    ``svg`` and ``png`` are filled by :func:`kasvu.reports.figures.render_figures`.
    """

    key: str
    caption: str
    alt_text: str
    chart: ChartSpec
    table: Table | None = None
    generated: bool = False
    svg: str | None = None
    png: bytes | None = None


@dataclass
class Paragraph:
    text: str
    kind: ParagraphKind = "text"


@dataclass
class Chapter:
    heading: str
    paragraphs: list[Paragraph] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    maps: list[Figure] = field(default_factory=list)
    sections: list[Chapter] = field(default_factory=list)
    key: str = ""

    def add(self, text: str, kind: ParagraphKind = "text") -> None:
        if text:
            self.paragraphs.append(Paragraph(text, kind))

    def walk(self) -> list[Chapter]:
        """This chapter and all its sub-chapters, in reading order."""
        out = [self]
        for s in self.sections:
            out.extend(s.walk())
        return out


@dataclass
class ProvenanceEntry:
    """Where the numbers of one indicator came from."""

    indicator_key: str
    indicator: str
    source: str
    licence: str
    attribution: str
    url: str
    retrieved: str  # ISO date: the source's retrieval date, or the import date when unknown
    retrieved_is_import_date: bool
    imports: str  # import run ids and kinds
    years: str
    generated: bool


@dataclass
class Report:
    kind: str
    title: str
    language: str
    chapters: list[Chapter]
    provenance: list[ProvenanceEntry] = field(default_factory=list)
    subtitle: str = ""
    public: bool = True
    generated_data: bool = False
    notices: list[str] = field(default_factory=list)
    created: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    meta: dict[str, str] = field(default_factory=dict)
    slug: str = "report"

    def chapters_flat(self) -> list[Chapter]:
        return [c for ch in self.chapters for c in ch.walk()]

    def tables(self) -> list[Table]:
        """Every table, including the data tables of figures, in reading order, without duplicates."""
        seen: set[int] = set()
        out: list[Table] = []
        for ch in self.chapters_flat():
            for t in [*(f.table for f in ch.figures + ch.maps), *ch.tables]:
                if t is not None and id(t) not in seen:
                    seen.add(id(t))
                    out.append(t)
        return out

    def figures(self) -> list[Figure]:
        return [f for ch in self.chapters_flat() for f in (*ch.figures, *ch.maps)]

    def number_figures(self) -> None:
        """Number charts and maps in reading order: ``{n}`` in a caption or alt text becomes the number."""
        counts = {"fig": 0, "map": 0}
        for ch in self.chapters_flat():
            for kind, figs in (("fig", ch.figures), ("map", ch.maps)):
                for f in figs:
                    counts[kind] += 1
                    n = str(counts[kind])
                    f.key = f"{kind}{n}"
                    f.caption = f.caption.replace("{n}", n)
                    f.alt_text = f.alt_text.replace("{n}", n)
