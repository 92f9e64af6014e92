"""A polite HTTP client for statistics APIs: rate limit, retries with backoff, an on-disk cache of answers.

The Sotkanet client (:mod:`kasvu.importers.sotkanet`) and the PxWeb client (:mod:`kasvu.importers.pxweb`)
are built on :class:`PoliteClient`, so both behave the same way towards a server:

* **Rate limit**: at least ``min_interval`` seconds between the starts of two requests.
* **Retries**: a timeout, a connection error, HTTP 429 or 5xx is retried up to ``attempts`` times in all,
  after ``backoff · 2^(attempt − 1)`` seconds, or the server's ``Retry-After`` (seconds, at most 60) when it
  asks for longer. Any other 4xx is not retried: :meth:`PoliteClient.client_error` words the message.
* **Cache**: each decoded JSON answer is kept as a file keyed by a string the caller gives (method, URL and
  body); a cached answer is returned without a request unless ``refresh=True``. A damaged cache file is
  fetched again and overwritten.

``sleep`` and ``clock`` are injectable, so tests never wait. Pure apart from the network and the cache
folder (no Django).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self, TypedDict, Unpack

import httpx

from kasvu.importers.base import ImportFailed, parse_json_text

#: The longest pause a server's Retry-After may ask for, in seconds.
MAX_RETRY_AFTER = 60.0


def retry_after_seconds(header: str | None) -> float:
    """A ``Retry-After`` header in seconds (at most :data:`MAX_RETRY_AFTER`); 0 when absent or a date."""
    try:
        return min(float(header or 0), MAX_RETRY_AFTER)
    except ValueError:
        return 0.0


class ClientOptions(TypedDict, total=False):
    """How a :class:`PoliteClient` behaves; each has a default (in brackets)."""

    timeout: float  # seconds per request [60]
    attempts: int  # requests in all before giving up [4]
    backoff: float  # first pause between attempts, doubled each time [0.5 s]
    min_interval: float  # least time between the starts of two requests [1 s]
    cache_dir: str | Path | None  # where answers are kept [no cache]
    refresh: bool  # ask again even when an answer is cached [False]
    transport: httpx.BaseTransport | None  # e.g. httpx.MockTransport in tests
    sleep: Callable[[float], None]  # [time.sleep]
    clock: Callable[[], float]  # [time.monotonic]


class PoliteClient:
    """Rate limit, retries and cache shared by kasvu's API clients; see the module docstring.

    Subclasses say what a refused request means (:meth:`client_error`) and how to report a server that
    never answered (:meth:`unavailable`)."""

    def __init__(self, *, user_agent: str, **options: Unpack[ClientOptions]) -> None:
        o = options
        attempts = o.get("attempts", 4)
        if attempts < 1:
            raise ValueError("attempts must be at least 1")
        self.attempts = attempts
        self.backoff = o.get("backoff", 0.5)
        self.min_interval = o.get("min_interval", 1.0)
        cache_dir = o.get("cache_dir")
        self.cache_dir = Path(cache_dir) if cache_dir is not None else None
        self.refresh = o.get("refresh", False)
        self.requests_made = 0
        self._sleep = o.get("sleep", time.sleep)
        self._clock = o.get("clock", time.monotonic)
        self._last_request: float | None = None
        self._http = httpx.Client(
            headers={"User-Agent": user_agent, "Accept": "application/json"},
            timeout=httpx.Timeout(o.get("timeout", 60.0)),
            transport=o.get("transport"),
            follow_redirects=True,
        )

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    # -- what subclasses say

    def client_error(self, response: httpx.Response) -> str:
        """The message for a 4xx answer that is not retried."""
        return f"the server refused the request (HTTP {response.status_code})."

    def unavailable(self, url: str, last: str) -> ImportFailed:
        """The error raised when every attempt failed; ``last`` says how the last one did."""
        return ImportFailed(
            f"the server did not answer after {self.attempts} attempts (last: {last}).", file=url
        )

    # -- JSON through the cache

    def cached_json(
        self, method: str, url: str, *, cache_key: str, body: str = "", extra: Mapping[str, Any] | None = None
    ) -> Any:
        """The decoded JSON answer to ``method url`` (with ``body`` for POST), from the cache when possible.

        ``cache_key`` names the cache file (its SHA-256); ``extra`` is stored beside the answer."""
        cached = self._cache_path(cache_key)
        if cached is not None and cached.exists() and not self.refresh:
            try:
                return json.loads(cached.read_text(encoding="utf-8"))["data"]
            except (ValueError, KeyError):
                pass  # a damaged cache file: fetch again and overwrite it
        response = self.send(method, url, body)
        data = parse_json_text(response.content, file=url)
        if cached is not None:
            cached.parent.mkdir(parents=True, exist_ok=True)
            envelope = {
                "url": url,
                **(extra or {}),
                "retrieved_at": datetime.now(UTC).isoformat(),
                "data": data,
            }
            tmp = cached.with_suffix(".tmp")
            tmp.write_text(json.dumps(envelope, ensure_ascii=False), encoding="utf-8")
            tmp.replace(cached)
        return data

    def _cache_path(self, key: str) -> Path | None:
        if self.cache_dir is None:
            return None
        return self.cache_dir / f"{hashlib.sha256(key.encode()).hexdigest()[:32]}.json"

    # -- one request, politely

    def _wait_politely(self) -> None:
        if self._last_request is not None:
            wait = self.min_interval - (self._clock() - self._last_request)
            if wait > 0:
                self._sleep(wait)

    def send(self, method: str, url: str, body: str = "") -> httpx.Response:
        """``method url`` with the rate limit and retries; a JSON ``body`` is sent with POST."""
        last = "no response"
        for attempt in range(1, self.attempts + 1):
            self._wait_politely()
            self._last_request = self._clock()
            self.requests_made += 1
            retry_after = 0.0
            try:
                if method == "POST":
                    response = self._http.post(
                        url, content=body, headers={"Content-Type": "application/json"}
                    )
                else:
                    response = self._http.get(url)
            except httpx.TimeoutException:
                last = "timed out"
            except httpx.TransportError as exc:
                last = f"connection error ({type(exc).__name__}: {exc})"
            else:
                if response.status_code < 400:
                    return response
                if response.status_code == 429 or response.status_code >= 500:
                    last = f"HTTP {response.status_code}"
                    retry_after = retry_after_seconds(response.headers.get("Retry-After"))
                else:
                    raise ImportFailed(self.client_error(response), file=url)
            if attempt < self.attempts:
                self._sleep(max(self.backoff * 2 ** (attempt - 1), retry_after))
        raise self.unavailable(url, last)
