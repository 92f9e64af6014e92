"""Words that come with the data, in the reader's language: units, attributions, notes, dates.

Importers store a unit ("per 1,000", "persons"), an attribution ("Source: THL, Sotkanet.fi") and notes
("Retrieved 2013-09-08.") once, in English, as their sources write them. Pages, charts and reports show
them through these functions, so that a Finnish page says "‰", "henkilöä", "Lähde: THL, Sotkanet.fi"
and "Haettu 8.9.2013" without every importer and every stored row carrying three languages. Unknown
words are returned unchanged (a user's own unit "käyntiä" stays as typed).

Pure: no Django.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

NBSP = "\u00a0"
LANGS = ("fi", "sv", "en")

#: Unit as stored → (Finnish, Swedish, English).
UNITS: dict[str, tuple[str, str, str]] = {
    "per 1,000": ("‰", "‰", "per 1,000"),
    "per 1000": ("‰", "‰", "per 1,000"),
    "per 10,000": (f"/10{NBSP}000", f"/10{NBSP}000", "per 10,000"),
    "per 100,000": (f"/100{NBSP}000", f"/100{NBSP}000", "per 100,000"),
    "per 100 persons of working age": (
        "työikäistä sataa kohden",
        "per 100 personer i arbetsför ålder",
        "per 100 persons of working age",
    ),
    "persons": ("henkilöä", "personer", "persons"),
    "count": ("lukumäärä", "antal", "count"),
    "hours": ("tuntia", "timmar", "hours"),
    "days": ("päivää", "dagar", "days"),
    "years": ("vuotta", "år", "years"),
    "euros": ("euroa", "euro", "euros"),
    "euros per inhabitant": ("euroa/asukas", "euro/invånare", "euros per inhabitant"),
    "Gini coefficient × 100": ("Gini-kerroin × 100", "Ginikoefficient × 100", "Gini coefficient × 100"),
    "index": ("indeksi", "index", "index"),
}

#: Attribution as stored → (Finnish, Swedish, English).
ATTRIBUTIONS: dict[str, tuple[str, str, str]] = {
    "Source: THL, Sotkanet.fi": (
        "Lähde: THL, Sotkanet.fi",
        "Källa: THL, Sotkanet.fi",
        "Source: THL, Sotkanet.fi",
    ),
    "Source: Statistics Finland": (
        "Lähde: Tilastokeskus",
        "Källa: Statistikcentralen",
        "Source: Statistics Finland",
    ),
    "Generated demo data (kasvu), not real": (
        "Generoitu demoaineisto (kasvu), ei todellisia arvoja",
        "Genererade demodata (kasvu), inte verkliga värden",
        "Generated demo data (kasvu), not real",
    ),
    "Source: the municipalities' own figures, collected by the regional unit": (
        "Lähde: kuntien omat luvut, kerännyt alueen yksikkö",
        "Källa: kommunernas egna siffror, insamlade av regionens enhet",
        "Source: the municipalities' own figures, collected by the regional unit",
    ),
    "Generated demo data, not real": (
        "Generoitu demoaineisto, ei todellisia arvoja",
        "Genererade demodata, inte verkliga värden",
        "Generated demo data, not real",
    ),
}
_SOURCE_WORD = ("Lähde", "Källa", "Source")
_GENERATED_SUFFIX = " (GENERATED demo data, not real)"
_GENERATED_WORDS = (
    " (GENEROITU demoaineisto, ei todellisia arvoja)",
    " (GENERERADE demodata, inte verkliga värden)",
    _GENERATED_SUFFIX,
)
_RETRIEVED = re.compile(r"\bRetrieved (\d{4}-\d{2}-\d{2})\.?", re.IGNORECASE)
_RETRIEVED_WORD = ("Haettu", "Hämtad", "Retrieved")
_MONTHS_EN = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def _index(lang: str) -> int:
    return LANGS.index(lang) if lang in LANGS else 2


def unit_label(unit: str | None, lang: str = "fi") -> str:
    """ "per 1,000" → "‰" (fi, sv); "persons" → "henkilöä"; an unknown unit unchanged; None → ""."""
    u = (unit or "").strip()
    words = UNITS.get(u)
    return words[_index(lang)] if words else u


#: Attributions that name a source in three languages of their own (a survey round: "Survey of pupils in
#: grades 1–6 2024"), looked up by the text stored; set by the bank app (kasvu.bank.apps) to read them
#: from the bank's sources, since they are not known when this module is written.
def _no_names(text: str) -> tuple[str, str, str] | None:
    return None


_named: Callable[[str], tuple[str, str, str] | None] = _no_names


def set_attribution_names(lookup: Callable[[str], tuple[str, str, str] | None]) -> None:
    """Use ``lookup(text)`` → (Finnish, Swedish, English) for attributions not listed in ATTRIBUTIONS."""
    global _named
    _named = lookup


def attribution_label(text: str | None, lang: str = "fi") -> str:
    """ "Source: THL, Sotkanet.fi" → "Lähde: THL, Sotkanet.fi"; any other "Source: X" → "Lähde: X"; a
    survey round by its name in ``lang``."""
    t = (text or "").strip()
    if t.endswith(_GENERATED_SUFFIX):  # a generated survey round (kasvu.surveys.publication)
        return attribution_label(t[: -len(_GENERATED_SUFFIX)], lang) + _GENERATED_WORDS[_index(lang)]
    if t in ATTRIBUTIONS:
        return ATTRIBUTIONS[t][_index(lang)]
    if t.startswith("Source: "):
        return f"{_SOURCE_WORD[_index(lang)]}: {t[len('Source: ') :]}"
    named = _named(t) if t else None
    return (named[_index(lang)] or t) if named is not None else t


def source_name(text: str | None, lang: str = "fi") -> str:
    """The source an attribution names, without its "Source:" word, for a sentence that says "Lähde: …"
    itself: "Source: THL, Sotkanet.fi" → "THL, Sotkanet.fi"; "Generated demo data, not real" → "Generoitu
    demoaineisto, ei todellisia arvoja"."""
    label = attribution_label(text, lang)
    for word in _SOURCE_WORD:
        if label.startswith(f"{word}: "):
            return label[len(word) + 2 :]
    return label


