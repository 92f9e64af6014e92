"""Search terms for Finnish, Swedish and English words: base forms, compound parts, stems.

Pure functions, no Django. The same code turns a text into index terms and a
user's query into search terms, so that an inflected query meets the base form
in the text and the other way round.

Finnish words go through Voikko (``libvoikko1`` + ``voikko-fi`` from Debian,
``libvoikko`` from PyPI), which knows the base form and the parts of
compounds: "lasten" → ``lapsi``, "Vihdin" → ``vihti``,
"lastensuojeluilmoitukset" → ``lastensuojeluilmoitus`` with the parts
``lapsi`` + ``suojelu`` + ``ilmoitus``, and derivations to their roots:
"yksinäisyys" → ``yksinäinen``, "kiusattu" → ``kiusata``. A query for "lapsi"
therefore finds "Lastensuojelun avohuollon asiakkaat".

When Voikko is not installed, or does not know a word (a Swedish name, an
English word), Snowball's Finnish stemmer stands in, with
:func:`normalise_finnish_stem` joining the word types it keeps apart. It knows
no compounds and no consonant gradation ("Vihdin" → ``vihd``, not ``vihti``):
the admin says which one an installation uses (:func:`engine_description`).
Swedish and English words are stemmed with Snowball; Swedish compounds are split into the words of
Debian's hunspell-sv dictionary (:func:`split_compound`). Words meet across languages and synonyms
through the texts indexed (an indicator's titles and descriptions in three languages), not a list here.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any, Protocol

import snowballstemmer  # type: ignore[import-untyped]

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
# One morpheme of Voikko's WORDBASES: "+kiusa(kiusata)", "+t", "+tu(+tu)".
_MORPHEME = re.compile(r"\+([^+(]*)(?:\(([^)]*)\))?")
_KS = ("uks", "yks", "oks", "öks")
_D = ("uud", "yyd", "aud", "äyd", "eud", "oud")
MIN_NORMALISED = 5
MIN_PREFIX = 4  # a query word this long also finds words it begins ("lohj" → Lohja)

#: Swedish word list for splitting compounds: Debian's hunspell-sv (LibreOffice's Swedish dictionary). Its
#: stems ("barn", "skydd", "anmälning") are what a compound is split into; without it Swedish words are
#: stemmed whole.
SWEDISH_WORDS = ("/usr/share/hunspell/sv_SE.dic", "/usr/share/hunspell/sv_FI.dic")
MIN_PART = 3  # shortest part of a compound ("barn", "ålder"; not "i", "om")
LINKS = ("", "s")  # Swedish joins parts directly or with -s- ("barnskydd-s-anmälan")


@cache
def swedish_words() -> frozenset[str]:
    """The Swedish dictionary's words (lower case, letters only), or none when it is not installed."""
    for path in SWEDISH_WORDS:
        try:
            with open(path, encoding="utf-8", errors="replace") as f:
                next(f, None)  # the first line is the word count
                found = {line.split("/", 1)[0].strip().lower() for line in f}
        except OSError:
            continue
        return frozenset(w for w in found if len(w) >= MIN_PART and w.isalpha())
    return frozenset()


def split_compound(word: str, known: frozenset[str], _depth: int = 0) -> tuple[str, ...]:
    """The parts of a Swedish compound, each a dictionary word: "barnskyddsanmälning" → ("barn",
    "skydd", "anmälning"); () when the word is not a compound of known words. The longest known first
    part is tried first, as dictionary decompounders do (Lucene's DictionaryCompoundWordTokenFilter)."""
    if _depth > 4 or len(word) < 2 * MIN_PART:
        return ()
    for cut in range(len(word) - MIN_PART, MIN_PART - 1, -1):
        head = word[:cut]
        if head not in known:
            continue
        for link in LINKS:
            tail = word[cut:]
            if not tail.startswith(link) or len(tail) - len(link) < MIN_PART:
                continue
            tail = tail[len(link) :]
            if tail in known:
                return (head, tail)
            rest = split_compound(tail, known, _depth + 1)
            if rest:
                return (head, *rest)
    return ()


# A query word matches a text when the text has every term of one of its alternatives.
Alternative = tuple[str, ...]


@dataclass(frozen=True)
class Reading:
    """One reading of a Finnish word: its base form, compound parts and the roots of derived parts."""

    base: str
    parts: tuple[str, ...]
    roots: tuple[str, ...]


class FinnishAnalyser(Protocol):
    def readings(self, word: str) -> list[Reading]: ...


@cache
def _stemmer(language: str) -> Any:
    return snowballstemmer.stemmer(language)


