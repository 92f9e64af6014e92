"""Areas: municipalities, districts, regions, counties, the country and user-defined groups."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.db.models import Q
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from kasvu.api import common
from kasvu.api.auth import optional_auth
from kasvu.api.errors import ERRORS, ApiError
from kasvu.bank.areas import members_in
from kasvu.bank.models import Area, AreaKind

router = Router(tags=["areas"], auth=optional_auth)


class AreaOut(Schema):
    key: str
    kind: str
    code: str
    name: str
    name_fi: str
    name_sv: str
    name_en: str
    valid_from: int | None
    valid_to: int | None


class AreaPage(Schema):
    total: int
    limit: int
    offset: int
    next: str | None
    items: list[AreaOut]


class AreaDetail(AreaOut):
    description: str
    year: int
    members: list[AreaOut]
    groups: list[AreaOut]


class AreaFilters(Schema):
    kind: AreaKind | None = None
    year: common.Year | None = None
    q: str | None = None
    limit: common.Limit = 500
    offset: common.Offset = 0


def area_out(area: Area) -> AreaOut:
    return AreaOut(
        key=area.key,
        kind=area.kind,
        code=area.code,
        name=area.name(),
        name_fi=area.name_fi,
        name_sv=area.name_sv,
        name_en=area.name_en,
        valid_from=area.valid_from,
        valid_to=area.valid_to,
    )


@router.get("/areas", response={200: AreaPage, **ERRORS}, summary="List areas")
def list_areas(request: HttpRequest, filters: Query[AreaFilters]) -> AreaPage:
    """Areas, filtered by kind, by the year in which they are valid and by a search in names and codes."""
    common.check_page(filters.limit, filters.offset)
    qs = Area.objects.all()
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    common.check_year("year", filters.year)
    if filters.year is not None:
        y = filters.year
        qs = qs.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=y)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=y)
        )
    if filters.q:
        q = filters.q.strip()
        qs = qs.filter(
            Q(code__iexact=q) | Q(name_fi__icontains=q) | Q(name_sv__icontains=q) | Q(name_en__icontains=q)
        )
    total = qs.count()
    items = [
        area_out(a) for a in qs.order_by("kind", "code")[filters.offset : filters.offset + filters.limit]
    ]
    return AreaPage(
        total=total,
        limit=filters.limit,
        offset=filters.offset,
        next=common.next_link(request, total, filters.limit, filters.offset),
        items=items,
    )


# Memberships are kept for 1800–2200 (a wider range would only ever answer "no members").
MembershipYear = Annotated[int, Field(ge=1800, le=2200, description="A year, 1800 to 2200.")]


@router.get("/areas/{ref}", response={200: AreaDetail, **ERRORS}, summary="One area with members and groups")
def get_area(request: HttpRequest, ref: str, year: MembershipYear | None = None) -> AreaDetail:
    """An area (``municipality:444``, ``444`` or a name) with its members and the groups it belongs to in
    ``year`` (default: this year)."""
    area = common.area(ref)
    year = year if year is not None else dt.date.today().year
    if not 1800 <= year <= 2200:
        raise ApiError(400, "year must be between 1800 and 2200.")
    members = sorted(members_in(area, year), key=lambda a: (a.kind, a.code))
    groups = [
        link.group
        for link in area.group_links.select_related("group")
        if (link.valid_from is None or link.valid_from <= year)
        and (link.valid_to is None or year <= link.valid_to)
        and link.group.is_valid_in(year)
    ]
    return AreaDetail(
        **area_out(area).dict(),
        description=area.description,
        year=year,
        members=[area_out(m) for m in members],
        groups=[area_out(g) for g in sorted(groups, key=lambda a: (a.kind, a.code))],
    )
