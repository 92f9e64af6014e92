"""What can happen to a round and its responses; the web, the Excel import, the API and the CLI call these.

Rights are decided in :mod:`kasvu.access` by the callers; these functions do the work, record it in
the response's :class:`~kasvu.collection.models.Event` list and keep every change in the history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from kasvu.bank.models import Area, AreaKind
from kasvu.collection import spec
from kasvu.collection.models import (
    Answer,
    Event,
    Field,
    Response,
    ResponseStatus,
    Round,
    RoundStatus,
    user_name,
)
from kasvu.readmodel import Period, ValueQuery, read_values, sync
from kasvu.readmodel.indicators import indicator_ids


class CollectionError(ValueError):
    """A request that cannot be done now (e.g. submitting an approved response); the message says why."""


# --- Rounds ------------------------------------------------------------------------------------------


def _municipalities(codes: tuple[str, ...] | list[str], where: str) -> list[Area]:
    found = {a.code: a for a in Area.objects.filter(kind=AreaKind.MUNICIPALITY, code__in=codes)}
    missing = [c for c in codes if c not in found]
    if missing:
        raise spec.SpecError(
            f"{where}: no municipality with code {', '.join(missing)}. Use Statistics Finland's three-digit "
            "codes (e.g. 444 for Lohja); load areas first with `kasvu areas`."
        )
    return [found[c] for c in codes]


def field_kwargs(f: spec.FieldSpec) -> dict[str, Any]:
    out: dict[str, Any] = {
        "key": f.key,
        "kind": f.kind,
        "required": f.required,
        "indicator": f.indicator,
        "unit": f.unit,
        "decimals": f.decimals,
        "min_value": f.min,
        "max_value": f.max,
        "count": f.count,
        "rights": list(f.rights),
        "right": f.right,
        "choices": [{"value": c.value, **c.label} for c in f.choices],
    }
    if f.kind == "level" and all(c.label == {"fi": c.value} for c in f.choices):
        out["choices"] = []  # the plain levels 1–4, without descriptions
    for lang in spec.LANGS:
        out[f"label_{lang}"] = f.label.get(lang, "")
    for lang in ("fi", "sv"):
        out[f"help_{lang}"] = f.help.get(lang, "")
    return out


@transaction.atomic
def create_round(s: spec.RoundSpec, *, user: Any = "", file: str = "") -> Round:
    """Create a round from its spec (a YAML file, a copy, or the web form). All or nothing."""
    where = file or s.slug
    if Round.objects.filter(slug=s.slug).exists():
        raise spec.SpecError(f"{where}: a round {s.slug!r} exists already; choose another slug.")
    previous = None
    if s.previous:
        previous = Round.objects.filter(slug=s.previous).first()
        if previous is None:
            raise spec.SpecError(f"{where}: previous round {s.previous!r} does not exist.")
    areas = _municipalities(s.municipalities, where)
    round_ = Round.objects.create(
        slug=s.slug,
        name_fi=s.name.get("fi", ""),
        name_sv=s.name.get("sv", ""),
        name_en=s.name.get("en", ""),
        description_fi=s.description.get("fi", ""),
        description_sv=s.description.get("sv", ""),
        kind=s.kind,
        year=s.year,
        opens=s.opens,
        deadline=s.deadline,
        previous=previous,
        change_threshold=s.change_threshold,
        rules=[{"kind": r.kind, "fields": list(r.fields)} for r in s.rules],
        is_generated=s.is_generated,
        created_by=user_name(user),
    )
    round_.municipalities.set(areas)
    for order, f in enumerate(s.fields):
        Field.objects.create(round=round_, order=order, **field_kwargs(f))
    return round_


def round_to_data(round_: Round) -> dict[str, Any]:
    """The round as its YAML file says it (``kasvu collection create`` reads it back)."""
    fields = []
    for f in round_.fields.all():
        data: dict[str, Any] = {"key": f.key, "kind": f.kind}
        data["label"] = {k: getattr(f, f"label_{k}") for k in spec.LANGS if getattr(f, f"label_{k}")}
        helps = {k: getattr(f, f"help_{k}") for k in ("fi", "sv") if getattr(f, f"help_{k}")}
        if helps:
            data["help"] = helps
        if not f.required:
            data["required"] = False
        for name in ("indicator", "unit", "right"):
            if getattr(f, name):
                data[name] = getattr(f, name)
        if f.kind == "number":
            data["decimals"] = f.decimals
            for name, value in (("min", f.min_value), ("max", f.max_value)):
                if value is not None:
                    text = spec.canonical(Decimal(value))
                    data[name] = int(text) if "." not in text else float(text)
            if f.count:
                data["count"] = True
        if f.rights:
            data["rights"] = list(f.rights)
        if f.choices:
            data["choices"] = list(f.choices)
        fields.append(data)
    out: dict[str, Any] = {
        "slug": round_.slug,
        "name": {k: getattr(round_, f"name_{k}") for k in spec.LANGS if getattr(round_, f"name_{k}")},
        "kind": round_.kind,
        "year": round_.year,
        "deadline": round_.deadline.isoformat(),
        "municipalities": list(round_.municipalities.order_by("code").values_list("code", flat=True)),
        "change_threshold": round_.change_threshold,
        "fields": fields,
    }
    descriptions = {
        k: getattr(round_, f"description_{k}") for k in ("fi", "sv") if getattr(round_, f"description_{k}")
    }
    if descriptions:
        out["description"] = descriptions
    if round_.opens:
        out["opens"] = round_.opens.isoformat()
    if round_.previous_id:
        out["previous"] = round_.previous.slug  # type: ignore[union-attr]
    if round_.rules:
        out["rules"] = [
            {"kind": "part_of", "part": r["fields"][0], "whole": r["fields"][1]}
            if r["kind"] == "part_of"
            else {"kind": "sum", "parts": r["fields"][:-1], "total": r["fields"][-1]}
            for r in round_.rules
        ]
    if round_.is_generated:
        out["generated"] = True
    return out


def _next_year_text(text: str, old: int, new: int) -> str:
    return text.replace(str(old), str(new))


def copy_round(
    source: Round, *, slug: str, deadline: dt.date, year: int | None = None, user: Any = ""
) -> Round:
    """Next year's round: the same form, rules and municipalities; the source becomes "last year"."""
    data = round_to_data(source)
    year = year or source.year + 1
    data.update(slug=slug, year=year, deadline=deadline.isoformat(), previous=source.slug)
    data["name"] = {k: _next_year_text(v, source.year, year) for k, v in data["name"].items()}
    data.pop("opens", None)
    return create_round(spec.round_from_data(data, slug), user=user)


