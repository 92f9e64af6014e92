"""Views: each parses the request, asks the bank or the core, renders.

One module per kind of page: :mod:`.areas` (area list, profiles), :mod:`.indicators` (indicator pages,
charts, downloads), :mod:`.compare` (side by side, peers), :mod:`.search`; :mod:`.common` holds what
they share.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from kasvu.bank.models import Area, AreaKind, Indicator, Source
from kasvu.plans.overview import plans_due_for_review
from kasvu.rights import RIGHTS
from kasvu.web.views.common import lang


def home(request: HttpRequest) -> HttpResponse:
    """Ways in: areas of the unit's region, groups, indicators by right; generated data labelled."""
    featured = list(Area.objects.filter(kind=AreaKind.GROUP).order_by("name_fi"))
    uusimaa = Area.objects.filter(kind=AreaKind.REGION, code="01").first()
    regions = list(Area.objects.filter(kind=AreaKind.REGION, valid_to__isnull=True).order_by("code"))
    municipalities = (
        list(
            Area.objects.filter(
                kind=AreaKind.MUNICIPALITY, group_links__group=uusimaa, valid_to__isnull=True
            ).order_by("name_fi")
        )
        if uusimaa
        else []
    )
    rights = [(r.key, r.label(lang())) for r in RIGHTS]
    return render(
        request,
        "kasvu/home.html",
        {
            "featured": featured,
            "regions": regions,
            "uusimaa": uusimaa,
            "municipalities": municipalities,
            "rights": rights,
            "n_indicators": Indicator.objects.count(),
            "generated_sources": Source.objects.filter(is_generated=True),
            "plans_due": plans_due_for_review(request.user),
        },
    )


def health(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})
