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

import gzip
import hashlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
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


def page_key(request: HttpRequest, version: str, generation: int, language: str | None = None) -> str:
    """The cache key of a request: data version (its :func:`version_key`), generation, language (the active
    one unless given), path, sorted query, Accept (API)."""
    query = urlencode(sorted(request.GET.lists()), doseq=True)
    accept = request.headers.get("Accept", "") if "/api/" in request.path else ""
    raw = f"{request.path}?{query}|{accept}"
    digest = hashlib.sha1(raw.encode("utf-8"), usedforsecurity=False).hexdigest()
    return f"page:{version}:{generation}:{language or get_language()}:{digest}"


def _generation() -> int:
    return int(safely(_cache(), "get", GENERATION) or 0)


def advance_generation(**_: Any) -> None:
    """Retire every cached page (a name, description or knowledge entry changed)."""
    forget_state()
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
    patch_vary_headers(response, ("Cookie", "Accept-Encoding"))


def accepts_gzip(request: HttpRequest) -> bool:
    return "gzip" in request.META.get("HTTP_ACCEPT_ENCODING", "")


def _from_entry(request: HttpRequest, entry: dict[str, Any]) -> HttpResponseBase:
    """The stored answer: gzipped as stored when the client takes gzip, else unpacked; 304 when it has it."""
    response: HttpResponseBase
    zipped = accepts_gzip(request)
    if _not_modified(request, entry):
        response = HttpResponseNotModified()
    elif zipped:
        response = HttpResponse(entry["gzip"], status=200)
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(gzip.decompress(entry["gzip"]), status=200)
    for name, value in entry["headers"]:
        if name != "Content-Type" or response.status_code == 200:
            response[name] = value
    response["ETag"] = entry["etag"]
    response["Last-Modified"] = http_date(entry["modified"])
    response["X-Kasvu-Cache"] = "hit"
    return response


#: Headers of a built answer not kept with it: per request, or set again when it is served.
_NOT_KEPT = frozenset(
    {
        "set-cookie",
        "etag",
        "last-modified",
        "server-timing",
        "x-kasvu-cache",
        "x-kasvu-read",
        "content-length",
    }
)


def _entry(response: HttpResponse, headers: list[tuple[str, str]] | None = None) -> dict[str, Any]:
    """What is kept of an answer: its body gzipped once (most clients take it so; others get it unpacked,
    a tenth of the bytes through the cache), its headers (all of them when the whole stack has run)."""
    content = response.content
    etag = response.get("ETag") or '"' + hashlib.sha256(content).hexdigest()[:32] + '"'
    kept = headers if headers is not None else [(n, response[n]) for n in _HEADERS_KEPT if n in response]
    return {
        "gzip": gzip.compress(content, compresslevel=6, mtime=0),
        "headers": kept,
        "etag": etag,
        "modified": time.time(),
    }


def _keep(key: str, request: HttpRequest, response: HttpResponse, whole: bool) -> dict[str, Any] | None:
    """Keep the answer under ``key`` and give it the public headers; the entry, or None if not kept."""
    if not _storable(request, response):
        return None
    if "Cache-Control" not in response:  # Cache-Control and Vary of a public answer, kept with it
        patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
    patch_vary_headers(response, ("Cookie", "Accept-Encoding"))
    headers = [(n, v) for n, v in response.items() if n.lower() not in _NOT_KEPT] if whole else None
    entry = _entry(response, headers)
    try:
        safely(_cache(), "set", key, entry, TIMEOUT)
    except Exception as exc:
        log.warning("page cache: could not keep %s (%s)", request.path, exc)
    _public_headers(response, entry)
    response["X-Kasvu-Cache"] = "miss"
    return entry


# ---------------------------------------------------------------------------
# The data version and generation, read once per request or less


@dataclass
class _State:
    version: str  # version_key of the data version
    generation: int
    read: str  # where the data version was read: "replica" or "primary"
    until: float  # monotonic time after which it is read again


_MEMO: list[_State] = []
_MEMO_LOCK = threading.Lock()


def state_ttl() -> float:
    """Seconds a process reuses the data version and generation it read (``KASVU_PAGE_STATE_TTL``).

    Changes made in this process retire the memo at once (:func:`forget_state`); changes made by another
    process (an import on the command line, another server) are seen within this many seconds."""
    return float(settings.KASVU.get("PAGE_STATE_TTL", 0.0))


def forget_state(**_: Any) -> None:
    with _MEMO_LOCK:
        _MEMO.clear()


def _read_state(request: HttpRequest) -> _State:
    """Data version and generation, from a replica when this request may read from one (else the primary)."""
    from kasvu import replicas
    from kasvu.readmodel import data_version

    alias = (
        replicas.HEALTH.pick()
        if replicas.replica_aliases() and replicas.reads_may_use_replica(request)
        else None
    )
    for _attempt in range(2):
        with replicas.reading(alias):
            try:
                version = data_version()
                return _State(version_key(version), _generation(), "replica" if alias else "primary", 0.0)
            except Exception as exc:
                if alias is None or not replicas.note_failure(exc):
                    raise
                alias = None  # the replica failed: once more, from the primary
    raise AssertionError("unreachable")