def open_round(round_: Round, user: Any) -> None:
    """Send the round: its municipalities' editors now see it on their home page."""
    if not round_.fields.exists():
        raise CollectionError("The round has no fields yet: add at least one before opening it.")
    round_.status = RoundStatus.OPEN
    round_.save(update_fields=["status"])
    for area in round_.municipalities.all():
        response_for(round_, area)


# --- Responses ---------------------------------------------------------------------------------------


def response_for(round_: Round, area: Area) -> Response:
    response, _ = Response.objects.get_or_create(round=round_, municipality=area)
    return response


def stored_answers(response: Response) -> dict[str, Answer]:
    return {a.field.key: a for a in response.answers.select_related("field")}


@dataclass(frozen=True)
class Previous:
    """Last year's answer to a field, and where it comes from."""

    value: str  # canonical
    number: float | None
    source: str  # "round" (last year's round) or "bank" (the bank's value for last year)


def previous_answers(response: Response) -> dict[str, Previous]:
    """Last year's answer per field key: from last year's round, else the bank's value of the indicator."""
    round_ = response.round
    out: dict[str, Previous] = {}
    if round_.previous_id:
        last = Response.objects.filter(
            round_id=round_.previous_id, municipality_id=response.municipality_id
        ).first()
        if last is not None and last.status in (ResponseStatus.SUBMITTED, ResponseStatus.APPROVED):
            for a in last.answers.select_related("field"):
                if a.value:
                    out[a.field.key] = Previous(a.value, a.number, "round")
    wanted = {f.indicator: f.key for f in round_.fields.all() if f.indicator and f.key not in out}
    if wanted:
        # Through the read model, like every other display of stored values. The municipality's own editor
        # sees its own last value even where the public gate would blank it (internal view).
        sync()  # also called outside a request (API, Excel import, CLI): see the newest data
        ids = indicator_ids(list(wanted))
        frame = read_values(
            ValueQuery(
                indicators=list(ids.values()), areas=[response.municipality_id],
                periods=[Period.of_year(round_.year - 1)], public=False, groups=False, intervals=False,
            )
        )  # fmt: skip
        key_of = {i: k for k, i in ids.items()}
        for indicator_id, value in frame.select("indicator_id", "value").iter_rows():
            if value is not None:
                out[wanted[key_of[indicator_id]]] = Previous(
                    spec.canonical(Decimal(str(value))), value, "bank"
                )
    return out


