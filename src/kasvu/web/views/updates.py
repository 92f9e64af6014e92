"""Data updates: what the latest ``kasvu sync`` runs brought (new, revised and withdrawn values), for analysts."""

from __future__ import annotations

import re
from datetime import datetime

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kasvu import access
from kasvu.bank.models import Indicator
from kasvu.bank.sync import recent_reports
from kasvu.labels import period_label
from kasvu.readmodel.periods import Period, UnknownPeriod

#: Rows of revised or withdrawn values shown per source; the JSON report keeps all.
SHOWN = 50


def data_updates(request: HttpRequest) -> HttpResponse:
    if not access.is_internal(request.user):
        raise access.deny(request, "data updates: internal page")
    reports = recent_reports(10)
    keys = {
        r["indicator"] for report in reports for s in report["sources"] for r in s["revised"] + s["withdrawn"]
    }
    lang = (get_language() or "fi")[:2]
    titles = {i.key: i.title(lang) for i in Indicator.objects.filter(key__in=keys)}
    words = {"total": _("total"), "male": _("male"), "female": _("female")}
    for report in reports:
        for source in report["sources"]:
            for row in source["revised"][:SHOWN] + source["withdrawn"][:SHOWN]:
                row["title"] = titles.get(row["indicator"], row["indicator"])
                row["area"] = re.sub(r"\((\w+):([^)]+)\)$", r"(\2)", row["area"])  # the code, no English kind
                row["breakdown"] = words.get(row["breakdown"], row["breakdown"])
                row["period"] = _period_label(row.get("period"), lang)  # "marraskuu 2024"; "" for a year
            source["revised_shown"] = source["revised"][:SHOWN]
            source["withdrawn_shown"] = source["withdrawn"][:SHOWN]
            source["more_revised"] = max(0, len(source["revised"]) - SHOWN)
            source["more_withdrawn"] = max(0, len(source["withdrawn"]) - SHOWN)
        report["when"] = datetime.strptime(report["started_at"], "%Y-%m-%d %H:%M:%S UTC")
    return render(request, "kasvu/updates.html", {"reports": reports})


def _period_label(code: str | None, lang: str) -> str:
    """A sub-year period as the page's language names it; "" for a whole year (the year is shown)."""
    if not code:
        return ""
    try:
        period = Period.parse(code)
    except UnknownPeriod:
        return code
    return "" if period.kind == "year" else period_label(period.year, period.sub, lang)
