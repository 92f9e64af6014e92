"""A small fixed-window rate limiter over Django's cache framework.

Counters live in the ``ratelimit`` cache (a database table by default, see ``settings.CACHES``), so every
server process counts against the same limit. Limits come from ``settings.RATE_LIMITS``:
``{"api_anonymous": (requests, seconds), ...}``. The window is fixed, so a client can make at most twice
the limit across a window boundary; that is enough to stop password guessing and runaway scripts.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches

CACHE = "ratelimit"


@dataclass(frozen=True)
class RateLimited(Exception):
    """Too many requests from one client; ``retry_after`` seconds until the window ends."""

    scope: str
    limit: int
    window: int
    retry_after: int

    def __str__(self) -> str:
        return (
            f"Too many requests: at most {self.limit} per {self.window} seconds. "
            f"Try again in {self.retry_after} seconds."
        )


def limit_for(scope: str) -> tuple[int, int] | None:
    """(requests, seconds) for ``scope``, or None when the scope is unlimited."""
    value = getattr(settings, "RATE_LIMITS", {}).get(scope)
    if not value:
        return None
    requests, seconds = value
    return int(requests), int(seconds)


def _window(scope: str, ident: str, window: int) -> tuple[str, int, int]:
    """The counter's key, the window's start and now."""
    now = int(time.time())
    start = now - now % window
    digest = hashlib.sha256(ident.encode("utf-8")).hexdigest()[:32]
    return f"rl:{scope}:{digest}:{start}", start, now


def check(scope: str, ident: str) -> None:
    """Raise :class:`RateLimited` when ``ident`` has used up ``scope`` in this window, counting nothing.

    For limits on failures (sign-ins): check before trying, :func:`hit` only when the try failed.
    """
    rule = limit_for(scope)
    if rule is None:
        return
    limit, window = rule
    key, start, now = _window(scope, ident, window)
    if int(caches[CACHE].get(key, 0)) >= limit:
        raise RateLimited(scope, limit, window, max(1, start + window - now))


def hit(scope: str, ident: str) -> None:
    """Count one request of ``ident`` in ``scope``; raise :class:`RateLimited` beyond the limit."""
    rule = limit_for(scope)
    if rule is None:
        return
    limit, window = rule
    key, start, now = _window(scope, ident, window)
    cache = caches[CACHE]
    cache.add(key, 0, timeout=window + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window + 1)
        count = 1
    if count > limit:
        raise RateLimited(scope, limit, window, max(1, start + window - now))


def client_ip(request: object) -> str:
    """The client's address as the server sees it (behind a proxy: set it in the proxy, see docs)."""
    meta = getattr(request, "META", {})
    return str(meta.get("REMOTE_ADDR") or "unknown")
