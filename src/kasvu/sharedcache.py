"""The cache every server process shares: Redis when ``KASVU_REDIS_URL`` is set, a database table otherwise.

Why shared: computed values (group values, ranking bands, profile summaries) and whole anonymous pages cost
tens to hundreds of milliseconds to build. A per-process cache makes every worker of every server pay
again after each import; one shared cache lets the precompute job (:mod:`kasvu.precompute`) pay once for
all of them.

Three Django caches come from :func:`caches_setting`:

* ``default``: computed values and small lookups, keyed by the data version where it matters;
* ``pages``: whole anonymous pages and API answers (:mod:`kasvu.web.pagecache`);
* ``ratelimit``: the rate limiter's counters (:mod:`kasvu.api.ratelimit`).

With Redis they live in one Redis database under one key prefix; ``clear()`` removes only keys with that
prefix, never the whole database (Django's own ``RedisCache.clear`` runs ``FLUSHDB``), so several
installations or test runs can share one Redis. Without Redis they are tables of the database
(created by ``kasvu migrate``).

:class:`VersionedStore` is the seam the read model's per-process cache writes through: keys are put under
a namespace made of the data version and a generation number, so a new data version (or
:meth:`VersionedStore.clear`) makes every old entry unreachable at once, in every process.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import secrets
from pathlib import Path
from typing import Any

from django.core.cache.backends.redis import RedisCache

log = logging.getLogger("kasvu.cache")

#: Database tables of the database cache (created by a migration of kasvu.web).
TABLES = {"default": "kasvu_cache", "pages": "kasvu_page_cache", "ratelimit": "kasvu_ratelimit"}
#: How long an entry lives at most (seconds); the data version makes most entries unreachable sooner.
TIMEOUT = 24 * 3600


class PrefixedRedisCache(RedisCache):
    """Django's Redis cache whose ``clear()`` deletes only this cache's keys (by prefix), not the database."""

    def clear(self) -> bool:
        client = self._cache.get_client(write=True)
        pattern = self.make_key("*")
        deleted = 0
        batch: list[Any] = []
        for key in client.scan_iter(match=pattern, count=1000):
            batch.append(key)
            if len(batch) >= 1000:
                deleted += client.delete(*batch)
                batch = []
        if batch:
            deleted += client.delete(*batch)
        return bool(deleted)


def run_prefix() -> str:
    """A key prefix unique to this test process, so concurrent test runs sharing a Redis never meet.

    Test runs also give their entries an hour to live (``timeout``), so a run that is killed leaves nothing
    behind for long; a finished run deletes its keys (``tests/conftest.py``).
    """
    return f"kasvu-test-{os.getpid()}-{secrets.token_hex(4)}"


def caches_setting(redis_url: str | None, prefix: str, timeout: int = TIMEOUT) -> dict[str, dict[str, Any]]:
    """``settings.CACHES``: Redis at ``redis_url`` under ``prefix``, or the database tables."""
    if redis_url:
        common = {
            "BACKEND": "kasvu.sharedcache.PrefixedRedisCache",
            "LOCATION": redis_url,
            "TIMEOUT": timeout,
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 5},
        }
        return {alias: {**common, "KEY_PREFIX": f"{prefix}:{alias}"} for alias in TABLES}
    sizes = {"default": 200_000, "pages": 50_000, "ratelimit": 100_000}
    return {
        alias: {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": table,
            "KEY_PREFIX": prefix,
            "TIMEOUT": timeout,
            "OPTIONS": {"MAX_ENTRIES": sizes[alias], "CULL_FREQUENCY": 4},
        }
        for alias, table in TABLES.items()
    }


def safely(cache: Any, operation: str, *args: Any) -> Any:
    """``cache.operation(*args)``; with the database cache inside a transaction's savepoint, so that a failure
    (a table not migrated yet, a lost race) cannot abort the caller's transaction on PostgreSQL. Errors
    propagate. Outside a transaction there is nothing to abort: no savepoint (on SQLite, whose
    transactions are IMMEDIATE here, a transaction around a read would take the write lock)."""
    from django.core.cache.backends.db import BaseDatabaseCache
    from django.db import connections, router, transaction

    if isinstance(cache, BaseDatabaseCache):
        alias = router.db_for_write(cache.cache_model_class)
        if connections[alias].in_atomic_block:
            with transaction.atomic(using=alias):
                return getattr(cache, operation)(*args)
    return getattr(cache, operation)(*args)


def advance(cache: Any, key: str) -> None:
    """Add one to the counter ``key`` (never expiring), creating it at 1."""
    if not safely(cache, "add", key, 1, None):
        try:
            safely(cache, "incr", key)
        except ValueError:  # expired or deleted between add and incr
            safely(cache, "set", key, 1, None)


@functools.cache
def code_version() -> str:
    """A hash of kasvu's own Python source, read once per process.

    Part of every key (:func:`version_key`): an entry kept by another release of the code (another shape of
    frame or profile) is never read by this one, and servers running the same code share their entries
    whatever the files' dates."""
    root = Path(__file__).resolve().parent
    digest = hashlib.sha1(usedforsecurity=False)
    for path in sorted(root.rglob("*.py")):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def version_key(version: Any) -> str:
    """A short, stable text for a data version (a tuple of ids and counts) under this release of the code."""
    raw = repr(tuple(version)) + code_version()
    return hashlib.sha1(raw.encode(), usedforsecurity=False).hexdigest()[:16]


class VersionedStore:
    """Entries of the shared ``default`` cache under the current data version.

    Failures of the cache server are logged and treated as misses: a page is slower, never broken.
    """

    GENERATION = "values:generation"

    def __init__(self, alias: str = "default") -> None:
        self._alias = alias

    @property
    def _cache(self) -> Any:
        from django.core.cache import caches

        return caches[self._alias]

    def namespace(self, version: Any) -> str:
        """The namespace of ``version`` in the current generation (one cache read)."""
        try:
            generation = safely(self._cache, "get", self.GENERATION) or 0
        except Exception:  # a cache outage must not break pages
            log.warning("shared cache unavailable; computing without it", exc_info=True)
            generation = 0
        return f"values:{version_key(version)}:{generation}"

    def _key(self, namespace: str, key: Any) -> str:
        return f"{namespace}:{hashlib.sha1(repr(key).encode(), usedforsecurity=False).hexdigest()}"

    def get(self, namespace: str, key: Any) -> Any:
        try:
            return safely(self._cache, "get", self._key(namespace, key))
        except Exception:
            log.warning("shared cache read failed", exc_info=True)
            return None

    def put(self, namespace: str, key: Any, value: Any) -> None:
        try:
            safely(self._cache, "set", self._key(namespace, key), value, TIMEOUT)
        except Exception:
            log.warning("shared cache write failed", exc_info=True)

    def clear(self) -> None:
        """Make every entry unreachable for every process (a new generation; old entries expire)."""
        try:
            advance(self._cache, self.GENERATION)
        except Exception as exc:  # a test without database access, or a cache outage
            log.debug("shared cache: could not start a new generation (%s)", exc)
