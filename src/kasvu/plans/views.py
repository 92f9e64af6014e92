"""Pages for plans: each checks the right through kasvu.access, then parses, calls, renders."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kasvu import access
from kasvu.plans import documents
from kasvu.plans.forms import PARTS, FollowUpForm, ImportForm, PlanForm
from kasvu.plans.history import CannotRestore, find_record, plan_history, restore
from kasvu.plans.models import (
    Action,
    ActionFollowUp,
    FollowUp,
    GoalIndicator,
    IndicatorFollowUp,
    Plan,
)
from kasvu.plans.overview import plan_overview, plans_due_for_review
from kasvu.plans.portable import PlanImportError, export_plan, import_plan


def _plan(request: HttpRequest, pk: int, *, edit: bool = False) -> Plan:
    """The plan, if the user may read it (or edit it); otherwise a logged 403."""
    plan = get_object_or_404(Plan, pk=pk)
    if not access.can_view_plan(request.user, plan):
        raise access.deny(request, f"plan {pk}: may not read")
    if edit and not access.can_edit_plan(request.user, plan):
        raise access.deny(request, f"plan {pk}: may not edit")
    return plan


def _lang() -> str:
    lang = (get_language() or "fi")[:2]
    return lang if lang in ("fi", "sv") else "fi"


def plan_list(request: HttpRequest) -> HttpResponse:
    plans: QuerySet[Plan] = access.visible_plans(request.user, Plan.objects.all()).prefetch_related("areas")
    return render(
        request,
        "plans/list.html",
        {
            "plans": plans,
            "can_create": access.can_create_plan(request.user),
            "due": plans_due_for_review(request.user),
        },
    )


def plan_create(request: HttpRequest) -> HttpResponse:
    if not access.can_create_plan(request.user):
        raise access.deny(request, "plan: may not create")
    form = PlanForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        if not access.can_create_plan(request.user, form.cleaned_data["areas"]):
            raise access.deny(request, "plan: may not create for these areas")
        plan = form.save()
        messages.success(request, _("Plan created."))
        return redirect("plans:detail", pk=plan.pk)
    return render(request, "plans/form.html", {"form": form, "title": _("New plan")})


def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    return render(
        request,
        "plans/detail.html",
        {
            "plan": plan,
            "overview": plan_overview(plan, _lang()),
            "can_edit": access.can_edit_plan(request.user, plan),
            "years": list(range(plan.start_year, plan.end_year + 1)),
            "lang": _lang(),
        },
    )


def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk, edit=True)
    form = PlanForm(request.POST or None, instance=plan, user=request.user)
    if request.method == "POST" and form.is_valid():
        if not access.can_edit_areas(request.user, list(form.cleaned_data["areas"])):
            raise access.deny(request, f"plan {pk}: may not move to these areas")
        form.save()
        messages.success(request, _("Plan saved."))
        return redirect("plans:detail", pk=plan.pk)
    return render(request, "plans/form.html", {"form": form, "plan": plan, "title": _("Edit plan")})


def plan_delete(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    if not access.can_delete_plan(request.user, plan):
        raise access.deny(request, f"plan {pk}: may not delete")
    if request.method == "POST":
        plan.delete()
        messages.success(request, _("Plan deleted. It can still be found in the admin's history."))
        return redirect("plans:list")
    return render(request, "plans/confirm_delete.html", {"plan": plan, "object": plan})


def plan_export(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    response = HttpResponse(export_plan(plan), content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="plan-{plan.pk}.yaml"'
    return response


def plan_import(request: HttpRequest) -> HttpResponse:
    if not access.can_create_plan(request.user):
        raise access.deny(request, "plan: may not import")
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["file"].read().decode("utf-8", errors="replace")
        try:
            with transaction.atomic():
                plan = import_plan(text)
                if not access.can_edit_plan(request.user, plan):
                    raise PlanImportError("areas", _("you may not create plans for these areas."))
        except PlanImportError as err:
            form.add_error("file", str(err))
        else:
            messages.success(request, _("Plan imported."))
            return redirect("plans:detail", pk=plan.pk)
    return render(request, "plans/form.html", {"form": form, "title": _("Import a plan"), "multipart": True})


# ---------------------------------------------------------------------------
# Goals, requirements, actions, indicators, self-assessments


def _part(kind: str) -> tuple[Any, Any]:
    if kind not in PARTS:
        raise Http404
    return PARTS[kind]


def _part_instance(plan: Plan, kind: str, obj: int) -> Any:
    _form, model = _part(kind)
    lookup = {"plan": plan} if kind in ("goal", "selfassessment") else {"goal__plan": plan}
    return get_object_or_404(model, pk=obj, **lookup)


def part_edit(request: HttpRequest, pk: int, kind: str, obj: int | None = None) -> HttpResponse:
    plan = _plan(request, pk, edit=True)
    form_class, model = _part(kind)
    instance = (
        _part_instance(plan, kind, obj)
        if obj is not None
        else model(plan=plan)
        if kind
        in (
            "goal",
            "selfassessment",
        )
        else None
    )
    initial: dict[str, Any] = {}
    if obj is None:
        if request.GET.get("goal"):
            initial["goal"] = request.GET["goal"]
        if request.GET.get("right"):
            initial["rights"] = [request.GET["right"]]
            initial["right"] = request.GET["right"]
        if request.GET.get("kind"):
            initial["kind"] = request.GET["kind"]
    form = form_class(request.POST or None, instance=instance, initial=initial, plan=plan)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Saved."))
        if "add_another" in request.POST:
            return redirect(
                request.path + (f"?goal={form.instance.goal_id}" if hasattr(form.instance, "goal_id") else "")
            )
        return redirect("plans:detail", pk=plan.pk)
    title = (_("Edit: %(part)s") if obj else _("New: %(part)s")) % {"part": model._meta.verbose_name}
    return render(
        request, "plans/form.html", {"form": form, "plan": plan, "title": title, "kind": kind, "obj": obj}
    )


def part_delete(request: HttpRequest, pk: int, kind: str, obj: int) -> HttpResponse:
    plan = _plan(request, pk, edit=True)
    instance = _part_instance(plan, kind, obj)
    if request.method == "POST":
        instance.delete()
        messages.success(request, _("Deleted. You can restore it from the history."))
        return redirect("plans:detail", pk=plan.pk)
    return render(request, "plans/confirm_delete.html", {"plan": plan, "object": instance})


# ---------------------------------------------------------------------------
# Follow-up


def follow_up(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    plan = _plan(request, pk)
    if not 1900 < year < 2200:
        raise Http404
    can_edit = access.can_edit_plan(request.user, plan)
    if request.method == "POST" and not can_edit:
        raise access.deny(request, f"plan {pk}: may not edit the follow-up")
    fu = plan.follow_ups.filter(year=year).first()
    actions = list(Action.objects.filter(goal__plan=plan).select_related("goal"))
    links = list(GoalIndicator.objects.filter(goal__plan=plan).select_related("indicator", "area", "goal"))
    initial: dict[str, Any] = {}
    if fu is not None:
        initial.update(summary_fi=fu.summary_fi, summary_sv=fu.summary_sv)
        for afu in fu.actions.all():
            initial[f"action_{afu.action_id}_status"] = afu.status
            initial[f"action_{afu.action_id}_narrative_fi"] = afu.narrative_fi
            initial[f"action_{afu.action_id}_narrative_sv"] = afu.narrative_sv
        for ifu in fu.indicators.all():
            initial[f"indicator_{ifu.goal_indicator_id}_status"] = ifu.status
            initial[f"indicator_{ifu.goal_indicator_id}_reason"] = ifu.reason
    form = FollowUpForm(request.POST or None, initial=initial, actions=actions, links=links)
    if request.method == "POST" and form.is_valid():
        _save_follow_up(plan, year, form, request.user.get_username())
        messages.success(request, _("Follow-up saved."))
        return redirect("plans:follow_up", pk=plan.pk, year=year)
    overview = plan_overview(plan, _lang(), year=year)
    notes = {afu.action_id: afu for afu in fu.actions.all()} if fu is not None else {}
    return render(
        request,
        "plans/follow_up.html",
        {
            "plan": plan,
            "year": year,
            "form": form,
            "can_edit": can_edit,
            "rows": [(a, form.action_fields(a)) for a in actions],
            "indicator_rows": [
                (link, overview.status_of(link.id), form.indicator_fields(link)) for link in links
            ],
            "lang": _lang(),
            "summary": fu.summary(_lang()) if fu is not None else "",
            "recorded": [(a, notes.get(a.id)) for a in actions],
        },
    )


@transaction.atomic
def _save_follow_up(plan: Plan, year: int, form: FollowUpForm, username: str) -> None:
    data = form.cleaned_data
    fu, _created = FollowUp.objects.get_or_create(plan=plan, year=year)
    if (fu.summary_fi, fu.summary_sv) != (data["summary_fi"], data["summary_sv"]):
        fu.summary_fi, fu.summary_sv = data["summary_fi"], data["summary_sv"]
        fu.save()
    for action in form.actions:
        values = {
            "status": data[f"action_{action.id}_status"],
            "narrative_fi": data[f"action_{action.id}_narrative_fi"],
            "narrative_sv": data[f"action_{action.id}_narrative_sv"],
        }
        afu = fu.actions.filter(action=action).first()
        if afu is None:
            ActionFollowUp.objects.create(follow_up=fu, action=action, **values)
        elif any(getattr(afu, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(afu, k, v)
            afu.save()
    for link in form.links:
        status = data[f"indicator_{link.id}_status"]
        reason = data[f"indicator_{link.id}_reason"].strip()
        ifu = fu.indicators.filter(goal_indicator=link).first()
        if not status:
            if ifu is not None:
                ifu.delete()
            continue
        if ifu is None:
            ifu = IndicatorFollowUp(follow_up=fu, goal_indicator=link)
        elif (ifu.status, ifu.reason) == (status, reason):
            continue
        ifu.status, ifu.reason = status, reason
        ifu.overridden_by, ifu.overridden_at = username, timezone.now()
        ifu.save()


# ---------------------------------------------------------------------------
# History


def history(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    if not access.is_internal(request.user):
        raise access.deny(request, f"plan {pk}: history is internal")
    return render(
        request,
        "plans/history.html",
        {
            "plan": plan,
            "changes": plan_history(plan.pk),
            "can_edit": access.can_edit_plan(request.user, plan),
        },
    )


@require_POST
def history_restore(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk, edit=True)
    kind = request.POST.get("kind", "")
    try:
        history_id = int(request.POST.get("history_id", ""))
    except ValueError:
        raise Http404 from None
    record = find_record(plan.pk, kind, history_id)
    if record is None:
        raise Http404
    try:
        restore(record, kind=kind)
    except CannotRestore as err:
        messages.error(request, str(err))
    else:
        messages.success(request, _("The version of %(when)s is restored.") % {"when": record.history_date})
    return redirect("plans:history", pk=plan.pk)


# ---------------------------------------------------------------------------
# Documents


def document(request: HttpRequest, pk: int, lang: str, fmt: str, year: int | None = None) -> HttpResponse:
    plan = _plan(request, pk)
    if lang not in ("fi", "sv") or fmt not in ("pdf", "docx"):
        raise Http404
    data, content_type = documents.render(plan, lang=lang, fmt=fmt, year=year)
    name = f"plan-{plan.pk}" + (f"-follow-up-{year}" if year else "") + f"-{lang}.{fmt}"
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
