"""Survey codebooks: what a response file contains and which indicators to publish from it.

A codebook is a YAML file written by the person who runs the survey, not by a
programmer, so every validation error names the place in the file (for example
``questions[2].options``) and says what to write instead. The loader returns
frozen dataclasses; nothing here reads response files or touches Django.

The format is documented with a full example in ``docs/surveys.md`` and in the
bundled ``kasvu/data/surveys/pupil_survey_2024.yaml``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml

from kasvu.rights import RIGHT_KEYS

LANGUAGES = ("fi", "sv", "en")
QUESTION_TYPES = ("single_choice", "numeric")
STATISTICS = ("proportion", "mean")
DIRECTIONS = ("higher_better", "lower_better", "neutral")
#: What a code of the sex column may mean. Only "female" and "male" form domains of
#: their own; "other" and "missing" respondents count in the totals over sex.
SEX_MEANINGS = ("female", "male", "other", "missing")
DEFAULT_SUPPRESSION_THRESHOLD = 5

Texts = Mapping[str, str]
Statistic = Literal["proportion", "mean"]


class CodebookInvalid(ValueError):
    """A codebook cannot be used. The message names the file, the place in it and what to fix."""

    def __init__(self, message: str, *, file: str | None = None, where: str | None = None) -> None:
        self.file = file
        self.where = where
        self.detail = message
        prefix = ", ".join(p for p in (file, where) if p)
        super().__init__(f"{prefix}: {message}" if prefix else message)


@dataclass(frozen=True)
class Population:
    """Who the survey is about. Responses outside these grades or ages are rejected on import."""

    grades: tuple[int, int]
    ages: tuple[int, int] | None = None

    def allows_grade(self, grade: int) -> bool:
        return self.grades[0] <= grade <= self.grades[1]


@dataclass(frozen=True)
class SexField:
    column: str
    codes: Mapping[int, str]  # code -> one of SEX_MEANINGS


@dataclass(frozen=True)
class RespondentFields:
    """Which columns of the response file describe the respondent and the sampling design.

    Exactly one of ``municipality`` and ``school`` gives the area. With ``school``
    the codebook's ``schools`` mapping turns school codes into municipality codes.
    ``stratum`` and ``cluster`` may name any column, including the municipality or
    school column; leave them out for simple random sampling.
    """

    grade: str
    municipality: str | None = None
    school: str | None = None
    sex: SexField | None = None
    age: str | None = None
    weight: str | None = None
    stratum: str | None = None
    cluster: str | None = None


@dataclass(frozen=True)
class Option:
    code: int
    label: Texts


@dataclass(frozen=True)
class Question:
    id: str
    column: str
    text: Texts
    type: Literal["single_choice", "numeric"]
    options: tuple[Option, ...] = ()
    missing: frozenset[int] = frozenset()
    minimum: float | None = None
    maximum: float | None = None

    @property
    def codes(self) -> frozenset[int]:
        """Codes that are real answers (not missing codes)."""
        return frozenset(o.code for o in self.options)


@dataclass(frozen=True)
class Indicator:
    """One published figure: a proportion of answers in ``yes`` codes, or a mean of a numeric answer.

    Denominators are respondents who gave a real answer: empty cells and the
    question's missing codes (e.g. "en osaa sanoa") are left out.
    """

    key: str
    title: Texts
    question: str
    statistic: Statistic
    yes_codes: frozenset[int] = frozenset()
    rights: tuple[str, ...] = ()
    direction: str = "neutral"
    unit: str = "%"


@dataclass(frozen=True)
class Codebook:
    key: str
    name: Texts
    round: str
    year: int
    population: Population
    respondent: RespondentFields
    questions: tuple[Question, ...]
    indicators: tuple[Indicator, ...]
    schools: Mapping[str, str] = field(default_factory=dict)  # school code -> municipality code
    areas: frozenset[str] | None = None  # allowed municipality codes; None: all official codes
    suppression_threshold: int = DEFAULT_SUPPRESSION_THRESHOLD
    source_file: str | None = None

    def question(self, question_id: str) -> Question:
        for q in self.questions:
            if q.id == question_id:
                return q
        raise KeyError(f"No question {question_id!r} in codebook {self.key!r}.")

    def allowed_areas(self) -> frozenset[str]:
        return self.areas if self.areas is not None else official_municipality_codes()


@lru_cache(maxsize=1)
def official_municipality_codes() -> frozenset[str]:
    """The 309 municipality codes of 1 January 2023 (koodistot.suomi.fi, bundled)."""
    ref = resources.files("kasvu.data").joinpath("classification/municipality_codes_2023.json")
    data = json.loads(ref.read_text(encoding="utf-8"))
    return frozenset(r["codeValue"] for r in data["results"])


def normalise_area_code(value: object) -> str:
    """Municipality codes are three digits; spreadsheets often lose the leading zeros (78 -> "078")."""
    text = str(value).strip()
    if text.endswith(".0") and text[:-2].isdigit():
        text = text[:-2]
    return text.zfill(3) if text.isdigit() and len(text) < 3 else text


# ---------------------------------------------------------------------------- loading


def load_codebook(path: str | Path) -> Codebook:
    """Read and validate a YAML codebook. Raises :class:`CodebookInvalid` saying what to fix."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CodebookInvalid("the file does not exist. Check the path.", file=str(path)) from None
    except yaml.YAMLError as exc:
        raise CodebookInvalid(
            f"not valid YAML ({exc}). Check indentation and quoting.", file=str(path)
        ) from None
    return parse_codebook(raw, file=str(path))


