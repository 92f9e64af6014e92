"""Report builders: a registry of functions that turn a request into a :class:`~kasvu.reports.document.Report`.

The bundled builders (``regional``, ``profile``, ``followup``) register themselves through
:func:`register`, the same hook a project's own builder would use.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from kasvu.reports.document import Report


class UnknownReport(Exception):
    """No builder is registered under the requested name."""


class ReportNotAvailable(Exception):
    """The builder exists but cannot build this report (missing data, unknown area, missing app)."""


@dataclass(frozen=True)
class ReportRequest:
    """What to build: ``target`` is a group code, an area code or a plan id depending on the report."""

    kind: str
    target: str
    year: int
    lang: str = "fi"
    public: bool = True
    indicators: tuple[str, ...] = ()
    phrases: Path | None = None  # a template's phrases.yaml
    options: dict[str, str] = field(default_factory=dict)


Builder = Callable[[ReportRequest], Report]
BUILDERS: dict[str, Builder] = {}


def register(name: str) -> Callable[[Builder], Builder]:
    def deco(fn: Builder) -> Builder:
        BUILDERS[name] = fn
        return fn

    return deco


def build(request: ReportRequest) -> Report:
    _load_bundled()
    try:
        builder = BUILDERS[request.kind]
    except KeyError:
        raise UnknownReport(
            f"No report called {request.kind!r}. Choose one of: {', '.join(sorted(BUILDERS))}."
        ) from None
    return builder(request)


def names() -> list[str]:
    _load_bundled()
    return sorted(BUILDERS)


def _load_bundled() -> None:
    from kasvu.reports.builders import followup, profile, regional  # noqa: F401 - registers them
