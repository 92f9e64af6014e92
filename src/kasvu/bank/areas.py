"""Writing areas into the bank, and finding them again.

``install_finland()`` is idempotent: it creates what is missing and updates
names and validity of what exists, so a newer classification can be loaded
over an older one without losing observations. Memberships under the
classification's areas become exactly the classification's (an older install's
are replaced); user-defined groups are left as they are.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from kasvu.bank.models import Area, AreaKind, Membership, Succession
from kasvu.classification import Classification, load_finland


class AreaNotFound(Exception):
    """No area has the given code or key."""


class AmbiguousArea(Exception):
    """A bare code matches areas of several kinds."""


def install_classification(data: Classification) -> dict[str, int]:
    """Create or update areas, memberships and successions. Returns counts."""
    counts = {"areas": 0, "memberships": 0, "memberships_removed": 0, "successions": 0}
    with transaction.atomic():
        existing = {(a.kind, a.code): a for a in Area.objects.all()}
        by_key: dict[tuple[str, str], Area] = {}
        for rec in data.areas:
            fields = {
                "name_fi": rec.name_fi,
                "name_sv": rec.name_sv,
                "name_en": rec.name_en,
                "valid_from": rec.valid_from,
                "valid_to": rec.valid_to,
                "sotkanet_id": rec.sotkanet_id,
            }
            area = existing.get((rec.kind, rec.code))
            if area is None:
                area = Area.objects.create(kind=rec.kind, code=rec.code, **fields)
                counts["areas"] += 1
            elif any(getattr(area, k) != v for k, v in fields.items()):
                for k, v in fields.items():
                    setattr(area, k, v)
                area.save()
            by_key[(rec.kind, rec.code)] = area
        counts["memberships"], counts["memberships_removed"] = _sync_memberships(data, by_key)
        if counts["memberships"] or counts["memberships_removed"]:
            # Other members in some years are other sums: recompute what may be published (as create_group).
            from kasvu.bank import disclosure

            disclosure.refresh_all()
        have_s = set(Succession.objects.values_list("predecessor_id", "successor_id"))
        new_s = []
        for s in data.successions:
            pred, succ = by_key[("municipality", s.predecessor)], by_key[("municipality", s.successor)]
            if (pred.id, succ.id) not in have_s:
                new_s.append(Succession(predecessor=pred, successor=succ, year=s.year))
        Succession.objects.bulk_create(new_s)
        counts["successions"] = len(new_s)
    return counts


def _sync_memberships(data: Classification, by_key: dict[tuple[str, str], Area]) -> tuple[int, int]:
    """Make the memberships under the classification's areas those of ``data``; returns (added, removed).

    The classification owns every membership whose group is one of its areas, so one that it no longer
    lists (Iitti in Päijät-Häme for all years, from an install before region history) is removed. Members
    of user-defined groups are never touched. A changed validity is a removal and an addition, never an
    update in place, so that :func:`kasvu.values.data_version` sees the change and forgets cached values.
    """
    wanted = {(by_key[m.group].id, by_key[m.member].id, m.valid_from, m.valid_to) for m in data.memberships}
    ours = {area.id for area in by_key.values()}
    rows = Membership.objects.exclude(group__kind=AreaKind.GROUP).values_list(
        "id", "group_id", "member_id", "valid_from", "valid_to"
    )
    existing: set[tuple[int, int, int | None, int | None]] = set()
    stale = []
    for pk, group_id, member_id, start, end in rows.order_by("id"):
        key = (group_id, member_id, start, end)
        if group_id not in ours:
            continue
        if key in wanted and key not in existing:
            existing.add(key)
        else:  # no longer listed, or a duplicate
            stale.append(pk)
    Membership.objects.filter(id__in=stale).delete()
    Membership.objects.bulk_create(
        Membership(group_id=g, member_id=m, valid_from=start, valid_to=end)
        for (g, m, start, end) in wanted
        if (g, m, start, end) not in existing
    )
    return len(wanted - existing), len(stale)


def install_finland() -> dict[str, int]:
    return install_classification(load_finland())


def find_area(ref: str) -> Area:
    """Find an area by ``kind:code``, by bare code (municipality first) or by name.

    Raises :class:`AreaNotFound` or :class:`AmbiguousArea` with a hint.
    """
    if ":" in ref:
        kind, code = ref.split(":", 1)
        if kind not in AreaKind.values:
            raise AreaNotFound(f"Unknown area kind {kind!r}. Use one of: {', '.join(AreaKind.values)}.")
        try:
            return Area.objects.get(kind=kind, code=code)
        except Area.DoesNotExist:
            raise AreaNotFound(
                f"No {kind} with code {code!r}. See `kasvu areas list --kind {kind}`."
            ) from None
    matches = list(Area.objects.filter(code=ref))
    if not matches:
        matches = (
            list(Area.objects.filter(name_fi__iexact=ref))
            or list(Area.objects.filter(name_sv__iexact=ref))
            or list(Area.objects.filter(name_en__iexact=ref))
        )
    if not matches:
        raise AreaNotFound(f"No area has code or name {ref!r}. See `kasvu areas list`.")
    if len(matches) == 1:
        return matches[0]
    municipal = [a for a in matches if a.kind == AreaKind.MUNICIPALITY]
    if len(municipal) == 1:
        return municipal[0]
    options = ", ".join(a.key for a in matches)
    raise AmbiguousArea(f"{ref!r} matches several areas: {options}. Give one as kind:code.")


def create_group(
    code: str,
    names: dict[str, str],
    member_refs: Iterable[str],
    *,
    valid_from: int | None = None,
    valid_to: int | None = None,
    description: str = "",
) -> Area:
    """Create (or redefine) a user-defined group of areas.

    Members are resolved first, so an unknown code changes nothing.
    """
    members = [find_area(ref) for ref in member_refs]
    if not members:
        raise ValueError("A group needs at least one member: give --members CODE ...")
    with transaction.atomic():
        group, created = Area.objects.update_or_create(
            kind=AreaKind.GROUP,
            code=code,
            defaults={
                "name_fi": names.get("fi") or code,
                "name_sv": names.get("sv", ""),
                "name_en": names.get("en", ""),
                "description": description,
            },
        )
        wanted = {(m.id, valid_from, valid_to) for m in members}
        stored = set(
            Membership.objects.filter(group=group).values_list("member_id", "valid_from", "valid_to")
        )
        if not created and stored == wanted:
            return group  # same members: nothing published can change (a re-run of `kasvu demo load`)
        Membership.objects.filter(group=group).delete()
        Membership.objects.bulk_create(
            Membership(group=group, member=m, valid_from=valid_from, valid_to=valid_to) for m in members
        )
        # A new group is a new sum that could reveal a hidden member: recompute what is published.
        from kasvu.bank import disclosure

        disclosure.refresh_all()
    return group


def members_in(group: Area, year: int) -> list[Area]:
    """Members of ``group`` valid in ``year`` (both the membership and the member)."""
    links = group.member_links.select_related("member")
    return [link.member for link in links if link.is_valid_in(year) and link.member.is_valid_in(year)]
