"""Child and youth welfare plans: the ones the caller may read (approved plans for the public)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema

from kasvu import access
from kasvu.api import common
from kasvu.api.auth import optional_auth
from kasvu.api.errors import ERRORS, ApiError
from kasvu.plans.models import Plan
from kasvu.plans.portable import export_plan, plan_to_data

router = Router(tags=["plans"], auth=optional_auth)


class PlanOut(Schema):
    id: int
    title: str
    title_fi: str
    title_sv: str
    status: str
    areas: list[str]
    start_year: int
    end_year: int
    approved_by: str
    approved_on: dt.date | None


class PlanPage(Schema):
    total: int
    limit: int
    offset: int
    next: str | None
    items: list[PlanOut]


class PlanDetail(PlanOut):
    content: dict[str, Any]


def plan_out(plan: Plan) -> dict[str, Any]:
    return {
        "id": plan.pk,
        "title": plan.title_fi or plan.title_sv,
        "title_fi": plan.title_fi,
        "title_sv": plan.title_sv,
        "status": plan.status,
        "areas": [a.key for a in plan.areas.all()],
        "start_year": plan.start_year,
        "end_year": plan.end_year,
        "approved_by": plan.approved_by,
        "approved_on": plan.approved_on,
    }


def readable_plan(request: HttpRequest, pk: int) -> Plan:
    """The plan, if the caller may read it (a logged 403 otherwise, as in the web UI)."""
    common.check_id(pk)
    plan = Plan.objects.filter(pk=pk).first()
    if plan is None:
        raise ApiError(404, f"No plan {pk}. See /api/v1/plans.")
    if not access.can_view_plan(request.user, plan):
        raise access.deny(request, f"plan {pk}: may not read")
    return plan


@router.get("/plans", response={200: PlanPage, **ERRORS}, summary="Plans the caller may read")
def list_plans(
    request: HttpRequest,
    status: str | None = None,
    area: str | None = None,
    limit: common.Limit = 100,
    offset: common.Offset = 0,
) -> PlanPage:
    """Approved plans for everyone; drafts and archived plans for signed-in users as in the web UI."""
    common.check_page(limit, offset)
    plans = access.visible_plans(request.user, Plan.objects.all())
    if status:
        plans = plans.filter(status=status)
    if area:
        plans = plans.filter(areas=common.area(area))
    plans = plans.distinct().order_by("-start_year", "title_fi").prefetch_related("areas")
    total = plans.count()
    return PlanPage(
        total=total,
        limit=limit,
        offset=offset,
        next=common.next_link(request, total, limit, offset),
        items=[PlanOut(**plan_out(p)) for p in plans[offset : offset + limit]],
    )


@router.get("/plans/{pk}", response={200: PlanDetail, **ERRORS}, summary="One plan with goals and follow-up")
def get_plan(request: HttpRequest, pk: int) -> PlanDetail:
    plan = readable_plan(request, pk)
    return PlanDetail(**plan_out(plan), content=plan_to_data(plan))


@router.get(
    "/plans/{pk}/yaml",
    response={200: None, **ERRORS},
    summary="The plan as YAML (kasvu plans import reads it)",
    openapi_extra={
        "responses": {
            200: {"description": "YAML", "content": {"application/yaml": {"schema": {"type": "string"}}}}
        }
    },
)
def plan_yaml(request: HttpRequest, pk: int) -> HttpResponse:
    plan = readable_plan(request, pk)
    response = HttpResponse(export_plan(plan), content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="plan-{plan.pk}.yaml"'
    return response
