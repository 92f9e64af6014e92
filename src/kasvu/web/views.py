"""Views: each parses the request, asks the bank or the core, renders."""

from __future__ import annotations

from django.db.models import Count
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from kasvu.bank.models import Area, AreaKind, Indicator, Source
from kasvu.plans.overview import plans_due_for_review


def home(request: HttpRequest) -> HttpResponse:
    """Areas by kind and indicators by source, with generated data labelled."""
    areas_by_kind = {
        kind.label: Area.objects.filter(kind=kind.value, valid_to__isnull=True).order_by("name_fi")
        for kind in AreaKind
    }
    indicators = (
        Indicator.objects.select_related("source")
        .annotate(n=Count("observations"))
        .order_by("source__key", "key")
    )
    return render(
        request,
        "kasvu/home.html",
        {
            "areas_by_kind": areas_by_kind,
            "indicators": indicators,
            "generated_sources": Source.objects.filter(is_generated=True),
            "plans_due": plans_due_for_review(request.user),
        },
    )


def health(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})
