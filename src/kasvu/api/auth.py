"""Who is calling: a bearer token, or nobody (the public). Never a session cookie.

Both auth objects also count the request against the rate limit, so every operation is limited in one
place. ``request.user`` is replaced by the token's user (or an anonymous user), so that
:mod:`kasvu.access` and the service layers see the caller the API sees, and a browser's session cannot
leak into the API.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja.security import HttpBearer

from kasvu.api import ratelimit, tokens
from kasvu.api.errors import ApiError


class Caller:
    """The authenticated caller: a user (maybe anonymous) and the token used, if any."""

    def __init__(self, user: Any, token: Any = None) -> None:
        self.user = user
        self.token = token

    def __bool__(self) -> bool:  # ninja treats a falsy result as "not authenticated"
        return True


def _check_text(request: HttpRequest) -> None:
    """NUL characters cannot reach a database (PostgreSQL refuses them): a clear 400 instead of a 500."""
    if "\x00" in request.path or any("\x00" in v for vs in request.GET.lists() for v in [vs[0], *vs[1]]):
        raise ApiError(400, "The request contains a NUL character (%00); remove it.")


def _from_header(request: HttpRequest) -> Caller | None:
    _check_text(request)
    request.user = AnonymousUser()  # type: ignore[attr-defined]  # never the session's user
    header = request.headers.get("Authorization", "")
    if not header:
        return None
    scheme, _, key = header.partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        raise ApiError(401, "Use the header 'Authorization: Bearer <key>' (see `kasvu users token`).")
    ratelimit.hit("api_token_attempts", ratelimit.client_ip(request))
    token = tokens.verify(key.strip())
    if token is None:
        raise ApiError(401, "The token is unknown, revoked or its user is inactive. Ask for a new one.")
    return Caller(token.user, token)


def _enter(request: HttpRequest, caller: Caller) -> Caller:
    request.user = caller.user  # type: ignore[attr-defined]
    if caller.token is not None:
        ratelimit.hit("api_token", f"token:{caller.token.pk}")
    else:
        ratelimit.hit("api_anonymous", ratelimit.client_ip(request))
    return caller


class TokenAuth(HttpBearer):
    """A valid token is required (writes)."""

    def __call__(self, request: HttpRequest) -> Caller | None:
        caller = _from_header(request)
        if caller is None:
            request.user = AnonymousUser()  # type: ignore[attr-defined]
            ratelimit.hit("api_anonymous", ratelimit.client_ip(request))
            raise ApiError(401, "This needs a token: send 'Authorization: Bearer <key>'.")
        return _enter(request, caller)

    def authenticate(self, request: HttpRequest, token: str) -> Any:  # pragma: no cover - see __call__
        return None


class OptionalTokenAuth(TokenAuth):
    """A token if given (it must then be valid), else the public (reads)."""

    def __call__(self, request: HttpRequest) -> Caller | None:
        caller = _from_header(request) or Caller(AnonymousUser())
        return _enter(request, caller)


token_auth = TokenAuth()
optional_auth = OptionalTokenAuth()
