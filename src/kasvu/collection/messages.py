"""The sentences for :class:`~kasvu.collection.spec.Problem` codes, in the language of the request.

Each says what is wrong and what to type instead, so that a municipality's editor can fix the answer
without calling the unit.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from kasvu.collection.spec import FieldSpec, Problem
from kasvu.numbers import format_decimal


def number_text(value: str | float | Decimal | None, decimals: int | None = None) -> str:
    """A number as the reader types it (``12,5`` in Finnish and Swedish, ``12.5`` in English)."""
    if value is None or value == "":
        return ""
    lang = (get_language() or "fi")[:2]
    return format_decimal(Decimal(str(value)), lang, 6 if decimals is None else decimals)


def problem_text(problem: Problem, fields: dict[str, FieldSpec]) -> str:
    p = problem.params
    lang = (get_language() or "fi")[:2]

    def label(key: str) -> str:
        return fields[key].text(lang) if key in fields else key

    f = fields.get(problem.field)
    if problem.code == "not_a_number":
        return _("“%(text)s” is not a number. Type digits with a decimal comma, e.g. 12,5 or 1 234,5.") % p
    if problem.code == "decimals":
        n = int(p["decimals"])
        if n == 0:
            return _("Give a whole number, without decimals.")
        return ngettext("Give at most %(n)s decimal.", "Give at most %(n)s decimals.", n) % {"n": n}
    if problem.code == "below_min":
        return _("The value cannot be below %(min)s.") % {"min": number_text(p["min"])}
    if problem.code == "above_max":
        return _("The value cannot be above %(max)s.") % {"max": number_text(p["max"])}
    if problem.code == "choice":
        return _("“%(text)s” is not one of the choices.") % p
    if problem.code == "required":
        return _("This answer is required before submitting.")
    if problem.code == "part_of":
        return _("This is a part of “%(whole)s” and cannot be larger than it.") % {"whole": label(p["whole"])}
    if problem.code == "sum":
        parts = ", ".join(label(k) for k in p["parts"].split(","))
        return _("This must be the sum of %(parts)s, which is %(added)s.") % {
            "parts": parts,
            "added": number_text(p["added"]),
        }
    if problem.code == "explain_change":
        decimals = f.decimals if f else None
        return _(
            "The change from last year (%(previous)s) is %(change)s %%, more than %(limit)s %%. "
            "Check the value and explain the change."
        ) % {"previous": number_text(p["previous"], decimals), "change": p["change"], "limit": p["limit"]}
    return problem.code  # pragma: no cover - every code above


def problem_texts(problems: list[Problem], fields: dict[str, FieldSpec]) -> dict[str, list[tuple[str, str]]]:
    """Field key → [(severity, sentence)], for the form and the Excel import's report."""
    out: dict[str, list[tuple[str, str]]] = {}
    for problem in problems:
        out.setdefault(problem.field, []).append((problem.severity, problem_text(problem, fields)))
    return out
