"""Numbers as people type them in Finland: ``12,5``, ``1 234,5``, ``−3``; also ``12.5`` from Excel.

Pure (no Django), so that the web form, the Excel import and the CLI read a number the same way.
A shared ``kasvu.numbers.parse_decimal`` was planned by another helper; it was not on main when this
app needed it, so this small parser lives here (see docs/collection.md).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

#: Thousands separators people use: space, no-break space, narrow no-break space, thin space.
_SPACES = "\u0020\u00a0\u202f\u2009"
_MINUS = "-\u2212\u2013"  # hyphen-minus, minus sign, en dash (Word turns "-" into "–")
_GROUPED = re.compile(r"^\d{1,3}( \d{3})+$")


class NotANumber(ValueError):
    """The text is not a number. ``reason`` is a code the caller turns into a message:

    ``letters`` (not a number at all), ``separators`` (both a comma and a dot, or two commas),
    ``grouping`` (spaces not in groups of three).
    """

    def __init__(self, text: str, reason: str) -> None:
        self.text = text
        self.reason = reason
        super().__init__(f"{text!r} is not a number ({reason})")


def parse_decimal(text: str) -> Decimal | None:
    """The number in ``text``; None for an empty answer.

    Accepts a comma or a dot as the decimal separator (never both: ``1.234,5`` is refused rather
    than guessed), spaces of any kind between groups of three digits, and a leading minus sign
    of any dash.
    """
    raw = text.strip()
    if not raw:
        return None
    for space in _SPACES:
        raw = raw.replace(space, " ")
    sign = ""
    if raw[0] in _MINUS:
        sign, raw = "-", raw[1:].lstrip()
    elif raw[0] == "+":
        raw = raw[1:].lstrip()
    if raw.count(",") + raw.count(".") > 1:
        raise NotANumber(text, "separators")
    whole, _, fraction = raw.replace(",", ".").partition(".")
    if " " in whole and not _GROUPED.match(whole):
        raise NotANumber(text, "grouping" if whole.replace(" ", "").isdigit() else "letters")
    whole = whole.replace(" ", "")
    digits = (whole + fraction).isascii() and (whole + fraction).isdigit()
    if not digits or (whole and not whole.isdigit()) or (fraction and not fraction.isdigit()):
        raise NotANumber(text, "letters")
    try:
        return Decimal(f"{sign}{whole or '0'}" + (f".{fraction}" if fraction else ""))
    except InvalidOperation:  # pragma: no cover - the checks above leave only digits
        raise NotANumber(text, "letters") from None


def decimals_of(number: Decimal) -> int:
    """Significant digits after the decimal point: ``12,50`` → 1, ``12`` → 0, ``0,05`` → 2."""
    text = f"{number:f}"
    return len(text.partition(".")[2].rstrip("0"))


def canonical(number: Decimal) -> str:
    """How an answer is stored: ``12.5``, ``1234``; never an exponent, no trailing zeros."""
    text = f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def format_fi(number: float | Decimal | None, decimals: int) -> str:
    """``1234.5`` → ``1 234,5`` (no-break space), as Finnish and Swedish pages show numbers."""
    if number is None:
        return ""
    text = f"{float(number):,.{decimals}f}"
    return text.replace(",", "\u00a0").replace(".", ",").replace("-", "\u2212")
