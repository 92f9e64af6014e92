"""Finnish numbers and the checks of a round's answers (pure: no database)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kasvu.collection import spec

from .conftest import LOHJA, round_data


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12,5", "12.5"),
        ("1 234,5", "1234.5"),
        ("1\u00a0234,5", "1234.5"),
        ("−3,25", "-3.25"),
        ("12.5", "12.5"),
        ("20", "20"),
        (" 7 ", "7"),
    ],
)
def test_answers_in_finnish_notation_are_stored_canonically(text, expected):
    f = spec.FieldSpec("x", "number", {"fi": "X"}, decimals=2, min=Decimal(-10), max=Decimal(10**6))
    checked = spec.check_answers([f], [], {"x": text})
    assert checked.errors == [] and checked.values == {"x": expected}


@pytest.mark.parametrize("text", ["12,5,1", "12 34", "kaksi", "12a", "1e5"])
def test_not_numbers_are_errors(text):
    f = spec.FieldSpec("x", "number", {"fi": "X"}, decimals=2)
    assert [p.code for p in spec.check_answers([f], [], {"x": text}).errors] == ["not_a_number"]


def test_empty_is_no_answer():
    f = spec.FieldSpec("x", "number", {"fi": "X"})
    assert spec.check_answers([f], [], {"x": "  "}).values == {}


def _spec():
    return spec.round_from_data(round_data(), "social_services.yaml")


def test_bundled_round_reads():
    s = _spec()
    assert s.kind == "figures" and s.year == 2025 and len(s.fields) == 9
    assert s.field("caseload").decimals == 1 and s.field("caseload").max == Decimal(150)
    assert s.rules[0] == spec.RuleSpec("part_of", ("sw-qualified", "sw-posts"))


def test_good_answers_pass_and_are_stored_canonically():
    s = _spec()
    checked = spec.check_answers(s.fields, s.rules, LOHJA, submitting=True)
    assert checked.errors == []
    assert checked.values["family-work-total"] == "1234" and checked.values["sw-posts"] == "24.5"


def test_range_decimals_part_and_sum():
    s = _spec()
    bad = {
        **LOHJA,
        "caseload": "31,55",
        "assessments-in-time": "101",
        "sw-qualified": "30",
        "family-work-lsl": "300",
    }
    codes = {(p.field, p.code) for p in spec.check_answers(s.fields, s.rules, bad).errors}
    assert codes == {
        ("caseload", "decimals"),
        ("assessments-in-time", "above_max"),
        ("sw-qualified", "part_of"),
        ("family-work-total", "sum"),
    }


def test_big_change_warns_on_save_and_blocks_submit_until_explained():
    s = _spec()
    previous = {"placed": 100.0}
    draft = spec.check_answers(s.fields, s.rules, LOHJA, previous=previous)
    assert [(p.field, p.code, p.severity) for p in draft.problems] == [
        ("placed", "explain_change", "warning")
    ]
    submit = spec.check_answers(s.fields, s.rules, LOHJA, previous=previous, submitting=True)
    assert [(p.field, p.code) for p in submit.errors] == [("placed", "explain_change")]
    explained = spec.check_answers(
        s.fields,
        s.rules,
        LOHJA,
        previous=previous,
        explanations={"placed": "Uusi perheryhmäkoti"},
        submitting=True,
    )
    assert explained.problems == []


def test_required_only_on_submit():
    s = _spec()
    assert spec.check_answers(s.fields, s.rules, {"caseload": "30"}).problems == []
    missing = {
        p.field for p in spec.check_answers(s.fields, s.rules, {"caseload": "30"}, submitting=True).errors
    }
    assert "sw-posts" in missing and "notes" not in missing


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"kind": "survey"}, "kind 'survey' is unknown"),
        (
            {"fields": [{"key": "x", "label": {"fi": "X"}, "indicator": "sotkanet:127"}]},
            "must be collection:<name>",
        ),
        ({"fields": [{"key": "X y", "label": "X"}]}, "key 'X y'"),
        (
            {"rules": [{"kind": "part_of", "part": "caseload", "whole": "nothing"}]},
            "rule 1: no field 'nothing'",
        ),
        ({"deadline": "31.3.2026"}, "write it as 2026-03-31"),
    ],
)
def test_bad_round_files_name_what_to_fix(change, message):
    data = {**round_data(), **change}
    with pytest.raises(spec.SpecError) as exc:
        spec.round_from_data(data, "kierros.yaml")
    assert str(exc.value).startswith("kierros.yaml") and message in str(exc.value)
