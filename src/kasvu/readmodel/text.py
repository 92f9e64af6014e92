"""The one language fallback: a text in the reader's language, else Finnish, English, Swedish. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

FALLBACK = ("fi", "en", "sv")


def pick_text(source: Mapping[str, Any] | object, field: str, lang: str | None, default: str = "") -> str:
    """``field_<lang>`` of a row (mapping) or an object, falling back to Finnish, English, Swedish."""
    get = source.get if isinstance(source, Mapping) else lambda name: getattr(source, name, "")
    for code in ((lang or "fi")[:2], *FALLBACK):
        text = get(f"{field}_{code}")
        if text:
            return str(text)
    return default
