"""One search over everything: areas (in all their names), indicators, plans and the knowledge bank.

Finnish words are matched by base form and compound parts (:mod:`kasvu.search.morphology`), so
"Vihdin" finds Vihti and "lapsi" the child-welfare indicators ("Lastensuojelun ...").
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kasvu import access
from kasvu.bank.models import Area, Indicator
from kasvu.knowledge.services import EntryFilters, search_entries
from kasvu.plans.models import Plan
from kasvu.readmodel import indicators_with_data, sync
from kasvu.search import index
from kasvu.web.views.common import KIND_LABELS

LIMIT = 50


def _in_order(objects: list, ids: list[int]) -> list:  # type: ignore[type-arg]
    rank = {pk: i for i, pk in enumerate(ids)}
    return sorted(objects, key=lambda o: rank[o.pk])[:LIMIT]


def search(request: HttpRequest) -> HttpResponse:
    q = (request.GET.get("q") or "").strip()[:100]
    context: dict[str, object] = {"q": q, "search_q": q, "kind_labels": KIND_LABELS}
    if q:
        sync()
        found = index.find(q)
        areas = Area.objects.filter(id__in=found["area"]).exclude(kind="subregion")
        indicators = (
            Indicator.objects.filter(id__in=found["indicator"])
            .filter(id__in=indicators_with_data())
            .select_related("source")
        )
        plans = access.visible_plans(request.user, Plan.objects.filter(id__in=found["plan"]))
        context |= {
            # Best match first, areas that still exist before merged ones (the sort is stable).
            "areas": sorted(_in_order(list(areas), found["area"]), key=lambda a: a.valid_to is not None),
            "indicators": _in_order(list(indicators), found["indicator"]),
            "plans": _in_order(list(plans.prefetch_related("areas")), found["plan"]),
            "entries": search_entries(request.user, EntryFilters(query=q))[:LIMIT],
        }
    return render(request, "kasvu/search.html", context)
