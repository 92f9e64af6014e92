"""Numbers as people type them: "95,5", "95.5", "1 234,5", "−3,2".

Finnish and Swedish write a decimal comma and group thousands with a space; browsers with a Finnish
locale turn ``<input type=number>`` into a lottery ("95,5" arrived as 955). So forms take text
(``inputmode=decimal``) and :func:`parse_decimal` reads it on the server, the same way in every form.
:func:`format_decimal` writes a stored value back the way the reader types it, so that a form shows
what was saved ("95,5", not "95.5").

Rules of :func:`parse_decimal`:

- a comma or a point is the decimal mark, in every language ("95,5" = "95.5"), except that in
  English a comma followed by exactly three digits groups thousands ("1,234" = 1234);
- thousands may be grouped with spaces (also no-break and thin spaces), or with the mark that is not
  the decimal one ("1.234,5", "1,234.5"), but only in groups of three digits: "9 5,5" is refused,
  since it is more likely a typing error than 95.5;
- a leading "+", "-" or the typographic minus "−" is a sign; nothing else may stand before or after.

Pure: no Django, so that importers, the CLI and forms share one rule.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

SPACES = " \u00a0\u202f\u2009"
MINUS_SIGNS = "-\u2212\u2013"
_DIGITS = re.compile(r"\d+")
_GROUPED = re.compile(r"\d{1,3}(?:G\d{3})+")  # G stands for whichever group mark is in use


class NotANumber(ValueError):
    """The text is not a number as a person writes one; ``text`` is what was given."""

    def __init__(self, text: str, reason: str) -> None:
        super().__init__(f"{text!r} is not a number: {reason}")
        self.text = text
        self.reason = reason


def _integer_part(part: str, group_mark: str | None, text: str) -> str:
    """Digits of the part before the decimal mark, with its group marks checked and removed."""
    if _DIGITS.fullmatch(part):
        return part
    if group_mark and _GROUPED.fullmatch(part.replace(group_mark, "G")):
        return part.replace(group_mark, "")
    raise NotANumber(text, "digits may be grouped only in threes, e.g. 1 234 567,5")


def parse_decimal(text: str, lang: str = "fi") -> Decimal:
    """The number ``text`` stands for, as a :class:`~decimal.Decimal` (exact, as typed).

    Raises :class:`NotANumber` for empty text, letters, misplaced group marks or two decimal marks.
    """
    raw = text
    s = text.strip()
    for space in SPACES[1:]:
        s = s.replace(space, " ")
    if not s:
        raise NotANumber(raw, "it is empty")
    sign = ""
    if s[0] in MINUS_SIGNS + "+":
        sign, s = ("-" if s[0] in MINUS_SIGNS else ""), s[1:].lstrip()
    if s[:1] in (",", "."):
        s = "0" + s  # ",5" is a half
    if not s or not re.fullmatch(r"[\d ,.]+", s) or not s[0].isdigit():
        raise NotANumber(raw, "only digits, one decimal mark (, or .) and a sign may be used")
    commas, points = s.count(","), s.count(".")
    if commas and points:
        decimal_mark = "," if s.rfind(",") > s.rfind(".") else "."
    elif commas == 1 or points == 1:
        decimal_mark = "," if commas else "."
        if lang == "en" and decimal_mark == "," and re.fullmatch(r"\d{1,3}(,\d{3})", s):
            decimal_mark = "."  # "1,234" in English is a thousand and more, not one and a bit
    else:
        decimal_mark = "." if commas else ","  # several of one mark (or none): they group thousands
    integer, fraction = s, ""
    if decimal_mark in s:
        integer, _, fraction = s.rpartition(decimal_mark)
        if not _DIGITS.fullmatch(fraction):
            raise NotANumber(raw, "a decimal mark must be followed by digits only")
    other = "." if decimal_mark == "," else ","
    if " " in integer and other in integer:
        raise NotANumber(raw, "digits may be grouped in one way only, e.g. 1 234 567,5")
    group_mark = " " if " " in integer else (other if other in integer else None)
    digits = _integer_part(integer, group_mark, raw)
    try:
        return Decimal(f"{sign}{digits}.{fraction or '0'}")
    except InvalidOperation:  # pragma: no cover - the checks above leave only digits
        raise NotANumber(raw, "it cannot be read as a number") from None


def format_decimal(value: float | Decimal | None, lang: str = "fi", max_decimals: int = 6) -> str:
    """``95.5`` → "95,5" (fi, sv) or "95.5" (en), with no trailing zeros and no thousands grouping,
    so that the text can be typed back into a form and read by :func:`parse_decimal`. None → ""."""
    if value is None:
        return ""
    number = Decimal(str(value)) if not isinstance(value, Decimal) else value
    if not number.is_finite():
        return ""
    text = f"{number.quantize(Decimal(1).scaleb(-max_decimals)):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return text if lang == "en" else text.replace(".", ",")
