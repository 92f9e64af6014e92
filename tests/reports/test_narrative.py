"""The narrative rule: a sentence claims a difference or a trend only when the statistics core finds it
significant, always with the interval, in Finnish, Swedish and English."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from kasvu.reports import formatting as fmt
from kasvu.reports import narrative as nar
from kasvu.stats.intervals import wilson_interval
from kasvu.stats.significance import (
    DECREASING,
    HIGHER,
    INCREASING,
    LOWER,
    NO_DIFFERENCE,
    NO_TREND,
    compare_to_reference,
    trend_test,
)

LANGS = ("fi", "sv", "en")
NO_DIFF_PHRASE = {
    "fi": "ei eroa tilastollisesti merkitsevästi",
    "sv": "skiljer sig inte statistiskt signifikant",
    "en": "no statistically significant difference",
}


def test_numbers_are_written_as_each_language_writes_them():
    assert fmt.value_with_interval(14.2, 12.1, 16.5, "%", 1, "fi") == "14,2\u00a0% (12,1–16,5)"
    assert fmt.value_with_interval(14.2, 12.1, 16.5, "%", 1, "sv") == "14,2\u00a0% (12,1–16,5)"
    assert fmt.value_with_interval(14.2, 12.1, 16.5, "%", 1, "en") == "14.2% (12.1–16.5)"
    assert fmt.number(12345.67, 1, "fi") == "12\u00a0345,7"
    assert fmt.number(12345.67, 1, "en") == "12,345.7"
    assert fmt.value(7.5, "per 1,000", 1, "fi") == "7,5\u00a0‰"
    assert fmt.number(-0.01, 1, "fi") == "0,0"


def test_direction_decides_favourable_or_not():
    m_low = nar.Measure("%", 1, "lower_better")
    area = nar.Estimate("Lohja", 3.0, 2.0, 4.0)
    ref = nar.Estimate("Suomi", 5.0, 4.9, 5.1)
    assert "Ero on suotuisa." in nar.comparison_sentence(area, ref, LOWER, m_low, "fi")
    assert "unfavourable" in nar.comparison_sentence(area, ref, HIGHER, m_low, "en")
    neutral = nar.comparison_sentence(area, ref, HIGHER, nar.Measure("%", 1, "neutral"), "en")
    assert "favourable" not in neutral


def test_suppressed_values_make_no_statement():
    m = nar.Measure("%", 1, "lower_better", threshold=5)
    hidden = nar.Estimate("Inkoo", None, suppressed=True, year=2024)
    assert nar.comparison_sentence(hidden, nar.Estimate("Suomi", 5.0, 4.9, 5.1), HIGHER, m, "fi") == ""
    assert "alle 5 henkilöön" in nar.value_sentence(hidden, m, "fi")


def _claims(text: str, lang: str) -> set[str]:
    return {c for c in nar.CLAIMS[lang] if c in text}


counts = st.integers(min_value=1, max_value=4000).flatmap(
    lambda n: st.tuples(st.integers(min_value=0, max_value=n), st.just(n))
)


@settings(max_examples=150, deadline=None)
@given(
    area=counts,
    ref=counts,
    contained=st.booleans(),
    direction=st.sampled_from(["higher_better", "lower_better", "neutral"]),
)
def test_comparison_sentences_claim_only_what_the_core_finds(area, ref, contained, direction):
    (x1, n1), (x2, n2) = area, ref
    if contained:  # the reference includes the area: it is at least as large
        x2, n2 = x2 + x1, n2 + n1
    frame = pl.DataFrame(
        {
            "numerator": [float(x1)],
            "denominator": [float(n1)],
            "ref_numerator": [float(x2)],
            "ref_denominator": [float(n2)],
            "contained": [contained],
        }
    )
    verdict = compare_to_reference(frame, "proportion")["verdict"][0]
    iv_a = wilson_interval([x1], [n1], scale=100)
    iv_r = wilson_interval([x2], [n2], scale=100)
    a = nar.Estimate("A", 100 * x1 / n1, float(iv_a.lower[0]), float(iv_a.upper[0]), 2024)
    r = nar.Estimate("R", 100 * x2 / n2, float(iv_r.lower[0]), float(iv_r.upper[0]), 2024)
    m = nar.Measure("%", 1, direction)
    for lang in LANGS:
        text = nar.comparison_sentence(a, r, verdict, m, lang)
        claims = _claims(text, lang)
        if verdict == HIGHER:
            assert claims == {nar.CLAIMS[lang][0]}, text
        elif verdict == LOWER:
            assert claims == {nar.CLAIMS[lang][1]}, text
        else:
            assert not claims, text
            if verdict == NO_DIFFERENCE:
                assert NO_DIFF_PHRASE[lang] in text
        assert fmt.value_with_interval(r.value, r.lower, r.upper, "%", 1, lang) in text
        if verdict in (HIGHER, LOWER) and direction == "neutral":
            assert "favourable" not in text and "suotuisa" not in text and "gynnsam" not in text


@settings(max_examples=100, deadline=None)
@given(
    series=st.lists(counts, min_size=1, max_size=7),
    direction=st.sampled_from(["higher_better", "lower_better"]),
)
def test_trend_sentences_claim_only_what_the_core_finds(series, direction):
    years = list(range(2024 - len(series) + 1, 2025))
    frame = pl.DataFrame(
        {
            "area": ["A"] * len(series),
            "year": years,
            "numerator": [float(x) for x, _ in series],
            "denominator": [float(n) for _, n in series],
        }
    )
    verdict = trend_test(frame, ["area"], "proportion")["verdict"][0]
    ivs = wilson_interval([x for x, _ in series], [n for _, n in series], scale=100)
    est = [
        nar.Estimate("A", 100 * x / n, float(lo), float(hi), y)
        for (x, n), lo, hi, y in zip(series, ivs.lower, ivs.upper, years, strict=True)
    ]
    m = nar.Measure("%", 1, direction)
    for lang in LANGS:
        text = nar.trend_sentence(est[0], est[-1], verdict, m, lang)
        claims = _claims(text, lang)
        if verdict == INCREASING:
            assert claims == {nar.CLAIMS[lang][2]}, text
        elif verdict == DECREASING:
            assert claims == {nar.CLAIMS[lang][3]}, text
        else:
            assert not claims, text
        if verdict in (INCREASING, DECREASING, NO_TREND):
            assert fmt.value_with_interval(est[-1].value, est[-1].lower, est[-1].upper, "%", 1, lang) in text