def bundled_codebook(name: str = "pupil_survey_2024") -> Codebook:
    """A codebook shipped in ``kasvu/data/surveys/`` (used by the demo, tests and docs)."""
    ref = resources.files("kasvu.data").joinpath(f"surveys/{name}.yaml")
    raw = yaml.safe_load(ref.read_text(encoding="utf-8"))
    return parse_codebook(raw, file=f"kasvu/data/surveys/{name}.yaml")


def parse_codebook(raw: Any, *, file: str | None = None) -> Codebook:
    """Validate an already-parsed YAML document (a dict) and build a :class:`Codebook`."""
    p = _Parser(file)
    doc = p.mapping(raw, "the document")
    population = p.population(p.required(doc, "population", "the document"))
    respondent = p.respondent(p.required(doc, "respondent", "the document"))
    questions = p.questions(p.required(doc, "questions", "the document"))
    by_id = {q.id: q for q in questions}
    indicators = p.indicators(p.required(doc, "indicators", "the document"), by_id)
    schools = p.schools(doc.get("schools"))
    areas = p.areas(doc.get("areas"))
    allowed = areas if areas is not None else official_municipality_codes()
    for school, municipality in schools.items():
        if municipality not in allowed:
            p.fail(
                f"school {school!r} maps to {municipality!r}, which is not a municipality code "
                f"{'listed under areas' if areas is not None else 'of 2023'}; fix the code or add it to areas.",
                f"schools.{school}",
            )
    if respondent.school and respondent.municipality is None and not schools:
        p.fail(
            "respondent.school is given without a municipality column, so the codebook needs "
            "'schools:' mapping each school code to its municipality code (e.g. '7101: \"710\"').",
            "schools",
        )
    threshold = doc.get("suppression_threshold", DEFAULT_SUPPRESSION_THRESHOLD)
    if not isinstance(threshold, int) or isinstance(threshold, bool) or threshold < 1:
        p.fail(
            f"must be a whole number of respondents, at least 1 (got {threshold!r}).", "suppression_threshold"
        )
    year = doc.get("year")
    if not isinstance(year, int) or not 1990 <= year <= 2100:
        p.fail(f"must be the survey year as four digits, e.g. 2024 (got {year!r}).", "year")
    key = p.identifier(p.required(doc, "key", "the document"), "key")
    return Codebook(
        key=key,
        name=p.texts(p.required(doc, "name", "the document"), "name"),
        round=str(doc.get("round", year)),
        year=year,
        population=population,
        respondent=respondent,
        questions=questions,
        indicators=indicators,
        schools=schools,
        areas=areas,
        suppression_threshold=threshold,
        source_file=file,
    )


