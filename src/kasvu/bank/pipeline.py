"""Storing many batches: read ahead, and on PostgreSQL store several at once.

``kasvu import`` with many files (a national Sotkanet download is one file per
indicator) spends its time in three places: reading a file (Polars), the
client's checks and conversion, and the database writing the rows. Done one
after the other, two of the three wait at any moment.

- :func:`read_ahead` reads the next batch in a background thread while the
  current one is stored (both databases); the same thread also checks its
  rows and maps its area codes (:func:`kasvu.bank.loader.prepare`, with the
  areas read once), so the storing thread only writes.
- :func:`store_all` with ``jobs > 1`` stores up to ``jobs`` batches at the same
  time, each in its own thread, Django connection and transaction
  (PostgreSQL only: SQLite has one writer at a time).

Each batch is still one import, all or nothing. Batches that share an
indicator are never stored at the same time, and they are stored in the order
given, so the result is the same as storing them one by one.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TypeVar

from django.db import connection, connections

from kasvu.bank.loader import LoadSummary, Lookups, Prepared, load, prepare
from kasvu.importers.base import ParsedBatch

_END = object()
T = TypeVar("T")

#: ``stored(batch, summary)``, called in the storing thread once the batch is committed.
Stored = Callable[[ParsedBatch, LoadSummary], None]


def read_ahead(items: Iterable[T]) -> Iterator[T]:
    """Yield ``items`` in order while a background thread produces the next one.

    ``items`` is usually a generator that reads files or API responses. Run
    one batch ahead, reading (Polars, the network) overlaps with storing
    (SQLite, or PostgreSQL's server process) on a machine with more than one
    core. Readers are pure, they never touch the database, so running them in
    another thread is safe. A batch that fails to read raises when its turn
    comes, after the batches before it have been stored.
    """
    iterator = iter(items)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="kasvu-read") as pool:
        pending = pool.submit(next, iterator, _END)
        while True:
            item = pending.result()
            if item is _END:
                return
            pending = pool.submit(next, iterator, _END)
            yield item  # type: ignore[misc]


def indicator_keys(batch: ParsedBatch) -> frozenset[str]:
    """The indicators a batch writes: its metadata and its observations."""
    keys = {meta.key for meta in batch.indicators}
    keys.update(batch.observations["indicator"].unique().to_list())
    return frozenset(keys)


def check_jobs(jobs: int) -> None:
    """Raise ValueError, saying what to do, unless ``jobs`` stores can run at once on this database."""
    if jobs < 1:
        raise ValueError(f"--jobs {jobs}: give 1 or more.")
    if jobs > 1 and connection.vendor != "postgresql":
        raise ValueError("--jobs above 1 needs PostgreSQL: SQLite has one writer at a time. Use --jobs 1.")


def store_all(
    batches: Iterable[ParsedBatch],
    *,
    kind: str,
    user: str = "",
    jobs: int = 1,
    stored: Stored | None = None,
    progress: Callable[[ParsedBatch], Callable[[int, int], None] | None] | None = None,
) -> list[LoadSummary]:
    """Store every batch (each one transaction) and return the summaries in the order given.

    With ``jobs == 1`` batches are stored in order and the first failure stops
    the rest. With ``jobs > 1`` (PostgreSQL) up to ``jobs`` are stored at once;
    after a failure no new batch starts, those already being stored finish
    (``stored`` reports each), and the failure is raised.
    """
    check_jobs(jobs)
    lookups = Lookups()
    prepared = read_ahead((batch, prepare(batch, lookups)) for batch in batches)
    if jobs == 1:
        summaries = []
        for batch, ready in prepared:
            summary = load(
                batch, kind=kind, user=user, progress=progress(batch) if progress else None, prepared=ready
            )
            if stored:
                stored(batch, summary)
            summaries.append(summary)
        return summaries
    return _store_in_parallel(prepared, kind=kind, user=user, jobs=jobs, stored=stored)


@dataclass
class _Traffic:
    """What the parallel stores are doing, guarded by ``changed``."""

    changed: threading.Condition = field(default_factory=threading.Condition)
    busy: set[str] = field(default_factory=set)  # indicator keys being written
    running: int = 0
    failed: list[BaseException] = field(default_factory=list)


def _store_in_parallel(
    prepared: Iterable[tuple[ParsedBatch, Prepared]],
    *,
    kind: str,
    user: str,
    jobs: int,
    stored: Stored | None,
) -> list[LoadSummary]:
    traffic = _Traffic()
    work: queue.SimpleQueue[tuple[int, ParsedBatch, Prepared, frozenset[str]] | None] = queue.SimpleQueue()
    summaries: dict[int, LoadSummary] = {}

    def worker() -> None:
        try:
            while (item := work.get()) is not None:
                index, batch, ready, keys = item
                try:
                    summaries[index] = load(batch, kind=kind, user=user, prepared=ready)
                    if stored:
                        stored(batch, summaries[index])
                except BaseException as exc:  # noqa: BLE001 - raised again in the calling thread
                    traffic.failed.append(exc)
                finally:
                    with traffic.changed:
                        traffic.busy.difference_update(keys)
                        traffic.running -= 1
                        traffic.changed.notify_all()
        finally:
            connections.close_all()  # this thread's own connection

    threads = [threading.Thread(target=worker, name=f"kasvu-store-{i}", daemon=True) for i in range(jobs)]
    for thread in threads:
        thread.start()
    try:
        for index, (batch, ready) in enumerate(prepared):
            keys = indicator_keys(batch)
            with traffic.changed:
                # In order: a batch also waits for earlier ones that write the same indicators.
                traffic.changed.wait_for(
                    lambda keys=keys: traffic.failed or (traffic.running < jobs and not keys & traffic.busy)
                )
                if traffic.failed:
                    break
                traffic.busy.update(keys)
                traffic.running += 1
            work.put((index, batch, ready, keys))
    finally:
        for _ in threads:
            work.put(None)
        for thread in threads:
            thread.join()
    if traffic.failed:
        raise traffic.failed[0]
    return [summaries[i] for i in sorted(summaries)]
