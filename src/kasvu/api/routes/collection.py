"""Data collection rounds: the form, and a municipality's answers, with the same rights as the web.

A token is required. The unit's staff read every round and response; a municipal editor reads and
answers only for their own municipalities (another municipality is a logged 403). Answers go through
the same checks as the web form and the Excel import (:func:`kasvu.collection.services.save_answers`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from kasvu import access
from kasvu.api.auth import token_auth
from kasvu.api.errors import ERRORS, ApiError
from kasvu.collection import services
from kasvu.collection.messages import problem_text
from kasvu.collection.models import Response, Round, RoundStatus

router = Router(tags=["collection"], auth=token_auth)


class FieldOut(Schema):
    key: str
    kind: str
    label: dict[str, str]
    help: dict[str, str]
    required: bool
    unit: str
    decimals: int
    min: str | None
    max: str | None
    indicator: str
    choices: list[dict[str, str]]


class RoundOut(Schema):
    slug: str
    name: dict[str, str]
    kind: str
    year: int
    deadline: dt.date
    status: str
    municipalities: list[str]


class RoundDetail(RoundOut):
    fields: list[FieldOut]
    rules: list[dict[str, Any]]


class AnswerOut(Schema):
    value: str
    typed: str
    explanation: str
    comment: str


class ResponseOut(Schema):
    round: str
    municipality: str
    status: str
    submitted_by: str
    submitted_at: dt.datetime | None
    approved_by: str
    approved_at: dt.datetime | None
    return_comment: str
    answers: dict[str, AnswerOut]
    warnings: list[str] = []


class AnswersIn(Schema):
    answers: dict[str, str] = {}
    explanations: dict[str, str] = {}
    comments: dict[str, str] = {}
    submit: bool = False


def _names(obj: Any, field: str) -> dict[str, str]:
    return {k: getattr(obj, f"{field}_{k}") for k in ("fi", "sv", "en") if getattr(obj, f"{field}_{k}", "")}


def round_out(r: Round) -> dict[str, Any]:
    return {
        "slug": r.slug,
        "name": _names(r, "name"),
        "kind": r.kind,
        "year": r.year,
        "deadline": r.deadline,
        "status": r.status,
        "municipalities": list(r.municipalities.order_by("code").values_list("code", flat=True)),
    }


def _visible_rounds(request: HttpRequest) -> Any:
    if access.can_follow_rounds(request.user):
        return Round.objects.all()
    allowed = access.editable_area_ids(request.user) or set()
    return Round.objects.filter(status=RoundStatus.OPEN, municipalities__id__in=allowed).distinct()


def _round(request: HttpRequest, slug: str) -> Round:
    r = _visible_rounds(request).filter(slug=slug).first()
    if r is None:
        raise ApiError(404, f"No round {slug!r} for you. See /api/v1/collection/rounds.")
    return r


def _response(request: HttpRequest, r: Round, code: str) -> Response:
    area = r.municipalities.filter(code=code).first()
    if area is None:
        raise ApiError(404, f"Round {r.slug} does not ask municipality {code!r}.")
    response = Response.objects.filter(round=r, municipality=area).first() or Response(
        round=r, municipality=area
    )
    if not access.can_view_response(request.user, response):
        raise access.deny(request, f"api: collection {r.slug}/{code}: may not read")
    return response


def response_out(response: Response, warnings: list[str] | None = None) -> dict[str, Any]:
    answers = services.stored_answers(response) if response.pk else {}
    return {
        "round": response.round.slug,
        "municipality": response.municipality.code,
        "status": response.status,
        "submitted_by": response.submitted_by,
        "submitted_at": response.submitted_at,
        "approved_by": response.approved_by,
        "approved_at": response.approved_at,
        "return_comment": response.return_comment,
        "answers": {
            k: {"value": a.value, "typed": a.typed, "explanation": a.explanation, "comment": a.comment}
            for k, a in answers.items()
        },
        "warnings": warnings or [],
    }


@router.get(
    "/collection/rounds", response={200: list[RoundOut], **ERRORS}, summary="Rounds the caller may see"
)
def list_rounds(request: HttpRequest) -> list[dict[str, Any]]:
    """The unit's staff: every round. Municipal editors: the open rounds that ask their municipalities."""
    return [round_out(r) for r in _visible_rounds(request)]


@router.get(
    "/collection/rounds/{slug}", response={200: RoundDetail, **ERRORS}, summary="A round and its form"
)
def get_round(request: HttpRequest, slug: str) -> dict[str, Any]:
    r = _round(request, slug)
    fields = []
    for f in r.fields.all():
        s = f.spec()
        fields.append(
            {
                "key": f.key, "kind": f.kind, "label": _names(f, "label"), "help": _names(f, "help"),
                "required": f.required, "unit": f.unit, "decimals": f.decimals,
                "min": None if s.min is None else str(s.min), "max": None if s.max is None else str(s.max),
                "indicator": f.indicator, "choices": [{"value": c.value, **c.label} for c in s.choices],
            }
        )  # fmt: skip
    return {**round_out(r), "fields": fields, "rules": list(r.rules or [])}


@router.get(
    "/collection/rounds/{slug}/responses/{code}",
    response={200: ResponseOut, **ERRORS},
    summary="A municipality's answers",
)
def get_response(request: HttpRequest, slug: str, code: str) -> dict[str, Any]:
    """Editors only for their own municipalities; another municipality's answers are a logged 403."""
    return response_out(_response(request, _round(request, slug), code))


@router.put(
    "/collection/rounds/{slug}/responses/{code}",
    response={200: ResponseOut, **ERRORS},
    summary="Save (or submit) a municipality's answers",
)
def put_response(request: HttpRequest, slug: str, code: str, payload: AnswersIn) -> dict[str, Any]:
    """Only the fields sent change. Numbers may be typed as in Finland ("12,5", "1 234,5"). Nothing is
    saved if any answer is wrong: the 400 names each field and what to fix."""
    r = _round(request, slug)
    response = _response(request, r, code)
    if not access.can_enter_response(request.user, response):
        raise access.deny(request, f"api: collection {slug}/{code}: may not answer")
    if r.status != RoundStatus.OPEN and not access.can_manage_rounds(request.user):
        raise ApiError(400, f"Round {slug} is not open.")
    unknown = sorted(set(payload.answers) | set(payload.explanations) | set(payload.comments))
    unknown = [k for k in unknown if not r.fields.filter(key=k).exists()]
    if unknown:
        raise ApiError(400, f"Unknown field {', '.join(unknown)}. See /api/v1/collection/rounds/{slug}.")
    if not response.pk:
        response = services.response_for(r, response.municipality)
    try:
        saved = services.save_answers(
            response, payload.answers, user=request.user, explanations=payload.explanations,
            comments=payload.comments, submit=payload.submit, via="api", partial=True,
        )  # fmt: skip
    except services.CollectionError as exc:
        raise ApiError(400, str(exc)) from None
    fields = {f.key: f for f in r.field_specs()}
    if not saved.saved:
        text = "; ".join(f"{p.field}: {problem_text(p, fields)}" for p in saved.checked.errors)
        raise ApiError(400, f"Nothing was saved. {text}", code="invalid_answers")
    response.refresh_from_db()
    warnings = [f"{p.field}: {problem_text(p, fields)}" for p in saved.checked.warnings]
    return response_out(response, warnings)
