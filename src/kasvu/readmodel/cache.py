"""The read model's cache: private to it, emptied whenever the bank's data version changes.

One seam: :class:`Backend`. The default (:class:`LocalBackend`) keeps entries in this process and writes
them through to the cache all server processes share (:class:`kasvu.sharedcache.VersionedStore`: Redis or
database tables, via Django's cache framework), under a namespace of the data version. Another backend can
be plugged in with :func:`use_backend`. Nothing outside :mod:`kasvu.readmodel` reads or writes these
entries.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Any, Protocol


class Backend(Protocol):
    """Where cached entries live. ``version`` is the bank's data version (see :func:`data_version`)."""

    def sync(self, version: Hashable) -> None: ...
    def get(self, key: Hashable) -> Any: ...
    def put(self, key: Hashable, value: Any) -> None: ...
    def clear(self) -> None: ...


class LocalBackend:
    """A dict that empties itself when the data version changes, or after ``ttl`` seconds.

    Behind it is the cache all server processes share (:class:`kasvu.sharedcache.VersionedStore`): a local
    miss is looked up there, and what one process computes the others read instead of computing again.
    """

    def __init__(self, ttl: float = 600.0, max_items: int = 200_000) -> None:
        from kasvu.sharedcache import VersionedStore

        self._data: dict[Hashable, Any] = {}
        self._version: Hashable = None
        self._stamp = 0.0
        self._ttl = ttl
        self._max = max_items
        self._lock = threading.Lock()
        self._shared = VersionedStore()
        self._namespace: str | None = None

    def sync(self, version: Hashable) -> None:
        namespace = self._shared.namespace(version)
        with self._lock:
            now = time.monotonic()
            if (
                version != self._version
                or namespace != self._namespace
                or now - self._stamp > self._ttl
                or len(self._data) > self._max
            ):
                self._data = {}
                self._version = version
                self._namespace = namespace
                self._stamp = now

    def get(self, key: Hashable) -> Any:
        hit = self._data.get(key)
        if hit is None and self._namespace is not None:
            hit = self._shared.get(self._namespace, key)
            if hit is not None:
                self._data[key] = hit
        return hit

    def put(self, key: Hashable, value: Any) -> None:
        self._data[key] = value
        if self._namespace is not None:
            self._shared.put(self._namespace, key, value)

    def clear(self) -> None:
        with self._lock:
            self._data = {}
            self._version = None
            self._namespace = None
        self._shared.clear()


_backend: Backend = LocalBackend()


def backend() -> Backend:
    return _backend


def use_backend(new: Backend) -> Backend:
    """Replace the cache backend (returns the old one, for tests)."""
    global _backend
    old, _backend = _backend, new
    return old


def cached(key: Hashable, compute: Callable[[], Any]) -> Any:
    """The entry under ``key``, computed and stored when missing."""
    hit = _backend.get(key)
    if hit is None:
        hit = compute()
        _backend.put(key, hit)
    return hit


def clear_caches(**_: Any) -> None:
    """Forget every cached frame (connected to ``observations_changed``; tests call it between tests)."""
    _backend.clear()
