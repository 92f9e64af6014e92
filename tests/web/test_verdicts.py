"""The words of a comparison (kasvu.verdicts): they name the area first and never claim what no test said."""

from __future__ import annotations

import pytest

from kasvu.verdicts import Side, relation, sentence, shown, why_not_compared

NB = "\u00a0"


def test_the_sentence_names_the_area_it_is_about_first():
    vihti = Side("Vihti", shown(11.3, "%", 1, "fi"))
    lohja = Side("Lohja", shown(9.2, "%", 1, "fi"))
    assert sentence("worse", vihti, lohja, "fi") == f"Vihti: 11,3{NB}% – heikompi kuin Lohja (9,2{NB}%)"
    assert sentence("better", lohja, vihti, "sv").startswith("Lohja: 9,2")
    assert "bättre än Vihti" in sentence("better", lohja, vihti, "sv")
    en = Side("Lohja", shown(9.2, "%", 1, "en")), Side("Vihti", shown(11.3, "%", 1, "en"))
    assert sentence("lower", *en, "en") == "Lohja: 9.2% – lower than Vihti (11.3%)"


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_a_missing_or_hidden_value_gives_the_reason_not_no_difference(lang):
    area = Side("Vihti", "11,3 %")
    for ref, key in ((Side("Suomi", ""), "ref_missing"), (Side("Suomi", "", hidden=True), "ref_hidden")):
        assert why_not_compared(area, ref) == key
        text = relation("no_difference", area, ref, lang)
        assert "Suomi" in text
        for claim in ("ei eroa", "merkitsevää eroa", "skiljer", "skillnad", "differ", "difference"):
            assert claim not in text
    assert (
        relation("worse", area, Side("Suomi", ""), "fi") == "ei vertailua: vertailualueen Suomi arvo puuttuu"
    )


def test_worded_units_stay_in_the_heading():
    assert shown(1234.5, "euros per inhabitant", 0, "fi") == f"1{NB}234"
    assert shown(99.4, "per 1,000", 1, "fi") == f"99,4{NB}‰"
    assert shown(None, "%", 1, "fi") == ""
