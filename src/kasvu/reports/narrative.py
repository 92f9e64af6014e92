"""Plain-language sentences in Finnish, Swedish and English, from templates (no language model).

The one rule: a sentence says that an area differs from its reference, or that a series rises or falls,
only when the statistics core (:mod:`kasvu.stats.significance`) found it significant, and it always gives
the value with its confidence interval. Otherwise it says there is no statistically significant
difference (or that nothing could be tested). Where a value is missing or not published no test runs, and
the sentence says so ("Vertailualueen Suomi arvo puuttuu"), never that there is no difference. Whether a
difference is favourable follows the indicator's direction; neutral indicators get no judgement.

The sentences are templates in :data:`PHRASES`; a report template folder can override any of them with a
``phrases.yaml`` (see ``docs/reports.md``), so wording can change without touching Python. The choice of
*which* sentence to use stays here, so the rule above holds for every wording.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from kasvu.reports import formatting as fmt
from kasvu.stats.significance import DECREASING, HIGHER, INCREASING, LOWER, NO_DIFFERENCE, NO_TREND

Phrases = Mapping[str, Mapping[str, str]]

PHRASES: dict[str, dict[str, str]] = {
    "fi": {
        "value": "{area}: {value} vuonna {year}.",
        "value_period": "{area}: {value} ({period}).",
        "higher": "Arvo on tilastollisesti merkitsevästi suurempi kuin vertailualueen {ref} arvo {ref_value}.",
        "lower": "Arvo on tilastollisesti merkitsevästi pienempi kuin vertailualueen {ref} arvo {ref_value}.",
        "same": "Arvo ei eroa tilastollisesti merkitsevästi vertailualueen {ref} arvosta {ref_value}.",
        "untestable": "Eroa vertailualueeseen {ref} ({ref_value}) ei voitu testata, koska lukumäärät puuttuvat.",
        "suppressed": "Arvoa ei julkaista, koska se perustuu alle {threshold} henkilöön tai voisi paljastaa "
        "tällaisen arvon.",
        "favourable": "Ero on suotuisa.",
        "unfavourable": "Ero on epäsuotuisa.",
        "increasing": "Vuosina {first_year}–{last_year} arvo on noussut tilastollisesti merkitsevästi: "
        "{first_value} → {last_value}.",
        "decreasing": "Vuosina {first_year}–{last_year} arvo on laskenut tilastollisesti merkitsevästi: "
        "{first_value} → {last_value}.",
        "no_trend": "Vuosina {first_year}–{last_year} arvossa ei ole tilastollisesti merkitsevää nousevaa tai "
        "laskevaa suuntausta ({first_value} → {last_value}).",
        "trend_untestable": "Kehityssuuntaa ei voitu testata: lukumäärät puuttuvat tai vuosia on alle kolme.",
        "trend_favourable": "Kehitys on suotuisa.",
        "trend_unfavourable": "Kehitys on epäsuotuisa.",
        "count_higher": "{n}/{m} kunnassa arvo on tilastollisesti merkitsevästi suurempi kuin vertailualueella "
        "{ref}: {areas}.",
        "count_lower": "{n}/{m} kunnassa arvo on tilastollisesti merkitsevästi pienempi kuin vertailualueella "
        "{ref}: {areas}.",
        "count_none": "Yhdessäkään {m} testatusta kunnasta arvo ei eroa tilastollisesti merkitsevästi "
        "vertailualueesta {ref}.",
        "ref_missing": "Vertailualueen {ref} arvo puuttuu, joten vertailua ei ole.",
        "ref_hidden": "Vertailualueen {ref} arvoa ei julkaista, joten vertailua ei ole.",
        "count_ref_missing": "Kuntia ei voitu verrata vertailualueeseen {ref}, koska sen arvo puuttuu.",
        "count_ref_hidden": "Kuntia ei voitu verrata vertailualueeseen {ref}, koska sen arvoa ei julkaista.",
        "count_untested": "{n}/{m} kunnan eroa vertailualueeseen {ref} ei voitu testata (arvo puuttuu, sitä ei "
        "julkaista tai lukumäärät puuttuvat).",
        "generated": "Generoitu demoaineisto, ei todellinen:",
    },
    "sv": {
        "value": "{area}: {value} år {year}.",
        "value_period": "{area}: {value} ({period}).",
        "higher": "Värdet är statistiskt signifikant högre än i jämförelseområdet {ref}: {ref_value}.",
        "lower": "Värdet är statistiskt signifikant lägre än i jämförelseområdet {ref}: {ref_value}.",
        "same": "Värdet skiljer sig inte statistiskt signifikant från jämförelseområdet {ref}: {ref_value}.",
        "untestable": "Skillnaden mot jämförelseområdet {ref} ({ref_value}) kunde inte testas eftersom antalen "
        "saknas.",
        "suppressed": "Värdet publiceras inte eftersom det bygger på färre än {threshold} personer eller kunde "
        "avslöja ett sådant värde.",
        "favourable": "Skillnaden är gynnsam.",
        "unfavourable": "Skillnaden är ogynnsam.",
        "increasing": "Åren {first_year}–{last_year} har värdet ökat statistiskt signifikant: "
        "{first_value} → {last_value}.",
        "decreasing": "Åren {first_year}–{last_year} har värdet minskat statistiskt signifikant: "
        "{first_value} → {last_value}.",
        "no_trend": "Åren {first_year}–{last_year} har värdet ingen statistiskt signifikant stigande eller "
        "sjunkande trend ({first_value} → {last_value}).",
        "trend_untestable": "Trenden kunde inte testas: antalen saknas eller det finns färre än tre år.",
        "trend_favourable": "Utvecklingen är gynnsam.",
        "trend_unfavourable": "Utvecklingen är ogynnsam.",
        "count_higher": "I {n} av {m} kommuner är värdet statistiskt signifikant högre än i {ref}: {areas}.",
        "count_lower": "I {n} av {m} kommuner är värdet statistiskt signifikant lägre än i {ref}: {areas}.",
        "count_none": "I ingen av de {m} testade kommunerna skiljer sig värdet statistiskt signifikant från {ref}.",
        "ref_missing": "Värdet för jämförelseområdet {ref} saknas, så ingen jämförelse görs.",
        "ref_hidden": "Värdet för jämförelseområdet {ref} publiceras inte, så ingen jämförelse görs.",
        "count_ref_missing": "Kommunerna kunde inte jämföras med {ref} eftersom värdet för {ref} saknas.",
        "count_ref_hidden": "Kommunerna kunde inte jämföras med {ref} eftersom värdet för {ref} inte publiceras.",
        "count_untested": "För {n} av {m} kommuner kunde skillnaden mot {ref} inte testas (värdet saknas, "
        "publiceras inte eller antalen saknas).",
        "generated": "Genererade demodata, inte verkliga:",
    },
    "en": {
        "value": "{area}: {value} in {year}.",
        "value_period": "{area}: {value} ({period}).",
        "higher": "The value is statistically significantly higher than in the reference area {ref}: "
        "{ref_value}.",
        "lower": "The value is statistically significantly lower than in the reference area {ref}: {ref_value}.",
        "same": "There is no statistically significant difference from the reference area {ref}: {ref_value}.",
        "untestable": "The difference from {ref} ({ref_value}) could not be tested because the counts are "
        "missing.",
        "suppressed": "The value is not published because it is based on fewer than {threshold} persons or "
        "could reveal such a value.",
        "favourable": "The difference is favourable.",
        "unfavourable": "The difference is unfavourable.",
        "increasing": "In {first_year}–{last_year} the value rose statistically significantly: "
        "{first_value} → {last_value}.",
        "decreasing": "In {first_year}–{last_year} the value fell statistically significantly: "
        "{first_value} → {last_value}.",
        "no_trend": "In {first_year}–{last_year} there is no statistically significant rising or falling trend "
        "({first_value} → {last_value}).",
        "trend_untestable": "The trend could not be tested: counts are missing or there are fewer than three "
        "years.",
        "trend_favourable": "The development is favourable.",
        "trend_unfavourable": "The development is unfavourable.",
        "count_higher": "In {n} of {m} municipalities the value is statistically significantly higher than in "
        "{ref}: {areas}.",
        "count_lower": "In {n} of {m} municipalities the value is statistically significantly lower than in "
        "{ref}: {areas}.",
        "count_none": "In none of the {m} municipalities tested does the value differ statistically significantly "
        "from {ref}.",
        "ref_missing": "The value of the reference area {ref} is missing, so there is no comparison.",
        "ref_hidden": "The value of the reference area {ref} is not published, so there is no comparison.",
        "count_ref_missing": "The municipalities could not be compared with {ref} because its value is missing.",
        "count_ref_hidden": "The municipalities could not be compared with {ref} because its value is not "
        "published.",
        "count_untested": "For {n} of {m} municipalities the difference from {ref} could not be tested (the value "
        "is missing or not published, or the counts are missing).",
        "generated": "Generated demo data, not real:",
    },
}

#: Words that claim a difference or a trend, per language; used by the tests to check the rule.
CLAIMS: dict[str, tuple[str, ...]] = {
    "fi": (
        "merkitsevästi suurempi",
        "merkitsevästi pienempi",
        "noussut tilastollisesti",
        "laskenut tilastollisesti",
    ),
    "sv": ("signifikant högre", "signifikant lägre", "ökat statistiskt", "minskat statistiskt"),
    "en": ("significantly higher", "significantly lower", "rose statistically", "fell statistically"),
}


@dataclass(frozen=True)
class Measure:
    """How an indicator's values read: unit, decimals and which way is better."""

    unit: str = ""
    decimals: int = 1
    direction: str = "neutral"  # higher_better, lower_better, neutral
    threshold: int = 5


