"""Stemmed search terms for Finnish, Swedish and English text.

Pure functions, no Django. The same code turns an entry's text into index
terms and a user's query into search terms, so "perhekeskuksen" (genitive)
and "Perhekeskus" (nominative) meet at the term ``perhekeskus``.

Every word is stemmed with the Snowball stemmers of all three languages, and
each stem is then normalised by :func:`normalise_finnish_stem`: Snowball
leaves Finnish ``-us``/``-uksen`` and ``-uus``/``-uuden`` word types apart
(``perhekeskus`` vs ``perhekeskuks``, ``osallisuus`` vs ``osallisuud``), and
so does PostgreSQL's ``finnish`` configuration, which uses the same stemmer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

import snowballstemmer

LANGUAGES: tuple[str, ...] = ("finnish", "swedish", "english")
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_KS = ("uks", "yks", "oks", "öks")
_D = ("uud", "yyd", "aud", "äyd", "eud", "oud")
MIN_NORMALISED = 5


@cache
def _stemmer(language: str) -> snowballstemmer.stemmer:  # type: ignore[name-defined]
    return snowballstemmer.stemmer(language)


def words(text: str) -> list[str]:
    """Lower-cased words of ``text``: letters and digits, any script."""
    return [w.lower() for w in _WORD.findall(text or "")]


def normalise_finnish_stem(stem: str) -> str:
    """Join the stems of Finnish word types Snowball keeps apart.

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


def word_terms(word: str) -> set[str]:
    """The terms a word is indexed and searched by: its stems in fi, sv and en, normalised."""
    word = word.lower()
    terms = {normalise_finnish_stem(_stemmer(language).stemWord(word)) for language in LANGUAGES}
    return {t for t in terms if t}


def index_terms(texts: Iterable[str]) -> str:
    """The space-separated, sorted index terms of some texts (for FTS5 and tsvector 'simple')."""
    terms: set[str] = set()
    for text in texts:
        for word in words(text):
            terms |= word_terms(word)
    return " ".join(sorted(terms))


def query_groups(query: str) -> list[list[str]]:
    """One group of alternative terms per query word: any term of a group matches that word.

    Every word must match (AND); within a word any of its stems will do (OR).
    ``perhekeskuksen`` → {``perhekeskus``, ``perhekeskuksen``} (Finnish, Swedish and
    English stems), and "Perhekeskus" was indexed as ``perhekeskus``.
    """
    return [sorted(word_terms(w)) for w in dict.fromkeys(words(query))]


def fts5_match(query: str) -> str:
    """An FTS5 MATCH expression: ``("a" OR "b") AND ("c")``; empty for an empty query."""
    groups = query_groups(query)
    return " AND ".join("(" + " OR ".join(f'"{t}"' for t in group) + ")" for group in groups)


def tsquery_raw(query: str) -> str:
    """A raw PostgreSQL tsquery for the 'simple' configuration: ``(a | b) & (c)``."""
    groups = query_groups(query)
    return " & ".join("(" + " | ".join(group) + ")" for group in groups)
