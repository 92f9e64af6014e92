"""What the web pages, the CLI and (later) the REST API do with the knowledge bank.

Every function that reads or writes on someone's behalf takes the ``request``
(anything with ``.user``, ``.path``, ``.method``, ``.META``) and decides with
:mod:`kasvu.access`; a refusal is logged by :func:`kasvu.access.deny` and
raised as ``PermissionDenied`` (403). Callers never filter experts themselves:
:func:`visible_entries` already has.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q, QuerySet

from kasvu import access
from kasvu.bank.models import Area
from kasvu.knowledge import search
from kasvu.knowledge.coding import CodedRow
from kasvu.knowledge.entries import set_rights
from kasvu.knowledge.models import PUBLIC_KINDS, Entry, EntryKind, PlanLink, RemovalLog, Round
from kasvu.knowledge.needs import NeedsTable, ThemeChange
from kasvu.knowledge.rounds import ImportResult, compare_rounds, import_rows, round_rows, round_table


@dataclass(frozen=True)
class EntryFilters:
    """Search and filters; all given ones must hold (they combine with AND)."""

    query: str = ""
    kinds: tuple[str, ...] = ()
    area_id: int | None = None
    right: str = ""
    year_from: int | None = None
    year_to: int | None = None


def _require(request: Any, allowed: bool, detail: str) -> None:
    if not allowed:
        raise access.deny(request, detail)


# --- Reading the bank ------------------------------------------------------------------------------


def visible_entries(user: Any) -> QuerySet[Entry]:
    """Entries the user may see: experts only for signed-in users."""
    entries = Entry.objects.all()
    if not access.can_see_experts(user):
        entries = entries.filter(kind__in=PUBLIC_KINDS)
    return entries


def area_and_members(area_id: int) -> set[int]:
    """The area and its member areas (a region's municipalities, a group's members)."""
    area = Area.objects.get(pk=area_id)
    return {area.id, *area.member_links.values_list("member_id", flat=True)}


def filter_entries(entries: QuerySet[Entry], filters: EntryFilters) -> QuerySet[Entry]:
    """Apply kind, area, right and period filters. Missing start or end years count as open."""
    if filters.kinds:
        entries = entries.filter(kind__in=filters.kinds)
    if filters.area_id is not None:
        entries = entries.filter(areas__in=area_and_members(filters.area_id))
    if filters.right:
        entries = entries.filter(rights__right=filters.right)
    if filters.year_from is not None:
        entries = entries.filter(Q(end_year__isnull=True) | Q(end_year__gte=filters.year_from))
    if filters.year_to is not None:
        entries = entries.filter(Q(start_year__isnull=True) | Q(start_year__lte=filters.year_to))
    return entries.distinct()


def search_entries(user: Any, filters: EntryFilters) -> list[Entry]:
    """Entries the user may see that match the query and every filter, best match first."""
    return run_search(visible_entries(user), filters)


def run_search(entries: QuerySet[Entry], filters: EntryFilters) -> list[Entry]:
    """Search within ``entries`` (already narrowed to what the caller may see)."""
    entries = filter_entries(entries, filters)
    if not filters.query.strip():
        return list(entries.prefetch_related("areas", "rights").order_by("kind", "title_fi"))
    if search.uses_fts5(entries.db):
        matched, ranked = search.matching(entries, filters.query)
        order = {pk: i for i, pk in enumerate(ranked or [])}
        return sorted(matched.prefetch_related("areas", "rights"), key=lambda e: order.get(e.id, 0))
    # PostgreSQL: search on the id set so that DISTINCT and ranking do not collide.
    ids = list(entries.values_list("id", flat=True))
    matched, _ = search.matching(Entry.objects.filter(id__in=ids), filters.query)
    return list(matched.prefetch_related("areas", "rights"))


def get_entry(request: Any, entry_id: int) -> Entry:
    """One entry; an expert for an anonymous user is a logged denial (the log holds only the id)."""
    entry = Entry.objects.prefetch_related("areas", "indicators", "rights").get(pk=entry_id)
    _require(request, access.can_view_entry_kind(request.user, entry.kind), "knowledge: experts are internal")
    return entry


# --- Writing the bank --------------------------------------------------------------------------------


def check_can_create(request: Any) -> None:
    _require(request, access.can_create_entries(request.user), "knowledge: may not add entries")


def check_can_edit(request: Any, entry: Entry) -> None:
    _require(request, access.can_edit_entry(request.user, entry), "knowledge: may not edit this entry")


def save_entry(
    request: Any,
    entry: Entry,
    *,
    areas: Iterable[Area],
    rights: Sequence[str],
    indicators: Iterable[Any] = (),
) -> Entry:
    """Validate and save an entry with its links, if the user may edit all of ``areas``.

    Raises ``ValidationError`` (e.g. an expert without consent) or ``PermissionDenied``.
    Rights are checked outside the transaction so that the logged denial is not rolled back.
    """
    areas = list(areas)
    if entry.pk:
        check_can_edit(request, entry)
    else:
        check_can_create(request)
    _require(request, access.can_edit_areas(request.user, areas), "knowledge: areas outside the user's own")
    if not entry.key:
        # No name in an expert's key: keys reach exports and logs.
        suffix = "" if entry.kind == EntryKind.EXPERT else f"-{_slug(entry.title_fi)}"
        entry.key = f"{entry.kind}:{secrets.token_hex(4)}{suffix}"[:120]
    entry.full_clean(exclude=["search_terms"])
    with transaction.atomic():
        entry.save()
        entry.areas.set(areas)
        entry.indicators.set(list(indicators))
        set_rights(entry, list(rights))
    return entry


def _slug(text: str) -> str:
    from django.utils.text import slugify

    return slugify(text)[:60]


def remove_expert(request: Any, entry: Entry, reason: str) -> RemovalLog:
    """Delete an expert on their request; log when, by whom and why, but nothing about the person."""
    _require(request, access.can_remove_expert(request.user, entry), "knowledge: may not remove this expert")
    if not reason.strip():
        raise ValueError("Give the reason for the removal, e.g. 'the person asked to be removed'.")
    with transaction.atomic():
        entry.delete()
        log = RemovalLog.objects.create(
            kind=EntryKind.EXPERT, removed_by=request.user.get_username(), reason=reason.strip()[:500]
        )
    search.purge_deleted(Entry.objects.db)
    return log


def link_plan(request: Any, entry: Entry, target: Any) -> PlanLink:
    """Link an entry to a plan's goal or action (``plans.Goal`` / ``plans.Action``) if the user may edit both."""
    plan = target.plan if hasattr(target, "plan") else target.goal.plan
    _require(request, access.can_edit_entry(request.user, entry), "knowledge: may not edit this entry")
    _require(request, access.can_edit_plan(request.user, plan), "knowledge: may not link to this plan")
    link = PlanLink(entry=entry, content_type=ContentType.objects.get_for_model(target), object_id=target.pk)
    link.full_clean(validate_unique=False)
    return PlanLink.objects.get_or_create(entry=entry, content_type=link.content_type, object_id=target.pk)[0]


def plan_links(user: Any, entry: Entry) -> list[Any]:
    """The goals and actions the entry supports, of plans the user may read; gone targets are skipped."""
    targets = []
    for link in entry.plan_links.select_related("content_type"):
        target = link.target
        if target is None:
            continue
        plan = target.plan if hasattr(target, "plan") else target.goal.plan
        if access.can_view_plan(user, plan):
            targets.append(target)
    return targets


# --- Development-needs analyses -----------------------------------------------------------------------


def needs_table(round_: Round) -> NeedsTable:
    """The round's table of themes, N and content counts (public: counts only)."""
    return round_table(round_)


def needs_comparison(a: Round, b: Round) -> list[ThemeChange]:
    return compare_rounds(a, b)


def coding_sheet(request: Any, round_: Round) -> list[CodedRow]:
    """The coding sheet by municipality, for internal users only."""
    _require(request, access.can_read_needs_coding(request.user), "knowledge: coding sheet is internal")
    return round_rows(round_)


def import_coding_sheet(request: Any, round_: Round, rows: Sequence[CodedRow]) -> ImportResult:
    _require(request, access.can_import_needs(request.user), "knowledge: may not import coding sheets")
    return import_rows(round_, rows)
