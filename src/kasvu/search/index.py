"""The site search: areas (all their names), indicators and plans in one index, the knowledge bank in its own.

Each area, indicator and plan has a :class:`~kasvu.search.models.Document` of
terms made by :mod:`kasvu.search.morphology`. A query word matches a document
when the document has all terms of one of the word's alternatives; every word
must match. The test is ``LIKE '% term %'``, the same on SQLite and
PostgreSQL: a scan, a few milliseconds for the thousands of documents a
national installation has.

The index keeps itself current without a step to remember: before a search,
each kind's signature (the morphology in use, the row count and newest id, the
newest import) is compared with the one its documents were built from, and a
kind that differs is rebuilt. Saving or deleting a row through Django marks
its kind stale (:mod:`kasvu.search.signals`); imports are caught by the
newest import id. ``kasvu search reindex`` rebuilds everything.

The knowledge bank keeps its terms in ``Entry.search_terms`` (ranked full-text
search, :mod:`kasvu.knowledge.search`), made on every save; they are remade
after ``kasvu migrate`` when the morphology in use has changed (an upgrade, or
Voikko installed since), and by ``kasvu search reindex``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Max, Model, Q

from kasvu.search import morphology
from kasvu.search.models import Document, IndexState

KINDS = ("area", "indicator", "plan")
ENTRY = "entry"
BATCH = 1000


@dataclass(frozen=True)
class Texts:
    """What one object is found by: title words rank above the rest."""

    object_id: int
    title: list[str]
    body: list[str]


def _areas() -> Iterator[Texts]:
    from kasvu.bank.models import Area

    for a in Area.objects.values("id", "code", "name_fi", "name_sv", "name_en", "description").iterator():
        yield Texts(a["id"], [a["name_fi"], a["name_sv"], a["name_en"], a["code"]], [a["description"]])


INDICATOR_BODY = tuple(
    f"{field}_{lang}" for field in ("description", "numerator", "denominator") for lang in ("fi", "sv", "en")
)


def _indicators() -> Iterator[Texts]:
    from kasvu.bank.models import Indicator

    rows = Indicator.objects.values("id", "key", "title_fi", "title_sv", "title_en", *INDICATOR_BODY)
    for i in rows.iterator():
        yield Texts(
            i["id"],
            [i["title_fi"], i["title_sv"], i["title_en"]],
            [i["key"], *(i[f] for f in INDICATOR_BODY)],
        )


def _plans() -> Iterator[Texts]:
    from kasvu.plans.models import Action, Goal, Plan

    body: dict[int, list[str]] = {}
    for g in Goal.objects.values("plan_id", "statement_fi", "statement_sv"):
        body.setdefault(g["plan_id"], []).extend([g["statement_fi"], g["statement_sv"]])
    for a in Action.objects.values("goal__plan_id", "description_fi", "description_sv", "owner"):
        body.setdefault(a["goal__plan_id"], []).extend([a["description_fi"], a["description_sv"], a["owner"]])
    for p in Plan.objects.values("id", "title_fi", "title_sv", "approved_by"):
        yield Texts(p["id"], [p["title_fi"], p["title_sv"]], [p["approved_by"], *body.get(p["id"], [])])


def _model(kind: str) -> type[Model]:
    from kasvu.bank.models import Area, Indicator
    from kasvu.knowledge.models import Entry
    from kasvu.plans.models import Plan

    return {"area": Area, "indicator": Indicator, "plan": Plan, ENTRY: Entry}[kind]


SOURCES: dict[str, Callable[[], Iterable[Texts]]] = {"area": _areas, "indicator": _indicators, "plan": _plans}


def signature(kind: str) -> str:
    """What the documents of ``kind`` depend on; cheap (two aggregates)."""
    from kasvu.bank.models import ImportRun

    engine = morphology.engine_description()
    if kind == ENTRY:
        return engine
    rows = _model(kind).objects.aggregate(count=Count("id"), newest=Max("id"))
    imports = ImportRun.objects.aggregate(newest=Max("id"))["newest"] if kind != "plan" else ""
    return f"{engine}|{rows['count']}|{rows['newest']}|{imports}"[:500]


def _spaced(texts: Iterable[str]) -> str:
    return f" {morphology.index_terms(t for t in texts if t)} "


def _fingerprint(texts: Texts) -> str:
    """What a document's terms are made of: its texts and the morphology that analyses them."""
    digest = hashlib.sha1(morphology.engine_description().encode(), usedforsecurity=False)
    for part in [*texts.title, "\x1e", *texts.body]:
        digest.update(b"\x1f" + (part or "").encode())
    return digest.hexdigest()