def words(text: str) -> list[str]:
    """Lower-cased words of ``text``: letters and digits, any script."""
    return [w.lower() for w in _WORD.findall(text or "")]


def _clean(term: str) -> str:
    """A term as one word of letters and digits: Voikko writes some bases with ``=`` or ``-``."""
    return "".join(_WORD.findall(term))


def normalise_finnish_stem(stem: str) -> str:
    """Join the Snowball stems of Finnish word types it keeps apart.

    ``perhekeskuks`` → ``perhekeskus`` (keskus, keskuksen),
    ``kysymyks`` → ``kysymys``, ``osallisuud`` → ``osallisuus``,
    ``rakkaud`` → ``rakkaus``. Short stems are left alone.
    """
    if len(stem) < MIN_NORMALISED:
        return stem
    if stem.endswith(_KS):
        return stem[:-2] + "s"
    if stem.endswith(_D):
        return stem[:-1] + "s"
    return stem


def reading_from_voikko(base: str, wordbases: str | None) -> Reading:
    """A :class:`Reading` from Voikko's BASEFORM and WORDBASES.

    WORDBASES lists morphemes as written with their base in brackets:
    ``+lasten(lapsi)+suojel(suojella)+u(+u)+ilmoit(ilmoittaa)+us(+us)``. A
    morpheme whose base starts with ``+`` (or has none) continues the part
    before it. A part of one morpheme is named by its base (``lapsi``); a
    derived part by its letters (``suojelu``), the last part by the end of the
    base form (``ilmoitus``, not the plural as written). Roots are the bases
    of the first morphemes of derived parts (``suojella``, ``ilmoittaa``).
    """
    base = base.lower()
    groups: list[list[tuple[str, str | None]]] = []
    for text, stem in _MORPHEME.findall(wordbases or ""):
        stem = stem or None
        continues = stem is None or stem.startswith("+")
        if continues and groups:
            groups[-1].append((text.lower(), None))
            continue
        groups.append([(text.lower(), stem.replace("=", "").lower() if stem else None)])
    parts: list[str] = []
    roots: list[str] = []
    written = ""
    for i, group in enumerate(groups):
        letters = "".join(text for text, _ in group)
        first_base = group[0][1] or letters
        if i == len(groups) - 1 and len(groups) > 1 and base.startswith(written):
            parts.append(base[len(written) :])
        else:
            parts.append(first_base if len(group) == 1 else letters)
        if len(group) > 1:
            roots.append(first_base)
        written += letters
    return Reading(base=base, parts=tuple(parts) if len(parts) > 1 else (), roots=tuple(roots))


class VoikkoAnalyser:
    """Voikko's Finnish morphology. One handle per process, used under a lock (it is not thread-safe)."""

    def __init__(self) -> None:
        import libvoikko  # type: ignore[import-untyped]  # the PyPI binding; loads Debian's libvoikko.so.1 and the voikko-fi dictionary

        self._voikko = libvoikko.Voikko("fi")
        self._lock = threading.Lock()
        dictionaries = libvoikko.Voikko.listDicts()
        name = dictionaries[0].description if dictionaries else "fi"
        self.description = f"Voikko {libvoikko.Voikko.getVersion()} ({name})"

    def readings(self, word: str) -> list[Reading]:
        with self._lock:
            analyses = self._voikko.analyze(word)
        return [reading_from_voikko(a["BASEFORM"], a.get("WORDBASES")) for a in analyses if a.get("BASEFORM")]