def date_label(day: dt.date | str | None, lang: str = "fi") -> str:
    """A date in running text: "8.9.2013" (fi, sv), "8 September 2013" (en); "" for None."""
    if day is None or day == "":
        return ""
    if isinstance(day, str):
        text = day
        try:
            day = dt.date.fromisoformat(text[:10])
        except ValueError:
            return text  # not a date kasvu wrote: shown as it is
    if isinstance(day, dt.datetime):
        day = day.date()
    if lang in ("fi", "sv"):
        return f"{day.day}.{day.month}.{day.year}"
    return f"{day.day} {_MONTHS_EN[day.month - 1]} {day.year}"


def note_label(notes: dict[str, object] | None, lang: str = "fi") -> str:
    """An indicator's note in ``lang``. Notes written only in English show in Finnish and Swedish as
    their retrieval date ("Haettu 8.9.2013."), the one part every note of an importer shares; the rest
    of an English technical note is shown on the English page."""
    notes = notes or {}
    own = notes.get(lang)
    if own:
        return _text(own)
    english = _text(notes.get("en") or "")
    if lang == "en" or not english:
        return english or _text(notes.get("fi") or "")
    found = _RETRIEVED.search(english)
    if found is None:
        return _text(notes.get("fi") or notes.get("sv") or "")
    return f"{_RETRIEVED_WORD[_index(lang)]} {date_label(found.group(1), lang)}."


def _text(note: object) -> str:
    if isinstance(note, list):
        return "; ".join(str(v) for v in note)
    return str(note)


#: Month names as a period is called: "maaliskuu 2024", "mars 2024", "March 2024".
_MONTH_NAMES = {
    "fi": (
        "tammikuu", "helmikuu", "maaliskuu", "huhtikuu", "toukokuu", "kesäkuu",
        "heinäkuu", "elokuu", "syyskuu", "lokakuu", "marraskuu", "joulukuu",
    ),
    "sv": (
        "januari", "februari", "mars", "april", "maj", "juni",
        "juli", "augusti", "september", "oktober", "november", "december",
    ),
    "en": tuple(_MONTHS_EN),
}  # fmt: skip
_QUARTER = {"fi": "{n}. vuosineljännes {year}", "sv": "kvartal {n} {year}", "en": "Q{n} {year}"}
_HALF = {"fi": "{n}. vuosipuolisko {year}", "sv": "halvår {n} {year}", "en": "H{n} {year}"}
_SCHOOL_YEAR = {
    "fi": "lukuvuosi {first}–{last}",
    "sv": "läsåret {first}–{last}",
    "en": "school year {first}–{last}",
}


def period_label(year: int, sub: int = 0, lang: str = "fi") -> str:
    """A period as a reader says it: 2024; "maaliskuu 2024" / "mars 2024" / "March 2024"; "1. vuosineljännes
    2024" / "kvartal 1 2024" / "Q1 2024"; half-years alike; "lukuvuosi 2024–2025"; pooled "2022–2023"."""
    from kasvu.readmodel.periods import HALF_BASE, QUARTER_BASE, SCHOOL_YEAR, code_of, kind_of

    lang = lang if lang in LANGS else "en"
    kind = kind_of(sub)
    if kind == "month":
        return f"{_MONTH_NAMES[lang][sub - 1]} {year}"
    if kind == "quarter":
        return _QUARTER[lang].format(n=sub - QUARTER_BASE, year=year)
    if kind == "half_year":
        return _HALF[lang].format(n=sub - HALF_BASE, year=year)
    if sub == SCHOOL_YEAR:
        return _SCHOOL_YEAR[lang].format(first=year, last=year + 1)
    return code_of(year, sub)
