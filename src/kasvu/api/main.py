"""The NinjaAPI object: routers, the error shape for every exception, the OpenAPI schema."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from kasvu import access
from kasvu.api.errors import ApiError, error_response
from kasvu.api.ratelimit import RateLimited
from kasvu.api.routes import areas, collection, data, indicators, knowledge, observations, plans

log = logging.getLogger("kasvu.api")

DESCRIPTION = """\
Indicators, areas, observations (with group values and confidence intervals), welfare plans and the
knowledge bank of kasvu. Reads work without a token (the public view: published values only); send
`Authorization: Bearer <key>` for the rights of the token's user (`kasvu users token USERNAME --name NAME`).
Every error has the shape `{"error": {"status": 404, "code": "not_found", "message": "..."}}`.
See docs/api.md.
"""


class KasvuAPI(NinjaAPI):
    """Reads take a token or none: the schema says so (``security: [{TokenAuth: []}, {}]``)."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        schemes = schema.get("components", {}).get("securitySchemes", {})
        schemes.pop("OptionalTokenAuth", None)
        schemes["TokenAuth"] = {
            "type": "http",
            "scheme": "bearer",
            "description": "kasvu users token USERNAME",
        }
        for methods in schema["paths"].values():
            for op in methods.values():
                if op.get("security") == [{"OptionalTokenAuth": []}]:
                    op["security"] = [{"TokenAuth": []}, {}]
                for param in op.get("parameters", []):
                    _no_nul(param.get("schema", {}))
        return schema


NO_NUL = "^[^\\x00]*$"  # kasvu.api.auth refuses NUL in paths and queries (PostgreSQL cannot store it)


def _no_nul(schema: dict[str, Any]) -> None:
    """Declare the NUL refusal on every string of a path or query parameter."""
    if schema.get("type") == "string" and "enum" not in schema and "format" not in schema:
        schema.setdefault("pattern", NO_NUL)
    for key in ("anyOf", "oneOf", "allOf"):
        for option in schema.get(key, []):
            _no_nul(option)
    if isinstance(schema.get("items"), dict):
        _no_nul(schema["items"])


api = KasvuAPI(
    title="kasvu API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    openapi_url="/openapi.json",
    docs_url="/docs",
)

for module in (areas, indicators, observations, plans, knowledge, collection, data):
    api.add_router("", module.router)


def _message(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors[:5]:
        loc = ".".join(
            str(x) for x in err.get("loc", ()) if x not in ("query", "body", "path", "form", "file")
        )
        parts.append(f"{loc or 'request'}: {err.get('msg', 'invalid')}")
    return "Invalid request: " + "; ".join(parts) + "."


@api.exception_handler(ApiError)
def _api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    return error_response(exc.status, exc.message, exc.code)


@api.exception_handler(RateLimited)
def _rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    access.deny(request, f"api: rate limit {exc.scope}")
    response = error_response(429, str(exc))
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return error_response(422, _message(exc))


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(401, "This needs a token: send 'Authorization: Bearer <key>'.")


@api.exception_handler(PermissionDenied)
def _denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    # Raised by kasvu.access.deny(), which has already written the audit event.
    return error_response(403, str(exc) or "You do not have the right to do this.")


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return error_response(404, str(exc) or "Not found.")


@api.exception_handler(ObjectDoesNotExist)
def _no_object(request: HttpRequest, exc: Exception) -> HttpResponse:
    return error_response(404, "Not found.")


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return error_response(exc.status_code, str(exc))


@api.exception_handler(Exception)
def _unexpected(request: HttpRequest, exc: Exception) -> Any:
    log.exception("API error on %s %s", request.method, request.path)
    return error_response(500, "Something went wrong on the server; it has been logged.")
