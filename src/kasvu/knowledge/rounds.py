"""Development-needs rounds in the database: coding sheet in, coding sheet and table out.

The counting itself is pure (:mod:`kasvu.knowledge.needs`); this module only
turns database rows into :class:`~kasvu.knowledge.coding.CodedRow` s and back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction

from kasvu.bank.models import Area, AreaKind
from kasvu.knowledge.coding import CodedRow, CodingSheetError
from kasvu.knowledge.models import Content, Mention, Round, Theme
from kasvu.knowledge.needs import NeedsTable, ThemeChange, build_table, code_key, compare_tables, parent_code


class UnknownMunicipality(CodingSheetError):
    """A coding sheet names a municipality code that is not in the bank."""


@dataclass(frozen=True)
class ImportResult:
    themes: int
    contents: int
    mentions: int
    municipalities: int


def _municipalities(codes: set[str]) -> dict[str, Area]:
    found = {a.code: a for a in Area.objects.filter(kind=AreaKind.MUNICIPALITY, code__in=codes)}
    missing = sorted(codes - set(found))
    if missing:
        raise UnknownMunicipality(
            f"No municipality with code {', '.join(missing)}. Use Statistics Finland's three-digit codes "
            "(e.g. 444 for Lohja); load areas first with `kasvu areas`."
        )
    return found


@transaction.atomic
def import_rows(round_: Round, rows: Sequence[CodedRow]) -> ImportResult:
    """Replace the round's themes, contents and mentions with those of the coding sheet."""
    codes = {r.municipality for r in rows if r.municipality}
    if len(codes) > round_.total:
        raise CodingSheetError(
            f"The sheet has {len(codes)} municipalities but the round has M={round_.total}. "
            "Raise the round's total or fix the sheet."
        )
    areas = _municipalities(codes)
    titles: dict[str, str] = {}
    notes: dict[str, str] = {}
    for r in rows:
        titles.setdefault(r.theme_code, "")
        titles[r.theme_code] = titles[r.theme_code] or r.theme_title
        notes[r.theme_code] = notes.get(r.theme_code) or r.theme_note
    untitled = [code for code, title in titles.items() if not title]
    if untitled:
        raise CodingSheetError(
            f"Theme {', '.join(untitled)} has no theme_title on any row. Give it on one row."
        )
    round_.themes.all().delete()
    themes: dict[str, Theme] = {}
    for order, code in enumerate(sorted(titles, key=code_key)):
        themes[code] = Theme.objects.create(
            round=round_,
            code=code,
            title=titles[code],
            note=notes[code],
            parent=themes.get(parent_code(code)),
            order=order,
        )
    contents: dict[tuple[str, str], Content] = {}
    for r in rows:
        if r.content and (r.theme_code, r.content) not in contents:
            order = sum(1 for key in contents if key[0] == r.theme_code)
            contents[(r.theme_code, r.content)] = Content.objects.create(
                theme=themes[r.theme_code], label=r.content, order=order
            )
    seen: set[tuple[str, str, str]] = set()
    mentions = []
    for r in rows:
        key = (r.municipality, r.theme_code, r.content)
        if r.municipality and key not in seen:
            seen.add(key)
            mentions.append(
                Mention(
                    round=round_,
                    municipality=areas[r.municipality],
                    theme=themes[r.theme_code],
                    content=contents.get((r.theme_code, r.content)),
                )
            )
    Mention.objects.bulk_create(mentions)
    round_.municipalities.set(areas.values())
    return ImportResult(len(themes), len(contents), len(mentions), len(areas))


def round_rows(round_: Round) -> list[CodedRow]:
    """The round as a coding sheet: per theme a declaration row, contents without count, then mentions."""
    rows: list[CodedRow] = []
    mentions = list(
        Mention.objects.filter(round=round_)
        .select_related("municipality", "theme", "content")
        .order_by("theme__order", "content__order", "municipality__code")
    )
    by_theme: dict[int, list[Mention]] = {}
    for m in mentions:
        by_theme.setdefault(m.theme_id, []).append(m)
    for theme in round_.themes.prefetch_related("contents").order_by("order"):
        rows.append(CodedRow(theme.code, theme.title, theme.note))
        theme_mentions = by_theme.get(theme.id, [])
        for content in theme.contents.all():
            mine = [m for m in theme_mentions if m.content_id == content.id]
            if not mine:
                rows.append(CodedRow(theme.code, content=content.label))
            rows += [
                CodedRow(theme.code, content=content.label, municipality=m.municipality.code) for m in mine
            ]
        rows += [
            CodedRow(theme.code, municipality=m.municipality.code)
            for m in theme_mentions
            if m.content is None
        ]
    return rows


def round_table(round_: Round) -> NeedsTable:
    return build_table(round_rows(round_), round_.total)


def compare_rounds(a: Round, b: Round) -> list[ThemeChange]:
    return compare_tables(round_table(a), round_table(b))
