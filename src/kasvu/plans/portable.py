"""A plan as YAML: export, and import all or nothing.

The format (see ``docs/plans.md``) names areas by code (``"049"``, or
``kind:code`` for other kinds) and indicators by key (``sotkanet:4``); it
carries the metadata of the indicators it uses so that a plan can move to an
installation that lacks them. Exporting, importing into an empty database and
exporting again gives the same text.

Errors are :class:`PlanImportError` naming the path in the file, e.g.
``goals[2].actions[0].start``; nothing is stored when there is one.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction

from kasvu.bank.areas import AmbiguousArea, AreaNotFound, find_area
from kasvu.bank.loader import upsert_indicators
from kasvu.bank.models import Area, Indicator
from kasvu.importers.base import IndicatorMeta
from kasvu.plans.models import (
    Action,
    ActionFollowUp,
    FollowUp,
    Goal,
    GoalIndicator,
    IndicatorFollowUp,
    Plan,
    Requirement,
    SelfAssessment,
)

FORMAT_VERSION = 1


class PlanImportError(Exception):
    """A plan file could not be imported. Nothing was stored."""

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        self.detail = message
        super().__init__(f"{path}: {message}" if path else message)


# ---------------------------------------------------------------------------
# Export


def _texts(obj: object, field: str) -> dict[str, str]:
    out = {"fi": getattr(obj, f"{field}_fi")}
    if getattr(obj, f"{field}_sv"):
        out["sv"] = getattr(obj, f"{field}_sv")
    return out


def area_ref(area: Area) -> str:
    return area.code if area.kind == "municipality" else area.key


def _money(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _drop_empty(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v not in (None, "", [], {})}


def plan_to_data(plan: Plan) -> dict[str, Any]:
    """The plan as plain data (what :func:`export_plan` writes)."""
    goals = list(plan.goals.all())
    action_paths: dict[int, str] = {}
    indicator_paths: dict[int, str] = {}
    used: dict[str, Indicator] = {}
    goal_data = []
    for gi, goal in enumerate(goals):
        actions = []
        for ai, action in enumerate(goal.actions.all()):
            action_paths[action.id] = f"goals[{gi}].actions[{ai}]"
            actions.append(
                _drop_empty(
                    {
                        "description": _texts(action, "description"),
                        "owner": action.owner,
                        "partners": action.partners,
                        "start": action.start,
                        "end": action.end,
                        "resources": action.resources,
                        "budget_eur": _money(action.budget_eur),
                        "status": action.status,
                    }
                )
            )
        indicators = []
        for ii, link in enumerate(goal.indicators.select_related("indicator__source", "area")):
            indicator_paths[link.id] = f"goals[{gi}].indicators[{ii}]"
            used[link.indicator.key] = link.indicator
            indicators.append(
                _drop_empty(
                    {
                        "indicator": link.indicator.key,
                        "area": area_ref(link.area),
                        "baseline": _drop_empty({"year": link.baseline_year, "value": link.baseline_value}),
                        "target": _drop_empty({"year": link.target_year, "value": link.target_value}),
                        "direction": link.direction,
                    }
                )
            )
        goal_data.append(
            _drop_empty(
                {
                    "kind": goal.kind,
                    "rights": list(goal.rights),
                    "statement": _texts(goal, "statement"),
                    "requirements": [_texts(r, "text") for r in goal.requirements.all()],
                    "actions": actions,
                    "indicators": indicators,
                }
            )
        )
    assessments = [
        _drop_empty(
            {
                "right": sa.right,
                "title": _texts(sa, "title"),
                "levels": [_texts(sa, f"level_{i}") for i in range(1, 5)],
                "level": sa.level,
                "evidence": sa.evidence_links(),
                "comment": sa.comment,
            }
        )
        for sa in plan.self_assessments.all()
    ]
    follow_ups = []
    for fu in plan.follow_ups.all():
        follow_ups.append(
            _drop_empty(
                {
                    "year": fu.year,
                    "summary": _drop_empty(_texts(fu, "summary")),
                    "actions": [
                        _drop_empty(
                            {
                                "action": action_paths[afu.action_id],
                                "status": afu.status,
                                "narrative": _drop_empty(_texts(afu, "narrative")),
                            }
                        )
                        for afu in sorted(fu.actions.all(), key=lambda a: action_paths[a.action_id])
                    ],
                    "indicators": [
                        _drop_empty(
                            {
                                "indicator": indicator_paths[ifu.goal_indicator_id],
                                "status": ifu.status,
                                "reason": ifu.reason,
                                "by": ifu.overridden_by,
                                "at": ifu.overridden_at.isoformat() if ifu.overridden_at else None,
                            }
                        )
                        for ifu in sorted(
                            fu.indicators.all(), key=lambda i: indicator_paths[i.goal_indicator_id]
                        )
                    ],
                }
            )
        )
    return _drop_empty(
        {
            "kasvu_plan": FORMAT_VERSION,
            "title": _texts(plan, "title"),
            "areas": sorted(area_ref(a) for a in plan.areas.all()),
            "period": {"start": plan.start_year, "end": plan.end_year},
            "status": plan.status,
            "approval": _drop_empty({"body": plan.approved_by, "date": plan.approved_on}),
            "review_due": plan.review_due,
            "indicators": [
                _drop_empty(
                    {
                        "key": ind.key,
                        "source": ind.source.key,
                        "title": _drop_empty({"fi": ind.title_fi, "sv": ind.title_sv, "en": ind.title_en}),
                        "unit": ind.unit,
                        "decimals": ind.decimals,
                        "scale": ind.scale,
                        "direction": ind.direction,
                    }
                )
                for _, ind in sorted(used.items())
            ],
            "goals": goal_data,
            "self_assessment": assessments,
            "follow_ups": follow_ups,
        }
    )


def export_plan(plan: Plan) -> str:
    """The plan as YAML text."""
    return yaml.safe_dump(plan_to_data(plan), allow_unicode=True, sort_keys=False, width=100)


# ---------------------------------------------------------------------------
# Import


class _Reader:
    """Typed access to the parsed YAML, with errors that name the path."""

    def mapping(self, value: Any, path: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise PlanImportError(path, "expected a mapping (key: value lines).")
        return value

    def items(self, data: dict[str, Any], key: str, path: str) -> list[Any]:
        value = data.get(key, [])
        if value is None:
            return []
        if not isinstance(value, list):
            raise PlanImportError(self.at(path, key), "expected a list (lines starting with '- ').")
        return value

    @staticmethod
    def at(path: str, key: str) -> str:
        return f"{path}.{key}" if path else key

    def text(self, data: dict[str, Any], key: str, path: str, *, required: bool = False) -> dict[str, str]:
        """A text in Finnish and Swedish: ``{fi: ..., sv: ...}`` or a plain string (Finnish)."""
        return self.text_value(data.get(key), self.at(path, key), required=required)

    def text_value(self, value: Any, where: str, *, required: bool = False) -> dict[str, str]:
        if value is None:
            value = {}
        if isinstance(value, str):
            value = {"fi": value}
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise PlanImportError(where, "expected a text, or fi: and sv: texts.")
        unknown = set(value) - {"fi", "sv"}
        if unknown:
            raise PlanImportError(where, f"unknown language {sorted(unknown)[0]!r}: use fi and sv.")
        if required and not value.get("fi"):
            raise PlanImportError(where, "the Finnish text (fi) is required.")
        return {"fi": value.get("fi", ""), "sv": value.get("sv", "")}

    def string(self, data: dict[str, Any], key: str, path: str, default: str = "") -> str:
        value = data.get(key, default)
        if value is None:
            return default
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise PlanImportError(self.at(path, key), "expected a text.")
        return str(value)

    def integer(self, data: dict[str, Any], key: str, path: str, *, required: bool = False) -> int | None:
        value = data.get(key)
        if value is None:
            if required:
                raise PlanImportError(self.at(path, key), "is required.")
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise PlanImportError(self.at(path, key), f"expected a whole number, got {value!r}.")
        return value

    def number(self, data: dict[str, Any], key: str, path: str) -> float | None:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise PlanImportError(self.at(path, key), f"expected a number, got {value!r}.")
        return float(value)

    def date(self, data: dict[str, Any], key: str, path: str) -> dt.date | None:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, str):
            try:
                value = dt.date.fromisoformat(value)
            except ValueError:
                raise PlanImportError(
                    self.at(path, key), f"expected a date like 2024-01-31, got {value!r}."
                ) from None
        if not isinstance(value, dt.date):
            raise PlanImportError(self.at(path, key), f"expected a date like 2024-01-31, got {value!r}.")
        return value

    def choice(self, data: dict[str, Any], key: str, path: str, choices: Any, default: str = "") -> str:
        value = self.string(data, key, path, default)
        valid = list(choices.values)
        if value not in valid and not (value == "" and default == ""):
            raise PlanImportError(self.at(path, key), f"{value!r} is not one of: {', '.join(valid)}.")
        return value


def _save(obj: Any, path: str, exclude: list[str] | None = None) -> None:
    """Validate like a form would, naming the YAML path, then save."""
    try:
        obj.full_clean(exclude=exclude, validate_unique=False)
    except ValidationError as err:
        field, messages = next(iter(err.message_dict.items()))
        where = path if field == "__all__" else f"{path}.{field}" if path else field
        raise PlanImportError(where, " ".join(messages)) from None
    obj.save()


def _metas(r: _Reader, data: dict[str, Any]) -> list[IndicatorMeta]:
    metas = []
    for i, item in enumerate(r.items(data, "indicators", "")):
        path = f"indicators[{i}]"
        item = r.mapping(item, path)
        key = r.string(item, "key", path)
        if ":" not in key:
            raise PlanImportError(f"{path}.key", f"expected an indicator key like sotkanet:4, got {key!r}.")
        title = r.mapping(item.get("title") or {"fi": key}, f"{path}.title")
        from kasvu.bank.models import Direction

        metas.append(
            IndicatorMeta(
                key=key,
                source=r.string(item, "source", path, key.split(":", 1)[0]),
                source_id=key.split(":", 1)[1],
                title={k: str(v) for k, v in title.items()},
                unit=r.string(item, "unit", path),
                decimals=r.integer(item, "decimals", path) or 0 if "decimals" in item else 1,
                scale=r.number(item, "scale", path) or 1.0,
                direction=r.choice(item, "direction", path, Direction, "neutral"),
                licence="",
            )
        )
    return metas


def _indicator(key: str, path: str) -> Indicator:
    ind = Indicator.objects.filter(key=key).first()
    if ind is None:
        raise PlanImportError(
            path,
            f"indicator {key!r} is not in the bank. Import it first, or describe it under indicators: in this file.",
        )
    return ind


def _area(ref: Any, path: str) -> Area:
    try:
        return find_area(str(ref))
    except (AreaNotFound, AmbiguousArea) as err:
        raise PlanImportError(path, str(err)) from None


def _goal(r: _Reader, plan: Plan, item: Any, gi: int, paths: dict[str, Any]) -> None:
    from kasvu.bank.models import Direction
    from kasvu.plans.models import ActionStatus, GoalKind

    path = f"goals[{gi}]"
    item = r.mapping(item, path)
    rights = item.get("rights", [])
    statement = r.text(item, "statement", path, required=True)
    goal = Goal(
        plan=plan,
        kind=r.choice(item, "kind", path, GoalKind, "outcome"),
        rights=rights if rights is not None else [],
        statement_fi=statement["fi"],
        statement_sv=statement["sv"],
        order=gi,
    )
    _save(goal, path, ["plan"])
    for ri, req in enumerate(r.items(item, "requirements", path)):
        rp = f"{path}.requirements[{ri}]"
        text = r.text_value(req, rp, required=True)
        _save(Requirement(goal=goal, text_fi=text["fi"], text_sv=text["sv"], order=ri), rp, ["goal"])
    for ai, act in enumerate(r.items(item, "actions", path)):
        ap = f"{path}.actions[{ai}]"
        act = r.mapping(act, ap)
        desc = r.text(act, "description", ap, required=True)
        budget = act.get("budget_eur")
        if budget is not None:
            try:
                if isinstance(budget, bool):
                    raise InvalidOperation
                budget = Decimal(str(budget))
            except InvalidOperation:
                raise PlanImportError(
                    f"{ap}.budget_eur", f"expected an amount in euros, got {budget!r}."
                ) from None
        action = Action(
            goal=goal,
            description_fi=desc["fi"],
            description_sv=desc["sv"],
            owner=r.string(act, "owner", ap),
            partners=r.string(act, "partners", ap),
            start=r.date(act, "start", ap),
            end=r.date(act, "end", ap),
            resources=r.string(act, "resources", ap),
            budget_eur=budget,
            status=r.choice(act, "status", ap, ActionStatus, "planned"),
            order=ai,
        )
        _save(action, ap, ["goal"])
        paths[ap] = action
    for ii, link in enumerate(r.items(item, "indicators", path)):
        ip = f"{path}.indicators[{ii}]"
        link = r.mapping(link, ip)
        baseline = r.mapping(link.get("baseline") or {}, f"{ip}.baseline")
        target = r.mapping(link.get("target") or {}, f"{ip}.target")
        gi_obj = GoalIndicator(
            goal=goal,
            indicator=_indicator(r.string(link, "indicator", ip), f"{ip}.indicator"),
            area=_area(r.string(link, "area", ip), f"{ip}.area"),
            baseline_year=r.integer(baseline, "year", f"{ip}.baseline"),
            baseline_value=r.number(baseline, "value", f"{ip}.baseline"),
            target_year=r.integer(target, "year", f"{ip}.target"),
            target_value=r.number(target, "value", f"{ip}.target"),
            direction=r.choice(link, "direction", ip, Direction, ""),
            order=ii,
        )
        _save(gi_obj, ip, ["goal"])
        paths[ip] = gi_obj


def _self_assessment(r: _Reader, plan: Plan, item: Any, si: int) -> None:
    path = f"self_assessment[{si}]"
    item = r.mapping(item, path)
    title = r.text(item, "title", path, required=True)
    levels = r.items(item, "levels", path)
    if len(levels) > 4:
        raise PlanImportError(f"{path}.levels", "give at most four levels (1–4).")
    fields: dict[str, str] = {}
    for i in range(4):
        text = r.text_value(levels[i] if i < len(levels) else None, f"{path}.levels[{i}]")
        fields[f"level_{i + 1}_fi"], fields[f"level_{i + 1}_sv"] = text["fi"], text["sv"]
    evidence = r.items(item, "evidence", path)
    sa = SelfAssessment(
        plan=plan,
        right=r.string(item, "right", path),
        title_fi=title["fi"],
        title_sv=title["sv"],
        level=r.integer(item, "level", path),
        evidence="\n".join(str(e) for e in evidence),
        comment=r.string(item, "comment", path),
        order=si,
        **fields,
    )
    _save(sa, path, ["plan"])


def _follow_up(r: _Reader, plan: Plan, item: Any, fi: int, paths: dict[str, Any]) -> None:
    from kasvu.plans.models import ActionStatus, TargetStatus

    path = f"follow_ups[{fi}]"
    item = r.mapping(item, path)
    summary = r.text(item, "summary", path)
    fu = FollowUp(
        plan=plan,
        year=r.integer(item, "year", path, required=True),
        summary_fi=summary["fi"],
        summary_sv=summary["sv"],
    )
    if plan.follow_ups.filter(year=fu.year).exists():
        raise PlanImportError(f"{path}.year", f"the follow-up of {fu.year} is given twice.")
    _save(fu, path, ["plan"])
    for ai, act in enumerate(r.items(item, "actions", path)):
        ap = f"{path}.actions[{ai}]"
        act = r.mapping(act, ap)
        ref = r.string(act, "action", ap)
        if not isinstance(paths.get(ref), Action):
            raise PlanImportError(
                f"{ap}.action", f"{ref!r} is not an action of this plan (e.g. goals[0].actions[0])."
            )
        narrative = r.text(act, "narrative", ap)
        _save(
            ActionFollowUp(
                follow_up=fu,
                action=paths[ref],
                status=r.choice(act, "status", ap, ActionStatus, "planned"),
                narrative_fi=narrative["fi"],
                narrative_sv=narrative["sv"],
            ),
            ap,
            ["follow_up", "action"],
        )
    for ii, ind in enumerate(r.items(item, "indicators", path)):
        ip = f"{path}.indicators[{ii}]"
        ind = r.mapping(ind, ip)
        ref = r.string(ind, "indicator", ip)
        if not isinstance(paths.get(ref), GoalIndicator):
            raise PlanImportError(
                f"{ip}.indicator", f"{ref!r} is not an indicator of this plan (e.g. goals[0].indicators[0])."
            )
        at = r.string(ind, "at", ip)
        try:
            when = dt.datetime.fromisoformat(at) if at else None
        except ValueError:
            raise PlanImportError(
                f"{ip}.at", f"expected a time like 2024-01-31T12:00:00+00:00, got {at!r}."
            ) from None
        _save(
            IndicatorFollowUp(
                follow_up=fu,
                goal_indicator=paths[ref],
                status=r.choice(ind, "status", ip, TargetStatus, "no_data"),
                reason=r.string(ind, "reason", ip),
                overridden_by=r.string(ind, "by", ip),
                overridden_at=when,
            ),
            ip,
            ["follow_up", "goal_indicator"],
        )


def data_to_plan(data: Any) -> Plan:
    """Create a plan from parsed YAML. Raises PlanImportError; stores nothing then."""
    from kasvu.plans.models import PlanStatus

    r = _Reader()
    data = r.mapping(data, "")
    version = data.get("kasvu_plan")
    if version != FORMAT_VERSION:
        raise PlanImportError("kasvu_plan", f"expected format version {FORMAT_VERSION}, got {version!r}.")
    with transaction.atomic():
        metas = [m for m in _metas(r, data) if not Indicator.objects.filter(key=m.key).exists()]
        upsert_indicators(metas)
        title = r.text(data, "title", "", required=True)
        period = r.mapping(data.get("period") or {}, "period")
        approval = r.mapping(data.get("approval") or {}, "approval")
        plan = Plan(
            title_fi=title["fi"],
            title_sv=title["sv"],
            start_year=r.integer(period, "start", "period", required=True),
            end_year=r.integer(period, "end", "period", required=True),
            status=r.choice(data, "status", "", PlanStatus, "draft"),
            approved_by=r.string(approval, "body", "approval"),
            approved_on=r.date(approval, "date", "approval"),
            review_due=r.date(data, "review_due", ""),
        )
        _save(plan, "")
        areas = [_area(ref, f"areas[{i}]") for i, ref in enumerate(r.items(data, "areas", ""))]
        if not areas:
            raise PlanImportError("areas", "give at least one municipality code, e.g. ['049'].")
        plan.areas.set(areas)
        paths: dict[str, Any] = {}
        for gi, goal in enumerate(r.items(data, "goals", "")):
            _goal(r, plan, goal, gi, paths)
        for si, sa in enumerate(r.items(data, "self_assessment", "")):
            _self_assessment(r, plan, sa, si)
        for fi, fu in enumerate(r.items(data, "follow_ups", "")):
            _follow_up(r, plan, fu, fi, paths)
    return plan


class _Loader(yaml.SafeLoader):
    """Safe YAML that leaves dates as text, so that a bad date is reported with its path."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def import_plan(text: str) -> Plan:
    """Create a plan from YAML text, all or nothing."""
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "YAML"
        raise PlanImportError(where, f"not valid YAML: {err.problem}.") from None
    except (yaml.YAMLError, ValueError) as err:
        raise PlanImportError("", f"not valid YAML: {err}.") from None
    return data_to_plan(data)
