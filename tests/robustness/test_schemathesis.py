"""Property-based tests of the whole API against its OpenAPI schema (schemathesis, in-process WSGI).

For every operation: no 500s, documented status codes and content types, and bodies that match the
schema. Bounded (30 examples per operation) so that the run stays well under two minutes; a fixed set of
examples in CI, random ones with ``KASVU_FUZZ_RANDOM=1 KASVU_API_EXAMPLES=300``.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

schemathesis = pytest.importorskip("schemathesis")

from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance,
    positive_data_acceptance,
    response_schema_conformance,
    status_code_conformance,
)

from kasvu.api.main import api  # noqa: E402
from kasvu.wsgi import application  # noqa: E402

schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1/"))
schema.app = application  # type: ignore[attr-defined]


@schema.hook
def filter_query(ctx, query):
    """The one rule of the API that OpenAPI cannot express (declared in year_from's description): a range
    must not end before it starts. Positive cases keep to it; negative ones may break it."""
    if not ctx.operation.path.endswith(("/observations", "/bundle")) or not isinstance(query, dict):
        return True
    low, high = query.get("year_from"), query.get("year_to")
    return not (isinstance(low, int) and isinstance(high, int) and low > high)


# positive_data_acceptance: a request the schema calls valid is not refused as invalid (400/422), i.e. the
# schema declares every limit the server enforces (page sizes, years, languages, import kinds).
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    positive_data_acceptance,
]


@pytest.fixture
def no_rate_limits(settings):
    settings.RATE_LIMITS = {}


@pytest.fixture
def keep_connection():
    """Calling the WSGI app directly would close the test's database connection after each request
    (Django's test client disconnects this handler the same way)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=int(os.environ.get("KASVU_API_EXAMPLES", "30")),
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=not os.environ.get("KASVU_FUZZ_RANDOM"),  # CI: the same examples every run
)
def test_api_matches_its_schema(case, placements, no_rate_limits, keep_connection):
    # Schemathesis' WSGI transport asks for gzip but does not unpack it; the page cache answers a repeated
    # anonymous request gzipped (Content-Encoding: gzip, tested in tests/web/test_pagecache.py), so ask
    # for the plain body here.
    response = case.call(app=application, headers={"Accept-Encoding": "identity"})
    case.validate_response(response, checks=CHECKS)


def _years_reversed(case) -> bool:
    query = case.query or {}
    low, high = query.get("year_from"), query.get("year_to")
    return isinstance(low, int) and isinstance(high, int) and low > high


@pytest.mark.parametrize("path", ["/api/v1/observations", "/api/v1/bundle"])
def test_valid_requests_never_put_year_from_after_year_to(path):
    """A range from 2012 to 2010 is refused (400, declared in the schema with the error body); OpenAPI
    cannot say that one parameter must not exceed another, so positive_data_acceptance failed on it. The
    rule is declared in the parameters' descriptions and given to schemathesis as a ``filter_query`` hook,
    so that the requests it calls valid are those the server accepts."""
    from hypothesis import find
    from hypothesis.errors import NoSuchExample

    operation = schema[path]["GET"]
    (year_from,) = [p for p in operation.definition.raw["parameters"] if p["name"] == "year_from"]
    assert "Must not be after year_to" in str(year_from)
    with pytest.raises(NoSuchExample):
        find(operation.as_strategy(hooks=schema.hooks), _years_reversed, settings=settings(max_examples=300))
