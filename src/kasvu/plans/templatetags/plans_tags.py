"""Small template helpers for plan pages."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language

from kasvu.numbers import format_decimal
from kasvu.plans.models import TargetStatus
from kasvu.web.views.common import reason_text

register = template.Library()

SYMBOLS = {"reached": "✓", "on_track": "↗", "off_track": "✗", "no_data": "?"}


@register.simple_tag
def status_badge(status: str) -> str:
    """A coloured badge with a symbol and a text label (the colour is never the only cue)."""
    label = TargetStatus(status).label if status in TargetStatus.values else status
    return format_html(
        '<span class="status status-{}"><span aria-hidden="true">{}</span> {}</span>',
        status,
        SYMBOLS.get(status, ""),
        label,
    )


@register.filter
def pick(obj: object, field: str) -> str:
    """``obj|pick:"statement"`` → the text in the current language."""
    method = getattr(obj, field, None)
    return str(method()) if callable(method) else ""


@register.filter
def decimal(value: object) -> str:
    """``{{ link.target_value|decimal }}`` → "95,5" in Finnish and Swedish, "95.5" in English, as typed
    (no rounding, no trailing zeros); "–" when there is none."""
    if value is None or value == "":
        return "–"
    try:
        return format_decimal(float(value), (get_language() or "fi")[:2])  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(value)


@register.filter
def reason(text: str) -> str:
    """``{{ iv.computed.reason|reason }}``: why there is no status, in the reader's language."""
    return reason_text(text)
