"""Form fields for numbers typed the way people write them ("95,5", "1 234,5"), read on the server.

A ``<input type=number>`` is not used for decimals: in a Finnish browser it drops or reinterprets the
decimal comma, and the server cannot tell. :class:`NumberField` is a text box with
``inputmode=decimal`` (the phone shows a number keyboard) whose text :func:`kasvu.numbers.parse_decimal`
reads, and which shows a stored value back in the reader's language (:func:`kasvu.numbers.format_decimal`).
Use it for any float or decimal column, e.g. ``Meta.field_classes = {"target_value": NumberField}``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kasvu.numbers import NotANumber, format_decimal, parse_decimal


def _lang() -> str:
    return (get_language() or "fi")[:2]


class NumberInput(forms.TextInput):
    """A text box for a number: number keyboard on phones, the value in the reader's own notation."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, float | int | Decimal) and not isinstance(value, bool):
            return format_decimal(value, _lang())
        return super().format_value(value)


class NumberField(forms.Field):
    """A number typed as "95,5", "95.5" or "1 234,5"; gives a float (or a Decimal with ``decimal_places``).

    ``max_digits`` and ``decimal_places`` come from a model ``DecimalField``; a ``FloatField`` gives neither.
    """

    widget = NumberInput
    default_error_messages = {
        "invalid": _(
            "“%(value)s” is not a number. Write digits with one decimal comma or point, e.g. 95,5 or 1 234,5."
        ),
        "decimal_places": _("Use at most %(places)s decimals."),
        "max_digits": _("The number is too large: at most %(digits)s digits."),
    }

    def __init__(
        self,
        *,
        max_digits: int | None = None,
        decimal_places: int | None = None,
        min_value: float | None = None,
        max_value: float | None = None,
        **kwargs: Any,
    ) -> None:
        self.max_digits, self.decimal_places = max_digits, decimal_places
        super().__init__(**kwargs)
        if min_value is not None:
            self.validators.append(forms.validators.MinValueValidator(min_value))
        if max_value is not None:
            self.validators.append(forms.validators.MaxValueValidator(max_value))

    def to_python(self, value: Any) -> float | Decimal | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, float | int | Decimal) and not isinstance(value, bool):
            number = Decimal(str(value))
        else:
            try:
                number = parse_decimal(str(value), _lang())
            except NotANumber:
                raise forms.ValidationError(
                    self.error_messages["invalid"], code="invalid", params={"value": value}
                ) from None
        if self.decimal_places is None:
            return float(number)
        return self._checked_decimal(number)

    def _checked_decimal(self, number: Decimal) -> Decimal:
        exponent = number.normalize().as_tuple().exponent
        places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
        if self.decimal_places is not None and places > self.decimal_places:
            raise forms.ValidationError(
                self.error_messages["decimal_places"],
                code="decimal_places",
                params={"places": self.decimal_places},
            )
        whole = len(str(abs(int(number)))) if abs(number) >= 1 else 0
        if self.max_digits is not None and whole > self.max_digits - (self.decimal_places or 0):
            raise forms.ValidationError(
                self.error_messages["max_digits"], code="max_digits", params={"digits": self.max_digits}
            )
        return number