def check(
    response: Response,
    answers: Mapping[str, str],
    explanations: Mapping[str, str],
    *,
    submitting: bool,
) -> spec.Checked:
    round_ = response.round
    previous = {k: p.number for k, p in previous_answers(response).items() if p.number is not None}
    return spec.check_answers(
        round_.field_specs(),
        round_.rule_specs(),
        answers,
        previous=previous,
        explanations=explanations,
        change_threshold=round_.change_threshold,
        submitting=submitting,
    )


def _require_editable(response: Response) -> None:
    if not response.is_editable:
        raise CollectionError(
            f"The answers of {response.municipality.name()} are {response.get_status_display()}: "
            "they can be changed only after the unit returns them."
        )


@dataclass
class Saved:
    checked: spec.Checked
    saved: bool
    changed: list[str] = field(default_factory=list)


@transaction.atomic
def save_answers(
    response: Response,
    answers: Mapping[str, str],
    *,
    user: Any,
    explanations: Mapping[str, str] | None = None,
    comments: Mapping[str, str] | None = None,
    submit: bool = False,
    via: str = "web",
    language: str = "",
    partial: bool = False,
) -> Saved:
    """Check and save the answers (all or nothing); with ``submit`` also submit them.

    ``answers`` has every field of the form unless ``partial`` (the API may send only some): then the
    stored answers fill in the rest. Nothing is saved when there is an error; warnings are saved.
    """
    response = Response.objects.select_for_update().get(pk=response.pk)
    _require_editable(response)
    stored = stored_answers(response)
    explanations = dict(explanations or {})
    comments = dict(comments or {})
    merged = dict(answers)
    if partial:
        for key, a in stored.items():
            merged.setdefault(key, a.typed or a.value)
            explanations.setdefault(key, a.explanation)
            comments.setdefault(key, a.comment)
    checked = check(response, merged, explanations, submitting=submit)
    if checked.errors:
        transaction.set_rollback(True)
        return Saved(checked, False)
    changed: list[str] = []
    reason = f"{user_name(user)} ({via})"
    for f in response.round.fields.all():
        if (
            partial
            and f.key not in answers
            and f.key not in (explanations or {})
            and f.key not in (comments or {})
        ):
            continue
        value = checked.values.get(f.key, "")
        typed = (merged.get(f.key) or "").strip()[:200]
        number = float(checked.numbers[f.key]) if f.key in checked.numbers else None
        new = {
            "value": value,
            "typed": typed,
            "number": number,
            "explanation": (explanations.get(f.key) or "").strip(),
            "comment": (comments.get(f.key) or "").strip(),
        }
        old = stored.get(f.key)
        if old is None:
            if any(new[k] for k in ("value", "explanation", "comment")):
                answer = Answer(response=response, field=f, **new)
                answer._change_reason = reason  # type: ignore[attr-defined]  # simple_history: who, and how
                answer.save()
                changed.append(f.key)
        elif any(getattr(old, k) != v for k, v in new.items()):
            for k, v in new.items():
                setattr(old, k, v)
            old._change_reason = reason  # type: ignore[attr-defined]
            old.save()
            changed.append(f.key)
    now = timezone.now()
    name = user_name(user)
    response.saved_by, response.saved_at = name, now
    if language in ("fi", "sv", "en"):
        response.language = language
    if submit:
        response.status = ResponseStatus.SUBMITTED
        response.submitted_by, response.submitted_at = name, now
    elif response.status == ResponseStatus.NOT_STARTED:
        response.status = ResponseStatus.DRAFT
    response.save()
    detail = ", ".join(changed)
    Event.objects.create(
        response=response, user=name, action="submitted" if submit else "saved", via=via, detail=detail
    )
    return Saved(checked, True, changed)


@transaction.atomic
def return_response(response: Response, *, user: Any, comment: str) -> None:
    """Send the answers back to the municipality with what to fix."""
    if response.status not in (ResponseStatus.SUBMITTED, ResponseStatus.APPROVED):
        raise CollectionError("Only submitted or approved answers can be returned.")
    if not comment.strip():
        raise CollectionError("Say what the municipality should check or fix.")
    response.status = ResponseStatus.RETURNED
    response.returned_by, response.returned_at = user_name(user), timezone.now()
    response.return_comment = comment.strip()
    response.save()
    Event.objects.create(response=response, user=user_name(user), action="returned", detail=comment.strip())