@dataclass(frozen=True)
class Estimate:
    """A value with its 95 % interval, for an area and year. ``suppressed`` hides it."""

    name: str
    value: float | None
    lower: float | None = None
    upper: float | None = None
    year: int | None = None
    suppressed: bool = False
    period: str = ""  # a sub-year period as the reader says it ("joulukuu 2024"); "" for the year


def load_phrases(path: Path | None) -> dict[str, dict[str, str]]:
    """The bundled phrases, with those of ``path`` (a ``phrases.yaml``: language → key → text) over them."""
    merged = {lang: dict(texts) for lang, texts in PHRASES.items()}
    if path is not None and path.exists():
        data = yaml.safe_load(path.read_text("utf-8")) or {}
        for lang, texts in data.items():
            if lang in merged and isinstance(texts, dict):
                merged[lang].update({str(k): str(v) for k, v in texts.items()})
    return merged


def _say(phrases: Phrases, lang: str, key: str, **values: object) -> str:
    lang = lang if lang in phrases else "en"
    return phrases[lang][key].format(**values)


def shown(e: Estimate, m: Measure, lang: str) -> str:
    """The value with its interval, "14,2 % (12,1–16,5)"; "–" when suppressed or missing."""
    if e.suppressed or e.value is None:
        return "–"
    return fmt.value_with_interval(e.value, e.lower, e.upper, m.unit, m.decimals, lang)


