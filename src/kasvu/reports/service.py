"""Build and write reports: the one call behind the command and the web page."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from kasvu.reports import builders, formats, layouts
from kasvu.reports.builders import ReportNotAvailable, ReportRequest, UnknownReport
from kasvu.reports.data import ReportDataMissing
from kasvu.reports.document import Report
from kasvu.reports.formats import UnknownFormat
from kasvu.reports.layouts import TemplateNotFound

#: Errors whose message tells the user what to do; commands and views show them without a traceback.
USER_ERRORS = (
    ReportNotAvailable,
    UnknownReport,
    ReportDataMissing,
    UnknownFormat,
    TemplateNotFound,
    FileExistsError,
)


def request_for(
    kind: str,
    target: str,
    year: int,
    lang: str = "fi",
    *,
    public: bool = True,
    indicators: Sequence[str] = (),
    template: layouts.Template | None = None,
) -> ReportRequest:
    phrases = template.file("phrases.yaml") if template else None
    return ReportRequest(kind, target, year, lang, public, tuple(indicators), phrases)


def build(request: ReportRequest) -> Report:
    return builders.build(request)


def produce(
    request: ReportRequest, fmts: Sequence[str], out_dir: Path, template: layouts.Template
) -> list[Path]:
    """Build one report and write it in ``fmts`` under ``out_dir``; returns the files written."""
    return formats.write(build(request), fmts, out_dir, template)
