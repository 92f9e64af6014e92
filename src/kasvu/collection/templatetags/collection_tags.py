"""Small includes for pages of other apps: open rounds on the home page, provenance in a profile."""

from __future__ import annotations

from typing import Any

from django import template

from kasvu import access
from kasvu.collection import services
from kasvu.collection.models import Response, ResponseStatus, Round, RoundStatus

register = template.Library()


@register.inclusion_tag("collection/_open_rounds.html", takes_context=True)
def open_collection_rounds(context: dict[str, Any]) -> dict[str, Any]:
    """Home page: an editor's open rounds with their state; for the unit's staff, every open round's progress."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"items": []}
    if access.can_follow_rounds(user):  # the unit's staff: the open rounds and how far they are
        rounds = Round.objects.filter(status=RoundStatus.OPEN).order_by("deadline")
        return {"staff": [services.board(r) for r in rounds], "items": []}
    return {"items": services.open_rounds_for(access.editable_area_ids(user))}


@register.inclusion_tag("collection/_provenance.html")
def collection_provenance(area: Any) -> dict[str, Any]:
    """Figures of the profile that the municipality reported itself: which round, who sent, who approved."""
    if area is None or getattr(area, "kind", "") != "municipality":
        return {"items": []}
    items = (
        Response.objects.filter(municipality=area, status=ResponseStatus.APPROVED, import_run__isnull=False)
        .select_related("round")
        .order_by("-round__year", "round__slug")
    )
    return {"items": list(items)}