def _judgement(verdict: str, direction: str, up: str, down: str) -> str | None:
    """ "favourable"/"unfavourable" phrase key for a significant verdict, None for neutral or none."""
    if direction not in ("higher_better", "lower_better") or verdict not in (up, down):
        return None
    good = (verdict == up) == (direction == "higher_better")
    return "favourable" if good else "unfavourable"


def value_sentence(e: Estimate, m: Measure, lang: str, phrases: Phrases = PHRASES) -> str:
    if e.suppressed:
        return f"{e.name}: – ({e.period or e.year}). " + _say(
            phrases, lang, "suppressed", threshold=m.threshold
        )
    if e.period:
        return _say(phrases, lang, "value_period", area=e.name, value=shown(e, m, lang), period=e.period)
    return _say(phrases, lang, "value", area=e.name, value=shown(e, m, lang), year=e.year)


def comparison_sentence(
    area: Estimate, ref: Estimate, verdict: str, m: Measure, lang: str, phrases: Phrases = PHRASES
) -> str:
    """One sentence (or two, with the judgement) comparing ``area`` with ``ref``.

    ``verdict`` is the statistics core's: ``significantly_higher``/``significantly_lower`` produce a claim,
    ``no_significant_difference`` says there is none, anything else says it could not be tested.
    A suppressed area or reference makes no comparison at all.
    """
    if area.suppressed or area.value is None:
        return ""  # the value sentence already says why there is no value
    ref_value = shown(ref, m, lang)
    if ref.suppressed or ref.value is None:
        # No test ran: say why, never "no difference".
        return _say(phrases, lang, "ref_hidden" if ref.suppressed else "ref_missing", ref=ref.name)
    if verdict == HIGHER:
        key = "higher"
    elif verdict == LOWER:
        key = "lower"
    elif verdict == NO_DIFFERENCE:
        key = "same"
    else:
        key = "untestable"
    text = _say(phrases, lang, key, ref=ref.name, ref_value=ref_value)
    judged = _judgement(verdict, m.direction, HIGHER, LOWER)
    return f"{text} {_say(phrases, lang, judged)}" if judged else text


