"""``/api/``: the API's routes, and the error shape for unknown paths and wrong methods there too."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path, re_path

from kasvu.api.errors import error_response, json_errors
from kasvu.api.main import api


def _wrap(patterns: list[URLPattern | URLResolver]) -> list[URLPattern | URLResolver]:
    out: list[URLPattern | URLResolver] = []
    for p in patterns:
        if isinstance(p, URLPattern):
            out.append(URLPattern(p.pattern, json_errors(p.callback), p.default_args, p.name))
        else:
            out.append(p)
    return out


def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    return error_response(404, f"No API endpoint at {request.path}. See /api/v1/docs.")


_patterns, _app, _namespace = api.urls
urlpatterns = [
    path("v1/", (_wrap(list(_patterns)), _app, _namespace)),
    re_path(r"^(?P<rest>.*)$", not_found),
]
