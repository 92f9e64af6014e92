"""Numbers as each language writes them: "14,2 % (12,1–16,5)" in Finnish and Swedish, "14.2% (12.1–16.5)"
in English. Pure functions; the narrative, tables and charts all format through here.
"""

from __future__ import annotations

import math

NBSP = "\u00a0"
LANGS = ("fi", "sv", "en")


def _lang(lang: str) -> str:
    return lang if lang in LANGS else "en"


def number(value: float | None, decimals: int = 1, lang: str = "fi") -> str:
    """``12345.678`` → "12 345,7" (fi, sv; non-breaking spaces) or "12,345.7" (en). None → ""."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = f"{value:,.{max(0, decimals)}f}"
    if text in (f"-{0:.{max(0, decimals)}f}",):
        text = text[1:]  # no "-0,0"
    if _lang(lang) == "en":
        return text
    return text.replace(",", NBSP).replace(".", ",")


def unit_suffix(unit: str, lang: str = "fi") -> str:
    """What follows a number: "%" is " %" in Finnish and Swedish and "%" in English; "per 1,000" is "‰"
    in Finnish and Swedish; counts ("persons") get nothing."""
    u = (unit or "").strip()
    lang = _lang(lang)
    if u == "%":
        return "%" if lang == "en" else f"{NBSP}%"
    if u in ("‰", "per 1,000", "per 1000", "/1000"):
        return f"{NBSP}per 1,000" if lang == "en" else f"{NBSP}‰"
    if u in ("per 100,000", "per 100 000", "/100000"):
        return {"fi": f"{NBSP}/100{NBSP}000", "sv": f"{NBSP}/100{NBSP}000", "en": f"{NBSP}per 100,000"}[lang]
    if u in ("", "persons", "henkeä", "count", "index"):
        return ""
    return f"{NBSP}{u}"


def value(v: float | None, unit: str = "", decimals: int = 1, lang: str = "fi") -> str:
    """A value with its unit: "14,2 %"; None → ""."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    return number(v, decimals, lang) + unit_suffix(unit, lang)


def interval(lower: float | None, upper: float | None, decimals: int = 1, lang: str = "fi") -> str:
    """ "(12,1–16,5)", or "" when there is no interval."""
    if lower is None or upper is None or math.isnan(lower) or math.isnan(upper):
        return ""
    return f"({number(lower, decimals, lang)}–{number(upper, decimals, lang)})"


def value_with_interval(
    v: float | None,
    lower: float | None,
    upper: float | None,
    unit: str = "",
    decimals: int = 1,
    lang: str = "fi",
) -> str:
    """ "14,2 % (12,1–16,5)" (fi, sv) / "14.2% (12.1–16.5)" (en); the interval is left out when missing."""
    text = value(v, unit, decimals, lang)
    iv = interval(lower, upper, decimals, lang)
    return f"{text} {iv}" if text and iv else text


def year_range(first: int, last: int) -> str:
    return str(first) if first == last else f"{first}–{last}"
