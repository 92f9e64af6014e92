"""Who may do what: the one place where rights are decided.

The UI, the API and exports all ask these functions; none decides on its own.
Roles (see :class:`kasvu.accounts.models.Role`):

- regional administrator: everything;
- analyst: everything a viewer may, plus imports and survey microdata;
- municipal editor: edit plans and entries of their own municipalities
  (directly, or as members of a group they are given);
- viewer: read everything internal, edit nothing;
- anonymous: published things only (approved plans, published values).

Every denial is written to the audit log by :func:`deny`.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from kasvu.accounts.models import AuditEvent, Profile, Role
from kasvu.bank.models import Area


def role_of(user: Any) -> str | None:
    """The user's role, or None for anonymous users. Superusers are administrators."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if user.is_superuser:
        return Role.REGIONAL_ADMIN
    profile = Profile.objects.filter(user=user).first()
    return profile.role if profile else Role.VIEWER


def is_internal(user: Any) -> bool:
    """Signed in with any role: may read drafts, internal pages and experts."""
    return role_of(user) is not None


def is_admin(user: Any) -> bool:
    return role_of(user) == Role.REGIONAL_ADMIN


def is_analyst(user: Any) -> bool:
    return role_of(user) in (Role.REGIONAL_ADMIN, Role.ANALYST)


def editable_area_ids(user: Any) -> set[int] | None:
    """Area ids the user may edit; ``None`` means all (administrators)."""
    role = role_of(user)
    if role == Role.REGIONAL_ADMIN:
        return None
    if role != Role.MUNICIPAL_EDITOR:
        return set()
    profile = Profile.objects.get(user=user)
    ids: set[int] = set()
    for area in profile.areas.all():
        ids.add(area.id)
        ids.update(area.member_links.values_list("member_id", flat=True))
    return ids


def can_edit_areas(user: Any, areas: list[Area] | Any) -> bool:
    """May the user edit something that belongs to ``areas`` (all of them)?"""
    allowed = editable_area_ids(user)
    if allowed is None:
        return True
    ids = {a.id for a in areas}
    return bool(ids) and ids <= allowed


def deny(request: Any, detail: str = "") -> PermissionDenied:
    """Log a denied request and return the exception to raise (403)."""
    user = getattr(request, "user", None)
    AuditEvent.objects.create(
        kind=AuditEvent.Kind.DENIED,
        username=user.get_username() if user is not None and user.is_authenticated else "",
        path=getattr(request, "path", "")[:500], method=getattr(request, "method", "")[:10],
        ip=request.META.get("REMOTE_ADDR") if hasattr(request, "META") else None, detail=detail[:500],
    )
    return PermissionDenied(detail or "You do not have the right to do this.")
