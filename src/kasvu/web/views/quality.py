"""Data-quality warnings on the indicator page, for analysts only (issue 17): what `kasvu quality` lists.

Outliers against the area's own series and against its peers, and breaks in series marked at the source
(:mod:`kasvu.bank.quality`), worded in the page's language. Anonymous visitors and other roles never see
them: they are notes for whoever checks the data, not findings.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _

from kasvu import charts
from kasvu.access import is_analyst
from kasvu.bank.models import Indicator
from kasvu.readmodel import area_tree
from kasvu.web.views.common import lang

#: Warnings listed on the page; the rest are counted (``kasvu quality`` lists them all).
SHOWN = 20


def _number(value: float | None, decimals: int, signed: bool = False) -> str:
    if value is None:
        return "–"
    text = charts.format_number(value, decimals, lang())
    return f"+{text}" if signed and value > 0 else text


def _sentence(w: Any, decimals: int) -> str:
    tree = area_tree()
    area = tree.info(w.area_id).name(lang()) if w.area_id is not None else w.area
    words = {
        "area": area, "year": w.year, "value": _number(w.value, decimals),
        "change": _number(w.change, decimals, signed=True), "typical": _number(w.reference, decimals, signed=True),
        "median": _number(w.reference, decimals), "spread": _number(w.spread, decimals),
        "z": _number(w.z, 1), "n": w.n or 0,
    }  # fmt: skip
    if w.check == "own series":
        return (
            _(
                "%(area)s %(year)s: %(value)s, a change of %(change)s from the year before, while the area's "
                "typical change is %(typical)s ± %(spread)s (modified z %(z)s): a possible error or break in series."
            )
            % words
        )
    if w.check == "peers":
        return (
            _(
                "%(area)s %(year)s: %(value)s, against the median %(median)s ± %(spread)s of %(n)s areas of the "
                "same kind in the same year (modified z %(z)s)."
            )
            % words
        )
    return _("%(area)s %(year)s: %(value)s, a break in series as the source marks it.") % words


def for_indicator(request: HttpRequest, ind: Indicator) -> dict[str, Any] | None:
    """The quality section of the indicator page for an analyst (None for everyone else): warnings of
    the indicator's latest year, totals only."""
    if not is_analyst(request.user):
        return None
    from kasvu.bank.quality import warnings

    found = [w for w in warnings([ind.key]) if w.breakdown in ("total", "")]
    found.sort(key=lambda w: (w.check, -abs(w.z or 0)))
    return {
        "items": [_sentence(w, int(ind.decimals)) for w in found[:SHOWN]],
        "more": max(0, len(found) - SHOWN),
        "command": f"kasvu quality --indicator {ind.key}",
    }