def update(kind: str) -> int:
    """Bring the documents of one kind up to date; returns how many were (re)made.

    Only objects whose texts changed are analysed again, so refreshing after an import of new values
    (same indicators) reads the texts and analyses nothing.
    """
    if kind == ENTRY:
        return rebuild(kind)
    known = dict(Document.objects.filter(kind=kind).values_list("object_id", "fingerprint"))
    fresh: list[Document] = []
    seen: set[int] = set()
    for texts in SOURCES[kind]():
        seen.add(texts.object_id)
        fingerprint = _fingerprint(texts)
        if known.get(texts.object_id) != fingerprint:
            fresh.append(
                Document(
                    kind=kind,
                    object_id=texts.object_id,
                    title_terms=_spaced(texts.title),
                    terms=_spaced(texts.title + texts.body),
                    fingerprint=fingerprint,
                )
            )
    outdated = [d.object_id for d in fresh if d.object_id in known] + sorted(set(known) - seen)
    with transaction.atomic():
        for start in range(0, len(outdated), BATCH):
            Document.objects.filter(kind=kind, object_id__in=outdated[start : start + BATCH]).delete()
        Document.objects.bulk_create(fresh, batch_size=BATCH, ignore_conflicts=True)
        _remember(kind)
    return len(fresh)


def rebuild(kind: str) -> int:
    """Build the documents of one kind afresh. Returns how many."""
    if kind == ENTRY:
        from kasvu.knowledge import search as knowledge_search

        count = knowledge_search.rebuild()
        _remember(kind)
        return count
    Document.objects.filter(kind=kind).delete()
    return update(kind)


def _remember(kind: str) -> None:
    IndexState.objects.update_or_create(kind=kind, defaults={"signature": signature(kind)})


def mark_stale(kind: str) -> None:
    IndexState.objects.filter(kind=kind).delete()


def refresh(kinds: Iterable[str] = (*KINDS, ENTRY)) -> list[str]:
    """Rebuild the kinds whose sources changed since they were built; returns those rebuilt."""
    stored = dict(IndexState.objects.values_list("kind", "signature"))
    stale = [kind for kind in kinds if stored.get(kind) != signature(kind)]
    for kind in stale:
        update(kind)
    return stale


def _word_condition(word: str, alternatives: list[morphology.Alternative]) -> Q:
    condition = Q()
    for alternative in alternatives:
        every = Q()
        for term in alternative:
            every &= Q(terms__contains=f" {term} ")
        condition |= every
    if len(word) >= morphology.MIN_PREFIX:
        condition |= Q(terms__contains=f" {word}")  # a word being typed: "lohj" finds Lohja
    return condition


def _title_score(title_terms: str, groups: list[list[morphology.Alternative]]) -> int:
    present = set(title_terms.split())
    return sum(any(set(alt) <= present for alt in group) for group in groups)


def find(query: str, kinds: Iterable[str] = KINDS) -> dict[str, list[int]]:
    """Ids of the objects of each kind that match every word of ``query``, best first.

    Objects whose title (for an area: a name or its code) matches more of the words come first.
    """
    words = list(dict.fromkeys(morphology.words(query)))
    kinds = list(kinds)
    found: dict[str, list[int]] = {kind: [] for kind in kinds}
    if not words:
        return found
    refresh(kinds)
    groups = morphology.query_groups(query)
    condition = Q()
    for word, alternatives in zip(words, groups, strict=True):
        condition &= _word_condition(word, alternatives)
    rows = Document.objects.filter(kind__in=kinds).filter(condition)
    scored = sorted(
        ((-_title_score(title, groups), kind, object_id) for kind, object_id, title in
         rows.values_list("kind", "object_id", "title_terms")),
    )  # fmt: skip
    for _, kind, object_id in scored:
        found[kind].append(object_id)
    return found