@transaction.atomic
def approve(response: Response, *, user: Any, via: str = "web") -> list[str]:
    """Approve submitted answers and publish them (bank, plan, needs analysis). Returns what was done."""
    if response.status != ResponseStatus.SUBMITTED:
        raise CollectionError("Only submitted answers can be approved.")
    response.status = ResponseStatus.APPROVED
    response.approved_by, response.approved_at = user_name(user), timezone.now()
    response.save()
    Event.objects.create(response=response, user=user_name(user), action="approved", via=via)
    from kasvu.collection.publish import publish_response

    return publish_response(response)


@dataclass(frozen=True)
class AnswerChange:
    at: dt.datetime
    field: str
    value: str
    previous: str
    explanation: str
    comment: str
    by: str


def answer_history(response: Response, limit: int = 300) -> list[AnswerChange]:
    """Every saved version of every answer, newest first: what it was before and who changed it."""
    labels = {f.pk: f.label() for f in response.round.fields.all()}
    records = list(Answer.history.filter(response_id=response.pk).order_by("history_date", "history_id"))
    last: dict[int, str] = {}
    out = []
    for r in records:
        out.append(
            AnswerChange(
                at=r.history_date,
                field=labels.get(r.field_id, str(r.field_id)),
                value=r.typed or r.value,
                previous=last.get(r.field_id, ""),
                explanation=r.explanation,
                comment=r.comment,
                by=r.history_change_reason or "",
            )
        )
        last[r.field_id] = r.typed or r.value
    return list(reversed(out))[:limit]


# --- The completeness board --------------------------------------------------------------------------


@dataclass(frozen=True)
class BoardRow:
    municipality: Area
    response: Response | None
    status: str
    late: bool
    contacts: list[tuple[str, str]]  # (name, e-mail) of the municipality's editors


@dataclass(frozen=True)
class Board:
    round: Round
    rows: list[BoardRow]
    counts: dict[str, int]
    days_to_deadline: int

    @property
    def missing(self) -> list[BoardRow]:
        return [r for r in self.rows if r.status in ("not_started", "draft", "returned")]


def editors_of(areas: list[Area]) -> dict[int, list[tuple[str, str]]]:
    """Municipal editors per municipality (directly or through a group they edit)."""
    from kasvu.accounts.models import Profile, Role

    out: dict[int, list[tuple[str, str]]] = {a.id: [] for a in areas}
    profiles = Profile.objects.filter(role=Role.MUNICIPAL_EDITOR, user__is_active=True).select_related("user")
    for profile in profiles.prefetch_related("areas__member_links"):
        ids = set()
        for area in profile.areas.all():
            ids.add(area.id)
            ids.update(link.member_id for link in area.member_links.all())
        u = profile.user
        for area_id in ids & set(out):
            out[area_id].append((u.get_full_name() or u.get_username(), u.email))
    return out


def board(round_: Round, today: dt.date | None = None) -> Board:
    """Per municipality asked: the state of its answers, whether it is late, whom to contact."""
    areas = list(round_.municipalities.order_by("name_fi"))
    responses = {r.municipality_id: r for r in round_.responses.all()}
    contacts = editors_of(areas)
    late = round_.is_late(today)
    rows = []
    counts = {s: 0 for s in ResponseStatus.values}
    for area in areas:
        r = responses.get(area.id)
        status = r.status if r else ResponseStatus.NOT_STARTED
        counts[status] += 1
        rows.append(BoardRow(area, r, status, late and status in EDITABLE_STATUSES, contacts[area.id]))
    return Board(round_, rows, counts, round_.days_to_deadline(today))


EDITABLE_STATUSES = ("not_started", "draft", "returned")


def open_rounds_for(area_ids: set[int] | None) -> list[tuple[Round, Response]]:
    """Open rounds and the responses of the given municipalities (None: every municipality)."""
    responses = Response.objects.filter(round__status=RoundStatus.OPEN).select_related(
        "round", "municipality"
    )
    if area_ids is not None:
        responses = responses.filter(municipality_id__in=area_ids)
    return [(r.round, r) for r in responses.order_by("round__deadline", "municipality__name_fi")]