def trend_sentence(
    first: Estimate, last: Estimate, verdict: str, m: Measure, lang: str, phrases: Phrases = PHRASES
) -> str:
    """The trend from ``first`` to ``last`` as the core's trend test found it."""
    if first.suppressed or last.suppressed or first.value is None or last.value is None:
        return _say(phrases, lang, "trend_untestable")
    values = {
        "first_year": first.year,
        "last_year": last.year,
        "first_value": shown(first, m, lang),
        "last_value": shown(last, m, lang),
    }
    if verdict == INCREASING:
        key = "increasing"
    elif verdict == DECREASING:
        key = "decreasing"
    elif verdict == NO_TREND:
        key = "no_trend"
    else:
        return _say(phrases, lang, "trend_untestable")
    text = _say(phrases, lang, key, **values)
    judged = _judgement(verdict, m.direction, INCREASING, DECREASING)
    return f"{text} {_say(phrases, lang, 'trend_' + judged)}" if judged else text


def count_sentences(
    higher: list[str],
    lower: list[str],
    total: int,
    ref: str,
    lang: str,
    phrases: Phrases = PHRASES,
    *,
    tested: int | None = None,
    ref_reason: str | None = None,
) -> str:
    """ "N of M municipalities significantly higher/lower than ``ref``", from the core's verdicts only.

    ``tested``: how many of the ``total`` municipalities were tested (default: all); "none differs" is said
    only of those. ``ref_reason`` ("missing"/"hidden"): the reference has no published value, so nothing was
    tested and the sentence says why."""
    if ref_reason in ("missing", "hidden"):
        return _say(phrases, lang, f"count_ref_{ref_reason}", ref=ref)
    tested = total if tested is None else tested
    parts = []
    if higher:
        parts.append(
            _say(phrases, lang, "count_higher", n=len(higher), m=total, ref=ref, areas=", ".join(higher))
        )
    if lower:
        parts.append(
            _say(phrases, lang, "count_lower", n=len(lower), m=total, ref=ref, areas=", ".join(lower))
        )
    if not parts and tested:
        parts.append(_say(phrases, lang, "count_none", m=tested, ref=ref))
    if tested < total:
        parts.append(_say(phrases, lang, "count_untested", n=total - tested, m=total, ref=ref))
    return " ".join(parts)


def generated_prefix(lang: str, phrases: Phrases = PHRASES) -> str:
    return _say(phrases, lang, "generated")
