"""Template helpers of the web pages: numbers in the reader's language, the main navigation."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.urls import NoReverseMatch, Resolver404, resolve, reverse, translate_url
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext as _

from kasvu.charts import format_number
from kasvu.labels import attribution_label, unit_label

register = template.Library()


def _lang() -> str:
    return (get_language() or "fi")[:2]


@register.filter
def num(value: Any, decimals: Any = 1) -> str:
    """``{{ v|num:1 }}`` → ``1 234,5`` in Finnish and Swedish, ``1,234.5`` in English."""
    if value is None or value == "":
        return ""
    try:
        return format_number(float(value), int(decimals), _lang())
    except (TypeError, ValueError):
        return str(value)


def _resolves(path: str) -> bool:
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


@register.simple_tag(takes_context=True)
def main_nav(context: dict[str, Any]) -> list[dict[str, Any]]:
    """Links of the main navigation; the reports link only when that app is installed."""
    request = context.get("request")
    path = getattr(request, "path", "") or ""
    items: list[tuple[str, str]] = []
    for name, label in (
        ("web:home", _("Home")),
        ("web:areas", _("Areas")),
        ("web:indicators", _("Indicators")),
        ("web:compare", _("Compare")),
        ("plans:list", _("Welfare plans")),
        ("knowledge:search", _("Knowledge bank")),
    ):
        try:
            items.append((reverse(name), label))
        except NoReverseMatch:
            continue
    prefix = "" if _lang() == "fi" else f"/{_lang()}"
    if _resolves(f"{prefix}/reports/"):
        items.append((f"{prefix}/reports/", _("Reports")))
    from kasvu.access import can_use_collection, is_internal

    user = context.get("user")
    if can_use_collection(user) and _resolves(f"{prefix}/collection/"):
        items.append((f"{prefix}/collection/", _("Data collection")))
    if is_internal(user):
        items.append((reverse("web:data_updates"), _("Data updates")))
    out = []
    for url, label in items:
        home = url.rstrip("/") in ("", prefix)
        current = path == url if home else path.startswith(url)
        out.append({"url": url, "label": label, "current": current})
    return out


@register.simple_tag(takes_context=True)
def language_links(context: dict[str, Any]) -> list[dict[str, Any]]:
    """Each language with this page's address in it.

    Computed while rendering, when the active language matches the address: Django's ``set_language``
    runs at the unprefixed ``/i18n/setlang/`` (so always in Finnish, the unprefixed default) and cannot
    translate ``/sv/...`` addresses itself.
    """
    request = context.get("request")
    here = request.get_full_path() if request is not None else "/"
    current = _lang()
    return [
        {
            "code": code,
            "name": str(get_language_info(code)["name_local"]).capitalize(),
            "next": translate_url(here, code),
            "current": code == current,
        }
        for code, _name in settings.LANGUAGES
    ]


@register.filter
def unit(value: Any) -> str:
    """``{{ ind.unit|unit }}`` → "‰" for "per 1,000" in Finnish and Swedish (see :mod:`kasvu.labels`)."""
    return unit_label(str(value or ""), _lang())


@register.filter
def attribution(value: Any) -> str:
    """``{{ a|attribution }}`` → "Lähde: THL, Sotkanet.fi" for "Source: THL, Sotkanet.fi" in Finnish."""
    return attribution_label(str(value or ""), _lang())
