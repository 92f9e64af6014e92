"""Small includes for pages of other apps: open rounds on the home page, provenance in a profile."""

from __future__ import annotations

from typing import Any

from django import template

from kasvu import access
from kasvu.collection import services
from kasvu.collection.models import Response, ResponseStatus

register = template.Library()


@register.inclusion_tag("collection/_open_rounds.html", takes_context=True)
def open_collection_rounds(context: dict[str, Any]) -> dict[str, Any]:
    """A municipal editor's open rounds (with their state), for the home page; nothing for others."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or access.can_follow_rounds(user):
        return {"items": []}
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
