"""Observations: stored values, group values computed from members, intervals; JSON, CSV or JSON-stat."""

from __future__ import annotations

import json
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema

from kasvu.api import common, formats
from kasvu.api.auth import optional_auth
from kasvu.api.errors import ERRORS, ApiError
from kasvu.api.observations import ObservationQuery, observation_table
from kasvu.bank.models import Breakdown
from kasvu.readmodel import Period, UnknownPeriod

router = Router(tags=["observations"], auth=optional_auth)


class ObservationOut(Schema):
    indicator: str
    area: str
    area_kind: str
    area_code: str
    area_name: str | None
    year: int
    period: str = Field(
        description="The period: 2024, 2024M03 (month), 2024Q1, 2024H1, 2024/2025, 2022–2023."
    )
    period_start: str = Field(description="The period's first day (ISO 8601).")
    period_end: str = Field(description="The period's last day (ISO 8601).")
    breakdown: str
    value: float | None
    numerator: float | None
    denominator: float | None
    sample_size: int | None
    ci_lower: float | None = Field(None, description="Interval bounds given by the source (surveys).")
    ci_upper: float | None
    unit: str
    flags: list[str]
    suppressed: bool = Field(
        description="Hidden from the public (small numbers); value is null for the public."
    )
    suppression_reason: str | None
    computed: bool = Field(description="Computed by kasvu from the members' numerators and denominators.")
    approximate: bool = Field(
        description="A computed weighted mean weighted by the total population in place of the population "
        "the rate is per (the analyst allowed it for the indicator)."
    )
    aggregation: str | None = Field(
        None, description="How a computed value was made from the members: ratio, sum or weighted_mean."
    )
    weight: str | None = Field(
        None,
        description="The weight of a computed weighted mean: the population it is weighted by and how it "
        "is derived, e.g. 'employed (sotkanet:2328 % × sotkanet:127)', or 'withheld: …' when no proper "
        "weight is stored (then value is null), as kasvu export observations --include-groups gives it.",
    )
    missing_reason: str | None = Field(
        None, description="Why there is no value, e.g. 'no population of the age group is stored: …'."
    )
    generated: bool = Field(description="Generated demo data, not real.")
    import_id: int | None
    lower: float | None = Field(None, description="95 % interval (with intervals=true).")
    upper: float | None = None
    interval_method: str | None = None
    interval_reason: str | None = None


class ObservationPage(Schema):
    total: int
    limit: int
    offset: int
    next: str | None
    public: bool
    items: list[ObservationOut]


class ObservationFilters(Schema):
    indicator: list[str] = Field(
        ..., min_length=1, description="Indicator keys, e.g. sotkanet:127 (repeat the parameter)."
    )
    area: list[str] = Field([], description="Areas as kind:code, code or name (repeat). Default: all.")
    year_from: common.YearFrom | None = None
    year_to: common.Year | None = None
    period: list[str] = Field(
        [], description="Periods (repeat): 2024 (with its months), 2024M03, 2024Q1, 2024H1, 2022-2023."
    )
    breakdown: str = Field("total", description="total, male, female or e.g. grade=8;sex=female")
    include_groups: bool = Field(
        False, description="Add values of the given group-like areas computed from members."
    )
    intervals: bool = Field(False, description="Add 95 % confidence intervals.")
    internal: bool = Field(False, description="Unpublished values too (internal users only).")
    format: Literal["json", "csv", "jsonstat"] | None = Field(
        None, description="json (default), csv or jsonstat; else by Accept."
    )
    limit: common.Limit = 1000
    offset: common.Offset = 0


TABLE_CONTENT = {
    "text/csv": {"schema": {"type": "string"}},
    "application/json; profile=jsonstat": {"schema": {"type": "object"}},
}


def query_from(request: HttpRequest, f: ObservationFilters) -> ObservationQuery:
    if not f.indicator:
        raise ApiError(400, "Give at least one indicator, e.g. ?indicator=sotkanet:127.")
    inds = common.indicators(f.indicator)
    areas = [common.area(ref) for ref in f.area] if f.area else None
    common.check_year("year_from", f.year_from)
    common.check_year("year_to", f.year_to)
    years = None
    if f.year_from is not None or f.year_to is not None:
        years = (
            f.year_from if f.year_from is not None else 1000,
            f.year_to if f.year_to is not None else 9999,
        )
        if years[0] > years[1]:
            raise ApiError(400, "year_from must not be after year_to.")
    try:
        periods = tuple(Period.parse(p) for p in f.period) if f.period else None
    except UnknownPeriod as exc:
        raise ApiError(400, f"period: {exc}") from None
    breakdown = Breakdown.objects.filter(key=f.breakdown).values_list("id", flat=True).first()
    if breakdown is None:
        raise ApiError(404, f"No breakdown {f.breakdown!r}: use total, male, female or a key the data has.")
    return ObservationQuery(
        indicator_ids=[i.id for i in inds],
        area_ids=[a.id for a in areas] if areas is not None else None,
        years=years,
        periods=periods,
        breakdown_id=breakdown,
        include_groups=f.include_groups,
        intervals=f.intervals,
        public=common.public_view(request, f.internal),
    )


def _body(request: HttpRequest, f: ObservationFilters, fmt: str, q: ObservationQuery) -> HttpResponse:
    table = observation_table(q)
    total = table.height
    page = table.slice(f.offset, f.limit)
    link = common.next_link(request, total, f.limit, f.offset)
    if fmt == "csv":
        response = HttpResponse(formats.to_csv(page), content_type=formats.MEDIA_TYPES["csv"])
    elif fmt == "jsonstat":
        inds = common.indicators(f.indicator)
        labels = {i.key: i.title() for i in inds}
        units = {i.key: i.unit for i in inds}
        note = sorted({i.attribution or i.source.attribution for i in inds} - {""})
        body = formats.to_jsonstat(page, labels, units, note)
        response = HttpResponse(json.dumps(body), content_type=formats.MEDIA_TYPES["jsonstat"])
    else:
        body: dict[str, Any] = {
            "total": total,
            "limit": f.limit,
            "offset": f.offset,
            "next": link,
            "public": q.public,
            "items": page.to_dicts(),
        }
        response = HttpResponse(json.dumps(body), content_type=formats.MEDIA_TYPES["json"])
    response["X-Total-Count"] = str(total)
    if link:
        response["Link"] = f'<{link}>; rel="next"'
    return response


@router.get(
    "/observations",
    response={200: ObservationPage, 304: None, **ERRORS},
    summary="Observations of indicators",
    openapi_extra={"responses": {200: {"content": TABLE_CONTENT}}},
)
def list_observations(request: HttpRequest, filters: Query[ObservationFilters]) -> HttpResponse:
    """Values of indicators by area and year. The public (no token, or ``internal=false``) gets published
    values only: suppressed cells have ``value: null`` and ``suppressed: true``. Paged with ``limit`` and
    ``offset``; the ``ETag`` changes with every import, so ``If-None-Match`` gives 304 until new data comes."""
    common.check_page(filters.limit, filters.offset)
    fmt = formats.negotiate(filters.format, request.headers.get("Accept", ""))
    q = query_from(request, filters)
    etag = common.etag_for(request, fmt, q.public)
    return common.conditional(request, etag, lambda: _body(request, filters, fmt, q))
