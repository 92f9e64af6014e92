"""Indicators and their metadata: definitions, units, licence and attribution."""

from __future__ import annotations

import datetime as dt

from django.db.models import Max, Min, Q
from django.http import HttpRequest
from ninja import Query, Router, Schema

from kasvu.api import common
from kasvu.api.auth import optional_auth
from kasvu.api.errors import ERRORS
from kasvu.bank.models import Indicator

router = Router(tags=["indicators"], auth=optional_auth)


class IndicatorOut(Schema):
    key: str
    title: str
    source: str
    source_code: str
    unit: str
    decimals: int
    scale: float
    direction: str
    aggregation: str
    period_kind: str
    rights: list[str]
    themes: list[str]
    licence: str
    attribution: str
    source_url: str
    generated: bool


class IndicatorPage(Schema):
    total: int
    limit: int
    offset: int
    next: str | None
    items: list[IndicatorOut]


class IndicatorDetail(IndicatorOut):
    title_fi: str
    title_sv: str
    title_en: str
    description_fi: str
    description_sv: str
    description_en: str
    numerator_fi: str
    numerator_en: str
    denominator_fi: str
    denominator_en: str
    notes: dict[str, str]
    last_updated: dt.datetime | None
    suppression_threshold: int
    first_year: int | None
    last_year: int | None


class IndicatorFilters(Schema):
    source: str | None = None
    right: str | None = None
    q: str | None = None
    limit: common.Limit = 500
    offset: common.Offset = 0


def indicator_out(ind: Indicator) -> dict[str, object]:
    source = ind.source
    return {
        "key": ind.key,
        "title": ind.title() or ind.key,
        "source": source.key,
        "source_code": ind.source_code,
        "unit": ind.unit,
        "decimals": ind.decimals,
        "scale": ind.scale,
        "direction": ind.direction,
        "aggregation": ind.aggregation,
        "period_kind": ind.period_kind,
        "rights": [str(r) for r in ind.rights or []],
        "themes": [str(t) for t in ind.themes or []],
        "licence": ind.licence or source.licence,
        "attribution": ind.attribution or source.attribution,
        "source_url": ind.source_url or source.url,
        "generated": source.is_generated,
    }


@router.get("/indicators", response={200: IndicatorPage, **ERRORS}, summary="List indicators")
def list_indicators(request: HttpRequest, filters: Query[IndicatorFilters]) -> IndicatorPage:
    """Indicators, filtered by source (``sotkanet``, ``statfin``, ...), children's right and a search."""
    common.check_page(filters.limit, filters.offset)
    qs = Indicator.objects.select_related("source").order_by("key")
    if filters.source:
        qs = qs.filter(source__key=filters.source)
    if filters.q:
        q = filters.q.strip()
        qs = qs.filter(
            Q(key__icontains=q)
            | Q(title_fi__icontains=q)
            | Q(title_sv__icontains=q)
            | Q(title_en__icontains=q)
        )
    found = list(qs)
    if filters.right:  # a JSON list: filtered here, the same on SQLite and PostgreSQL
        found = [i for i in found if filters.right in (i.rights or [])]
    page = found[filters.offset : filters.offset + filters.limit]
    return IndicatorPage(
        total=len(found),
        limit=filters.limit,
        offset=filters.offset,
        next=common.next_link(request, len(found), filters.limit, filters.offset),
        items=[IndicatorOut(**indicator_out(i)) for i in page],
    )


@router.get(
    "/indicators/{key}", response={200: IndicatorDetail, **ERRORS}, summary="One indicator's metadata"
)
def get_indicator(request: HttpRequest, key: str) -> IndicatorDetail:
    """Everything kasvu knows about an indicator (key e.g. ``sotkanet:127``), and its years with data."""
    ind = common.indicator(key)
    years = ind.observations.aggregate(first=Min("year"), last=Max("year"))
    return IndicatorDetail(
        **indicator_out(ind),
        title_fi=ind.title_fi,
        title_sv=ind.title_sv,
        title_en=ind.title_en,
        description_fi=ind.description_fi,
        description_sv=ind.description_sv,
        description_en=ind.description_en,
        numerator_fi=ind.numerator_fi,
        numerator_en=ind.numerator_en,
        denominator_fi=ind.denominator_fi,
        denominator_en=ind.denominator_en,
        notes={str(k): str(v) for k, v in (ind.notes or {}).items()},
        last_updated=ind.last_updated,
        suppression_threshold=ind.threshold,
        first_year=years["first"],
        last_year=years["last"],
    )
