"""A comparison as the reader reads it: "Vihti: 11,3 % – heikompi kuin Lohja (9,2 %)".

The statistics core says whether *area* is significantly higher or lower than *reference*
(:func:`kasvu.profiles.compare`, :func:`kasvu.profiles.assessment`); this module turns that into words that
name both sides, so that a verdict cannot be read as being about the other area, wherever it is placed
(the compare page, the profile, the indicator page, reports). Where no test ran it says why ("vertailualueen
Suomi arvo puuttuu"), never "no difference".

Pure: strings in, strings out, in Finnish, Swedish and English. Area names stay in the nominative (the
sentences are built so that Finnish needs no inflection of a name).
"""

from __future__ import annotations

from dataclasses import dataclass

from kasvu.reports import formatting as fmt

LANGS = ("fi", "sv", "en")

#: The relation of the area to the reference, after "{area}: {value} – ".
RELATIONS: dict[str, dict[str, str]] = {
    "fi": {
        "better": "parempi kuin {ref} ({ref_value})",
        "worse": "heikompi kuin {ref} ({ref_value})",
        "higher": "suurempi kuin {ref} ({ref_value})",
        "lower": "pienempi kuin {ref} ({ref_value})",
        "no_difference": "ei tilastollisesti merkitsevää eroa, vrt. {ref} ({ref_value})",
        "not_testable": "eroa ei voitu testata, vrt. {ref} ({ref_value})",
    },
    "sv": {
        "better": "bättre än {ref} ({ref_value})",
        "worse": "sämre än {ref} ({ref_value})",
        "higher": "högre än {ref} ({ref_value})",
        "lower": "lägre än {ref} ({ref_value})",
        "no_difference": "ingen statistiskt signifikant skillnad, jfr {ref} ({ref_value})",
        "not_testable": "skillnaden kunde inte testas, jfr {ref} ({ref_value})",
    },
    "en": {
        "better": "better than {ref} ({ref_value})",
        "worse": "worse than {ref} ({ref_value})",
        "higher": "higher than {ref} ({ref_value})",
        "lower": "lower than {ref} ({ref_value})",
        "no_difference": "no statistically significant difference from {ref} ({ref_value})",
        "not_testable": "the difference could not be tested, cf. {ref} ({ref_value})",
    },
}

#: Why there is no comparison at all (a value is missing or not published).
NO_COMPARISON: dict[str, dict[str, str]] = {
    "fi": {
        "ref_missing": "ei vertailua: vertailualueen {ref} arvo puuttuu",
        "ref_hidden": "ei vertailua: vertailualueen {ref} arvoa ei julkaista",
        "area_missing": "ei vertailua: alueen {area} arvo puuttuu",
        "area_hidden": "ei vertailua: alueen {area} arvoa ei julkaista",
    },
    "sv": {
        "ref_missing": "ingen jämförelse: värdet för {ref} saknas",
        "ref_hidden": "ingen jämförelse: värdet för {ref} publiceras inte",
        "area_missing": "ingen jämförelse: värdet för {area} saknas",
        "area_hidden": "ingen jämförelse: värdet för {area} publiceras inte",
    },
    "en": {
        "ref_missing": "no comparison: the value of {ref} is missing",
        "ref_hidden": "no comparison: the value of {ref} is not published",
        "area_missing": "no comparison: the value of {area} is missing",
        "area_hidden": "no comparison: the value of {area} is not published",
    },
}


@dataclass(frozen=True)
class Side:
    """One side of a comparison as shown: the area's name and its value already formatted ("11,3 %").

    ``text`` empty means there is no value; ``hidden`` that it is not published (small numbers)."""

    name: str
    text: str
    hidden: bool = False

    @property
    def missing(self) -> bool:
        return not self.text


def shown(value: float | None, unit: str, decimals: int, lang: str) -> str:
    """The number as a verdict names it, "11,3 %": with the unit where it is a sign (%, ‰); a worded unit
    ("euros per inhabitant") stays in the table's heading. None → ""."""
    if value is None:
        return ""
    suffix = fmt.unit_suffix(unit, lang)
    return fmt.number(value, decimals, lang) + (suffix if len(suffix.strip()) <= 2 else "")


def _lang(lang: str) -> str:
    return lang if lang in LANGS else "en"


def why_not_compared(area: Side, ref: Side) -> str | None:
    """The reason key when a value is missing or hidden (then no test ran), else None."""
    if area.hidden:
        return "area_hidden"
    if area.missing:
        return "area_missing"
    if ref.hidden:
        return "ref_hidden"
    if ref.missing:
        return "ref_missing"
    return None


def relation(assessment: str, area: Side, ref: Side, lang: str) -> str:
    """ "heikompi kuin Lohja (9,2 %)", or why there is no comparison ("ei vertailua: …")."""
    lang = _lang(lang)
    missing = why_not_compared(area, ref)
    if missing:
        return NO_COMPARISON[lang][missing].format(area=area.name, ref=ref.name)
    phrase = RELATIONS[lang].get(assessment, RELATIONS[lang]["not_testable"])
    return phrase.format(ref=ref.name, ref_value=ref.text)


def sentence(assessment: str, area: Side, ref: Side, lang: str) -> str:
    """ "Vihti: 11,3 % – heikompi kuin Lohja (9,2 %)": the verdict names the area it is about first."""
    head = f"{area.name}: {area.text}" if area.text else area.name
    return f"{head} – {relation(assessment, area, ref, lang)}"
