"""Codebooks load, and a broken one says where and what to fix."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from kasvu.rights import RIGHT_KEYS
from kasvu.surveys.codebook import Codebook, CodebookInvalid, load_codebook, parse_codebook

BUNDLED = Path(__file__).parents[2] / "src" / "kasvu" / "data" / "surveys" / "pupil_survey_2024.yaml"


@pytest.fixture()
def raw() -> dict[str, Any]:
    return yaml.safe_load(BUNDLED.read_text(encoding="utf-8"))


def test_bundled_codebook_is_complete(codebook: Codebook) -> None:
    assert codebook.population.grades == (1, 6)
    assert codebook.suppression_threshold == 5
    for q in codebook.questions:
        assert set(q.text) == {"fi", "sv", "en"}
        for option in q.options:
            assert set(option.label) == {"fi", "sv", "en"}
    rights = {r for ind in codebook.indicators for r in ind.rights}
    assert rights == RIGHT_KEYS - {"equality"} | {"equality"}  # all seven rights are covered
    assert codebook.question("vaikuttaa").text["fi"] == "Voitko vaikuttaa koulun asioihin?"
    assert set(codebook.schools.values()) == codebook.allowed_areas()


def test_load_from_file(tmp_path: Path) -> None:
    path = tmp_path / "cb.yaml"
    path.write_text(BUNDLED.read_text(encoding="utf-8"), encoding="utf-8")
    assert load_codebook(path).key == "pupil_survey"


def _edit(raw: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    doc = copy.deepcopy(raw)
    node: Any = doc
    parts = path.split(".")
    for part in parts[:-1]:
        node = node[int(part)] if isinstance(node, list) else node[part]
    last: Any = int(parts[-1]) if isinstance(node, list) else parts[-1]
    if value is _DELETE:
        del node[last]
    else:
        node[last] = value
    return doc


_DELETE = object()

BROKEN = [
    (
        "indicators.0.rights",
        ["happiness"],
        "indicators[0] (has_friends).rights",
        "unknown right(s) ['happiness']",
    ),
    (
        "indicators.1.yes_codes",
        [3, 9],
        "indicators[1] (bullied_weekly).yes_codes",
        "code(s) [9] are not options",
    ),
    (
        "indicators.0.question",
        "friends",
        "indicators[0] (has_friends).question",
        "no question with id 'friends'",
    ),
    (
        "indicators.5.statistic",
        "proportion",
        "indicators[5] (active_days)",
        "is numeric; use 'statistic: mean'",
    ),
    ("indicators.0.direction", "up", "indicators[0] (has_friends).direction", "higher_better"),
    ("questions.0.text", {"en": "Friends?"}, "questions[0] (kaverit).text", "Finnish text 'fi:' is required"),
    ("questions.0.type", "multiple", "questions[0] (kaverit).type", "single_choice, numeric"),
    ("questions.0.missing", [1], "questions[0] (kaverit).missing", "both options and missing codes"),
    ("population.grades", [6, 1], "population.grades", "[first, last]"),
    ("respondent.grade", _DELETE, "respondent.grade", "'grade' is required"),
    ("respondent.sex.codes", {1: "girl"}, "respondent.sex.codes.1", "female, male, other, missing"),
    ("schools.07801", "091", "schools.07801", "not a municipality code listed under areas"),
    ("areas", ["078", "999"], "areas", "['999'] are not municipality codes"),
    ("suppression_threshold", 0, "suppression_threshold", "at least 1"),
    ("name", "Kysely", "name", "fi:"),
]


@pytest.mark.parametrize(("path", "value", "where", "words"), BROKEN)
def test_broken_codebook_says_where_and_what(
    raw: dict[str, Any], path: str, value: Any, where: str, words: str
) -> None:
    with pytest.raises(CodebookInvalid) as info:
        parse_codebook(_edit(raw, path, value), file="cb.yaml")
    assert info.value.where == where
    assert words in str(info.value)
    assert str(info.value).startswith("cb.yaml, ")


def test_bare_yes_key_is_explained(raw: dict[str, Any]) -> None:
    doc = copy.deepcopy(raw)
    doc["indicators"][0][True] = doc["indicators"][0].pop("yes_codes")  # what YAML makes of "yes: [1, 2]"
    with pytest.raises(CodebookInvalid, match="yes_codes"):
        parse_codebook(doc)


def test_invalid_yaml(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("key: [unclosed\n", encoding="utf-8")
    with pytest.raises(CodebookInvalid, match="not valid YAML"):
        load_codebook(path)
