"""After every change of the data, compute what visitors will ask for, so that no visitor pays.

Why: right after an import the first profile of each area took 1.5–4 s: group values, ranking bands and
the profile itself were computed by whoever came first, in every server process. The job here computes
them once, for the new data version, into the shared cache (:mod:`kasvu.sharedcache`):

* the public profile of every current area with its default references, all indicators, in each language
  (:func:`profile_summary` keeps it; computing it fills the group values and ranking bands of the read
  model's cache too, which every other page uses);
* then the internal view of the same profiles (what signed-in staff see: their pages are never cached
  whole) in the default language;

It runs in a background thread of the process that changed the data (:func:`request`): after an import
(``observations_changed``), a change of a group's members (``kasvu areas``, the admin) or of Finland's areas, and so
after every new suppression pattern (made by those). Requests that come while it runs are coalesced: the
job starts again once for the newest version. ``kasvu import`` and ``kasvu areas`` wait for it and show
its progress in their summary (:func:`wait`); ``kasvu precompute`` runs it by hand.

A finished job leaves a mark for its data version in the shared cache (:func:`done`). ``kasvu demo load``
does not wait for the job (:func:`skipped`): ``kasvu serve`` starts ``kasvu precompute --if-needed`` in the
background when the mark of the current version is missing, and pages that come before it compute
themselves (:func:`profile_summary`), as correct as ever, only slower.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.conf import settings

log = logging.getLogger("kasvu.precompute")

#: Kinds of area whose profiles are computed ahead (the kinds the profile pages serve).
KINDS = ("municipality", "group", "region", "county", "country", "subregion", "district")


@dataclass
class Progress:
    """What the job has done for which data version (read by :func:`wait` and the import summary)."""

    version: Any = None
    done: int = 0
    total: int = 0
    seconds: float = 0.0
    running: bool = False
    failed: str = ""
    languages: tuple[str, ...] = ()

    def line(self) -> str:
        if self.failed:
            return f"precompute failed: {self.failed} (pages are computed on demand instead)"
        langs = ", ".join(self.languages)
        return (
            f"precomputed for visitors: {self.done} of {self.total} area profiles ({langs}"
            f"{'; internal view: ' + settings.LANGUAGE_CODE if settings.LANGUAGE_CODE in self.languages else ''}), "
            f"with their group values and ranking bands, in {self.seconds:.1f} s"
        )


_LOCK = threading.Lock()
_PROGRESS = Progress()
_THREAD: threading.Thread | None = None
_AGAIN = threading.Event()
_DEFERRED = {"depth": 0, "pending": False, "skip": 0}
_REQUESTS = [0]  # jobs started or asked for again, so that a command reports only its own


def requests_so_far() -> int:
    return _REQUESTS[0]


def enabled() -> bool:
    """Off in tests (they call :func:`run` themselves) and when ``KASVU_PRECOMPUTE=0``."""
    return bool(settings.KASVU.get("PRECOMPUTE", True))


# ---------------------------------------------------------------------------
# Profile summaries in the shared cache


def _summary_key(
    area_id: int,
    reference_ids: Sequence[int] | None,
    public: bool,
    lang: str,
    indicator_ids: Sequence[int] | None,
) -> tuple[Any, ...]:
    refs = tuple(reference_ids) if reference_ids is not None else None
    inds = tuple(sorted(indicator_ids)) if indicator_ids is not None else None
    return ("profile", area_id, refs, public, lang, inds)


def profile_summary(
    area_id: int,
    reference_ids: Sequence[int] | None = None,
    *,
    public: bool = True,
    lang: str = "fi",
    indicator_ids: Sequence[int] | None = None,
) -> Any:
    """The profile of :func:`kasvu.profiles.build_profile`, from the shared cache when this data version's
    is there (computed ahead by the job, or by another visitor), else built and kept."""
    from kasvu import profiles
    from kasvu.readmodel import data_version
    from kasvu.sharedcache import VersionedStore

    store = VersionedStore()
    namespace = store.namespace(data_version())
    key = _summary_key(area_id, reference_ids, public, lang, indicator_ids)
    hit = store.get(namespace, key)
    if hit is not None:
        hit.timings = {"total": 0.0, "cached": 1.0}
        return hit
    profile = profiles.build_profile(
        area_id, reference_ids, public=public, lang=lang, indicator_ids=indicator_ids
    )
    store.put(namespace, key, profile)
    return profile


def kept(key: Any, build: Callable[[], Any]) -> Any:
    """``build()``, kept in the shared cache under ``key`` for this data version (and release of the code)."""
    from kasvu.readmodel import data_version
    from kasvu.sharedcache import VersionedStore

    store = VersionedStore()
    namespace = store.namespace(data_version())
    hit = store.get(namespace, key)
    if hit is not None:
        return hit
    value = build()
    store.put(namespace, key, value)
    return value


# ---------------------------------------------------------------------------
# The job


def _areas() -> list[int]:
    from kasvu.bank.models import Area

    ids: list[int] = []
    for kind in KINDS:  # municipalities first: most visitors ask for them
        ids += list(
            Area.objects.filter(kind=kind, valid_to__isnull=True)
            .order_by("code")
            .values_list("id", flat=True)
        )
    return ids


def run(
    progress: Callable[[Progress], None] | None = None, languages: Sequence[str] | None = None
) -> Progress:
    """Compute every current area's public profile in each language into the shared cache (see the module)."""
    from kasvu.readmodel import data_version

    langs = tuple(languages or [code for code, _name in settings.LANGUAGES])
    started = time.perf_counter()
    state = Progress(version=data_version(), running=True, languages=langs)
    areas = _areas()
    # Public profiles in every language; then the internal view (signed-in staff, never cached whole) in
    # the default language, which staff read.
    jobs = [(lang, True) for lang in langs] + [
        (lang, False) for lang in langs if lang == settings.LANGUAGE_CODE
    ]
    state.total = len(areas) * len(jobs)
    for lang, public in jobs:
        for area_id in areas:
            profile_summary(area_id, public=public, lang=lang)
            state.done += 1
            state.seconds = time.perf_counter() - started
            if progress is not None:
                progress(state)
    state.running = False
    state.seconds = time.perf_counter() - started
    _mark(state.version, langs)
    return state


