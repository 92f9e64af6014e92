"""What several endpoints share: finding areas and indicators, the public view, ETags, pages."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from pydantic import Field

from kasvu import access
from kasvu.api.errors import ApiError
from kasvu.bank.areas import AmbiguousArea, AreaNotFound, find_area
from kasvu.bank.models import Area, Indicator
from kasvu.readmodel import data_version

MAX_LIMIT = 10_000
MAX_OFFSET = 10**9
MIN_YEAR, MAX_YEAR = 1000, 9999  # years are stored as small integers

# The limits the server enforces, declared in the OpenAPI schema by the parameters' types, so that a
# client (and schemathesis) knows them: a value outside gets 422 naming the parameter.
Limit = Annotated[int, Field(ge=1, le=MAX_LIMIT, description=f"Page size, 1 to {MAX_LIMIT}.")]
Offset = Annotated[int, Field(ge=0, le=MAX_OFFSET, description="How many items to skip.")]
Year = Annotated[int, Field(ge=MIN_YEAR, le=MAX_YEAR, description=f"A year, {MIN_YEAR} to {MAX_YEAR}.")]
#: The first year of a range whose last year is ``year_to``. OpenAPI cannot say that one parameter must not
#: exceed another, so the rule is in the description (and given to schemathesis as a ``filter_query`` hook,
#: tests/robustness/test_schemathesis.py); a request that breaks it gets the declared 400 with ErrorOut.
YEAR_FROM_RULE = "Must not be after year_to (400 otherwise)."
YearFrom = Annotated[
    int,
    Field(ge=MIN_YEAR, le=MAX_YEAR, description=f"First year, {MIN_YEAR} to {MAX_YEAR}. {YEAR_FROM_RULE}"),
]
Lang = Literal["fi", "sv", "en"]


def area(ref: str) -> Area:
    """An area by ``kind:code``, code or name; 404 with the finder's hint."""
    try:
        return find_area(ref)
    except AreaNotFound as exc:
        raise ApiError(404, str(exc)) from None
    except AmbiguousArea as exc:
        raise ApiError(400, str(exc)) from None


def indicators(keys: Sequence[str]) -> list[Indicator]:
    """Indicators by key, in order; 404 naming the unknown ones."""
    found = {i.key: i for i in Indicator.objects.select_related("source").filter(key__in=list(keys))}
    missing = [k for k in keys if k not in found]
    if missing:
        raise ApiError(404, f"No indicator {', '.join(missing)}. See /api/v1/indicators for the keys.")
    return [found[k] for k in dict.fromkeys(keys)]


def indicator(key: str) -> Indicator:
    return indicators([key])[0]


def public_view(request: HttpRequest, internal: bool) -> bool:
    """True (published values only) unless an internal user asks for ``internal=true``."""
    if not internal:
        return True
    if not access.is_internal(request.user):
        raise access.deny(request, "api: unpublished values are internal")
    return False


def etag_for(request: HttpRequest, *parts: Any) -> str:
    """An ETag from the data version (imports, memberships, suppression) and the request."""
    raw = json.dumps([list(data_version()), request.get_full_path(), *parts], default=str)
    return '"' + hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32] + '"'


def not_modified(request: HttpRequest, etag: str) -> HttpResponse | None:
    """A 304 when the client already has this version (``If-None-Match``)."""
    given = request.headers.get("If-None-Match", "")
    if etag in [t.strip() for t in given.split(",")] or given.strip() == "*":
        response = HttpResponse(status=304)
        response["ETag"] = etag
        return response
    return None


def conditional(request: HttpRequest, etag: str, build: Callable[[], HttpResponse]) -> HttpResponse:
    cached = not_modified(request, etag)
    if cached is not None:
        return cached
    response = build()
    response["ETag"] = etag
    response["Cache-Control"] = (
        "private, must-revalidate" if request.user.is_authenticated else "public, max-age=60"
    )
    response["Vary"] = "Authorization, Accept"
    return response


MAX_ID = 2**63 - 1


def check_page(limit: int, offset: int) -> None:
    if not 1 <= limit <= MAX_LIMIT:
        raise ApiError(400, f"limit must be between 1 and {MAX_LIMIT}.")
    if not 0 <= offset <= MAX_OFFSET:
        raise ApiError(400, f"offset must be between 0 and {MAX_OFFSET}.")


def check_year(name: str, year: int | None) -> None:
    """Years are stored as small integers: anything else is a clear 400, not a database overflow."""
    if year is not None and not MIN_YEAR <= year <= MAX_YEAR:
        raise ApiError(400, f"{name} must be a year between {MIN_YEAR} and {MAX_YEAR}.")


def check_id(pk: int) -> None:
    if not 1 <= pk <= MAX_ID:
        raise ApiError(404, f"No object {pk}.")


def next_link(request: HttpRequest, total: int, limit: int, offset: int) -> str | None:
    """The URL of the next page, or None on the last one."""
    if offset + limit >= total:
        return None
    params = request.GET.copy()
    params["offset"] = str(offset + limit)
    params["limit"] = str(limit)
    return request.build_absolute_uri(request.path + "?" + urlencode(list(params.lists()), doseq=True))
