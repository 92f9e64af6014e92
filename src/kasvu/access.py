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
from django.db.models import Q

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
        path=getattr(request, "path", "")[:500],
        method=getattr(request, "method", "")[:10],
        ip=request.META.get("REMOTE_ADDR") if hasattr(request, "META") else None,
        detail=detail[:500],
    )
    return PermissionDenied(detail or "You do not have the right to do this.")


# ---------------------------------------------------------------------------
# Child and youth welfare plans (kasvu.plans). The UI, the API and exports call these.


def _plan_area_ids(plan: Any) -> set[int]:
    return set(plan.areas.values_list("id", flat=True))


def can_view_plan(user: Any, plan: Any) -> bool:
    """Approved plans are public. Drafts and archived plans: administrators, analysts and viewers
    read all; municipal editors only those of their own municipalities."""
    if plan.status == "approved":
        return True
    role = role_of(user)
    if role is None:
        return False
    if role != Role.MUNICIPAL_EDITOR:
        return True
    return can_edit_plan(user, plan)


def can_edit_plan(user: Any, plan: Any) -> bool:
    """Administrators edit every plan; municipal editors the plans of their own municipalities
    (every municipality of a joint plan must be theirs)."""
    allowed = editable_area_ids(user)
    if allowed is None:
        return True
    ids = _plan_area_ids(plan)
    return bool(ids) and ids <= allowed


def can_delete_plan(user: Any, plan: Any) -> bool:
    return can_edit_plan(user, plan)


def can_create_plan(user: Any, areas: list[Area] | Any = None) -> bool:
    """May the user create a plan (for ``areas``, when given)?"""
    if role_of(user) not in (Role.REGIONAL_ADMIN, Role.MUNICIPAL_EDITOR):
        return False
    return areas is None or can_edit_areas(user, list(areas))


def visible_plans(user: Any, plans: Any) -> Any:
    """Filter a Plan queryset to those the user may read (see :func:`can_view_plan`)."""
    role = role_of(user)
    if role is None:
        return plans.filter(status="approved")
    if role != Role.MUNICIPAL_EDITOR:
        return plans
    allowed = editable_area_ids(user) or set()
    # The editor's own plans: all of their areas are the editor's.
    links = plans.model.areas.through.objects
    foreign = links.exclude(area_id__in=allowed).values("plan_id")
    own = plans.filter(areas__id__in=allowed).exclude(id__in=foreign).values("id")
    return plans.filter(Q(status="approved") | Q(id__in=own)).distinct()


# --- Knowledge bank and development-needs analyses (kasvu.knowledge) -------------------------------

EXPERT_KIND = "expert"


def can_see_experts(user: Any) -> bool:
    """Experts are personal data: only signed-in users see them, in any page, list or export."""
    return is_internal(user)


def can_view_entry_kind(user: Any, kind: str) -> bool:
    """Practices, projects and networks are public; experts are internal."""
    return kind != EXPERT_KIND or can_see_experts(user)


def can_create_entries(user: Any) -> bool:
    """Administrators and municipal editors (for their own municipalities) add knowledge-bank entries."""
    return role_of(user) in (Role.REGIONAL_ADMIN, Role.MUNICIPAL_EDITOR)


def can_edit_entry(user: Any, entry: Any) -> bool:
    """Administrators edit every entry; municipal editors those whose areas are all theirs."""
    return can_create_entries(user) and can_edit_areas(user, list(entry.areas.all()))


def can_remove_expert(user: Any, entry: Any) -> bool:
    """Whoever may edit an expert entry may remove it on the person's request."""
    return entry.kind == EXPERT_KIND and can_edit_entry(user, entry)


def can_read_needs_coding(user: Any) -> bool:
    """Tables of needs analyses are public; the coding sheet by municipality is internal."""
    return is_internal(user)


def can_import_needs(user: Any) -> bool:
    """Importing a coding sheet replaces a round's coding: administrators and analysts."""
    return is_analyst(user)


# --- Data collection rounds (kasvu.collection) ------------------------------------------------------


def can_manage_rounds(user: Any) -> bool:
    """Creating, opening, returning and approving rounds: administrators and analysts."""
    return is_analyst(user)


def can_follow_rounds(user: Any) -> bool:
    """The completeness board and every municipality's answers: administrators, analysts, viewers."""
    return role_of(user) in (Role.REGIONAL_ADMIN, Role.ANALYST, Role.VIEWER)


def can_use_collection(user: Any) -> bool:
    """Data collection has something for them: the unit's staff follow rounds, editors answer them."""
    return can_follow_rounds(user) or role_of(user) == Role.MUNICIPAL_EDITOR


def can_view_response(user: Any, response: Any) -> bool:
    """A municipality's answers: the unit's staff, and the editors of that municipality only."""
    if can_follow_rounds(user):
        return True
    allowed = editable_area_ids(user)
    return allowed is None or response.municipality_id in allowed


def can_enter_response(user: Any, response: Any) -> bool:
    """Filling in and submitting: the municipality's own editors; administrators and analysts on
    their behalf (an answer that came by e-mail). Viewers never."""
    if is_analyst(user):
        return True
    if role_of(user) != Role.MUNICIPAL_EDITOR:
        return False
    return response.municipality_id in (editable_area_ids(user) or set())


def visible_responses(user: Any, responses: Any) -> Any:
    """Filter a Response queryset to those the user may read (see :func:`can_view_response`)."""
    if can_follow_rounds(user):
        return responses
    allowed = editable_area_ids(user)
    if allowed is None:
        return responses
    return responses.filter(municipality_id__in=allowed)
