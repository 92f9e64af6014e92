"""Whole anonymous pages and API answers from the shared cache, per data version and language.

Why: every anonymous visitor of a profile sees the same page, and building it costs ~75 ms of CPU; served
from the cache it costs a cache read. Who is signed in always gets a fresh page.

What is cached: ``GET`` requests without a signed-in user or an API token, to the public parts of the site
(:data:`CACHED_PREFIXES`, with or without a language prefix), answered ``200`` with no cookie set, no CSRF
token used, no message shown and no ``private``/``no-store`` of their own. The key holds the data version
(:func:`kasvu.readmodel.data_version`: imports, memberships, suppression), a generation that any saved or
deleted row of the bank or the knowledge bank advances (names, descriptions, entries), the language, the
path with its sorted query and, for the API, the ``Accept`` header.

Answers carry an ``ETag`` (a hash of the content) and ``Last-Modified`` (when the entry was made) and get
``304 Not Modified`` when the client has them. Anonymous answers say ``Vary: Cookie`` (so no shared proxy
gives them to a signed-in user); signed-in answers say ``Cache-Control: private, no-cache``.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotModified
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe
from django.utils.translation import get_language

from kasvu.sharedcache import advance, safely, version_key

log = logging.getLogger("kasvu.cache")

#: Paths (after the language prefix) whose anonymous answers are the same for everyone.
CACHED_PREFIXES = ("/areas/", "/indicators/", "/compare/", "/search/", "/api/v1/")
#: The home page too.
CACHED_EXACT = ("/",)
#: Larger answers are not kept (a national download is streamed from the database instead).
MAX_BYTES = 8 * 1024 * 1024
#: An entry lives at most this long (seconds); a new data version or generation retires it sooner.
TIMEOUT = 3600
#: App labels whose saved or deleted rows change what public pages show.
WATCHED_APPS = ("bank", "knowledge")
GENERATION = "pages:generation"
_HEADERS_KEPT = ("Content-Type", "Content-Language", "Content-Disposition", "Vary", "Cache-Control")


def _cache() -> Any:
    return caches["pages"]


def _language_free_path(path: str) -> str:
    for code, _name in settings.LANGUAGES:
        if path == f"/{code}" or path.startswith(f"/{code}/"):
            return path[len(code) + 1 :] or "/"
    return path


def is_public_path(path: str) -> bool:
    """Is this one of the paths whose anonymous answers are the same for everyone?"""
    bare = _language_free_path(path)
    return bare in CACHED_EXACT or bare.startswith(CACHED_PREFIXES)


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def signed_in(request: HttpRequest) -> bool:
    """A signed-in user of the web pages (the API never uses the session: :mod:`kasvu.api.auth`)."""
    user = getattr(request, "user", None)
    return not is_api(request) and user is not None and user.is_authenticated


def cacheable_request(request: HttpRequest) -> bool:
    """An anonymous ``GET`` of a public path, with no token and no message waiting."""
    if request.method != "GET" or not is_public_path(request.path):
        return False
    if "Authorization" in request.headers or "messages" in request.COOKIES:
        return False
    return not signed_in(request)


def _storable(request: HttpRequest, response: HttpResponseBase) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or getattr(
        getattr(request, "_messages", None), "_queued_messages", None
    ):
        return False
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return False
    control = response.get("Cache-Control", "").lower()
    if "private" in control or "no-store" in control or "no-cache" in control:
        return False
    content = getattr(response, "content", b"")
    return len(content) <= MAX_BYTES and b"csrfmiddlewaretoken" not in content


def page_key(request: HttpRequest, version: Any, generation: int) -> str:
    """The cache key of a request: data version, generation, language, path, sorted query, Accept (API)."""
    query = urlencode(sorted(request.GET.lists()), doseq=True)
    accept = request.headers.get("Accept", "") if "/api/" in request.path else ""
    raw = f"{request.path}?{query}|{accept}"
    digest = hashlib.sha1(raw.encode("utf-8"), usedforsecurity=False).hexdigest()
    return f"page:{version_key(version)}:{generation}:{get_language()}:{digest}"


def _generation() -> int:
    return int(safely(_cache(), "get", GENERATION) or 0)


def advance_generation(**_: Any) -> None:
    """Retire every cached page (a name, description or knowledge entry changed)."""
    try:
        advance(_cache(), GENERATION)
    except Exception as exc:  # a cache outage, or its table not migrated yet: pages retire with their timeout
        log.warning("page cache: could not start a new generation (%s)", exc)


_MIGRATING = False


def migrating(**_: Any) -> None:
    """``pre_migrate``: rows saved by migrations retire nothing (the cache table may not exist yet)."""
    global _MIGRATING
    _MIGRATING = True


def migrated(**_: Any) -> None:
    """``post_migrate``: one new generation for whatever the migrations changed."""
    global _MIGRATING
    if _MIGRATING:
        _MIGRATING = False
        advance_generation()


def on_model_change(sender: Any, **kwargs: Any) -> None:
    """``post_save``/``post_delete`` receiver: a change to the bank or the knowledge bank retires pages."""
    meta = getattr(sender, "_meta", None)
    if meta is not None and meta.app_label in WATCHED_APPS and not _MIGRATING:
        advance_generation()


def _not_modified(request: HttpRequest, entry: dict[str, Any]) -> bool:
    given = request.headers.get("If-None-Match")
    if given is not None:
        tags = [t.strip().removeprefix("W/") for t in given.split(",")]
        return entry["etag"] in tags or given.strip() == "*"
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    return since is not None and int(entry["modified"]) <= since


def _public_headers(response: HttpResponseBase, entry: dict[str, Any]) -> None:
    response["ETag"] = entry["etag"]
    response["Last-Modified"] = http_date(entry["modified"])
    if "Cache-Control" not in response:
        patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
    patch_vary_headers(response, ("Cookie",))


def _from_entry(request: HttpRequest, entry: dict[str, Any]) -> HttpResponseBase:
    response: HttpResponseBase
    if _not_modified(request, entry):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(entry["content"], status=200)
    for name, value in entry["headers"]:
        if name != "Content-Type" or response.status_code == 200:
            response[name] = value
    _public_headers(response, entry)
    response["X-Kasvu-Cache"] = "hit"
    return response


def _entry(response: HttpResponse) -> dict[str, Any]:
    content = response.content
    etag = response.get("ETag") or '"' + hashlib.sha256(content).hexdigest()[:32] + '"'
    return {
        "content": content,
        "headers": [(n, response[n]) for n in _HEADERS_KEPT if n in response],
        "etag": etag,
        "modified": time.time(),
    }


class PageCacheMiddleware:
    """Serve and keep whole anonymous answers (see the module's docstring). Place after authentication."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not cacheable_request(request):
            response = self.get_response(request)
            if signed_in(request):
                patch_cache_control(response, private=True, no_cache=True)
                patch_vary_headers(response, ("Cookie",))
            return response
        key = self._key(request)
        entry = self._read(key) if key else None
        if entry is not None and self._within_rate_limit(request):
            return _from_entry(request, entry)
        response = self.get_response(request)
        if key and isinstance(response, HttpResponse) and _storable(request, response):
            entry = _entry(response)
            try:
                safely(_cache(), "set", key, entry, TIMEOUT)
            except Exception as exc:
                log.warning("page cache: could not keep %s (%s)", request.path, exc)
            _public_headers(response, entry)
            response["X-Kasvu-Cache"] = "miss"
            if _not_modified(request, entry):
                return _from_entry(request, entry)
        else:
            patch_vary_headers(response, ("Cookie",))
        return response

    @staticmethod
    def _within_rate_limit(request: HttpRequest) -> bool:
        """API answers from the cache count against the anonymous rate limit like the others.

        Beyond the limit the request goes on to the API, which counts and answers ``429`` in its shape.
        """
        if not is_api(request):
            return True
        from kasvu.api import ratelimit

        try:
            ratelimit.hit("api_anonymous", ratelimit.client_ip(request))
        except ratelimit.RateLimited:
            return False
        return True

    @staticmethod
    def _key(request: HttpRequest) -> str | None:
        from kasvu import replicas
        from kasvu.readmodel import data_version

        for _attempt in range(2):
            try:
                return page_key(request, data_version(), _generation())
            except Exception as exc:  # no cache or database answer: build the page as if uncached
                if replicas.note_failure(exc):
                    continue  # the replica failed: once more, from the primary
                log.warning("page cache: no key for %s (%s)", request.path, exc)
                return None
        return None

    @staticmethod
    def _read(key: str) -> dict[str, Any] | None:
        try:
            entry = safely(_cache(), "get", key)
        except Exception as exc:
            log.warning("page cache: read failed (%s)", exc)
            return None
        return entry if isinstance(entry, dict) else None
