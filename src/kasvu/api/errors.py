"""The one error shape of the API: ``{"error": {"status": 404, "code": "not_found", "message": "..."}}``.

Every error — wrong parameters, missing rights, unknown paths, rate limits, failed imports, bugs — leaves
the API in this shape (pinned by ``tests/api/test_error_shape.py``).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Schema

log = logging.getLogger("kasvu.api")

CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "too_large",
    422: "invalid_request",
    429: "rate_limited",
    500: "server_error",
}


class ErrorDetail(Schema):
    status: int
    code: str
    message: str


class ErrorOut(Schema):
    error: ErrorDetail


class ApiError(Exception):
    """An error to answer with: status, code and a message that says what to do."""

    def __init__(self, status: int, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code or CODES.get(status, "error")
        self.message = message


def error_body(status: int, message: str, code: str | None = None) -> dict[str, Any]:
    return {"error": {"status": status, "code": code or CODES.get(status, "error"), "message": message}}


def error_response(status: int, message: str, code: str | None = None) -> HttpResponse:
    return HttpResponse(
        json.dumps(error_body(status, message, code)), status=status, content_type="application/json"
    )


#: Error responses every operation may give, for the OpenAPI schema.
ERRORS: dict[int, Any] = {s: ErrorOut for s in (400, 401, 403, 404, 422, 429)}


def json_errors(view: Any) -> Any:
    """Wrap a Django view so that its plain 404/405 pages become the API's error shape."""

    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        ctype = response.get("Content-Type", "")
        if response.status_code in (404, 405) and not ctype.startswith("application/json"):
            allow = response.get("Allow")
            message = (
                f"Method {request.method} is not allowed here; use {allow}."
                if response.status_code == 405
                else f"No API endpoint at {request.path}. See /api/v1/docs."
            )
            response = error_response(response.status_code, message)
            if allow:
                response["Allow"] = allow
        return response

    for attr in ("csrf_exempt",):
        if hasattr(view, attr):
            setattr(wrapped, attr, getattr(view, attr))
    return wrapped