class Morphology:
    """Index terms and query alternatives of words, with Voikko or (``finnish=None``) Snowball alone."""

    def __init__(
        self, finnish: FinnishAnalyser | None, description: str, swedish: frozenset[str] | None = None
    ) -> None:
        self.finnish = finnish
        self.swedish = swedish_words() if swedish is None else swedish
        self.description = description + (
            f"; Swedish compounds split with hunspell-sv ({len(self.swedish):,} words)"
            if self.swedish
            else "; Swedish compounds not split (install Debian's hunspell-sv)"
        )
        self._readings = lru_cache(maxsize=200_000)(self._uncached_readings)

    @property
    def uses_voikko(self) -> bool:
        return self.finnish is not None

    def _uncached_readings(self, word: str) -> tuple[Reading, ...]:
        return tuple(self.finnish.readings(word)) if self.finnish else ()

    def _stems(self, word: str, finnish_known: bool) -> set[str]:
        stems = {_stemmer("swedish").stemWord(word), _stemmer("english").stemWord(word), word}
        if not finnish_known:
            stems.add(normalise_finnish_stem(_stemmer("finnish").stemWord(word)))
        return {s for s in stems if s}

    def word_terms(self, word: str) -> set[str]:
        """Every term a word of a text is indexed by."""
        word = word.lower()
        readings = self._readings(word)
        terms = self._stems(word, bool(readings))
        for r in readings:
            terms |= {r.base, *r.parts, *r.roots}
        if not readings:
            parts = self.swedish_parts(word)
            terms |= set(parts)
            for part in parts:  # "barnskydd" in "barnskyddsanmälning" is also "barn" + "skydd"
                terms |= set(self.swedish_parts(part))
        return {_clean(t) for t in terms} - {""}

    def swedish_parts(self, word: str) -> tuple[str, ...]:
        """A Swedish compound's parts, split from its Snowball stem ("barnskyddsanmälningar" →
        "barnskyddsanmälning" → barnskydd + anmälning; "barnfattigdom" → barn + fattigdom); () for other
        words. The word as written is tried first (a dictionary compound may end in a stem's letters),
        then its stem."""
        known = self.swedish
        if not known:
            return ()
        stem = _stemmer("swedish").stemWord(word)
        return split_compound(word, known) or split_compound(stem, known)

    def alternatives(self, word: str) -> list[Alternative]:
        """The ways a query word can match: any one alternative, all of its terms present.

        A compound matches its base form or all of its parts ("lastensuojeluilmoitukset":
        ``lastensuojeluilmoitus``, or ``lapsi`` + ``suojelu`` + ``ilmoitus``), never one part
        alone; a derived word also matches its root ("yksinäisyys": ``yksinäinen``).
        """
        word = word.lower()
        readings = self._readings(word)
        found: dict[Alternative, None] = {(s,): None for s in sorted(self._stems(word, bool(readings)))}
        for r in readings:
            found[(r.base,)] = None
            if r.parts:
                found[tuple(sorted(set(r.parts)))] = None
            elif r.roots:
                found[(r.roots[0],)] = None
        stem = _stemmer("swedish").stemWord(word)
        if not readings and not {word, stem} & self.swedish and (parts := self.swedish_parts(word)):
            found[tuple(sorted(set(parts)))] = None  # not for dictionary words: "fattigdom" ≠ fattig + dom
        cleaned = (tuple(_clean(t) for t in alt) for alt in found)
        return [alt for alt in dict.fromkeys(cleaned) if all(alt)]


def load_morphology() -> Morphology:
    """Voikko when it can be loaded, otherwise Snowball alone, saying why."""
    try:
        analyser = VoikkoAnalyser()
    except Exception as exc:  # ImportError, OSError (no libvoikko.so), VoikkoException (no dictionary)
        reason = " ".join(str(exc).split()) or type(exc).__name__
        return Morphology(
            None,
            f"Snowball stemmer only: Voikko is not available ({reason}). Install Debian's libvoikko1 "
            "and voikko-fi for base forms and compound words.",
        )
    return Morphology(analyser, analyser.description)


@cache
def default() -> Morphology:
    """The process's morphology, loaded once."""
    return load_morphology()


def engine_description() -> str:
    return default().description


def index_terms(texts: Iterable[str], morphology: Morphology | None = None) -> str:
    """The space-separated, sorted index terms of some texts (for FTS5, tsvector 'simple' and LIKE)."""
    m = morphology or default()
    terms: set[str] = set()
    for text in texts:
        for word in words(text):
            terms |= m.word_terms(word)
    return " ".join(sorted(terms))


def query_groups(query: str, morphology: Morphology | None = None) -> list[list[Alternative]]:
    """One group of alternatives per query word: every word must match (AND), by any alternative (OR)."""
    m = morphology or default()
    return [m.alternatives(w) for w in dict.fromkeys(words(query))]


def _quote(term: str) -> str:
    return f'"{term}"'


def fts5_match(query: str, morphology: Morphology | None = None) -> str:
    """An FTS5 MATCH expression: ``("a" OR ("b" AND "c")) AND ("d")``; empty for an empty query."""
    return " AND ".join(
        "(" + " OR ".join("(" + " AND ".join(map(_quote, alt)) + ")" for alt in group) + ")"
        for group in query_groups(query, morphology)
    )


def tsquery_raw(query: str, morphology: Morphology | None = None) -> str:
    """A raw PostgreSQL tsquery for the 'simple' configuration: ``(a | (b & c)) & (d)``."""
    return " & ".join(
        "(" + " | ".join("(" + " & ".join(alt) + ")" for alt in group) + ")"
        for group in query_groups(query, morphology)
    )
