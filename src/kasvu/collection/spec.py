"""A data collection round as data: its form, its rules, and the checks of one municipality's answers.

Pure (no Django): a round's YAML file becomes a :class:`RoundSpec`, and :func:`check_answers` checks
the answers of one municipality against it — the same checks for the web form, the Excel import and
the API. Problems are codes with parameters (:class:`Problem`); :mod:`kasvu.collection.messages`
turns them into Finnish, Swedish or English sentences.

The kinds of field follow what the unit actually asks municipalities:

- ``number``: a figure of the yearly child and family social services survey (staff, caseloads,
  waiting times), tied to an indicator of the bank, with unit, decimals and a valid range;
- ``choice``: one of a list of options;
- ``level``: a council body's self-assessment on levels 1–4 (goes to the plan's self-assessment);
- ``themes``: themes of a development-needs questionnaire (seed 004; go to the needs analysis);
- ``text``: free text.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from kasvu.numbers import NotANumber, parse_decimal

KINDS = ("figures", "self_assessment", "needs")
FIELD_KINDS = ("number", "choice", "level", "themes", "text")
RULE_KINDS = ("part_of", "sum")
LANGS = ("fi", "sv", "en")
KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
#: A change from last year above this share needs an explanation (30 %), unless the round says otherwise.
DEFAULT_CHANGE_THRESHOLD = 30
THEMES_SEPARATOR = ";"


def read_number(text: str) -> Decimal | None:
    """An answer as typed ("12,5", "1 234,5", "−3") read by :func:`kasvu.numbers.parse_decimal`; None if empty."""
    return parse_decimal(text) if text.strip() else None


def decimals_of(number: Decimal) -> int:
    """Significant digits after the decimal point: ``12,50`` → 1, ``12`` → 0, ``0,05`` → 2."""
    return len(f"{number:f}".partition(".")[2].rstrip("0"))


def canonical(number: Decimal) -> str:
    """How an answer is stored: ``12.5``, ``1234``; never an exponent, no trailing zeros."""
    text = f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


class SpecError(ValueError):
    """A round's file is wrong: the message names the file, the field and what to write instead."""


@dataclass(frozen=True)
class Choice:
    value: str
    label: dict[str, str]

    def text(self, lang: str) -> str:
        return self.label.get(lang) or self.label.get("fi") or self.value


@dataclass(frozen=True)
class FieldSpec:
    key: str
    kind: str
    label: dict[str, str]
    help: dict[str, str] = field(default_factory=dict)
    required: bool = True
    indicator: str = ""  # "collection:<name>": number fields whose approved figures go to the bank
    unit: str = ""
    decimals: int = 0
    min: Decimal | None = None
    max: Decimal | None = None
    count: bool = False  # a count of persons: stored as numerator too, so small numbers are suppressed
    rights: tuple[str, ...] = ()
    right: str = ""  # level fields: the right the self-assessment belongs to
    choices: tuple[Choice, ...] = ()

    def text(self, lang: str) -> str:
        return self.label.get(lang) or self.label.get("fi") or self.key

    def help_text(self, lang: str) -> str:
        return self.help.get(lang) or self.help.get("fi") or ""

    def choice_values(self) -> list[str]:
        if self.kind == "level":
            return ["1", "2", "3", "4"]
        return [c.value for c in self.choices]


@dataclass(frozen=True)
class RuleSpec:
    """``part_of``: ``part`` ≤ ``whole``. ``sum``: ``parts`` add up to ``total``."""

    kind: str
    fields: tuple[str, ...]  # part_of: (part, whole); sum: (*parts, total)


@dataclass(frozen=True)
class RoundSpec:
    slug: str
    name: dict[str, str]
    kind: str
    year: int
    deadline: dt.date
    municipalities: tuple[str, ...]
    fields: tuple[FieldSpec, ...]
    rules: tuple[RuleSpec, ...] = ()
    description: dict[str, str] = field(default_factory=dict)
    opens: dt.date | None = None
    previous: str = ""  # slug of last year's round: its answers are shown beside the fields
    change_threshold: int = DEFAULT_CHANGE_THRESHOLD
    is_generated: bool = False

    def field(self, key: str) -> FieldSpec:
        for f in self.fields:
            if f.key == key:
                return f
        raise KeyError(key)


# --- Reading a round's file -------------------------------------------------------------------------