# ---------------------------------------------------------------------------
# Marks: which data version has been computed ahead, and who is computing it

_MARK = "precomputed"
_CLAIM = "precomputing"
#: A claim lapses after this many seconds (a job that died leaves no lasting claim).
CLAIM_SECONDS = 1800


def _store_and_namespace(version: Any = None) -> tuple[Any, str]:
    from kasvu.readmodel import data_version
    from kasvu.sharedcache import VersionedStore

    store = VersionedStore()
    return store, store.namespace(data_version() if version is None else version)


def _mark(version: Any, langs: Sequence[str]) -> None:
    store, namespace = _store_and_namespace(version)
    store.put(namespace, _MARK, tuple(sorted(langs)))


def done(languages: Sequence[str] | None = None) -> bool:
    """Has the job finished for the current data version (in every language asked for, default all)?"""
    langs = set(languages or [code for code, _name in settings.LANGUAGES])
    store, namespace = _store_and_namespace()
    kept = store.get(namespace, _MARK)
    return kept is not None and langs <= set(kept)


def claim() -> bool:
    """Take the current data version's job for this process; False when another process has it."""
    from kasvu.sharedcache import safely

    store, namespace = _store_and_namespace()
    try:
        return bool(safely(store._cache, "add", f"{namespace}:{_CLAIM}", 1, CLAIM_SECONDS))
    except Exception:  # no shared cache: compute anyway (on demand would cost the same)
        return True


def _job() -> None:
    global _PROGRESS
    from django.db import connections

    try:
        while True:
            _AGAIN.clear()

            def publish(state: Progress) -> None:
                global _PROGRESS
                with _LOCK:
                    _PROGRESS = state

            try:
                publish(run(progress=publish))
                log.info("%s", _PROGRESS.line())
            except Exception as exc:  # the pages are computed on demand instead
                log.exception("precompute failed")
                with _LOCK:
                    _PROGRESS = Progress(failed=f"{type(exc).__name__}: {exc}")
            if not _AGAIN.is_set():
                break
    finally:
        connections.close_all()  # this thread's own connections


def request(**_: Any) -> None:
    """Start the job in the background, or once more after the running one (a newer version came)."""
    global _THREAD
    if not enabled():
        return
    with _LOCK:
        if _DEFERRED["skip"]:
            return
        if _DEFERRED["depth"]:
            _DEFERRED["pending"] = True
            return
        _REQUESTS[0] += 1
        if _THREAD is not None and _THREAD.is_alive():
            _AGAIN.set()
            return
        _PROGRESS.running = True
        _THREAD = threading.Thread(target=_job, name="kasvu-precompute", daemon=True)
        _THREAD.start()


def on_membership_change(sender: Any, **kwargs: Any) -> None:
    """``post_save``/``post_delete``: a group's members changed (e.g. in the admin): a job once committed."""
    meta = getattr(sender, "_meta", None)
    if meta is not None and meta.label == "bank.Membership" and enabled():
        from django.db import transaction

        transaction.on_commit(request)


@contextmanager
def deferred() -> Iterator[None]:
    """Requests made inside start one job at the end (an import of many files computes once)."""
    with _LOCK:
        _DEFERRED["depth"] += 1
    try:
        yield
    finally:
        with _LOCK:
            _DEFERRED["depth"] -= 1
            start = not _DEFERRED["depth"] and _DEFERRED["pending"]
            if start:
                _DEFERRED["pending"] = False
        if start:
            request()


@contextmanager
def skipped() -> Iterator[None]:
    """Requests made inside start no job (``kasvu demo load``: ``kasvu serve`` starts it, :func:`done`)."""
    with _LOCK:
        _DEFERRED["skip"] += 1
    try:
        yield
    finally:
        with _LOCK:
            _DEFERRED["skip"] -= 1


def wait(progress: Callable[[Progress], None] | None = None, poll: float = 0.5) -> Progress | None:
    """Wait for the job of this process (if any), reporting its progress; its last state, or None."""
    thread = _THREAD
    if thread is None:
        return None
    while thread.is_alive():
        thread.join(poll)
        if progress is not None:
            with _LOCK:
                progress(_PROGRESS)
    with _LOCK:
        return _PROGRESS


@contextmanager
def progress_bar() -> Iterator[Callable[[Progress], None]]:
    """A progress bar on a terminal (nothing elsewhere), fed with the job's :class:`Progress`."""
    from tqdm import tqdm

    bar = tqdm(total=0, unit=" profiles", disable=None, leave=False, desc="precomputing")

    def show(state: Progress) -> None:
        bar.total = state.total
        bar.update(state.done - bar.n)

    try:
        yield show
    finally:
        bar.close()


def report(write: Callable[[str], None], since: int = -1) -> None:
    """For commands: wait for this process's job with a progress bar, then write its summary line.

    Nothing when no job was asked for after ``since`` (:func:`requests_so_far` before the change)."""
    if _THREAD is None or requests_so_far() <= since:
        return
    with progress_bar() as show:
        state = wait(show)
    if state is not None:
        write(state.line())
