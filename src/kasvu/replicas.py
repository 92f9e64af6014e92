"""Read replicas: reads of anonymous and API traffic go to PostgreSQL replicas, everything else to the primary.

Why: at report time hundreds of readers ask for the same public numbers; one primary serves the editors'
writes and the imports, replicas (``KASVU_DATABASE_REPLICA_URLS``) serve the readers.

The rules (:func:`reads_may_use_replica`, :class:`ReplicaRouter`):

* A request may read from a replica when it is a ``GET``/``HEAD`` of the API or of an anonymous visitor,
  and its caller has written nothing in the last :data:`PIN_SECONDS` (a write pins its writer to the
  primary: a browser by the cookie :data:`PIN_COOKIE`, an API token by a note in the shared cache). So a
  write is visible to its writer at once.
* Signed-in users (editors, analysts) always read from the primary, and so does everything about
  accounts, sessions, tokens, the audit log and the cache tables (:data:`PRIMARY_APPS`).
* A replica is used only while it answers and is at most ``KASVU_REPLICA_MAX_LAG`` seconds behind
  (checked at most every :data:`CHECK_SECONDS`). When it fails during a request, the request is answered
  again from the primary (:meth:`ReplicaMiddleware.process_exception`) and the replica rests for
  :data:`REST_SECONDS`: killing a replica loses no request.
* Once a request writes, its further reads go to the primary too.

Raw SQL of the read model reads through :func:`reading_connection`, which follows the same rules.
"""

from __future__ import annotations

import contextvars
import hashlib
import itertools
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, InterfaceError, OperationalError, connections

log = logging.getLogger("kasvu.replicas")

PIN_COOKIE = "kasvu_primary"
PIN_SECONDS = 30
CHECK_SECONDS = 2.0
REST_SECONDS = 10.0
#: Whose rows are always read from the primary: who may do what, and what was just written.
PRIMARY_APPS = frozenset(
    {"auth", "accounts", "sessions", "admin", "kasvu_api", "django_cache", "contenttypes"}
)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

LAG_SQL = (
    "SELECT CASE WHEN NOT pg_is_in_recovery() THEN 0 "
    "WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 "
    "ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0) END, "
    "(SELECT COUNT(*) FROM pg_stat_wal_receiver WHERE status = 'streaming') + "
    "CASE WHEN pg_is_in_recovery() THEN 0 ELSE 1 END"
)


def replica_aliases() -> list[str]:
    """Aliases of the configured replicas in ``settings.DATABASES`` (``replica_1``, ``replica_2``, …)."""
    return [a for a in settings.DATABASES if a.startswith("replica_")]


def replica_databases(urls: list[str], primary: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """``settings.DATABASES`` entries for the replica URLs; in tests they mirror the primary."""
    import dj_database_url

    out: dict[str, dict[str, Any]] = {}
    for n, url in enumerate(urls, start=1):
        db = dict(dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True))
        db["OPTIONS"] = {**db.get("OPTIONS", {}), "connect_timeout": 2}
        db["TEST"] = {"MIRROR": DEFAULT_DB_ALIAS}
        out[f"replica_{n}"] = db
    return out


# ---------------------------------------------------------------------------
# Health


@dataclass
class _Health:
    ok: bool = True
    until: float = 0.0  # recheck after this (monotonic seconds)


class ReplicaHealth:
    """Which replicas answer and keep up, checked at most every few seconds per process."""

    def __init__(self) -> None:
        self._state: dict[str, _Health] = {}
        self._lock = threading.Lock()
        self._turn = itertools.count()

    def max_lag(self) -> float:
        return float(getattr(settings, "KASVU_REPLICA_MAX_LAG", 10.0))

    def usable(self, alias: str) -> bool:
        now = time.monotonic()
        with self._lock:
            health = self._state.setdefault(alias, _Health(ok=True, until=0.0))
            if now < health.until:
                return health.ok
            health.until = now + CHECK_SECONDS  # one check at a time; others use the last verdict
        ok = self._check(alias)
        with self._lock:
            self._state[alias] = _Health(ok=ok, until=now + (CHECK_SECONDS if ok else REST_SECONDS))
        return ok

    def _check(self, alias: str) -> bool:
        try:
            with connections[alias].cursor() as cur:
                cur.execute(LAG_SQL)
                lag, streaming = cur.fetchone()
        except DatabaseError as exc:
            log.warning("replica %s does not answer (%s); reading from the primary", alias, exc)
            _close(alias)
            return False
        if float(lag) > self.max_lag() or not streaming:
            log.warning("replica %s is %.1f s behind (limit %.0f s) or not streaming; reading from the primary",
                        alias, float(lag), self.max_lag())  # fmt: skip
            return False
        return True

    def answers(self, alias: str) -> bool:
        """Check now, whatever the last verdict (after an error answer)."""
        return self._check(alias)

    def failed(self, alias: str) -> None:
        """A query on ``alias`` failed: rest it, and drop its broken connection."""
        with self._lock:
            self._state[alias] = _Health(ok=False, until=time.monotonic() + REST_SECONDS)
        _close(alias)
        log.warning("replica %s failed; reading from the primary for %.0f s", alias, REST_SECONDS)

    def pick(self) -> str | None:
        """A usable replica, in turn; None when none is."""
        aliases = replica_aliases()
        if not aliases:
            return None
        start = next(self._turn)
        for i in range(len(aliases)):
            alias = aliases[(start + i) % len(aliases)]
            if self.usable(alias):
                return alias
        return None