class _Parser:
    """Small helpers that turn YAML values into typed values or a precise :class:`CodebookInvalid`."""

    def __init__(self, file: str | None) -> None:
        self.file = file

    def fail(self, message: str, where: str) -> Any:
        raise CodebookInvalid(message, file=self.file, where=where)

    def mapping(self, value: Any, where: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.fail(f"expected a mapping of 'name: value' lines, got {type(value).__name__}.", where)
        return value

    def required(self, doc: dict[str, Any], key: str, where: str) -> Any:
        if key not in doc or doc[key] is None:
            place = key if where == "the document" else f"{where}.{key}"
            self.fail(f"'{key}' is required; add it.", place)
        return doc[key]

    def identifier(self, value: Any, where: str) -> str:
        text = str(value).strip() if isinstance(value, str | int) else ""
        if not text or any(ch.isspace() for ch in text):
            self.fail(
                f"must be a short identifier without spaces, e.g. 'has_friends' (got {value!r}).", where
            )
        return text

    def texts(self, value: Any, where: str) -> dict[str, str]:
        if isinstance(value, str):
            self.fail(
                f"give the text in Finnish, Swedish and English as 'fi:', 'sv:' and 'en:' (got {value!r}).",
                where,
            )
        doc = self.mapping(value, where)
        unknown = sorted(set(doc) - set(LANGUAGES))
        if unknown:
            self.fail(f"unknown language(s) {unknown}; use fi, sv and en.", where)
        if "fi" not in doc or not str(doc["fi"]).strip():
            self.fail("the Finnish text 'fi:' is required (sv and en are recommended).", where)
        return {lang: str(doc[lang]).strip() for lang in LANGUAGES if doc.get(lang) not in (None, "")}

    def int_range(self, value: Any, where: str) -> tuple[int, int]:
        if (
            not isinstance(value, list)
            or len(value) != 2
            or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
            or value[0] > value[1]
        ):
            self.fail(f"write the range as [first, last], e.g. [1, 6] (got {value!r}).", where)
        return (value[0], value[1])

    def code(self, value: Any, where: str) -> int:
        if isinstance(value, bool):
            self.fail(
                f"codes are whole numbers; {value!r} is a YAML boolean — quote nothing, write 1 or 0.", where
            )
        if isinstance(value, int):
            return value
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            return int(value)
        return self.fail(f"codes are whole numbers as in the response file (got {value!r}).", where)

    def codes(self, value: Any, where: str) -> frozenset[int]:
        if value is None:
            return frozenset()
        if not isinstance(value, list):
            value = [value]
        return frozenset(self.code(v, f"{where}[{i}]") for i, v in enumerate(value))

    def population(self, value: Any) -> Population:
        doc = self.mapping(value, "population")
        grades = self.int_range(self.required(doc, "grades", "population"), "population.grades")
        ages = self.int_range(doc["ages"], "population.ages") if doc.get("ages") is not None else None
        return Population(grades=grades, ages=ages)

    def column(self, value: Any, where: str) -> str:
        if not isinstance(value, str | int) or not str(value).strip():
            self.fail(f"must be the name of a column in the response file (got {value!r}).", where)
        return str(value).strip()

    def respondent(self, value: Any) -> RespondentFields:
        doc = self.mapping(value, "respondent")
        known = {"municipality", "school", "grade", "sex", "age", "weight", "stratum", "cluster"}
        unknown = sorted(set(doc) - known)
        if unknown:
            self.fail(f"unknown field(s) {unknown}; allowed are {sorted(known)}.", "respondent")
        cols = {k: self.column(doc[k], f"respondent.{k}") for k in known - {"sex"} if doc.get(k) is not None}
        if "municipality" not in cols and "school" not in cols:
            self.fail(
                "name the column with the municipality code ('municipality:') or the school code "
                "('school:' plus a 'schools:' mapping).",
                "respondent",
            )
        if "grade" not in cols:
            self.fail(
                "'grade' is required: the column with the pupil's grade (luokka-aste).", "respondent.grade"
            )
        sex = self.sex(doc["sex"]) if doc.get("sex") is not None else None
        return RespondentFields(sex=sex, **cols)

    def sex(self, value: Any) -> SexField:
        doc = self.mapping(value, "respondent.sex")
        column = self.column(self.required(doc, "column", "respondent.sex"), "respondent.sex.column")
        codes_doc = self.mapping(self.required(doc, "codes", "respondent.sex"), "respondent.sex.codes")
        codes: dict[int, str] = {}
        for raw_code, meaning in codes_doc.items():
            where = f"respondent.sex.codes.{raw_code}"
            if meaning is None:
                meaning = "missing"
            if meaning not in SEX_MEANINGS:
                self.fail(f"must be one of {', '.join(SEX_MEANINGS)} (got {meaning!r}).", where)
            codes[self.code(raw_code, where)] = meaning
        return SexField(column=column, codes=codes)

    def questions(self, value: Any) -> tuple[Question, ...]:
        if not isinstance(value, list) or not value:
            self.fail("give a list of questions, each starting with '- id:'.", "questions")
        out: list[Question] = []
        seen: set[str] = set()
        for i, item in enumerate(value):
            where = f"questions[{i}]"
            doc = self.mapping(item, where)
            qid = self.identifier(self.required(doc, "id", where), f"{where}.id")
            where = f"questions[{i}] ({qid})"
            if qid in seen:
                self.fail(f"question id {qid!r} is used twice; ids must be unique.", where)
            seen.add(qid)
            qtype = doc.get("type")
            if qtype not in QUESTION_TYPES:
                self.fail(
                    f"type must be one of {', '.join(QUESTION_TYPES)} (got {qtype!r}).", f"{where}.type"
                )
            options: list[Option] = []
            if qtype == "single_choice":
                opts = self.mapping(self.required(doc, "options", where), f"{where}.options")
                for raw_code, label in opts.items():
                    code = self.code(raw_code, f"{where}.options")
                    options.append(Option(code, self.texts(label, f"{where}.options.{code}")))
                if not options:
                    self.fail("a single-choice question needs at least one option.", f"{where}.options")
            missing = self.codes(doc.get("missing"), f"{where}.missing")
            overlap = sorted(missing & {o.code for o in options})
            if overlap:
                self.fail(
                    f"code(s) {overlap} are both options and missing codes; list each code in one place.",
                    f"{where}.missing",
                )
            rng = doc.get("range")
            lo, hi = (None, None)
            if rng is not None:
                if qtype != "numeric" or not isinstance(rng, list) or len(rng) != 2:
                    self.fail("'range: [min, max]' is only for numeric questions.", f"{where}.range")
                lo, hi = float(rng[0]), float(rng[1])
            out.append(
                Question(
                    id=qid,
                    column=self.column(doc.get("column", qid), f"{where}.column"),
                    text=self.texts(self.required(doc, "text", where), f"{where}.text"),
                    type=qtype,
                    options=tuple(options),
                    missing=missing,
                    minimum=lo,
                    maximum=hi,
                )
            )
        return tuple(out)

    def indicators(self, value: Any, questions: Mapping[str, Question]) -> tuple[Indicator, ...]:
        if not isinstance(value, list) or not value:
            self.fail("give a list of indicators to publish, each starting with '- key:'.", "indicators")
        out: list[Indicator] = []
        seen: set[str] = set()
        for i, item in enumerate(value):
            where = f"indicators[{i}]"
            doc = self.mapping(item, where)
            key = self.identifier(self.required(doc, "key", where), f"{where}.key")
            where = f"indicators[{i}] ({key})"
            if key in seen:
                self.fail(f"indicator key {key!r} is used twice; keys must be unique.", where)
            seen.add(key)
            qid = str(self.required(doc, "question", where))
            if qid not in questions:
                self.fail(
                    f"no question with id {qid!r}; use one of {sorted(questions)}.", f"{where}.question"
                )
            question = questions[qid]
            if True in doc or "yes" in doc:
                self.fail(
                    "write the codes that count as 'yes' under 'yes_codes:' (YAML reads a bare 'yes:' as true).",
                    where,
                )
            statistic = doc.get("statistic", "proportion" if "yes_codes" in doc else None)
            if statistic not in STATISTICS:
                self.fail(
                    f"statistic must be 'proportion' (with 'yes_codes:') or 'mean' (got {statistic!r}).",
                    where,
                )
            yes = self.codes(doc.get("yes_codes"), f"{where}.yes_codes")
            if statistic == "proportion":
                if question.type != "single_choice":
                    self.fail(f"question {qid!r} is numeric; use 'statistic: mean'.", where)
                if not yes:
                    self.fail(
                        "list the option codes that count as 'yes', e.g. 'yes_codes: [1, 2]'.",
                        f"{where}.yes_codes",
                    )
                unknown = sorted(yes - question.codes)
                if unknown:
                    self.fail(
                        f"code(s) {unknown} are not options of question {qid!r} "
                        f"(options: {sorted(question.codes)}; missing codes cannot count as yes).",
                        f"{where}.yes_codes",
                    )
            elif question.type != "numeric":
                self.fail(
                    f"'mean' needs a numeric question; {qid!r} is single-choice. Use 'proportion'.", where
                )
            rights = doc.get("rights") or []
            if not isinstance(rights, list) or not rights:
                self.fail(f"list at least one right from {sorted(RIGHT_KEYS)}.", f"{where}.rights")
            bad = sorted(set(map(str, rights)) - RIGHT_KEYS)
            if bad:
                self.fail(f"unknown right(s) {bad}; use {', '.join(sorted(RIGHT_KEYS))}.", f"{where}.rights")
            direction = doc.get("direction", "neutral")
            if direction not in DIRECTIONS:
                self.fail(
                    f"must be one of {', '.join(DIRECTIONS)} (got {direction!r}).", f"{where}.direction"
                )
            out.append(
                Indicator(
                    key=key,
                    title=self.texts(self.required(doc, "title", where), f"{where}.title"),
                    question=qid,
                    statistic=statistic,
                    yes_codes=yes,
                    rights=tuple(str(r) for r in rights),
                    direction=direction,
                    unit=str(doc.get("unit", "%" if statistic == "proportion" else "")),
                )
            )
        return tuple(out)

    def schools(self, value: Any) -> dict[str, str]:
        if value is None:
            return {}
        doc = self.mapping(value, "schools")
        return {str(k).strip(): normalise_area_code(v) for k, v in doc.items()}

    def areas(self, value: Any) -> frozenset[str] | None:
        if value is None:
            return None
        if not isinstance(value, list) or not value:
            self.fail("list the municipality codes that took part, e.g. ['078', '149'].", "areas")
        codes = frozenset(normalise_area_code(v) for v in value)
        unknown = sorted(codes - official_municipality_codes())
        if unknown:
            self.fail(f"{unknown} are not municipality codes of 2023; check the codes.", "areas")
        return codes
