"""The table of a development-needs analysis, and the comparison of two rounds.

Pure: takes :class:`~kasvu.knowledge.coding.CodedRow` lists (from a sheet or
from the database) and returns dataclasses. The table has one row per theme:
its N ("N of M municipalities") and its contents with their counts, as in the
analysis of January 2008 (seed 004).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from kasvu.knowledge.coding import CodedRow


class UnknownTheme(KeyError):
    """The table has no theme with this code."""


@dataclass(frozen=True)
class ContentCount:
    label: str
    n: int | None  # None: listed in the analysis without a count


@dataclass(frozen=True)
class ThemeRow:
    code: str
    title: str
    note: str
    n: int | None  # None: a heading that no municipality was coded to
    contents: tuple[ContentCount, ...]

    @property
    def level(self) -> int:
        return self.code.count(".")

    @property
    def parent_code(self) -> str:
        return parent_code(self.code)

    def content(self, label: str) -> ContentCount:
        for c in self.contents:
            if c.label == label:
                return c
        raise KeyError(f"Theme {self.code} has no content {label!r}.")


@dataclass(frozen=True)
class NeedsTable:
    total: int  # M: municipalities in the round
    rows: tuple[ThemeRow, ...]

    def row(self, code: str) -> ThemeRow:
        for r in self.rows:
            if r.code == code:
                return r
        raise UnknownTheme(f"No theme {code!r}. Themes: {', '.join(r.code for r in self.rows)}.")


@dataclass(frozen=True)
class ThemeChange:
    code: str
    title: str
    n_a: int | None
    n_b: int | None

    @property
    def change(self) -> int | None:
        if self.n_a is None and self.n_b is None:
            return None
        return (self.n_b or 0) - (self.n_a or 0)


def parent_code(code: str) -> str:
    """``2.1.3`` → ``2.1``; ``2`` → ``""``."""
    return code.rsplit(".", 1)[0] if "." in code else ""


def code_key(code: str) -> tuple[tuple[int, str], ...]:
    """Sort ``1.10`` after ``1.9``; non-numeric parts sort as text after numbers."""
    return tuple((int(p), "") if p.isdigit() else (10**9, p) for p in code.split("."))


def build_table(rows: Iterable[CodedRow], total: int) -> NeedsTable:
    """Count distinct municipalities per theme and per (theme, content)."""
    titles: dict[str, str] = {}
    notes: dict[str, str] = {}
    theme_munis: dict[str, set[str]] = {}
    contents: dict[str, dict[str, set[str]]] = {}
    for r in rows:
        theme_munis.setdefault(r.theme_code, set())
        contents.setdefault(r.theme_code, {})
        if r.theme_title and not titles.get(r.theme_code):
            titles[r.theme_code] = r.theme_title
        if r.theme_note and not notes.get(r.theme_code):
            notes[r.theme_code] = r.theme_note
        if r.content:
            contents[r.theme_code].setdefault(r.content, set())
        if r.municipality:
            theme_munis[r.theme_code].add(r.municipality)
            if r.content:
                contents[r.theme_code][r.content].add(r.municipality)
    table_rows = tuple(
        ThemeRow(
            code=code,
            title=titles.get(code, ""),
            note=notes.get(code, ""),
            n=len(theme_munis[code]) or None,
            contents=tuple(
                ContentCount(label, len(munis) or None) for label, munis in contents[code].items()
            ),
        )
        for code in sorted(theme_munis, key=code_key)
    )
    return NeedsTable(total=total, rows=table_rows)


def compare_tables(a: NeedsTable, b: NeedsTable) -> list[ThemeChange]:
    """Per theme code in either table: N in each and the change from ``a`` to ``b``."""
    by_a = {r.code: r for r in a.rows}
    by_b = {r.code: r for r in b.rows}
    codes = sorted(set(by_a) | set(by_b), key=code_key)
    return [
        ThemeChange(
            code=code,
            title=(by_b.get(code) or by_a[code]).title,
            n_a=by_a[code].n if code in by_a else None,
            n_b=by_b[code].n if code in by_b else None,
        )
        for code in codes
    ]
