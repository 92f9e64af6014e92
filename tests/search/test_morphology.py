"""Finnish base forms and compound parts with Voikko; Snowball stems when Voikko is missing."""

from __future__ import annotations

import pytest

from kasvu.search import morphology
from kasvu.search.morphology import Morphology, index_terms, query_groups, reading_from_voikko

SNOWBALL = Morphology(None, "Snowball stemmer only")


def test_voikko_is_the_morphology_of_this_installation():
    assert morphology.default().uses_voikko, morphology.engine_description()
    assert morphology.engine_description().startswith("Voikko ")


def test_base_forms_of_inflected_words():
    m = morphology.default()
    assert "lapsi" in m.word_terms("lasten")
    assert "vihti" in m.word_terms("Vihdin")
    assert "kiusata" in m.word_terms("kiusaaminen")
    assert "köyhyys" in m.word_terms("köyhyyden")


def test_compound_words_are_indexed_by_their_parts():
    terms = morphology.default().word_terms("lastensuojeluilmoitukset")
    assert {"lastensuojeluilmoitus", "lapsi", "suojelu", "ilmoitus"} <= terms


def test_a_compound_in_a_query_needs_all_its_parts_not_just_one():
    (group,) = query_groups("lastensuojeluilmoitukset")
    assert ("ilmoitus", "lapsi", "suojelu") in group
    assert ("lapsi",) not in group


def test_derived_words_meet_their_roots():
    """ "yksinäisyys" (loneliness) finds "yksinäiseksi" (lonely), "kiusattu" (bullied) "kiusaaminen"."""
    m = morphology.default()
    assert ("yksinäinen",) in m.alternatives("yksinäisyys")
    assert "yksinäinen" in m.word_terms("yksinäiseksi")
    assert "kiusata" in m.word_terms("Kiusattu")


def test_reading_from_voikko_wordbases():
    reading = reading_from_voikko(
        "lastensuojeluilmoitus", "+lasten(lapsi)+suojel(suojella)+u(+u)+ilmoit(ilmoittaa)+us(+us)"
    )
    assert reading.parts == ("lapsi", "suojelu", "ilmoitus")
    assert reading.roots == ("suojella", "ilmoittaa")
    assert reading_from_voikko("kiusattu", "+kiusa(kiusata)+t+tu(+tu)").roots == ("kiusata",)
    assert reading_from_voikko("Vihti", "+Vihti(Vihti)").parts == ()


def test_swedish_compounds_are_split_into_dictionary_words():
    """Without a split, "barnskydd" and "fattigdom" met no compound that contains them."""
    m = morphology.default()
    if not m.swedish:
        pytest.skip("Debian's hunspell-sv is not installed")
    assert {"barnskydd", "barn", "skydd", "anmälning"} <= m.word_terms("Barnskyddsanmälningar")
    assert {"barn", "fattigdom"} <= m.word_terms("barnfattigdom")
    assert ("hushåll", "inkomst", "låg") in m.alternatives("låginkomsthushåll")
    assert ("dom", "fattig") not in m.alternatives("fattigdom")  # a dictionary word is searched whole
    assert morphology.split_compound("lojo", m.swedish) == ()


def test_no_hand_written_concept_list():
    """Words meet across languages through the indicators' own texts, not a list in the code."""
    assert not hasattr(morphology, "CONCEPTS")
    assert "lapsi" not in index_terms(["Children placed outside the home"])


def test_snowball_fallback_still_joins_finnish_word_types():
    assert "perhekeskus" in SNOWBALL.word_terms("perhekeskuksen")
    assert ("perhekeskus",) in SNOWBALL.alternatives("Perhekeskus")
    assert "vihti" not in SNOWBALL.word_terms("Vihdin")  # what Voikko adds: consonant gradation


def test_without_voikko_the_fallback_says_so(monkeypatch):
    def no_voikko() -> None:
        raise OSError("libvoikko.so.1: cannot open shared object file")

    monkeypatch.setattr(morphology, "VoikkoAnalyser", no_voikko)
    fallback = morphology.load_morphology()
    assert not fallback.uses_voikko
    assert fallback.description.startswith("Snowball stemmer only: Voikko is not available (libvoikko.so.1")
    assert "Install Debian's libvoikko1 and voikko-fi" in fallback.description
    assert "perhekeskus" in fallback.word_terms("perhekeskuksen")
