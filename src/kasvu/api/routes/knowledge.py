"""The knowledge bank: practices, projects, networks for everyone; experts only for signed-in users."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Schema

from kasvu.api import common
from kasvu.api.auth import optional_auth
from kasvu.api.errors import ERRORS, ApiError
from kasvu.knowledge import services
from kasvu.knowledge.models import Entry

router = Router(tags=["knowledge"], auth=optional_auth)


class EntryOut(Schema):
    id: int
    key: str
    kind: str
    title: str
    title_fi: str
    title_sv: str
    title_en: str
    description_fi: str
    areas: list[str]
    rights: list[str]
    start_year: int | None
    end_year: int | None
    url: str
    organisation: str
    source: str
    generated: bool


class EntryPage(Schema):
    total: int
    limit: int
    offset: int
    next: str | None
    items: list[EntryOut]


class EntryFilters(Schema):
    q: str = ""
    kind: list[str] = []
    area: str | None = None
    right: str = ""
    year_from: common.Year | None = None
    year_to: common.Year | None = None
    limit: common.Limit = 100
    offset: common.Offset = 0


def entry_out(entry: Entry) -> EntryOut:
    return EntryOut(
        id=entry.pk,
        key=entry.key,
        kind=entry.kind,
        title=entry.title_fi or entry.title_en or entry.title_sv,
        title_fi=entry.title_fi,
        title_sv=entry.title_sv,
        title_en=entry.title_en,
        description_fi=entry.description_fi,
        areas=[a.key for a in entry.areas.all()],
        rights=[r.right for r in entry.rights.all()],
        start_year=entry.start_year,
        end_year=entry.end_year,
        url=entry.url,
        organisation=entry.organisation,
        source=entry.source,
        generated=entry.is_generated,
    )


@router.get("/knowledge", response={200: EntryPage, **ERRORS}, summary="Search the knowledge bank")
def list_entries(request: HttpRequest, filters: Query[EntryFilters]) -> EntryPage:
    common.check_page(filters.limit, filters.offset)
    common.check_year("year_from", filters.year_from)
    common.check_year("year_to", filters.year_to)
    area_id = common.area(filters.area).id if filters.area else None
    found = services.search_entries(
        request.user,
        services.EntryFilters(
            query=filters.q[:200],
            kinds=tuple(filters.kind),
            area_id=area_id,
            right=filters.right,
            year_from=filters.year_from,
            year_to=filters.year_to,
        ),
    )
    page = found[filters.offset : filters.offset + filters.limit]
    return EntryPage(
        total=len(found),
        limit=filters.limit,
        offset=filters.offset,
        next=common.next_link(request, len(found), filters.limit, filters.offset),
        items=[entry_out(e) for e in page],
    )


@router.get("/knowledge/{pk}", response={200: EntryOut, **ERRORS}, summary="One knowledge-bank entry")
def get_entry(request: HttpRequest, pk: int) -> EntryOut:
    common.check_id(pk)
    try:
        return entry_out(services.get_entry(request, pk))
    except Entry.DoesNotExist:
        raise ApiError(404, f"No knowledge-bank entry {pk}.") from None