def _texts(value: Any, where: str, *, required: bool = False) -> dict[str, str]:
    if value is None or value == "":
        if required:
            raise SpecError(f"{where}: give the text at least in Finnish, e.g. {{fi: ..., sv: ...}}.")
        return {}
    if isinstance(value, str):
        return {"fi": value}
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise SpecError(f"{where}: write the texts by language, e.g. {{fi: ..., sv: ...}}.")
    unknown = sorted(set(value) - set(LANGS))
    if unknown:
        raise SpecError(f"{where}: unknown language {', '.join(unknown)}; use fi, sv and en.")
    if required and not value.get("fi"):
        raise SpecError(f"{where}: the Finnish text (fi) is missing.")
    return {k: v for k, v in value.items() if v}


def _decimal(value: Any, where: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return read_number(str(value))
    except NotANumber:
        raise SpecError(f"{where}: {value!r} is not a number.") from None


def _date(value: Any, where: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise SpecError(f"{where}: {value!r} is not a date; write it as 2026-03-31.") from None


def _choices(value: Any, where: str) -> tuple[Choice, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise SpecError(f"{where}: choices are a list of {{value: ..., fi: ..., sv: ...}}.")
    out = []
    for i, item in enumerate(value, start=1):
        if isinstance(item, str | int):
            out.append(Choice(str(item), {"fi": str(item)}))
            continue
        if not isinstance(item, dict) or "value" not in item:
            raise SpecError(f"{where}, choice {i}: give its value, e.g. {{value: '1', fi: ...}}.")
        out.append(Choice(str(item["value"]), _texts({k: v for k, v in item.items() if k != "value"}, where)))
    values = [c.value for c in out]
    dup = sorted({v for v in values if values.count(v) > 1})
    if dup:
        raise SpecError(f"{where}: choice {', '.join(dup)} is given twice.")
    return tuple(out)


def field_from_data(data: Any, where: str) -> FieldSpec:
    if not isinstance(data, dict):
        raise SpecError(f"{where}: a field is a mapping with key, kind and label.")
    key = str(data.get("key", ""))
    if not KEY.match(key):
        raise SpecError(
            f"{where}: key {key!r} must be lower-case letters, digits, - or _ (e.g. staff-total)."
        )
    where = f"{where} ({key})"
    kind = str(data.get("kind", "number"))
    if kind not in FIELD_KINDS:
        raise SpecError(f"{where}: kind {kind!r} is unknown; use one of {', '.join(FIELD_KINDS)}.")
    known = {
        "key", "kind", "label", "help", "required", "indicator", "unit", "decimals", "min", "max",
        "count", "rights", "right", "choices",
    }  # fmt: skip
    unknown = sorted(set(data) - known)
    if unknown:
        raise SpecError(f"{where}: unknown setting {', '.join(unknown)}; known: {', '.join(sorted(known))}.")
    indicator = str(data.get("indicator") or "")
    if indicator and not re.match(r"^collection:[a-z0-9][a-z0-9_-]*$", indicator):
        raise SpecError(
            f"{where}: indicator {indicator!r} must be collection:<name> (e.g. collection:caseload); "
            "the round owns the indicators it fills."
        )
    if indicator and kind != "number":
        raise SpecError(f"{where}: only number fields are tied to an indicator.")
    decimals = data.get("decimals", 0)
    if not isinstance(decimals, int) or not 0 <= decimals <= 6:
        raise SpecError(f"{where}: decimals must be a whole number from 0 to 6.")
    low, high = _decimal(data.get("min"), f"{where}, min"), _decimal(data.get("max"), f"{where}, max")
    if low is not None and high is not None and low > high:
        raise SpecError(f"{where}: min {low} is above max {high}.")
    choices = _choices(data.get("choices"), where)
    if kind in ("choice", "themes") and not choices:
        raise SpecError(f"{where}: a {kind} field needs its choices.")
    if kind == "level":
        if choices and [c.value for c in choices] != ["1", "2", "3", "4"]:
            raise SpecError(f"{where}: a level field has the choices 1, 2, 3 and 4 (their descriptions).")
        choices = choices or tuple(Choice(str(i), {"fi": str(i)}) for i in range(1, 5))
    rights = data.get("rights") or []
    if not isinstance(rights, list) or not all(isinstance(r, str) for r in rights):
        raise SpecError(f"{where}: rights are a list of keys, e.g. [care, safety].")
    return FieldSpec(
        key=key,
        kind=kind,
        label=_texts(data.get("label"), f"{where}, label", required=True),
        help=_texts(data.get("help"), f"{where}, help"),
        required=bool(data.get("required", True)),
        indicator=indicator,
        unit=str(data.get("unit") or ""),
        decimals=decimals,
        min=low,
        max=high,
        count=bool(data.get("count", False)),
        rights=tuple(rights),
        right=str(data.get("right") or ""),
        choices=choices,
    )


def rule_from_data(data: Any, where: str, keys: dict[str, FieldSpec]) -> RuleSpec:
    if not isinstance(data, dict) or data.get("kind") not in RULE_KINDS:
        raise SpecError(
            f"{where}: a rule is {{kind: part_of, part: a, whole: b}} or {{kind: sum, parts: [a, b], total: c}}."
        )
    if data["kind"] == "part_of":
        names: tuple[str, ...] = (str(data.get("part", "")), str(data.get("whole", "")))
    else:
        parts = data.get("parts") or []
        if not isinstance(parts, list) or len(parts) < 2:
            raise SpecError(f"{where}: a sum has at least two parts.")
        names = (*[str(p) for p in parts], str(data.get("total", "")))
    for name in names:
        if name not in keys:
            raise SpecError(f"{where}: no field {name!r}. Fields: {', '.join(keys)}.")
        if keys[name].kind != "number":
            raise SpecError(f"{where}: field {name!r} is not a number field.")
    return RuleSpec(str(data["kind"]), names)


def round_from_data(data: Any, file: str) -> RoundSpec:
    """A round from its parsed YAML; :class:`SpecError` names ``file`` and what is wrong."""
    if not isinstance(data, dict):
        raise SpecError(f"{file}: the file must be a mapping with slug, name, kind, year, deadline, fields.")
    try:
        return _round_from_data(data, file)
    except SpecError as exc:
        text = str(exc)
        raise SpecError(text if text.startswith(file) else f"{file}: {text}") from None


def _round_from_data(data: dict[str, Any], file: str) -> RoundSpec:
    for name in ("slug", "name", "year", "deadline", "municipalities", "fields"):
        if name not in data:
            raise SpecError(f"{file}: {name} is missing.")
    slug = str(data["slug"])
    if not KEY.match(slug):
        raise SpecError(f"slug {slug!r} must be lower-case letters, digits, - or _ (e.g. lape-2026).")
    kind = str(data.get("kind", "figures"))
    if kind not in KINDS:
        raise SpecError(f"kind {kind!r} is unknown; use one of {', '.join(KINDS)}.")
    if not isinstance(data["year"], int) or not 1990 <= data["year"] <= 2100:
        raise SpecError(f"year {data['year']!r} must be the year the figures describe, e.g. 2025.")
    munis = data["municipalities"]
    if not isinstance(munis, list) or not munis:
        raise SpecError("municipalities: list the codes of the municipalities asked, e.g. ['444', '927'].")
    codes = tuple(str(c).zfill(3) for c in munis)
    if not isinstance(data["fields"], list) or not data["fields"]:
        raise SpecError("fields: the form has no fields.")
    fields = [field_from_data(f, f"field {i}") for i, f in enumerate(data["fields"], start=1)]
    keys: dict[str, FieldSpec] = {}
    for f in fields:
        if f.key in keys:
            raise SpecError(f"field key {f.key!r} is used twice.")
        keys[f.key] = f
    rules = [rule_from_data(r, f"rule {i}", keys) for i, r in enumerate(data.get("rules") or [], start=1)]
    threshold = data.get("change_threshold", DEFAULT_CHANGE_THRESHOLD)
    if not isinstance(threshold, int) or threshold <= 0:
        raise SpecError("change_threshold is a whole percentage, e.g. 30.")
    return RoundSpec(
        slug=slug,
        name=_texts(data["name"], "name", required=True),
        kind=kind,
        year=data["year"],
        deadline=_date(data["deadline"], "deadline"),
        opens=_date(data["opens"], "opens") if data.get("opens") else None,
        municipalities=codes,
        fields=tuple(fields),
        rules=tuple(rules),
        description=_texts(data.get("description"), "description"),
        previous=str(data.get("previous") or ""),
        change_threshold=threshold,
        is_generated=bool(data.get("generated", False)),
    )


# --- Checking one municipality's answers --------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One finding about an answer. ``severity`` is ``error`` (not saved) or ``warning`` (saved)."""

    field: str
    code: str
    severity: str = "error"
    params: dict[str, str] = dataclasses.field(default_factory=dict)


@dataclass
class Checked:
    values: dict[str, str]  # field key → the answer as stored (numbers canonical: "1234.5")
    numbers: dict[str, Decimal]
    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def for_field(self, key: str) -> list[Problem]:
        return [p for p in self.problems if p.field == key]


def _check_number(f: FieldSpec, text: str, problems: list[Problem]) -> Decimal | None:
    try:
        number = read_number(text)
    except NotANumber:
        problems.append(Problem(f.key, "not_a_number", params={"text": text}))
        return None
    if number is None:
        return None
    if decimals_of(number) > f.decimals:
        problems.append(Problem(f.key, "decimals", params={"decimals": str(f.decimals)}))
    if f.min is not None and number < f.min:
        problems.append(Problem(f.key, "below_min", params={"min": canonical(f.min)}))
    if f.max is not None and number > f.max:
        problems.append(Problem(f.key, "above_max", params={"max": canonical(f.max)}))
    return number


def _check_rules(rules: Sequence[RuleSpec], numbers: Mapping[str, Decimal], problems: list[Problem]) -> None:
    for rule in rules:
        if any(name not in numbers for name in rule.fields):
            continue  # a rule is checked once all its fields have a number
        if rule.kind == "part_of":
            part, whole = rule.fields
            if numbers[part] > numbers[whole]:
                problems.append(Problem(part, "part_of", params={"whole": whole}))
        else:
            *parts, total = rule.fields
            added = sum((numbers[p] for p in parts), Decimal(0))
            if added != numbers[total]:
                problems.append(
                    Problem(total, "sum", params={"parts": ",".join(parts), "added": canonical(added)})
                )


def relative_change(previous: float, now: Decimal) -> float | None:
    """The change from last year as a share of last year's value; None when last year was 0."""
    if previous == 0:
        return None
    return (float(now) - previous) / abs(previous)


def check_answers(
    fields: Sequence[FieldSpec],
    rules: Sequence[RuleSpec],
    answers: Mapping[str, str],
    *,
    previous: Mapping[str, float] | None = None,
    explanations: Mapping[str, str] | None = None,
    change_threshold: int = DEFAULT_CHANGE_THRESHOLD,
    submitting: bool = False,
) -> Checked:
    """Check the answers of one municipality (field key → text as typed).

    Errors stop a save: a value that is not a number, too many decimals, out of range, not one of
    the choices, a part above its whole, parts that do not add up. A change from last year above
    ``change_threshold`` % is a warning while drafting and an error on submitting until it is
    explained. On submitting every required field must be answered.
    """
    previous = previous or {}
    explanations = explanations or {}
    values: dict[str, str] = {}
    numbers: dict[str, Decimal] = {}
    problems: list[Problem] = []
    for f in fields:
        text = (answers.get(f.key) or "").strip()
        if f.kind == "number":
            number = _check_number(f, text, problems)
            if number is not None:
                numbers[f.key] = number
                values[f.key] = canonical(number)
        elif f.kind in ("choice", "level"):
            if text and text not in f.choice_values():
                problems.append(Problem(f.key, "choice", params={"text": text}))
            elif text:
                values[f.key] = text
        elif f.kind == "themes":
            chosen = [t.strip() for t in text.split(THEMES_SEPARATOR) if t.strip()]
            unknown = [t for t in chosen if t not in f.choice_values()]
            if unknown:
                problems.append(Problem(f.key, "choice", params={"text": ", ".join(unknown)}))
            elif chosen:
                order = f.choice_values()
                values[f.key] = THEMES_SEPARATOR.join(sorted(set(chosen), key=order.index))
        elif text:
            values[f.key] = text
        if submitting and f.required and f.key not in values and not any(p.field == f.key for p in problems):
            problems.append(Problem(f.key, "required"))
    _check_rules(rules, numbers, problems)
    for key, number in numbers.items():
        last = previous.get(key)
        change = relative_change(last, number) if last is not None else None
        if change is not None and abs(change) * 100 > change_threshold:
            explained = bool((explanations.get(key) or "").strip())
            if not explained:
                params = {
                    "previous": repr(last),
                    "change": f"{change * 100:+.0f}",
                    "limit": str(change_threshold),
                }
                severity = "error" if submitting else "warning"
                problems.append(Problem(key, "explain_change", severity, params))
    return Checked(values, numbers, problems)