def _close(alias: str) -> None:
    try:
        connections[alias].close()
    except Exception:  # a dead server's connection may fail to close; it is gone either way
        connections[alias].connection = None


HEALTH = ReplicaHealth()


# ---------------------------------------------------------------------------
# Per request


@dataclass
class _Reads:
    alias: str | None = None  # the replica this request reads from, None for the primary


_READS: contextvars.ContextVar[_Reads | None] = contextvars.ContextVar("kasvu_replica_reads", default=None)


def current_read_alias() -> str:
    state = _READS.get()
    return state.alias if state is not None and state.alias else DEFAULT_DB_ALIAS


def to_primary() -> None:
    """From now on this request reads from the primary (it wrote, or its replica failed)."""
    state = _READS.get()
    if state is not None:
        state.alias = None


@contextmanager
def reading(alias: str | None) -> Iterator[None]:
    """Reads inside go to ``alias`` (a replica), or the primary for None; for work before
    :class:`ReplicaMiddleware` has run (the early page cache reads the data version so)."""
    token = _READS.set(_Reads(alias=alias))
    try:
        yield
    finally:
        _READS.reset(token)


def reading_connection() -> Any:
    """The connection the read model's raw SQL uses: this request's replica, or the primary."""
    return connections[current_read_alias()]


def note_failure(exc: BaseException) -> bool:
    """If ``exc`` came from this request's replica: rest it and read from the primary. True if so."""
    state = _READS.get()
    if state is None or state.alias is None or not isinstance(exc, OperationalError | InterfaceError):
        return False
    HEALTH.failed(state.alias)
    state.alias = None
    return True


def _token_pin_key(request: Any) -> str | None:
    header = request.headers.get("Authorization", "")
    if not header:
        return None
    return "pin:" + hashlib.sha256(header.encode("utf-8")).hexdigest()[:32]


def reads_may_use_replica(request: Any) -> bool:
    """A safe request of the API or of an anonymous visitor, whose caller has not just written."""
    if request.method not in SAFE_METHODS or PIN_COOKIE in request.COOKIES:
        return False
    if request.path.startswith("/api/"):
        key = _token_pin_key(request)
        if key is None:
            return True
        from django.core.cache import cache

        try:
            return not cache.get(key)
        except Exception:
            return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated)


class ReplicaRouter:
    """Django database router: writes and :data:`PRIMARY_APPS` to the primary, other reads per request."""

    def db_for_read(self, model: Any, **hints: Any) -> str:
        if model._meta.app_label in PRIMARY_APPS:
            return DEFAULT_DB_ALIAS
        return current_read_alias()

    def db_for_write(self, model: Any, **hints: Any) -> str:
        if model._meta.app_label not in PRIMARY_APPS:  # cache entries and sessions change no data
            to_primary()
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # replicas are copies of the primary

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS


class ReplicaMiddleware:
    """Chooses where the request reads from; answers again from the primary when its replica fails.

    Place after authentication (it asks whether the user is signed in) and before the page cache.
    """

    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        if not replica_aliases():
            return self.get_response(request)
        alias = HEALTH.pick() if reads_may_use_replica(request) else None
        state = _Reads(alias=alias)
        token = _READS.set(state)
        try:
            response = self.get_response(request)
            if alias and state.alias and response.status_code >= 500 and not HEALTH.answers(alias):
                # The replica died under a handler that answers errors itself (the API): again, from the primary.
                HEALTH.failed(alias)
                state.alias = None
                response = self.get_response(request)
        finally:
            _READS.reset(token)
        if request.method not in SAFE_METHODS and response.status_code < 400:
            self._pin(request, response)
        response["X-Kasvu-Read"] = "replica" if state.alias else "primary"
        return response

    def process_exception(self, request: Any, exception: Exception) -> Any:
        """The replica failed inside the view: answer the request again, from the primary."""
        if not note_failure(exception):
            return None
        match = request.resolver_match
        return match.func(request, *match.args, **match.kwargs)

    @staticmethod
    def _pin(request: Any, response: Any) -> None:
        """The writer reads from the primary for a while, so it sees its write at once."""
        response.set_cookie(PIN_COOKIE, "1", max_age=PIN_SECONDS, httponly=True, samesite="Lax")
        key = _token_pin_key(request)
        if key is not None:
            from django.core.cache import cache

            try:
                cache.set(key, 1, PIN_SECONDS)
            except Exception as exc:
                log.warning("could not pin a token to the primary (%s)", exc)
