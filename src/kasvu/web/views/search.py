"""Search across areas and indicators, in Finnish, Swedish and English names."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kasvu.bank.models import Area, Indicator, Observation
from kasvu.web.views.common import KIND_LABELS

LIMIT = 50


def search(request: HttpRequest) -> HttpResponse:
    q = (request.GET.get("q") or "").strip()[:100]
    areas: list[Area] = []
    indicators: list[Indicator] = []
    if q:
        words = q.split()
        area_q = Q()
        ind_q = Q()
        for w in words:
            area_q &= Q(name_fi__icontains=w) | Q(name_sv__icontains=w) | Q(name_en__icontains=w) | Q(code=w)
            ind_q &= (Q(title_fi__icontains=w) | Q(title_sv__icontains=w) | Q(title_en__icontains=w)
                      | Q(key__icontains=w))  # fmt: skip
        areas = list(
            Area.objects.filter(area_q).exclude(kind="subregion").order_by("valid_to", "name_fi")[:LIMIT]
        )
        indicators = list(
            Indicator.objects.filter(ind_q)
            .filter(Exists(Observation.objects.filter(indicator=OuterRef("pk"))))
            .select_related("source")[:LIMIT]
        )
    return render(
        request,
        "kasvu/search.html",
        {"q": q, "search_q": q, "areas": areas, "indicators": indicators, "kind_labels": KIND_LABELS},
    )