def _state(request: HttpRequest) -> _State:
    ttl = state_ttl()
    if ttl <= 0:
        return _read_state(request)
    now = time.monotonic()
    with _MEMO_LOCK:
        if _MEMO and now < _MEMO[0].until:
            return _MEMO[0]
    state = _read_state(request)
    state.until = now + ttl
    with _MEMO_LOCK:
        _MEMO[:] = [state]
    return state


def _key_of(request: HttpRequest, language: str | None = None) -> tuple[str, _State] | None:
    try:
        state = _state(request)
    except Exception as exc:  # no cache or database answer: build the page as if uncached
        log.warning("page cache: no key for %s (%s)", request.path, exc)
        return None
    return page_key(request, state.version, state.generation, language), state


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


def _read(key: str) -> dict[str, Any] | None:
    try:
        entry = safely(_cache(), "get", key)
    except Exception as exc:
        log.warning("page cache: read failed (%s)", exc)
        return None
    return entry if isinstance(entry, dict) and "gzip" in entry else None


# ---------------------------------------------------------------------------
# The middleware


def _request_language(request: HttpRequest) -> str:
    """The language :class:`~django.middleware.locale.LocaleMiddleware` will choose for this request."""
    from django.conf.urls.i18n import is_language_prefix_patterns_used
    from django.utils import translation

    i18n_patterns_used, prefixed_default_language = is_language_prefix_patterns_used(settings.ROOT_URLCONF)
    language = translation.get_language_from_request(request, check_path=i18n_patterns_used)
    if (
        i18n_patterns_used
        and not prefixed_default_language
        and not translation.get_language_from_path(request.path_info)
    ):
        language = settings.LANGUAGE_CODE
    return language


def sessionless(request: HttpRequest) -> bool:
    """An anonymous ``GET`` of a public path that carries no session, token, message or writer's pin:
    its answer is the same for everyone, known before any session, user or CSRF work."""
    from kasvu.replicas import PIN_COOKIE

    if settings.SECURE_SSL_REDIRECT and not request.is_secure():
        return False  # SecurityMiddleware sends it to https first
    try:
        request.get_host()  # a Host not in ALLOWED_HOSTS gets Django's 400, not a page
    except Exception:
        return False
    cookies = request.COOKIES
    return (
        request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in cookies
        and "messages" not in cookies
        and PIN_COOKIE not in cookies
        and "HTTP_AUTHORIZATION" not in request.META
        and is_public_path(request.path)
    )


class EarlyPageCacheMiddleware:
    """First of all middleware: a cached answer to a :func:`sessionless` request is served from here, before
    sessions, authentication, CSRF, locale, replicas and the rest (~1 ms of CPU instead of ~5); a missed
    one runs the whole stack and is kept with every header the stack gave it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not sessionless(request):
            return self.get_response(request)
        found = _key_of(request, _request_language(request))
        if found is None:
            return self.get_response(request)
        key, state = found
        entry = _read(key)
        if entry is not None and _within_rate_limit(request):
            response = _from_entry(request, entry)
            response["X-Kasvu-Read"] = state.read
            return response
        request._kasvu_page_key = key  # type: ignore[attr-defined]  # the inner middleware leaves it to us
        response = self.get_response(request)
        if isinstance(response, HttpResponse) and not signed_in(request):
            entry = _keep(key, request, response, whole=True)
            if entry is not None and _not_modified(request, entry):
                answer = _from_entry(request, entry)
                answer["X-Kasvu-Read"] = response.get("X-Kasvu-Read", state.read)
                answer["X-Kasvu-Cache"] = "miss"
                return answer
        return response


class PageCacheMiddleware:
    """Serve and keep whole anonymous answers that :class:`EarlyPageCacheMiddleware` did not take (those of
    a visitor with a session cookie but signed out); mark signed-in answers private. Place after
    authentication."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if hasattr(request, "_kasvu_page_key"):
            return self.get_response(request)
        if not cacheable_request(request):
            response = self.get_response(request)
            if signed_in(request):
                patch_cache_control(response, private=True, no_cache=True)
                patch_vary_headers(response, ("Cookie",))
            return response
        found = _key_of(request)
        if found is not None:
            key = "inner:" + found[0]  # kept without the outer middleware's headers: never served early
            entry = _read(key)
            if entry is not None and _within_rate_limit(request):
                return _from_entry(request, entry)
        response = self.get_response(request)
        if found is not None and isinstance(response, HttpResponse):
            entry = _keep(key, request, response, whole=False)
            if entry is not None:
                if _not_modified(request, entry):
                    return _from_entry(request, entry)
                return response
        patch_vary_headers(response, ("Cookie",))
        return response
